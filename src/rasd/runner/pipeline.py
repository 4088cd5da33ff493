"""The pipeline: stages that each fill some fields of one document, over shared read-only resources.

Stages are declared like spaCy's components: a name, the `Document` fields they need (`requires`) and the
fields they fill (`assigns`).  A pipeline checks when it is assembled that every stage finds what it needs,
so a stage never has to re-derive an earlier stage's output.  A stage keeps no state of its own; what it
reads from `Resources` is immutable and shared, so one pipeline serves any number of threads, and a worker
process rebuilds it from its pickled configuration (stage names and resource settings).
"""
from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rasd.model import Document
from rasd.runner.resources import Resources
from rasd.runner.stages import STAGES, Stage

INPUT_FIELDS = ("raw", "format", "source_path", "url", "title", "published", "outlet")


DEFAULT_ORDER = ("clean", "language", "segment", "entities", "actors", "places", "events")

# A report that takes every stage through its resources: the NER model, actor registry, gazetteer and event coder.
_WARM_UP_TEXT = ("قال المرصد السوري لحقوق الإنسان إن قوات النظام قصفت بلدة كفرنبل في ريف إدلب الجنوبي"
                 " بعشرات القذائف المدفعية، ما أدى إلى مقتل خمسة مدنيين بينهم طفلان.")


class PipelineError(ValueError):
    """A pipeline whose stages do not fit together."""


@dataclass
class Pipeline:
    stages: list[Stage] = field(default_factory=list)
    resources: Resources = field(default_factory=Resources)

    @classmethod
    def of(cls, names: Iterable[str], resources: Resources | None = None,
           given: Sequence[str] = INPUT_FIELDS) -> "Pipeline":
        """The named stages in order; `given` are the document fields filled before the first one runs."""
        stages = [STAGES[n] for n in names]
        filled = set(given)
        for st in stages:
            missing = [f for f in st.requires if f not in filled]
            if missing:
                raise PipelineError(f"stage {st.name!r} needs {', '.join(missing)}, which no earlier stage fills")
            filled.update(st.assigns)
        return cls(stages, resources or Resources())

    @classmethod
    def default(cls, resources: Resources | None = None) -> "Pipeline":
        return cls.of(DEFAULT_ORDER, resources)

    def __call__(self, doc: Document, time_budget_s: float | None = None) -> Document:
        """Run the stages on `doc` until they are done or one of them says the analysis stops there.

        A document that has taken more than `time_budget_s` when a stage ends is given up with a StageError
        (TimeBudgetExceeded).  A stage is not interrupted: stages are deterministic CPU-bound code, and threads
        or signals to stop them would make results depend on timing.
        """
        started = time.perf_counter()
        for st in self.stages:
            t0 = time.perf_counter()
            try:
                st.run(doc, self.resources)
            except Exception as e:
                raise StageError(st.name, e) from e
            now = time.perf_counter()
            doc.timings[st.name] = doc.timings.get(st.name, 0.0) + now - t0
            if time_budget_s is not None and now - started > time_budget_s:
                raise StageError(st.name, TimeBudgetExceeded(
                    f"{now - started:.1f} s, over the {time_budget_s:g} s budget per document"))
            if doc.stopped:
                break  # e.g. non-Arabic text: stored and flagged, not run through Arabic models
        return doc

    def warm_up(self) -> float:
        """Load every resource the stages read, and the modules they import, now rather than during the first
        document (a process does it once, as it starts); returns the seconds it took.  The loaded resources live
        as long as the process, so they are then frozen out of the garbage collector's generations: its full
        collections, which the analysis and the store trigger every few dozen documents, no longer walk through
        their millions of objects."""
        started = time.perf_counter()
        self(Document(raw=_WARM_UP_TEXT))
        gc.freeze()
        return time.perf_counter() - started

    def __reduce__(self):
        """Pickled as its configuration: a worker rebuilds the stages from their names and loads resources itself."""
        return (Pipeline.of, ([s.name for s in self.stages], self.resources, _given(self.stages)))


def _given(stages: list[Stage]) -> tuple[str, ...]:
    """The fields a pipeline of these stages started from (what no stage of it fills)."""
    filled: set[str] = set()
    needed: list[str] = []
    for st in stages:
        needed += [f for f in st.requires if f not in filled and f not in needed]
        filled.update(st.assigns)
    return tuple(dict.fromkeys([*INPUT_FIELDS, *needed]))


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
