"""Events and attribution as the rules coder reads them, through the whole pipeline.  The learned coder builds
on this reading (its candidates, roles, places and dates); tests/test_learned_events.py tests what it decides."""
import pytest

from conftest import SPUTNIK
from rasd.ingest import document_from_text
from rasd.runner.pipeline import Pipeline
from rasd.runner.resources import Resources

RULES = Pipeline.default(Resources(event_engine="rules"))


def analyze(text, published=None):
    return RULES(document_from_text(text, published=published))


@pytest.fixture(scope="module")
def sputnik():
    return analyze(SPUTNIK.read_text(encoding="utf-8"), published="2026-11-20")


def _asserted(doc):
    return [e for e in doc.events if e.modality == "asserted"]


def test_sample_meeting_is_an_agreement_between_hts_and_tip_in_jisr_al_shughur(sputnik):
    meetings = [e for e in _asserted(sputnik) if e.sub_event_type == "Agreement"]
    assert len(meetings) == 1
    m = meetings[0]
    assert m.event_type == "Strategic developments"
    assert {m.actor1, m.actor2} == {"Hayat Tahrir al-Sham", "Turkistan Islamic Party"}
    assert m.location.name_en.startswith("Jisr") and m.location.precision == 1
    assert m.event_date == "2026-11-20"  # "خلال الساعات الماضية"
    assert len(m.evidence) == 2  # told in the first two paragraphs


def test_sample_drone_shipment_and_redeployment_are_strategic_developments(sputnik):
    others = [e for e in _asserted(sputnik) if e.event_type == "Strategic developments" and e.sub_event_type == "Other"]
    drones = next(e for e in others if any(q.value == 200 for q in e.quantities))
    assert drones.actor1 == "Hayat Tahrir al-Sham"
    assert drones.location.name_en == "Al Janudiyah"
    assert drones.event_date == "2026-11-13" and drones.time_precision == 2  # "الأسبوع الماضي"
    moves = next(e for e in others if e is not drones)
    assert moves.actor1 == "Turkistan Islamic Party"
    assert moves.location.country == "SY" and sputnik.text[moves.evidence[0][0]:moves.evidence[0][1]].count("تعزيزات")


def test_sample_claims_rest_on_one_anonymous_source_via_sputnik(sputnik):
    for e in _asserted(sputnik):
        chain = e.sources.sources
        assert chain[0].kind == "anonymous" and "مصادر مطلعة" in chain[0].text
        assert chain[-1].actor == "Sputnik"
        assert e.confidence < 0.5
        for s, t in e.evidence:
            assert 0 <= s < t <= len(sputnik.text)
    estimate = next(c for c in sputnik.claims if any(q.value == 13000 for q in c.quantities))
    assert estimate.attribution.sources[0].kind == "anonymous"
    assert any(h in ("بنحو",) for h in estimate.attribution.hedges)


def test_sample_framing_markers_and_hypotheticals(sputnik):
    kinds = {(m.text, m.kind) for m in sputnik.framing}
    assert ("الجماعات الإرهابية", "loaded_label") in kinds and ("الإرهابي", "loaded_label") in kinds
    assert ("ما يسمى", "distancing") in kinds
    assert any(m.kind == "scare_quotes" and "خبراء" in m.text for m in sputnik.framing)
    assert any(t == "بزعم" for t, _ in kinds)
    # "عمليات الاغتيال والتصفية التي تترافق عادة مع أي تقدم": feared, not done
    assert all(e.sub_event_type != "Attack" for e in _asserted(sputnik))


def _events(text, published="2026-03-10"):
    return analyze(text, published=published).events


def test_negated_future_and_conditional_statements_are_not_coded():
    events = _events(
        "قال مصدر عسكري إنه لم يتم تسجيل أي اشتباكات في ريف حلب الشمالي خلال الليلة الماضية.\n"
        "ومن المقرر أن يعقد قادة من هيئة تحرير الشام والجبهة الوطنية للتحرير اجتماعا في إدلب الأسبوع المقبل.\n"
        "وهدد الفصيل بشن هجوم واسع على مدينة الباب في حال لم تنسحب القوات التركية.")
    assert events and all(e.modality != "asserted" for e in events)
    assert {e.modality for e in events} >= {"negated", "future"}


def test_clash_with_fatalities_date_and_place():
    [ev] = _asserted(analyze(
        "اندلعت اشتباكات عنيفة أمس بين قوات سوريا الديمقراطية وفصائل الجيش الوطني السوري قرب مدينة منبج في ريف حلب الشرقي، "
        "ما أسفر عن مقتل خمسة مقاتلين وإصابة آخرين.\nوأضاف المرصد السوري لحقوق الإنسان أن الاشتباكات توقفت فجر اليوم.",
        published="2026-03-10"))
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Armed clash")
    assert ev.actor1 == "Syrian Democratic Forces" and ev.actor2 == "Syrian National Army"
    assert ev.location.name_en.startswith("Manbij")
    assert ev.event_date == "2026-03-09" and ev.fatalities == 5
    assert ev.interaction is not None and len(ev.evidence) == 2


def test_airstrike_by_a_foreign_air_force_on_civilians():
    [ev] = _asserted(analyze(
        "قُتل ثلاثة مدنيين بينهم طفل، فجر الخميس، في غارة جوية إسرائيلية استهدفت منزلا في بلدة بيت جن بريف دمشق، "
        "بحسب ما أفادت وكالة سانا.", published="2026-03-13"))
    assert ev.sub_event_type == "Air/drone strike"
    assert ev.actor1 == "Military Forces of Israel"
    assert ev.fatalities == 3 and ev.civilian_fatalities == 3
    assert ev.event_date == "2026-03-12"  # the Thursday before Friday 13 March
    assert ev.sources.sources[0].actor == "SANA" and "بحسب" in ev.sources.hedges


def test_the_group_whose_positions_were_struck_is_the_target():
    [ev] = _asserted(analyze(
        "شنت طائرات حربية أمس سلسلة غارات على مواقع وتجمعات لهيئة تحرير الشام في محيط بلدة كفرنبل بريف إدلب الجنوبي.",
        published="2026-03-10"))
    assert ev.sub_event_type == "Air/drone strike"
    assert ev.actor2 == "Hayat Tahrir al-Sham" and ev.actor1 != "Hayat Tahrir al-Sham"


def test_the_side_that_lost_men_is_the_target():
    [ev] = _asserted(analyze(
        "أفادت مصادر عسكرية أمس بمقتل 11 من عناصر ميليشيا الحوثي في غارات لمقاتلات التحالف العربي غربي مدينة تعز.",
        published="2026-03-10"))
    assert (ev.actor1, ev.actor2) == ("Saudi-led coalition in Yemen", "Houthis (Ansar Allah)")
    assert ev.fatalities == 11


def test_a_country_named_as_the_attacker_is_not_the_location():
    [ev] = _asserted(analyze(
        "شهدت بلدة كفرنبل في ريف إدلب الجنوبي تصعيدا عسكريا أمس.\n"
        "وقال ناشطون إن روسيا شنت غارات جوية مكثفة أسفرت عن مقتل أربعة مدنيين.", published="2026-03-10"))
    assert ev.sub_event_type == "Air/drone strike"
    assert ev.location.country == "SY" and ev.location.name_en == "Kafr Nabl"


def test_a_count_in_the_next_clause_is_not_the_dead():
    def dead(text):
        [ev] = _asserted(analyze(text, published="2026-03-10"))
        return ev.fatalities

    tail = "، ودفعت بعشرات الآلاف من السكان إلى النزوح."
    assert dead("أسفرت غارات جوية أمس على بلدة كفرنبل في ريف إدلب عن 7 قتلى" + tail) == 7
    assert dead("أسفرت غارات جوية أمس على بلدة كفرنبل في ريف إدلب عن سقوط قتلى" + tail) is None


def test_a_sentence_set_in_an_earlier_year_is_background():
    [then] = analyze("شهدت مدينة درعا في عام 2011 مظاهرات واسعة ضد الحكومة.", published="2026-03-10").events
    assert then.modality == "reference"
    [now] = _asserted(analyze("قتل خمسة مدنيين أمس في أعنف قصف تشهده مدينة درعا منذ عام 2011.",
                                   published="2026-03-10"))
    assert now.event_date == "2026-03-09"


def test_court_rulings_and_charges_are_not_events():
    doc = analyze("قضت محكمة مصرية أمس بإعدام 75 شخصا في القضية المعروفة إعلاميا بفض اعتصام رابعة.\n"
                       "وتواجه الناشطة 12 تهمة من بينها الاعتداء على قوات الأمن.", published="2018-09-08")
    assert doc.events and not _asserted(doc)


def test_an_unplaced_event_takes_the_most_precise_place_named_before_it():
    doc = analyze("قصفت طائرات مسيرة أمس مواقع عسكرية في مدينة مسكنة بريف حلب الشرقي قرب نهر الفرات.\n"
                       "وتزامن القصف مع اشتباكات عنيفة دارت بين الطرفين على أطراف بلدة نائية.", published="2026-01-18")
    clash = next(e for e in _asserted(doc) if e.event_type == "Battles")
    assert clash.location.name_en == "Maskanah"  # not the river, not Aleppo province


def test_a_crowd_beating_someone_to_death_is_mob_violence():
    [ev] = _asserted(analyze("أقدم حشد من الأهالي مساء الجمعة على ضرب شاب حتى الموت وسط مدينة مصياف بريف حماة الغربي.",
                                  published="2026-02-22"))
    assert (ev.event_type, ev.sub_event_type) == ("Riots", "Mob violence")
    assert ev.location.name_en.startswith("Masyaf") and ev.event_date == "2026-02-20"


def test_a_denial_does_not_reach_past_the_next_reporting_verb():
    [ev] = _asserted(analyze("نفت قيادة الشرطة في مدينة العمارة أمس وأعلنت اعتقال تسعة أشخاص متورطين في حرق الممتلكات العامة.",
                                  published="2025-10-30"))
    assert ev.sub_event_type == "Arrests"


def test_deaths_told_as_met_their_end_and_tallies_since_the_new_year():
    doc = analyze("لقي طفلان شقيقان حتفهما وأصيب ثالث بجروح، أمس الخميس، جراء انفجار لغم أرضي على أطراف مدينة كفر نبل.\n"
                       "وبحسب إحصاءات المنظمة، قُتل أكثر من 130 شخصاً بانفجار ألغام في محافظة إدلب منذ مطلع العام الجاري.",
                       published="2026-03-13")
    [ev] = _asserted(doc)
    assert ev.sub_event_type == "Remote explosive/landmine/IED" and ev.fatalities == 2


def test_protest_dispersed_by_police_is_one_event_with_intervention():
    events = _asserted(analyze(
        "تظاهر مئات المحتجين أمس أمام مبنى محافظة البصرة احتجاجا على انقطاع الكهرباء.\n"
        "وفرقت قوات الأمن المتظاهرين بالغاز المسيل للدموع واعتقلت عددا منهم.", published="2026-07-22"))
    assert [(e.event_type, e.sub_event_type) for e in events] == [("Protests", "Protest with intervention")]
    assert events[0].actor1 == "Protesters (Iraq)" and events[0].actor2 == "Police Forces of Iraq"


def test_hijri_and_levantine_month_dates():
    [ev] = _asserted(analyze(
        "أعلنت وزارة الداخلية العراقية اعتقال خلية في مدينة الموصل يوم 3 تشرين الثاني 2025.", published="2025-11-05"))
    assert ev.sub_event_type == "Arrests" and ev.event_date == "2025-11-03" and ev.time_precision == 1
