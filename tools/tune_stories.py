"""Sweep the story settings of rasd.corpus.stories over the annotated story windows that tuning may use (w1 and
w2; w3 is held out) and print BCubed F1 for each setting.

    rasd eval-stories gold/real/stories/w1-ghouta.json gold/real/stories/w2-douma.json   # analyses them once
    python tools/tune_stories.py [--work build/stories]

Each setting rebuilds the corpus layer of a throwaway copy of each window's database.
"""
from __future__ import annotations

import argparse
import itertools
import sqlite3
from pathlib import Path

from rasd.corpus import Corpus, stories
from rasd.evaluate.stories import documents_by_docno, load_window, score
from rasd.store import Store

REPO = Path(__file__).resolve().parents[1]
TUNING_WINDOWS = ("w1-ghouta", "w2-douma")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("build/stories"))
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.2, 0.25, 0.3])
    parser.add_argument("--text-weights", type=float, nargs="+", default=[0.7, 0.85, 1.0])
    args = parser.parse_args()
    windows = {name: load_window(REPO / "gold" / "real" / "stories" / f"{name}.json") for name in TUNING_WINDOWS}
    for threshold, text in itertools.product(args.thresholds, args.text_weights):
        stories.JOIN_THRESHOLD = threshold
        rest = (1 - text) / 3
        stories.WEIGHTS = {"text": text, "actors": rest, "places": rest, "types": rest}
        figures = []
        for name, window in windows.items():
            figures.append(_score(args.work, name, window))
        mean = sum(f["stories"]["f1"] for f in figures) / len(figures)
        print(f"threshold {threshold:.2f} text {text:.2f}: " + "  ".join(
            f"{f['window']} P {f['stories']['precision']:.3f} R {f['stories']['recall']:.3f}"
            f" F1 {f['stories']['f1']:.3f}" for f in figures) + f"  mean F1 {mean:.3f}", flush=True)
    return 0


def _score(work: Path, name: str, window: dict) -> dict:
    copy = work / f".tune-{name}.db"
    with sqlite3.connect(work / f"{name}.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    try:
        with Store(copy) as store:
            with store.transaction():
                Corpus(store.conn).rebuild()
            folders = sorted(p for p in (work / name).iterdir() if p.is_dir())
            return score(store.conn, window, documents_by_docno(store.conn, folders))
    finally:
        copy.unlink()
        for suffix in ("-wal", "-shm"):
            copy.with_name(copy.name + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
