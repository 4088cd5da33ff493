"""The pipeline: named stages, each a pure function of one document over read-only resources.

A stage takes a `Document` and the shared `Resources` and fills some fields of
the document; it never touches global state, so the same pipeline runs in a
worker process or on a Dask worker by pickling nothing but the input text.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rasd.model import Document
from rasd.runner.resources import Resources

StageFn = Callable[[Document, Resources], None]


@dataclass
class Stage:
    name: str
    fn: StageFn


STAGES: dict[str, StageFn] = {}


def stage(name: str) -> Callable[[StageFn], StageFn]:
    """Register a stage under `name` (the registry the default pipeline is assembled from)."""

    def deco(fn: StageFn) -> StageFn:
        STAGES[name] = fn
        return fn

    return deco


DEFAULT_ORDER = ("clean", "language", "segment", "entities", "actors", "places", "events")


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)
    resources: Resources = field(default_factory=Resources)

    @classmethod
    def default(cls, resources: Resources | None = None, upto: str | None = None) -> "Pipeline":
        import rasd.runner.stages  # noqa: F401  (registers the stages)

        names = list(DEFAULT_ORDER)
        if upto:
            names = names[: names.index(upto) + 1]
        return cls([Stage(n, STAGES[n]) for n in names], resources or Resources())

    def __call__(self, doc: Document, defaults: dict[str, str | None] | None = None,
                 time_budget_s: float | None = None) -> Document:
        """Run every stage on `doc`.  `defaults` fill metadata (published, outlet) the input itself lacks.

        A document that has taken more than `time_budget_s` when a stage ends is given up with a StageError
        (TimeBudgetExceeded).  A stage is not interrupted: stages are deterministic CPU-bound code, and threads
        or signals to stop them would make results depend on timing.
        """
        started = time.perf_counter()
        for st in self.stages:
            t0 = time.perf_counter()
            try:
                st.fn(doc, self.resources)
            except Exception as e:
                raise StageError(st.name, e) from e
            now = time.perf_counter()
            doc.timings[st.name] = doc.timings.get(st.name, 0.0) + now - t0
            if time_budget_s is not None and now - started > time_budget_s:
                raise StageError(st.name, TimeBudgetExceeded(
                    f"{now - started:.1f} s, over the {time_budget_s:g} s budget per document"))
            if st.name == "clean" and defaults:
                for key, value in defaults.items():
                    if value and not getattr(doc, key):
                        setattr(doc, key, value)
            if st.name == "language" and doc.language != "ar":
                break  # non-Arabic text is flagged and kept, not run through Arabic models
        return doc


class StageError(Exception):
    """A stage failed on one document; carries the stage name for the failure record.

    Its arguments are the stage name and the cause, so that it pickles: a worker process can send it back.
    """

    def __init__(self, stage_name: str, cause: Exception):
        super().__init__(stage_name, cause)
        self.stage = stage_name
        self.cause = cause

    def __str__(self) -> str:
        return f"{self.stage}: {type(self.cause).__name__}: {self.cause}"


class TimeBudgetExceeded(Exception):
    """A document took longer than its time budget; the failure's stage is the one it ran out in."""


_DEFAULT: Pipeline | None = None


def default_pipeline() -> Pipeline:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline.default()
    return _DEFAULT


def analyze(text_or_html: str, published: str | None = None, outlet: str | None = None,
            url: str | None = None, title: str | None = None) -> Document:
    """Analyse one article given as plain text or an HTML page."""
    from rasd.ingest import document_from_text

    doc = document_from_text(text_or_html, published=published, outlet=outlet, url=url, title=title)
    return default_pipeline()(doc)


def analyze_batch(docs: Iterable[Document], pipeline: Pipeline | None = None) -> Iterator[Document]:
    """Analyse documents one after another; a failing document raises only for itself (see runner.batch)."""
    pipe = pipeline or default_pipeline()
    for doc in docs:
        yield pipe(doc)
