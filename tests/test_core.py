"""The core's promises: results independent of threads, picklable pipelines and errors, declared stages,
events that own their attribution, and one phrase matcher with its clitic rules."""
from __future__ import annotations

import json
import pickle
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import rasd
from rasd.nlp.phrases import ANY_CLITICS, CLITICS_AND_ARTICLE, EXACT, MatcherGroup, PhraseMatcher
from rasd.resources import shared
from rasd.runner.pipeline import Pipeline, PipelineError, StageError
from rasd.runner.resources import Resources
from rasd.text.arabic import MAX_CACHED_WORD, tokenize, word_cache

GOLD = Path(__file__).resolve().parent.parent / "gold"


def _texts(n: int) -> list[str]:
    with open(GOLD / "events_dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle][:n]


def _analysed(text: str) -> str:
    return json.dumps(rasd.analyze(text, published="2025-10-10").to_dict(), sort_keys=True, ensure_ascii=False)


def test_eight_threads_give_exactly_the_sequential_results():
    texts = _texts(24)
    sequential = [_analysed(t) for t in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        with ThreadPoolExecutor(8) as pool:
            threaded = list(pool.map(_analysed, texts * 3))
    finally:
        sys.setswitchinterval(interval)
    assert threaded == sequential * 3


def test_every_event_owns_its_attribution():
    doc = rasd.analyze(_texts(1)[0], published="2025-07-08")
    assert doc.events and doc.claims
    claim_attributions = {id(c.attribution) for c in doc.claims}
    for event in doc.events:
        assert id(event.sources) not in claim_attributions
        assert event.sources.confidence == event.confidence
    assert len({id(e.sources) for e in doc.events}) == len(doc.events)


def test_a_loaded_pipeline_pickles_as_its_configuration_and_gives_the_same_results():
    pipeline = Pipeline.default(Resources())
    text = _texts(2)[1]
    first = pipeline(rasd.ingest.document_from_text(text, published="2025-10-10")).to_dict()
    copy = pickle.loads(pickle.dumps(pipeline))
    assert [s.name for s in copy.stages] == [s.name for s in pipeline.stages]
    assert copy(rasd.ingest.document_from_text(text, published="2025-10-10")).to_dict() == first


def test_a_gazetteer_pickles_without_its_connection():
    gazetteer = Resources().gazetteer
    copy = pickle.loads(pickle.dumps(gazetteer))
    assert [p.source_id for p in copy.by_name("حلب")] == [p.source_id for p in gazetteer.by_name("حلب")]


def test_stage_error_survives_pickling():
    error = pickle.loads(pickle.dumps(StageError("places", KeyError(None))))
    assert error.stage == "places" and isinstance(error.cause, KeyError)
    assert str(error) == "places: KeyError: None"


def test_a_stage_that_misses_what_it_needs_is_refused_when_the_pipeline_is_built():
    with pytest.raises(PipelineError, match="'events' needs .*entities"):
        Pipeline.of(["clean", "language", "segment", "events"])
    assert [s.name for s in Pipeline.of(["clean", "language", "segment"]).stages] == ["clean", "language", "segment"]


def test_non_arabic_text_stops_the_analysis_by_a_document_flag():
    doc = rasd.analyze("This is an English wire story about a meeting in Geneva, with nothing Arabic in it at all.")
    assert doc.language == "en" and doc.stopped and "not Arabic" in doc.stopped
    assert doc.tokens == [] and doc.events == []


def test_metadata_defaults_fill_only_what_the_input_does_not_say():
    pipeline = Pipeline.default()
    doc = rasd.ingest.document_from_text("قتل ثلاثة مدنيين في قصف على مدينة إدلب أمس.", published="2024-05-02")
    doc.metadata_defaults = {"published": "2020-01-01", "outlet": "Test Outlet"}
    pipeline(doc)
    assert doc.published == "2024-05-02" and doc.outlet == "Test Outlet"


def test_shared_loaders_build_once_per_argument_even_when_threads_race():
    calls = []

    @shared
    def load(name):
        calls.append(name)
        return object()

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(load, ["a", "b"] * 50))
    assert sorted(calls) == ["a", "b"]
    assert len({id(g) for g in got}) == 2


def _norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


def test_one_matcher_longest_first_with_the_clitic_rule_as_a_parameter():
    matcher = PhraseMatcher([(("قصف",), "strike"), (("قصف", "مدفعي"), "shelling"), (("غار*",), "raid")], ANY_CLITICS)
    found = matcher.find(_norms("وبالقصف المدفعي والغارات"))
    assert [(m.start, m.end, m.value, m.cut) for m in found] == [(0, 2, "shelling", 4), (2, 3, "raid", 3)]
    exact = PhraseMatcher([(("قصف",), "strike")], EXACT)
    assert exact.find(_norms("وبالقصف")) == []


def test_a_phrase_continuing_another_is_read_without_proclitics():
    matcher = PhraseMatcher([(("صواريخ", "جراد"), "rocket")], CLITICS_AND_ARTICLE)
    assert matcher.match_at(_norms("بالصواريخ جراد"), 0).value == "rocket"
    assert matcher.match_at(_norms("بالصواريخ جراد"), 0).cut == 1


def test_a_group_scope_rules_lists_out_without_looking_further():
    group = MatcherGroup({"air": PhraseMatcher([(("غاره",), 1)], ANY_CLITICS),
                          "protest": PhraseMatcher([(("مظاهره",), 1)], ANY_CLITICS)})
    norms = _norms("شنت الطائرات غارة على البلدة")
    scope = group.scope(norms)
    assert group.has("air", norms, scope) and not group.may_match("protest", scope)
    assert group.find("protest", norms, scope) == []


def test_a_group_names_in_one_pass_every_list_present_in_a_sentence():
    group = MatcherGroup({"air": PhraseMatcher([(("غاره", "جويه"), 1)], ANY_CLITICS),
                          "protest": PhraseMatcher([(("مظاهره",), 1)], ANY_CLITICS),
                          "killing": PhraseMatcher([(("قتل",), 1), (("مقتل",), 1)], ANY_CLITICS)})
    norms = _norms("أدت غارة على البلدة إلى مقتل ثلاثة، قبل غارة جوية ثانية")
    scope = group.scope(norms)
    # "غارة على" opens the air list without matching it; the second "غارة جوية" does
    assert group.present(norms, scope) == ["air", "killing"]
    assert group.present(norms, scope) == [name for name in group.matchers if group.has(name, norms, scope)]


def test_a_million_letter_word_is_not_cached():
    seen = []

    @word_cache
    def length(word: str) -> int:
        seen.append(word)
        return len(word)

    huge = "ب" * 1_000_000
    assert length(huge) == length(huge) == 1_000_000
    assert len(seen) == 2  # computed twice: too long to keep
    short = "ب" * MAX_CACHED_WORD
    length(short), length(short)
    assert len(seen) == 3


class _CountingList(list):
    """A list that counts how often it is walked from start to end."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_the_event_stage_walks_the_sentence_list_a_fixed_number_of_times():
    # a place named once, then many sentences with a strike each: every strike looks back for the last place
    text = "قصفت الطائرات مدينة إدلب أمس. " + " ".join(f"ووقع قصف عنيف رقم {i}." for i in range(300))
    pipeline = Pipeline.of(["clean", "language", "segment", "entities", "actors", "places"])
    doc = pipeline(rasd.ingest.document_from_text(text, published="2024-01-01"))
    doc.sentences = _CountingList(doc.sentences)
    _CountingList.walks = 0
    Pipeline.of(["events"], given=[f for f in vars(doc)])(doc)
    assert doc.events and _CountingList.walks <= 3  # was once per strike: quadratic in the sentences


@pytest.mark.parametrize("text", ["قصف على ريف إربد الشمالي", "قصف على ريف إربد الشمالي.", "ريف المفرق"])
def test_a_countryside_without_a_head_word_kind_is_no_failure(text):
    doc = rasd.analyze(text)  # raised KeyError(None) in the places stage
    assert all(p.country == "JO" for p in doc.places)


def test_a_number_too_long_for_a_float_is_no_count_and_no_failure():
    doc = rasd.analyze("قتل " + "9" * 400 + " شخصا في قصف على مدينة إدلب أمس.", published="2024-01-01")
    assert doc.events and all(e.fatalities is None for e in doc.events)  # raised OverflowError in the events stage
