"""Read-only resources shared by all documents, loaded lazily on first use.

Loading is the expensive part (model weights, gazetteer); a worker process
builds one `Resources` and reuses it for every document it sees.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources"


class Resources:
    def __init__(self, ner_backend: str | None = None):
        # None: the shipped CRF model; "hf:PATH": a local transformers token-classification model
        self.ner_backend = ner_backend

    @cached_property
    def ner(self):
        from rasd.nlp.ner import load_recognizer

        return load_recognizer(self.ner_backend)

    @cached_property
    def actors(self):
        from rasd.resolve.actors import ActorRegistry

        return ActorRegistry.load()

    @cached_property
    def gazetteer(self):
        from rasd.resolve.places import Gazetteer

        return Gazetteer.load()

    @cached_property
    def event_lexicon(self):
        from rasd.events import EventLexicon

        return EventLexicon.load()

    def outlet_name(self, name: str) -> str | None:
        """Canonical English name of the outlet a signature or dateline names, if the registry knows it."""
        outlet = self.actors.find_outlet(name)
        return outlet.name_en if outlet else None

    def actor_info(self, name: str) -> dict | None:
        """What the store records about an actor named in a document."""
        actor = self.actors.get(name)
        if actor is None:
            return None
        return {"type": actor.type, "inter": actor.acled_inter, "country": actor.country,
                "wikidata": actor.wikidata, "names_ar": actor.names_ar}
