"""Batch runs: inputs → pipeline → store, never stopped by one bad document, resumable after a kill."""
from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from tqdm import tqdm

from rasd.corpus import Corpus
from rasd.ingest import InputItem, escape_surrogates, iter_inputs
from rasd.limits import COMMIT_EVERY_CHARS, COMMIT_EVERY_DOCS, COMMIT_EVERY_SECONDS, DOCUMENT_TIME_BUDGET_S
from rasd.runner.pipeline import Pipeline, StageError
from rasd.store import DocumentRows, Store, UnstorableDocument, document_rows


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    already_stored: int = 0
    failed: int = 0
    non_arabic: int = 0
    near_duplicates: int = 0
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
        out.append(f"corpus: {self.near_duplicates} near-duplicates of stored articles")
        out += [f"failed: {path}: {reason}" for path, reason in self.failures]
        return out


def run_batch(paths: Iterable[str], store: Store, pipeline: Pipeline, defaults: dict[str, str | None] | None = None,
              progress: bool | None = None, time_budget_s: float = DOCUMENT_TIME_BUDGET_S,
              workers: Workers | None = None) -> RunSummary:
    """Analyse every input into `store`, recording each one as stored, duplicate or failed with its reason.
    A document that takes more than `time_budget_s` is a failure (see Pipeline.__call__).

    `workers` says where the analysis runs: in this process (None), in worker processes
    (rasd.runner.processes) or on a Dask cluster (rasd.runner.cluster).  Wherever it runs, the results come
    back in input order and this process alone writes them, so the database is the same whatever the choice.
    Documents are analysed outside any transaction and written by a BatchWriter in short transactions, so a
    run killed at any point has stored each written document exactly once.  Errors of the database itself
    end the run.
    """
    summary = RunSummary()
    # from the command line, where bytes that are not UTF-8 arrive as lone surrogates that cannot be stored
    analysis = Analysis(pipeline, {key: escape_surrogates(value) for key, value in (defaults or {}).items() if value},
                        time_budget_s)
    t0 = time.perf_counter()
    with (workers or InProcess()).start(analysis) as analyse:  # workers start before the progress bar's thread
        bar = tqdm(unit=" doc", disable=(not sys.stderr.isatty()) if progress is None else not progress,
                   file=sys.stderr, mininterval=0.5)
        writer = BatchWriter(store, summary, pipeline.resources.title_encoder)
        try:
            for item, outcome in analyse(_unseen(iter_inputs(paths), store, summary, bar)):
                bar.update(1)
                writer.add(item, outcome)
            writer.flush()
        finally:
            bar.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _unseen(items: Iterable[InputItem], store: Store, summary: RunSummary, bar: tqdm) -> Iterator[InputItem]:
    """The inputs not stored yet, counting every input read and those a run before this one stored."""
    for item in items:
        summary.read += 1
        if store.seen(item.input_key):
            summary.already_stored += 1
            bar.update(1)
            continue
        yield item


@dataclass(frozen=True)
class Failed:
    """An input that gave no document, and the stage where it failed."""

    stage: str
    reason: str


Outcome = DocumentRows | Failed


@dataclass(frozen=True)
class Analysis:
    """How one input is analysed, wherever that happens: a pipeline, the caller's metadata defaults and a time
    budget per document.  It pickles as the pipeline's configuration and two small values, so a worker process
    or a cluster worker receives it once and analyses any number of inputs with it.

    Its result is the document's rows, made where it was analysed (see rasd.store.rows), or why it failed.
    """

    pipeline: Pipeline
    defaults: dict[str, str]
    time_budget_s: float

    def __call__(self, item: InputItem) -> Outcome:
        if item.failure:
            return Failed("ingest", item.failure.reason)
        doc = item.document
        doc.metadata_defaults = dict(self.defaults)
        try:
            self.pipeline(doc, self.time_budget_s)
        except StageError as e:
            return Failed(e.stage, f"{type(e.cause).__name__}: {e.cause}")
        if not doc.text.strip():
            return Failed("clean", "no article text left after cleaning")
        try:
            return document_rows(doc, self.pipeline.resources.actor_info)
        except UnstorableDocument as e:
            return Failed("store", str(e))


AnalysedInputs = Callable[[Iterable[InputItem]], Iterator[tuple[InputItem, Outcome]]]


class Workers(Protocol):
    """Where the analysis runs.  `start` gives, for as long as it is open, a function from inputs to each
    input with its outcome, in input order."""

    def start(self, analysis: Analysis) -> AbstractContextManager[AnalysedInputs]: ...


class InProcess:
    """The analysis in this process, one input after another, after loading its resources (as a worker does)
    when the first input to analyse comes: a run that finds every input stored already loads nothing."""

    @contextmanager
    def start(self, analysis: Analysis) -> Iterator[AnalysedInputs]:
        def analysed(items: Iterable[InputItem]) -> Iterator[tuple[InputItem, Outcome]]:
            for k, item in enumerate(items):
                if k == 0:
                    analysis.pipeline.warm_up()
                yield item, analysis(item)

        yield analysed


class BatchWriter:
    """Writes analysed inputs in batches (every COMMIT_EVERY_DOCS documents, COMMIT_EVERY_SECONDS or
    COMMIT_EVERY_CHARS of text), each batch in one short write transaction: the write lock is never held while
    input is read or analysed, so another writer (a second `rasd analyze` into the same database) waits a moment
    at most, and what a killed run wrote is whole.  Each batch's transaction also runs the corpus step
    (rasd.corpus) over the documents stored since the last one, so near-duplicates, stories and merged events
    are never behind what is stored.  Call `flush` after the last input."""

    def __init__(self, store: Store, summary: RunSummary, title_encoder=None):
        self.store, self.summary = store, summary
        self.corpus = Corpus(store.conn, title_encoder)
        self.pending: list[tuple[InputItem, Outcome]] = []
        self.pending_chars, self.pending_since = 0, time.monotonic()

    def add(self, item: InputItem, outcome: Outcome) -> None:
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append((item, outcome))
        self.pending_chars += len(item.document.raw) if item.document else 0
        if (len(self.pending) >= COMMIT_EVERY_DOCS or self.pending_chars >= COMMIT_EVERY_CHARS
                or time.monotonic() - self.pending_since >= COMMIT_EVERY_SECONDS):
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with self.store.transaction():
                for item, outcome in self.pending:
                    _record(item, outcome, self.store, self.summary)
                self.summary.near_duplicates += sum(p.duplicate_of is not None for p in self.corpus.update())
            self.pending, self.pending_chars = [], 0


def _record(item: InputItem, outcome: Outcome, store: Store, summary: RunSummary) -> None:
    """Write one input's outcome.  Inside the write transaction, an input that another process stored while
    this one analysed it counts as already stored, not twice."""
    if store.seen(item.input_key):
        summary.already_stored += 1
        return
    if isinstance(outcome, Failed):
        _fail(store, summary, item, outcome.stage, outcome.reason)
        return
    try:
        written = store.write(outcome, item.input_key)
    except UnstorableDocument as e:
        _fail(store, summary, item, "store", str(e))
        return
    if written == "duplicate":
        summary.duplicates += 1
        return
    summary.stored += 1
    summary.non_arabic += outcome.language != "ar"
    summary.entities += outcome.entity_count
    summary.places += outcome.place_count
    summary.events += outcome.asserted_event_count
    summary.words += outcome.word_count
    summary.removed.update(outcome.removed_kinds)


def _fail(store: Store, summary: RunSummary, item: InputItem, stage: str, reason: str) -> None:
    store.record_failure(item.input_key, item.source_path, stage, reason)
    summary.failed += 1
    summary.failures.append((item.source_path, reason))
