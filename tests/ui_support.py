"""A small analysed database built by hand for the serve tests.

The documents are constructed directly as rasd.model objects (entities, places,
events, attribution) so that these tests do not depend on the NLP stages.  One
article is hostile: script and HTML payloads in its title, URL, outlet, text and
actor names.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rasd.model import Attribution, Document, Entity, Event, Marker, Place, Quantity, Removal, SourceLink
from rasd.text.arabic import split_sentences, tokenize
from rasd.store import Store

HOSTILE_TITLE = '<script>window.__pwned = "title"</script><img src=x onerror="window.__pwned = \'img\'">'
HOSTILE_URL = "javascript:window.__pwned='url'"
HOSTILE_OUTLET = "<b onmouseover=\"window.__pwned='outlet'\">Evil Wire</b>"
HOSTILE_ACTOR = "<svg onload=\"window.__pwned='actor'\">Militia</svg>"
HOSTILE_SCRIPT = "<script>window.__pwned = 'text'</script>"


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def place(text: str, needle: str, name_en: str, name_ar: str, lat: float, lon: float, country: str,
          admin1: str, after: int = 0) -> Place:
    start, end = span(text, needle, after)
    return Place(start, end, needle, name_ar, name_en, lat, lon, country, admin1=admin1, feature_code="PPLA",
                 precision=1, confidence=0.9)


def sentence_of(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return next((s.start, s.end) for s in split_sentences(text) if s.start <= at < s.end)


def finish(doc: Document) -> Document:
    doc.id = hashlib.sha1(doc.text.encode()).hexdigest()
    doc.raw = doc.source_text = doc.text
    doc.language = "ar"
    doc.sentences = split_sentences(doc.text)
    doc.tokens = tokenize(doc.text)
    return doc


def syria_report() -> Document:
    text = ("قال مصدر عسكري لوكالة سانا إن وحدات الجيش العربي السوري قصفت بالمدفعية مواقع لمسلحي هيئة تحرير الشام "
            "في ريف إدلب الجنوبي صباح الأحد، ما أدى إلى مقتل خمسة مسلحين.\n"
            "وفي حلب، اندلعت اشتباكات عنيفة بين الجيش ومجموعة مسلحة على أطراف المدينة يوم الاثنين بحسب ما زعمت "
            "مصادر محلية.\n"
            "تابعونا على قناتنا في تلغرام")
    doc = Document(raw="", title="الجيش السوري يقصف مواقع في ريف إدلب", outlet="SANA",
                   url="https://example.org/sana/idlib-shelling", published="2024-03-11", text=text)
    idlib = place(text, "إدلب", "Idlib", "إدلب", 35.9306, 36.6339, "SY", "Idlib")
    aleppo = place(text, "حلب", "Aleppo", "حلب", 36.2021, 37.1343, "SY", "Aleppo")
    army, hts = span(text, "الجيش العربي السوري"), span(text, "هيئة تحرير الشام")
    five = span(text, "خمسة مسلحين")
    doc.entities = [Entity(*span(text, "سانا"), "سانا", "ORG", actor="SANA"),
                    Entity(*army, "الجيش العربي السوري", "ORG", actor="Military Forces of Syria"),
                    Entity(*hts, "هيئة تحرير الشام", "ORG", actor="Hayat Tahrir al-Sham"),
                    Entity(idlib.start, idlib.end, "إدلب", "LOC"), Entity(aleppo.start, aleppo.end, "حلب", "LOC"),
                    Entity(*span(text, "المدفعية"), "المدفعية", "WEAPON"),
                    Entity(*span(text, "صباح الأحد"), "صباح الأحد", "DATE"),
                    Entity(*five, "خمسة مسلحين", "QUANTITY")]
    quantity = Quantity(*five, "خمسة مسلحين", 5, "militant", "مسلحين")
    doc.quantities = [quantity]
    doc.places = [idlib, aleppo]
    doc.removed = [Removal("signature", "تابعونا على قناتنا في تلغرام")]
    loaded = span(text, "لمسلحي")
    doc.events = [
        Event("Explosions/Remote violence", "Shelling/artillery/missile attack", [sentence_of(text, "قصفت")],
              actor1="Military Forces of Syria", actor2="Hayat Tahrir al-Sham", inter1=1, inter2=2, interaction=12,
              location=idlib, event_date="2024-03-10", time_precision=1, fatalities=5, quantities=[quantity],
              weapons=["artillery"], trigger="قصفت", confidence=0.82,
              sources=Attribution([SourceLink("مصدر عسكري", "anonymous", None, *span(text, "مصدر عسكري")),
                                   SourceLink("سانا", "agency", "SANA", *span(text, "سانا"))],
                                  verb="قال", framing=[Marker(*loaded, "لمسلحي", "loaded_label")], confidence=0.6)),
        Event("Battles", "Armed clash", [sentence_of(text, "اشتباكات")], actor1="Military Forces of Syria",
              assoc_actor_1="National Defence Forces; Local Militia", actor2="Unidentified Armed Group (Syria)",
              location=aleppo, event_date="2024-03-11", time_precision=1, trigger="اشتباكات", confidence=0.55,
              sources=Attribution([SourceLink("مصادر محلية", "anonymous")], verb="زعمت", hedges=["زعمت"],
                                  confidence=0.3)),
    ]
    return finish(doc)


def yemen_report() -> Document:
    text = ("أفادت وكالة الأنباء اليمنية بأن غارة جوية استهدفت مبنى في صنعاء فجر الثلاثاء وأسفرت عن مقتل ثلاثة "
            "مدنيين.\n"
            "وأعلنت الحكومة اليمنية في اليوم التالي تشكيل لجنة للتحقيق في الحادثة.\n"
            "ونفت مصادر رسمية وقوع اشتباكات في بيروت.")
    doc = Document(raw="", title="غارة جوية على صنعاء", outlet="Saba", url="https://example.org/saba/sanaa",
                   published="2024-03-13", text=text)
    sanaa = place(text, "صنعاء", "Sanaa", "صنعاء", 15.3547, 44.2066, "YE", "Amanat al Asimah")
    beirut = place(text, "بيروت", "Beirut", "بيروت", 33.8938, 35.5018, "LB", "Beirut")
    doc.entities = [Entity(*span(text, "وكالة الأنباء اليمنية"), "وكالة الأنباء اليمنية", "ORG", actor="Saba"),
                    Entity(sanaa.start, sanaa.end, "صنعاء", "LOC"), Entity(beirut.start, beirut.end, "بيروت", "LOC"),
                    Entity(*span(text, "الحكومة اليمنية"), "الحكومة اليمنية", "ORG", actor="Government of Yemen"),
                    Entity(*span(text, "ثلاثة مدنيين"), "ثلاثة مدنيين", "QUANTITY")]
    doc.places = [sanaa, beirut]
    doc.events = [
        Event("Explosions/Remote violence", "Air/drone strike", [sentence_of(text, "غارة")], actor1=None,
              actor2="Civilians (Yemen)", location=sanaa, event_date="2024-03-12", time_precision=1, fatalities=3,
              civilian_fatalities=3, trigger="غارة", confidence=0.7,
              sources=Attribution([SourceLink("وكالة الأنباء اليمنية", "agency", "Saba")], verb="أفادت")),
        Event("Strategic developments", "Other", [sentence_of(text, "لجنة")], actor1="Government of Yemen",
              event_date="2024-03-13", time_precision=1, trigger="تشكيل", confidence=0.45),
        Event("Battles", "Armed clash", [sentence_of(text, "بيروت")], location=beirut, event_date="2024-03-13",
              modality="negated", confidence=0.2),
    ]
    return finish(doc)


def iraq_report() -> Document:
    text = "تظاهر مئات الطلاب في ساحة التحرير وسط بغداد يوم الثلاثاء للمطالبة بفرص عمل، بحسب شهود عيان."
    doc = Document(raw="", title="تظاهرة طلابية في بغداد", outlet="Al Sumaria", url="https://example.org/baghdad",
                   published="2024-03-12", text=text)
    baghdad = place(text, "بغداد", "Baghdad", "بغداد", 33.3152, 44.3661, "IQ", "Baghdad")
    doc.entities = [Entity(baghdad.start, baghdad.end, "بغداد", "LOC"),
                    Entity(*span(text, "الطلاب"), "الطلاب", "NORP", actor="Students (Iraq)")]
    doc.places = [baghdad]
    doc.events = [Event("Protests", "Peaceful protest", [sentence_of(text, "تظاهر")], actor1="Protesters (Iraq)",
                        assoc_actor_1="Students (Iraq)", location=baghdad, event_date="2024-03-12",
                        time_precision=1, trigger="تظاهر", confidence=0.9,
                        sources=Attribution([SourceLink("شهود عيان", "anonymous")], verb="بحسب"))]
    return finish(doc)


def hostile_report() -> Document:
    text = (f"أعلن مسؤول محلي {HOSTILE_SCRIPT} أن مسلحين هاجموا نقطة تفتيش في طرابلس الليبية مساء الأربعاء.\n"
            "<img src=x onerror=\"window.__pwned='img-text'\"> انتهى البيان.")
    doc = Document(raw="", title=HOSTILE_TITLE, outlet=HOSTILE_OUTLET, url=HOSTILE_URL, published="2024-03-14",
                   text=text)
    tripoli = place(text, "طرابلس", "Tripoli", "طرابلس", 32.8872, 13.1913, "LY", "Tripoli")
    doc.entities = [Entity(*span(text, HOSTILE_SCRIPT), HOSTILE_SCRIPT, "MISC"),
                    Entity(tripoli.start, tripoli.end, "طرابلس", "LOC"),
                    Entity(*span(text, "مسلحين"), "مسلحين", "NORP", actor=HOSTILE_ACTOR)]
    doc.places = [tripoli]
    doc.removed = [Removal("html_boilerplate", "<script>window.__pwned = 'removed'</script>")]
    doc.events = [Event("Battles", "Armed clash", [sentence_of(text, "هاجموا")], actor1=HOSTILE_ACTOR,
                        actor2="Police Forces of Libya", location=tripoli, event_date="2024-03-13",
                        time_precision=1, trigger="هاجموا", confidence=0.6,
                        sources=Attribution([SourceLink(HOSTILE_SCRIPT, "official")], verb="أعلن"))]
    return finish(doc)


@dataclass
class Fixture:
    db: Path
    docs: dict[str, Document] = field(default_factory=dict)  # name → document

    def event_id(self, doc_name: str, index: int) -> str:
        return f"{self.docs[doc_name].id}:{index}"


ACTOR_INFO = {"Military Forces of Syria": {"type": "state", "inter": 1, "country": "SY",
                                           "names_ar": ["الجيش العربي السوري", "الجيش السوري"]},
              "Hayat Tahrir al-Sham": {"type": "rebel", "inter": 2, "country": "SY", "names_ar": ["هيئة تحرير الشام"]}}


def build_db(path: Path) -> Fixture:
    fixture = Fixture(path)
    with Store(path) as store, store.transaction():
        for name, make in (("syria", syria_report), ("yemen", yemen_report), ("iraq", iraq_report),
                           ("hostile", hostile_report)):
            doc = make()
            fixture.docs[name] = doc
            assert store.save(doc, f"input-{name}", ACTOR_INFO.get) == "stored"
    return fixture
