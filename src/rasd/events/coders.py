"""The event coders, by engine: the seam between the pipeline's event stage and whatever decides the events.

"rules": the trigger and cue lexicons decide (rasd.events); "learned": they read, trained models decide
(rasd.events.learned).  A coder is built once per process and shared; it keeps nothing of a document.
"""
from __future__ import annotations

from rasd.events import extract_events
from rasd.events.learned import EventModels, LearnedCoder
from rasd.events.lexicon import EventLexicon, event_lexicon
from rasd.model import Document
from rasd.resolve.actors import ActorRegistry, actor_registry
from rasd.resources import shared


class RuleCoder:
    """The shipped event coder: trigger and cue lexicons decide (see the module's docstring)."""

    def __init__(self, lexicon: EventLexicon, registry: ActorRegistry):
        self.lexicon = lexicon
        self.registry = registry

    def extract(self, doc: Document) -> None:
        extract_events(doc, self.lexicon, self.registry)


@shared
def load_event_coder(engine: str = "rules"):
    """The event coder of an engine, loaded once per process: "rules" (trigger and cue lexicons decide) or
    "learned" (they read, trained models decide: rasd.events.learned)."""
    if engine == "rules":
        return RuleCoder(event_lexicon(), actor_registry())
    if engine == "learned":
        return LearnedCoder(event_lexicon(), actor_registry(), EventModels.load())
    raise ValueError(f"unknown event engine {engine!r} (expected 'rules' or 'learned')")
