"""Batch runs: inputs → pipeline → store, never stopped by one bad document, resumable after a kill."""
from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tqdm import tqdm

from rasd.ingest import InputItem, escape_surrogates, iter_inputs
from rasd.limits import COMMIT_EVERY_CHARS, COMMIT_EVERY_DOCS, COMMIT_EVERY_SECONDS, DOCUMENT_TIME_BUDGET_S
from rasd.model import Document
from rasd.runner.pipeline import Pipeline, StageError
from rasd.store import Store, UnstorableDocument


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
              progress: bool | None = None, time_budget_s: float = DOCUMENT_TIME_BUDGET_S) -> RunSummary:
    """Analyse every input into `store`, recording each one as stored, duplicate or failed with its reason.
    A document that takes more than `time_budget_s` is a failure (see Pipeline.__call__).

    Documents are analysed outside any transaction and written in batches (every COMMIT_EVERY_DOCS documents,
    COMMIT_EVERY_SECONDS or COMMIT_EVERY_CHARS of text), each batch in one short write transaction: the write
    lock is never held while input is read or analysed, so another writer (a second `rasd analyze` into the
    same database) waits a moment at most, and a run killed at any point has stored each written document
    exactly once.  Errors of the database itself end the run.
    """
    summary = RunSummary()
    # from the command line, where bytes that are not UTF-8 arrive as lone surrogates that cannot be stored
    defaults = {key: value and escape_surrogates(value) for key, value in (defaults or {}).items()}
    t0 = time.perf_counter()
    bar = tqdm(unit=" doc", disable=(not sys.stderr.isatty()) if progress is None else not progress,
               file=sys.stderr, mininterval=0.5)
    pending: list[tuple[InputItem, Document | _Failed]] = []
    pending_chars, pending_since = 0, time.monotonic()
    try:
        for item in iter_inputs(paths):
            summary.read += 1
            bar.update(1)
            if store.seen(item.input_key):
                summary.already_stored += 1
                continue
            if not pending:
                pending_since = time.monotonic()
            pending.append((item, _analyse(item, pipeline, defaults, time_budget_s)))
            pending_chars += len(item.document.raw) if item.document else 0
            if (len(pending) >= COMMIT_EVERY_DOCS or pending_chars >= COMMIT_EVERY_CHARS
                    or time.monotonic() - pending_since >= COMMIT_EVERY_SECONDS):
                _write(pending, store, pipeline, summary)
                pending, pending_chars = [], 0
        _write(pending, store, pipeline, summary)
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - t0
    return summary


@dataclass
class _Failed:
    stage: str
    reason: str


def _analyse(item: InputItem, pipeline: Pipeline, defaults: dict[str, str | None],
             time_budget_s: float) -> Document | _Failed:
    if item.failure:
        return _Failed("ingest", item.failure.reason)
    doc = item.document
    doc.metadata_defaults = {key: value for key, value in defaults.items() if value}
    try:
        pipeline(doc, time_budget_s)
    except StageError as e:
        return _Failed(e.stage, f"{type(e.cause).__name__}: {e.cause}")
    if not doc.text.strip():
        return _Failed("clean", "no article text left after cleaning")
    return doc


def _write(pending: list[tuple[InputItem, Document | _Failed]], store: Store, pipeline: Pipeline,
           summary: RunSummary) -> None:
    if pending:
        with store.transaction():
            for item, result in pending:
                _record(item, result, store, pipeline, summary)


def _record(item: InputItem, result: Document | _Failed, store: Store, pipeline: Pipeline,
            summary: RunSummary) -> None:
    """Write one input's outcome.  Inside the write transaction, an input that another process stored while
    this one analysed it counts as already stored, not twice."""
    if store.seen(item.input_key):
        summary.already_stored += 1
        return
    if isinstance(result, _Failed):
        _fail(store, summary, item, result.stage, result.reason)
        return
    doc = result
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
