"""Batch runs: inputs → pipeline → store, never stopped by one bad document, resumable after a kill."""
from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tqdm import tqdm

from rasd.ingest import InputItem, escape_surrogates, iter_inputs
from rasd.runner.pipeline import Pipeline, StageError
from rasd.store import Store, UnstorableDocument

COMMIT_EVERY_DOCS = 50
COMMIT_EVERY_SECONDS = 2.0


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    already_stored: int = 0
    failed: int = 0
    non_arabic: int = 0
    entities: int = 0
    places: int = 0
    events: int = 0
    words: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    removed: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"read {self.read} documents in {self.seconds:.1f} s: {self.stored} stored, {self.duplicates} duplicates, "
            f"{self.already_stored} already stored, {self.failed} failed, {self.non_arabic} not Arabic",
            f"cleaned: removed {sum(self.removed.values())} pieces"
            + (" (" + ", ".join(f"{k} {v}" for k, v in self.removed.most_common()) + ")" if self.removed else ""),
            f"found: {self.entities} entities, {self.places} places, {self.events} events in {self.words} words",
        ]
        out += [f"failed: {path}: {reason}" for path, reason in self.failures]
        return out


def run_batch(paths: Iterable[str], store: Store, pipeline: Pipeline, defaults: dict[str, str | None] | None = None,
              progress: bool | None = None) -> RunSummary:
    summary = RunSummary()
    # from the command line, where bytes that are not UTF-8 arrive as lone surrogates that cannot be stored
    defaults = {key: value and escape_surrogates(value) for key, value in (defaults or {}).items()}
    t0 = time.perf_counter()
    bar = tqdm(unit=" doc", disable=(not sys.stderr.isatty()) if progress is None else not progress,
               file=sys.stderr, mininterval=0.5)
    last_commit = time.monotonic()
    pending = 0
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        for item in iter_inputs(paths):
            summary.read += 1
            bar.update(1)
            _process(item, store, pipeline, defaults, summary)
            pending += 1
            if pending >= COMMIT_EVERY_DOCS or time.monotonic() - last_commit > COMMIT_EVERY_SECONDS:
                store.conn.execute("COMMIT")
                store.conn.execute("BEGIN IMMEDIATE")
                pending, last_commit = 0, time.monotonic()
        store.conn.execute("COMMIT")
    except BaseException:
        store.conn.execute("ROLLBACK")
        raise
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _process(item: InputItem, store: Store, pipeline: Pipeline, defaults: dict[str, str | None] | None,
             summary: RunSummary) -> None:
    if store.seen(item.input_key):
        summary.already_stored += 1
        return
    if item.failure:
        _fail(store, summary, item, "ingest", item.failure.reason)
        return
    doc = item.document
    try:
        pipeline(doc, defaults)
    except StageError as e:
        _fail(store, summary, item, e.stage, f"{type(e.cause).__name__}: {e.cause}")
        return
    if not doc.text.strip():
        _fail(store, summary, item, "clean", "no article text left after cleaning")
        return
    try:
        outcome = store.save(doc, item.input_key, pipeline.resources.actor_info)
    except UnstorableDocument as e:
        _fail(store, summary, item, "store", str(e))
        return
    if outcome == "duplicate":
        summary.duplicates += 1
        return
    summary.stored += 1
    summary.non_arabic += doc.language != "ar"
    summary.entities += len(doc.entities)
    summary.places += len(doc.places)
    summary.events += sum(1 for e in doc.events if e.modality == "asserted")
    summary.words += len(doc.text.split())
    summary.removed.update(r.kind for r in doc.removed)


def _fail(store: Store, summary: RunSummary, item: InputItem, stage: str, reason: str) -> None:
    store.record_failure(item.input_key, item.source_path, stage, reason)
    summary.failed += 1
    summary.failures.append((item.source_path, reason))
