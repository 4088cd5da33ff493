"""NER: the shipped CRF + rules on a real article, the rule layer on its own, eval-ner
counting, and the optional transformers backend."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasd.cli import main as cli_main
from rasd.model import Document, Entity
from rasd.text.arabic import split_sentences, tokenize
from rasd.nlp.ner import load_recognizer, recognize
from rasd.nlp.ner.evaluate import evaluate_sentences
from rasd.nlp.ner.tags import chunks

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "scraped-article-sputnik.txt"
LABELS = {"PER", "ORG", "LOC", "MISC", "NORP", "WEAPON", "QUANTITY", "DATE"}


def make_doc(text: str) -> Document:
    return Document(raw=text, text=text, sentences=split_sentences(text), tokens=tokenize(text))


@pytest.fixture(scope="module")
def recognizer():
    return load_recognizer(None)


@pytest.fixture(scope="module")
def sputnik(recognizer):
    if not SAMPLE.exists():
        pytest.skip(f"shared sample not found at {SAMPLE}")
    doc = make_doc(SAMPLE.read_text(encoding="utf-8"))
    recognize(doc, recognizer)
    return doc


def texts(doc: Document, label: str) -> set[str]:
    return {e.text for e in doc.entities if e.label == label}


def assert_well_formed(doc: Document) -> None:
    previous_end = 0
    for e in doc.entities:
        assert isinstance(e, Entity)
        assert e.label in LABELS and e.source in ("model", "rule")
        assert doc.text[e.start:e.end] == e.text and e.end > e.start
        assert e.start >= previous_end, f"overlap or disorder at {e}"
        previous_end = e.end


def test_sample_entities_are_sorted_and_consistent(sputnik):
    assert_well_formed(sputnik)
    for q in sputnik.quantities:
        assert sputnik.text[q.start:q.end] == q.text and q.text.endswith(q.noun)


def test_sample_quantities(sputnik):
    quantities = {q.text: q for q in sputnik.quantities}
    assert {"200 طائرة مسيرة", "13 الف مسلح"} <= texts(sputnik, "QUANTITY")
    drones = quantities["200 طائرة مسيرة"]
    assert (drones.value, drones.unit, drones.noun) == (200, "drone", "طائرة مسيرة")
    fighters = quantities["13 الف مسلح"]
    assert (fighters.value, fighters.unit, fighters.noun) == (13000, "fighter", "مسلح")
    thousands = quantities["آلاف المقاتلين"]
    assert (thousands.value, thousands.unit) == (1000, "fighter")


def test_sample_weapons(sputnik):
    assert {"صواريخ متطورة مضادة للدروع", "طائرات من دون طيار"} <= texts(sputnik, "WEAPON")


def test_sample_nationalities(sputnik):
    norp = texts(sputnik, "NORP")
    assert {"الصينيون", "أتراك", "صينيون", "بلجيكيون", "الشيشان", "الأوزبك", "التوركمان السوريين"} <= norp


def test_sample_dates_and_places(sputnik):
    assert {"الأسبوع الماضي", "خلال الساعات الماضية", "خلال الأسابيع الأخيرة"} <= texts(sputnik, "DATE")
    assert "جسر الشغور" in texts(sputnik, "LOC")
    assert {"هيئة تحرير الشام", "جبهة النصرة"} <= texts(sputnik, "ORG")


def test_rules_on_written_examples(recognizer):
    doc = make_doc("قتل ثلاثة مدنيين وأصيب خمسة وعشرون شخصا فجر اليوم في قصف بقذائف هاون على بلدة كفرنبل، "
                   "وقال الدفاع المدني إن عشرات الآلاف نزحوا منذ الخميس الماضي. "
                   "ووصلت الشحنة في 12 تشرين الثاني 2026 وضمت 1,500 صاروخ وعبوات ناسفة.")
    recognize(doc, recognizer)
    assert_well_formed(doc)
    quantities = {q.text: (q.value, q.unit) for q in doc.quantities}
    assert quantities["ثلاثة مدنيين"] == (3, "civilian")
    assert quantities["خمسة وعشرون شخصا"] == (25, "person")
    assert quantities["1,500 صاروخ"] == (1500, "rocket")
    assert {"فجر اليوم", "منذ الخميس الماضي", "12 تشرين الثاني 2026"} <= texts(doc, "DATE")
    assert {"قذائف هاون", "عبوات ناسفة"} <= texts(doc, "WEAPON")


def test_odd_text_does_not_break_the_rules(recognizer):
    doc = make_doc("منذ ² أيام، الساعة ² عام ²³⁴⁵ ـــ وصل في ١٢ أيار ٢٠٢٦ نحو ٣٠ مقاتلاً")
    recognize(doc, recognizer)
    assert_well_formed(doc)
    assert "١٢ أيار ٢٠٢٦" in texts(doc, "DATE")
    assert [(q.value, q.unit) for q in doc.quantities] == [(30, "fighter")]


def test_chunks_follow_conlleval():
    # an I- after O, or after another type, opens a chunk; B-PERS is PER
    assert chunks(["I-LOC", "I-LOC", "O", "B-PERS", "I-PER", "I-ORG", "B-LOC", "B-LOC"]) == [
        (0, 2, "LOC"), (3, 5, "PER"), (5, 6, "ORG"), (6, 7, "LOC"), (7, 8, "LOC")]


class _FixedRecognizer:
    """Tags the words it is told to, whatever the context: a recognizer with known output."""

    def __init__(self, spans: dict[str, str]):
        self.spans = spans

    def entities(self, doc: Document) -> list[Entity]:
        out = []
        for phrase, label in self.spans.items():
            start = doc.text.find(phrase)
            if start >= 0:
                out.append(Entity(start, start + len(phrase), phrase, label))
        return out


HANDMADE = """زار B-PER
محمد I-PER
دمشق B-LOC
مع O
وفد O
الأمم B-ORG
المتحدة I-ORG

وصل O
خالد B-PERS
إلى O
حلب B-LOC
"""


def test_eval_counts_on_handmade_file(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(HANDMADE, encoding="utf-8")
    from rasd.nlp.ner.corpora import read_conll

    # gold: 5 chunks. predicted: دمشق LOC (right), الأمم ORG (wrong span), خالد PER (right), حلب ORG (wrong type)
    recognizer = _FixedRecognizer({"دمشق": "LOC", "الأمم": "ORG", "خالد": "PER", "حلب": "ORG"})
    scores = evaluate_sentences(read_conll(path), recognizer)
    assert scores["micro"]["gold"] == 5 and scores["micro"]["predicted"] == 4 and scores["micro"]["correct"] == 2
    assert scores["micro"]["precision"] == 0.5 and scores["micro"]["recall"] == 0.4
    assert scores["micro"]["f1"] == pytest.approx(2 * 0.5 * 0.4 / 0.9, abs=1e-4)
    assert scores["labels"]["LOC"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(0.6667, abs=1e-4),
                                       "gold": 2, "predicted": 1, "correct": 1}
    assert scores["labels"]["PER"]["recall"] == 0.5 and scores["labels"]["ORG"]["correct"] == 0


def test_eval_ner_cli_json(tmp_path, capsys):
    path = tmp_path / "tiny.conll"
    path.write_text(HANDMADE, encoding="utf-8")
    assert cli_main(["eval-ner", str(path), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert scores["sentences"] == 2 and scores["micro"]["gold"] == 5
    assert set(scores["labels"]) == {"PER", "ORG", "LOC", "MISC"}
    assert scores["labels"]["LOC"]["correct"] >= 1  # دمشق and حلب are easy for the shipped model


def test_eval_tags_a_marked_document_as_a_whole(tmp_path):
    # the same counts as above when both sentences form one document: offsets map back across sentences
    path = tmp_path / "doc.conll"
    path.write_text("-DOCSTART- O\n\n" + HANDMADE, encoding="utf-8")
    from rasd.nlp.ner.corpora import read_conll

    recognizer = _FixedRecognizer({"دمشق": "LOC", "الأمم": "ORG", "خالد": "PER", "حلب": "ORG"})
    scores = evaluate_sentences(read_conll(path), recognizer)
    assert scores["sentences"] == 2 and scores["tokens"] == 11
    assert (scores["micro"]["gold"], scores["micro"]["predicted"], scores["micro"]["correct"]) == (5, 4, 2)


def test_names_spread_through_the_document():
    from rasd.nlp.ner.crf import propagate_names

    norms = [["اعلن", "البنك", "التجاري", "ان", "زيد", "وصل"],
             ["وقال", "البنك", "التجاري", "ان", "زيد", "سافر"],
             ["ربح", "البنك", "التجاري", "الدولي"]]
    tagged = [["O", "B-ORG", "I-ORG", "O", "B-PER", "O"],
              ["O", "O", "O", "O", "O", "O"],
              ["O", "B-ORG", "I-ORG", "I-ORG"]]
    propagate_names(norms, tagged)
    assert tagged[1] == ["O", "B-ORG", "I-ORG", "O", "B-PER", "O"]
    assert tagged[2] == ["O", "B-ORG", "I-ORG", "I-ORG"]  # already tagged spans are left alone
    short = [["قال", "اب"], ["اب", "جاء"]]
    short_tags = [["O", "B-PER"], ["O", "O"]]
    propagate_names(short, short_tags)
    assert short_tags[1] == ["O", "O"]  # two-letter one-word names are not spread


def test_a_name_found_once_is_tagged_throughout_the_article(recognizer):
    # alone, the CRF misses ألستوم in the second sentence; the first one's context gives it away
    alone = make_doc("وتملك ألستوم حصة كبيرة.")
    recognize(alone, recognizer)
    assert "ألستوم" not in {e.text for e in alone.entities}
    doc = make_doc("وقال رئيس شركة ألستوم إن الأرباح ارتفعت. وتملك ألستوم حصة كبيرة.")
    recognize(doc, recognizer)
    assert_well_formed(doc)
    assert [(e.text, e.label) for e in doc.entities if e.source == "model"] == [("ألستوم", "ORG")] * 2


def test_numpy_decoding_gives_the_crfsuite_tags(recognizer, sputnik):
    import pycrfsuite

    from rasd.nlp.ner import MODEL_DIR

    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_DIR / "model.crfsuite"))
    sentences = [[t.norm for t in tokenize(sputnik.text[s.start:s.end])] for s in sputnik.sentences]
    sentences[3:3] = [["قصف", "الجيش", "بلدة", "كفرنبل", "بريف", "إدلب"], []]  # short and empty beside long ones
    expected = [tagger.tag(recognizer.features.sentence(words)) if words else [] for words in sentences]
    assert recognizer.tag(sentences) == expected
    assert sum(tag != "O" for tags in expected for tag in tags) > 40  # the sample is full of names


def test_hf_backend_with_tiny_model(tmp_path):
    torch = pytest.importorskip("torch", reason="the hf backend needs torch (pip install torch==2.13.0)")
    transformers = pytest.importorskip("transformers", reason="the hf backend needs transformers")
    words = ["قال", "محمد", "في", "دمشق", "إن", "الوفد", "وصل", "إلى", "حلب", "أمس", "."]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + ["##ة", "##ات"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt"), do_lower_case=False)
    tokenizer.save_pretrained(str(tmp_path))
    labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=512,
                                     id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    with torch.no_grad():
        model.classifier.bias[labels.index("B-LOC")] = 50.0  # every word starts a LOC: known output
    model.save_pretrained(str(tmp_path))

    hf = load_recognizer(f"hf:{tmp_path}")
    doc = make_doc("قال محمد في دمشق إن الوفد وصل إلى حلب أمس.")
    recognize(doc, hf)
    assert_well_formed(doc)
    model_entities = [e for e in doc.entities if e.source == "model"]
    assert model_entities and all(e.label == "LOC" for e in model_entities)
    assert {"دمشق", "حلب"} <= {e.text for e in model_entities}


def test_silver_sentences_without_document_marks(tmp_path, capsys):
    from rasd.nlp.ner.silver import read_silver

    path = tmp_path / "silver.conll"
    path.write_text("-DOCSTART- O\n\nقال O\nماكرون B-PER\n\nفي O\nباريس B-LOC\n\n-DOCSTART- O\n\nحلب B-LOC\n",
                    encoding="utf-8")
    assert read_silver(path) == [[("قال", "O"), ("ماكرون", "B-PER")], [("في", "O"), ("باريس", "B-LOC")],
                                 [("حلب", "B-LOC")]]
    assert read_silver(path, 2) == read_silver(path)[:2]
    assert cli_main(["train-ner", "--silver", str(tmp_path / "missing.conll"), "--out", str(tmp_path / "m")]) == 3
    assert "no such file" in capsys.readouterr().err


def test_annotated_real_news_becomes_training_sentences_of_its_split(tmp_path, capsys):
    from rasd.nlp.ner.train import real_news_sentences

    text = "قال الرئيس التركي رجب طيب أردوغان إن الجيش التركي دخل عفرين. وأكد المرصد ذلك."
    entities = [{"start": text.index("رجب"), "end": text.index(" إن"), "label": "PER"},
                {"start": text.index("الجيش"), "end": text.index(" دخل"), "label": "ORG"},
                {"start": text.index("التركي"), "end": text.index(" رجب"), "label": "NORP"},
                {"start": text.index("عفرين"), "end": text.index("."), "label": "LOC"}]
    gold = tmp_path / "real.jsonl"
    gold.write_text("".join(json.dumps({"id": f"a{k}", "split": split, "text": text, "entities": entities},
                                       ensure_ascii=False) + "\n" for k, split in enumerate(("train", "test"))),
                    encoding="utf-8")
    first, second = real_news_sentences(gold)  # the train article's two sentences; the test article is never read
    assert first == [("قال", "O"), ("الرئيس", "O"), ("التركي", "O"), ("رجب", "B-PER"), ("طيب", "I-PER"),
                     ("أردوغان", "I-PER"), ("إن", "O"), ("الجيش", "B-ORG"), ("التركي", "I-ORG"), ("دخل", "O"),
                     ("عفرين", "B-LOC"), (".", "O")]
    assert [tag for _, tag in second] == ["O"] * len(second)
    assert cli_main(["train-ner", "--news-gold", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "m")]) == 3
    assert "tools/real_gold/build.py" in capsys.readouterr().err


def test_a_cross_fitting_crf_never_trains_on_the_articles_it_will_tag(tmp_path):
    from rasd.nlp.ner.train import news_fold, real_news_sentences

    text = "قال الرئيس رجب طيب أردوغان إن الجيش دخل عفرين"
    entities = [{"start": text.index("رجب"), "end": text.index(" إن"), "label": "PER"}]
    ids = [f"article-{k}" for k in range(12)]
    gold = tmp_path / "real.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "split": "train", "text": f"{text} {k}.", "entities": entities},
                                       ensure_ascii=False) + "\n" for k, i in enumerate(ids)), encoding="utf-8")
    folds = [news_fold(i, 2) for i in ids]
    assert folds == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1]  # a checksum of the id: the same on every run and machine
    for k in (0, 1):
        read = real_news_sentences(gold, left_out=(k, 2))
        assert [int(s[-2][0]) for s in read] == [n for n, fold in enumerate(folds) if fold != k]
        assert all(s[2] == ("رجب", "B-PER") for s in read)
    assert len(real_news_sentences(gold)) == len(ids)
