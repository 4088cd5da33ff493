"""`rasd eval --gold FILE.jsonl`: score the pipeline against hand-annotated articles.

The gold text is already clean, so the pipeline runs from the language stage on
with the gold text as the clean text: gold offsets and predicted offsets then
refer to the same string.  An article scores only the parts it annotates: a
gold line without "events" adds nothing to the event figures.

Gold lines with a "split" (the real-news gold built by tools/real_gold/build.py) are scored per split.  The
test split is frozen: it is scored only when asked for by name (`--split test`), its errors are never printed,
and each scoring is appended to gold/real/test_scorings.log, so that the rule "at most twice per working
session" can be checked afterwards.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasd.clean import document_id
from rasd.evaluate.entities import score_entities
from rasd.evaluate.events import score_events
from rasd.evaluate.places import score_places
from rasd.model import Document
from rasd.runner.pipeline import DEFAULT_ORDER, INPUT_FIELDS, Pipeline
from rasd.runner.resources import Resources


FROZEN_SPLIT = "test"


class GoldError(ValueError):
    """A gold file that cannot be read or scored as asked."""
TEST_LOG = Path(__file__).resolve().parents[3] / "gold" / "real" / "test_scorings.log"


def load_gold(paths: list[str]) -> list[dict[str, Any]]:
    gold = []
    for path in paths:
        try:
            # JSON lines end at "\n" only: an article's text may hold U+2028/U+2029, which splitlines() breaks at
            lines = Path(path).read_text(encoding="utf-8").split("\n")
        except OSError as e:
            raise GoldError(f"cannot read {path}: {e.strerror}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise GoldError(f"{path}:{n}: not JSON: {e}") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise GoldError(f"{path}:{n}: a gold line needs a 'text' string")
            gold.append(record)
    return gold


def predict(gold: list[dict[str, Any]], resources: Resources | None = None) -> list[Document]:
    """Run every stage after cleaning on the gold texts."""
    pipeline = Pipeline.of(DEFAULT_ORDER[1:], resources, given=(*INPUT_FIELDS, "text", "id"))
    out = []
    for g in gold:
        doc = Document(raw=g["text"], id=g.get("id"), published=g.get("published"), outlet=g.get("outlet"),
                       title=g.get("title"))
        doc.text = doc.source_text = g["text"]
        doc.id = doc.id or document_id(doc.text)
        if doc.outlet:
            doc.outlet = pipeline.resources.outlet_name(doc.outlet) or doc.outlet
        out.append(pipeline(doc))
    return out


def evaluate(gold: list[dict[str, Any]], predicted: list[Document]) -> dict[str, Any]:
    pairs = list(zip(gold, predicted))
    result: dict[str, Any] = {"articles": len(gold)}
    with_entities = [(g, p) for g, p in pairs if "entities" in g]
    if with_entities:
        result["entities"] = score_entities([g for g, _ in with_entities], [p for _, p in with_entities])
    with_places = [(g, p) for g, p in pairs if "places" in g]
    if with_places:
        result["places"] = score_places([g for g, _ in with_places], [p for _, p in with_places])
    with_events = [(g, p) for g, p in pairs if "events" in g]
    if with_events:
        result["events"] = score_events([g for g, _ in with_events], [p for _, p in with_events])
    return result


def split_gold(gold: list[dict[str, Any]], wanted: list[str] | None) -> dict[str, list[dict[str, Any]]]:
    """Articles by split, in the order first seen; without splits in the file, one group "all"."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        groups.setdefault(g.get("split") or "all", []).append(g)
    if wanted:
        unknown = [w for w in wanted if w not in groups]
        if unknown:
            raise GoldError(f"no split {', '.join(unknown)} in the gold file(s) (splits: {', '.join(groups)})")
        return {name: groups[name] for name in wanted}
    return {name: g for name, g in groups.items() if name != FROZEN_SPLIT}


def log_test_scoring(paths: list[str], result: dict[str, Any], engine: str) -> None:
    """One line per scoring of the frozen test split: when, on which code and event coder, and the headline figures."""
    import datetime as dt
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    events = result.get("events", {})
    figures = {"type_f1": events.get("event_type", {}).get("f1"), "sub_type_f1": events.get("sub_event_type", {}).get("f1"),
               "places_within_25km": result.get("places", {}).get("within_25km_share"),
               "false_place_rate": result.get("places", {}).get("false_place_rate")}
    line = f"{dt.datetime.now().isoformat(timespec='seconds')}\t{commit}\t{engine}\t{' '.join(paths)}\t{json.dumps(figures)}\n"
    TEST_LOG.parent.mkdir(parents=True, exist_ok=True)
    with TEST_LOG.open("a", encoding="utf-8") as handle:
        handle.write(line)
