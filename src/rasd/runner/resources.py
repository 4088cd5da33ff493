"""The read-only resources the stages use, by name.

Each resource is loaded by its own package's shared loader (`rasd.resources.shared`): built once per process
on first use and shared by every pipeline and thread in it.  A `Resources` object is only a choice of backends
(which NER model, which event coder), so it pickles as that choice and a worker process loads what it needs.
"""
from __future__ import annotations

from dataclasses import dataclass


ENGINES = ("rules", "learned")  # rasd.events.coders.load_event_coder's engines
DEFAULT_ENGINE = "learned"


@dataclass(frozen=True)
class Resources:
    # None: the shipped CRF; "crf:PATH": a CRF trained into PATH; "accurate": the encoder model; "hf:PATH": a local
    # transformers token-classification model (rasd.nlp.ner.load_recognizer)
    ner_backend: str | None = None
    # the event coder: "rules" (lexicon rules decide) or "learned" (trained models decide; rasd.events.learned)
    event_engine: str = DEFAULT_ENGINE
    # whether the learned place filter (resources/place_filter.npz) drops what it takes for no place
    filter_places: bool = True
    # whether the corpus step also compares the multilingual sentence embeddings of titles, so that an English
    # wire story joins its Arabic coverage (needs `rasd build-encoder`; about 25 times the step's cost)
    embed_titles: bool = False

    @property
    def ner(self):
        from rasd.nlp.ner import load_recognizer

        return load_recognizer(self.ner_backend)

    @property
    def actors(self):
        from rasd.resolve.actors import actor_registry

        return actor_registry()

    @property
    def gazetteer(self):
        from rasd.resolve.gazetteer import gazetteer

        return gazetteer()

    @property
    def place_filter(self):
        from rasd.resolve.place_filter import place_filter

        return place_filter() if self.filter_places else None

    @property
    def event_coder(self):
        from rasd.events.coders import load_event_coder

        return load_event_coder(self.event_engine)

    @property
    def title_encoder(self):
        """The sentence encoder of the corpus step's titles, or None when titles are not embedded; raises
        rasd.nlp.encoder.EncoderNotBuilt, saying how to build it, when they are and it is not built."""
        if not self.embed_titles:
            return None
        from rasd.nlp.encoder import cache_dir
        from rasd.nlp.encoder.sentences import shared_sentence_encoder

        return shared_sentence_encoder(cache_dir())

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
