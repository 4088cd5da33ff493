# The two commands of the README: `make run` and `make test`.  Everything they need is installed here.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
OUT := out
SHARED_SAMPLES := ../shared/samples
PUBLISHED := 2026-11-20

.PHONY: setup setup-test run test clean

$(BIN)/activate:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,hf,dask,encoder]'
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

# Analyse the bundled corpus (and the shared sample article when ../shared is beside the repo),
# then write the database and every export under out/.
run: setup
	mkdir -p $(OUT)
	$(BIN)/rasd analyze samples $(wildcard $(SHARED_SAMPLES)) --db $(OUT)/rasd.db --published $(PUBLISHED) --no-progress || [ $$? -eq 1 ]
	$(BIN)/rasd export --format jsonl --db $(OUT)/rasd.db -o $(OUT)/documents.jsonl
	$(BIN)/rasd export --format csv --db $(OUT)/rasd.db -o $(OUT)/events.csv
	$(BIN)/rasd export --format geojson --db $(OUT)/rasd.db -o $(OUT)/events.geojson

test: setup-test
	sh tools/install_chromium.sh
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(OUT) $(VENV) .pytest_cache
