"""Actor registry and linking: canonical actors from clitic-bearing, quoted and aliased names."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from rasd.model import Document, Entity
from rasd.text.arabic import split_sentences, tokenize
from rasd.resolve.actors import ActorRegistry, link_actors

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "scraped-article-sputnik.txt"
TOOLS = Path(__file__).resolve().parents[1] / "tools"


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    return ActorRegistry.load()


def make_doc(text: str, published: str | None = None) -> Document:
    doc = Document(raw=text, text=text, published=published)
    doc.tokens = tokenize(text)
    doc.sentences = split_sentences(text)
    return doc


def linked(text: str, registry: ActorRegistry, published: str | None = None) -> dict[str, str]:
    doc = make_doc(text, published)
    link_actors(doc, registry)
    return {e.text: e.actor for e in doc.entities}


@pytest.fixture(scope="module")
def sample_entities(registry) -> list[Entity]:
    if not SAMPLE.exists():
        pytest.skip("shared sample not available")
    doc = make_doc(SAMPLE.read_text(encoding="utf-8"))
    link_actors(doc, registry)
    return doc.entities


def test_sample_hts_and_nusra_are_one_actor(sample_entities, registry):
    hts = registry.by_id("hts").name_en
    assert hts == "Hayat Tahrir al-Sham"
    actors = {e.text: e.actor for e in sample_entities}
    assert actors["هيئة تحرير الشام"] == hts
    assert actors["جبهة النصرة"] == hts


def test_sample_turkistan_party_full_and_short_names(sample_entities):
    by_text = {}
    for e in sample_entities:
        by_text.setdefault(e.text, set()).add(e.actor)
    assert by_text["الحزب الإسلامي التركستاني"] == {"Turkistan Islamic Party"}
    assert by_text["الحزب التركستاني"] == {"Turkistan Islamic Party"}
    assert by_text["لحزب التركستاني"] == {"Turkistan Islamic Party"}  # "للحزب": the preposition is left out


def test_sample_army_and_outlet(sample_entities, registry):
    army = [e for e in sample_entities if e.text == "الجيش السوري"]
    assert army and {e.actor for e in army} == {registry.by_id("syr-army-2000-2024").name_en}
    sputnik = [e for e in sample_entities if e.text == "سبوتنيك"]
    assert len(sputnik) == 3 and {e.actor for e in sputnik} == {"Sputnik"}
    assert registry.get("Sputnik").is_outlet


def test_sample_entities_sorted_and_disjoint(sample_entities):
    assert len(sample_entities) == 28
    assert all(a.end <= b.start for a, b in zip(sample_entities, sample_entities[1:]))
    assert all(e.source == "lexicon" and e.label == "ORG" for e in sample_entities)


def test_clitics_quotes_and_spans(registry):
    text = "وقال مصدر إن وهيئة تحرير الشام نقلت أسلحة للحزب التركستاني و”جبهة النصرة” بالجيش السوري."
    doc = make_doc(text)
    link_actors(doc, registry)
    got = [(e.text, e.actor) for e in doc.entities]
    assert got == [("هيئة تحرير الشام", "Hayat Tahrir al-Sham"), ("لحزب التركستاني", "Turkistan Islamic Party"),
                   ("جبهة النصرة", "Hayat Tahrir al-Sham"), ("الجيش السوري", "Military Forces of Syria (2000-2024)")]
    first = doc.entities[0]
    assert text[first.start:first.end] == "هيئة تحرير الشام" and text[first.start - 1] == "و"


def test_alias_abbreviation_and_longest_match(registry):
    got = linked("أعلنت قوات سوريا الديمقراطية (قسد) أن الجيش العربي السوري والجيش السوري الحر تبادلا القصف.", registry)
    assert got["قوات سوريا الديمقراطية"] == got["قسد"] == "Syrian Democratic Forces"
    assert got["الجيش العربي السوري"] == "Military Forces of Syria (2000-2024)"
    assert got["الجيش السوري الحر"] == "Free Syrian Army"


def test_article_variation_inside_names(registry):
    assert linked("هاجم عناصر من لواء سلطان مراد القرية.", registry) == {"لواء سلطان مراد": "Sultan Murad Division"}
    # an indefinite last word is in construct with what follows: a different group
    assert linked("قاتل لواء توحيد الجنوب في المنطقة.", registry) == {}
    assert linked("قاتل جيش أحرار الشرقية في المنطقة.", registry) == {"أحرار الشرقية": "Ahrar al-Sharqiya"}


def test_actors_the_real_news_annotators_found_missing_are_linked(registry):
    got = linked("أفرجت جماعة بوكو حرام عن الطالبات، واعتقلت الشرطة الفلبينية قياديا، وأوقف الجيش اليوناني جنديين.",
                 registry)
    assert got["جماعة بوكو حرام"] == "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"
    assert got["الشرطة الفلبينية"] == "Police Forces of the Philippines"
    assert got["الجيش اليوناني"] == "Military Forces of Greece"
    got = linked("وقصفت الميليشيات الانقلابية الأحياء، فيما قتل قناص حوثي طفلا.", registry)
    assert got["الميليشيات الانقلابية"] == got["حوثي"] == "Houthis (Ansar Allah)"
    got = linked("قصفت فصائل المعارضة المسلحة حي جوبر، واعتقلت الشرطة البريطانية أربعة أشخاص.", registry)
    assert got["فصائل المعارضة المسلحة"] == "Opposition Rebels (Syria)"
    assert got["الشرطة البريطانية"] == "Police Forces of the United Kingdom"


def test_common_words_are_not_actors(registry):
    text = ("قالت الدولة إن الجيش والحكومة والحزب والتحالف والقاعدة الجوية والمرصد الملكي "
            "وحماس الجماهير وفتح المعبر والدفاع الوطني كلها في أمان.")
    got = linked(text, registry)
    assert set(got.values()) <= {"Hamas"}
    assert not any(k in got for k in ("الدولة", "الجيش", "القاعدة", "المرصد", "فتح", "الدفاع الوطني"))
    assert linked("ارتفع الحماس في الملعب.", registry) == {}


def test_existing_entities_are_linked_widened_or_kept(registry):
    text = "قصفت هيئة تحرير الشام مواقع يسيطر عليها الجيش السوري في حماة."
    doc = make_doc(text)
    start = text.index("تحرير")
    army = text.index("الجيش السوري في حماة")
    doc.entities = [Entity(start, start + len("تحرير الشام"), "تحرير الشام", "LOC"),
                    Entity(army, army + len("الجيش السوري في حماة"), "الجيش السوري في حماة", "ORG")]
    link_actors(doc, registry)
    hts, army_ent = doc.entities
    assert (hts.text, hts.label, hts.actor) == ("هيئة تحرير الشام", "ORG", "Hayat Tahrir al-Sham")
    assert (army_ent.text, army_ent.actor) == ("الجيش السوري في حماة", "Military Forces of Syria (2000-2024)")


def test_persons_get_per(registry):
    doc = make_doc("التقى أبو محمد الجولاني وفدا تركيا.")
    link_actors(doc, registry)
    (ent,) = doc.entities
    assert (ent.text, ent.label, ent.actor) == ("أبو محمد الجولاني", "PER", "Ahmed al-Sharaa")
    assert registry.by_id("ahmed-al-sharaa").member_of == "syr-transitional-government"


def test_successor_chain_and_dated_documents(registry):
    salvation = registry.by_id("syr-salvation-government")
    assert registry.current(salvation).id == "syr-transitional-government"
    assert registry.current(salvation, "2025-01-15").id == "syr-caretaker-government"
    assert registry.current(salvation, "2024-06-01") is salvation
    assert registry.current(registry.by_id("lby-gna")).name_en == "Government of National Unity (Libya)"
    assert linked("انتشر الجيش السوري في اللاذقية.", registry, "2025-03-10")["الجيش السوري"] == "Military Forces of Syria (2024-)"
    assert linked("انتشر الجيش السوري في اللاذقية.", registry, "2019-03-10")["الجيش السوري"] == "Military Forces of Syria (2000-2024)"
    # walked back too: the new army's own names, or the state's forces picked by country, in 2018 mean Assad's army
    new_army = registry.by_id("syr-army-2024")
    assert registry.current(new_army, "2018-06-22").id == "syr-army-2000-2024"
    assert registry.current(new_army, "2025-06-22") is new_army
    assert linked("انتشر الجيش السوري الجديد في اللاذقية.", registry, "2018-03-10")["الجيش السوري الجديد"] == \
        "Military Forces of Syria (2000-2024)"


def test_libya_s_forces_in_2018_are_haftar_s_army_and_the_gna_s(registry):
    # in 2018 reporting "the Libyan army" is Haftar's; the Tripoli government's forces were the GNA's until 2021
    assert linked("الجيش الليبي يستعيد السيطرة على ميناء درنة", registry, "2018-06-05")["الجيش الليبي"] == \
        "Libyan Arab Armed Forces"
    gnu_forces = registry.by_id("lby-gnu-forces")
    assert registry.current(gnu_forces, "2018-06-05").name_en == \
        "Military Forces of Libya (2016-2021) Government of National Accord"
    assert registry.current(gnu_forces, "2023-06-05") is gnu_forces


def test_former_names_link_to_current_actor(registry):
    hts = registry.by_id("hts")
    assert {f.name_en for f in hts.former_names} == {"Jabhat al-Nusra", "Jabhat Fatah al-Sham"}
    assert linked("انسحبت جبهة فتح الشام من البلدة.", registry) == {"جبهة فتح الشام": "Hayat Tahrir al-Sham"}


@pytest.mark.parametrize("line,outlet", [
    ("“سبوتنيك”", "Sputnik"), ("وكالة سانا", "SANA"), ("Sputnik", "Sputnik"), ("SANA", "SANA"),
    ("المصدر: الجزيرة", "Al Jazeera"), ("(أ ف ب)", "Agence France-Presse"), ("لوكالة رويترز", "Reuters"),
    ("المصدر: المرصد السوري لحقوق الإنسان", "Syrian Observatory for Human Rights"),
])
def test_find_outlet(registry, line, outlet):
    found = registry.find_outlet(line)
    assert found is not None and found.name_en == outlet and found.is_outlet
    assert 0 < found.outlet.reliability_prior < 1


def test_find_outlet_ignores_non_outlets(registry):
    assert registry.find_outlet("هيئة تحرير الشام") is None
    assert registry.find_outlet("شارك في الاجتماع ممثلون عن البلدية") is None


def test_registry_size_and_validator(registry):
    import subprocess
    import sys

    assert sum(1 for a in registry.actors if not a.is_person) >= 420
    res = subprocess.run([sys.executable, str(TOOLS / "check_actors.py")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "OK" in res.stdout


def test_linking_a_long_text_finds_every_mention():
    """Speed is measured by `rasd bench`; here a long repetitive text must still be linked throughout."""
    registry = ActorRegistry.load()
    text = ("وقالت مصادر إن قوات سوريا الديمقراطية استهدفت مواقع للجيش التركي والفصائل في ريف حلب الشمالي "
            "فيما أعلن المرصد السوري لحقوق الإنسان مقتل عنصرين. ") * 2000
    doc = make_doc(text)
    link_actors(doc, registry)
    linked = Counter(e.actor for e in doc.entities if e.actor)
    assert linked["Syrian Democratic Forces"] == 2000
    assert linked["Syrian Observatory for Human Rights"] == 2000
