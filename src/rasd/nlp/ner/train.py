"""`rasd train-ner`: rebuild word clusters and gazetteer, train the CRF in two stages
(the first one only to derive name priors from unlabeled news, see priors.py),
score it on the held-out ANERcorp block and write the model.

Labelled data: ANERcorp (CAMeL train split) minus its last 15% of sentences, which
is the development block.  (AQMAR and the Wojood sample were tried and lowered dev
F1: their guidelines differ.)  Unlabeled: arabic-news-text for word clusters and
name priors.  The dev scores printed are those of the model written, with the dev block
read as documents of 20 consecutive sentences (corpora.mark_documents), since the
recognizer uses document context and ANERcorp does not mark its articles.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
import zlib
from pathlib import Path

from rasd.text.arabic import normalize
from rasd.nlp.ner import MODEL_DIR, corpora
from rasd.nlp.ner.crf import MODEL_FILE

REPO = Path(__file__).resolve().parents[4]
# Elastic net: as accurate on dev as pure L2 (c2=0.1) with a model a sixth of the size.
CRF_PARAMS = {"c1": 0.02, "c2": 0.05, "max_iterations": 300, "feature.possible_transitions": True}
NEWS_WORDS = 8_000_000  # whitespace words: all of arabic-news-text (7.4M)


class TrainingError(ValueError):
    """Training cannot start: the shared corpora are not where they were looked for."""


NEWS_LABELS = ("PER", "ORG", "LOC")  # what the real-news guide and ANERcorp both mark; its other labels are the rules'


def news_fold(article_id: str, folds: int) -> int:
    """The cross-fitting fold of an annotated article: stable across runs and machines (a checksum of its id)."""
    return zlib.crc32(article_id.encode("utf-8")) % folds


def real_news_sentences(gold: Path, split: str = "train", left_out: tuple[int, int] | None = None
                        ) -> list[corpora.Sentence]:
    """The annotated real news of one split (build/gold/real.jsonl, tools/real_gold/build.py) as training sentences:
    each article segmented and tokenised as `rasd analyze` reads it, a token tagged with the PER, ORG or LOC span it
    falls in (NORP, DATE, QUANTITY and WEAPON, which the rule layer finds, count as O; the guide has no MISC).
    `left_out` (fold, folds): the articles of that fold are not read, so that a model trained without them can tag
    them as it would unseen news (cross-fitting the entities the downstream models learn from)."""
    from rasd.nlp.ner.tags import text_sentence_tokens

    sentences: list[corpora.Sentence] = []
    with open(gold, encoding="utf-8") as handle:
        for record in map(json.loads, handle):
            if record.get("split") != split or (left_out and news_fold(record["id"], left_out[1]) == left_out[0]):
                continue
            text = record["text"]
            spans = sorted((e["start"], e["end"], e["label"]) for e in record["entities"] if e["label"] in NEWS_LABELS)
            k = 0  # spans before k end before the token: tokens and spans (sorted by start) run left to right
            for tokens in text_sentence_tokens(text):
                tagged, previous = [], None
                for token in tokens:
                    while k < len(spans) and spans[k][1] <= token.start:
                        k += 1
                    span = spans[k] if k < len(spans) and spans[k][0] < token.end else None
                    tagged.append((token.text, "O" if span is None else f"{'I' if span == previous else 'B'}-{span[2]}"))
                    previous = span
                sentences.append(tagged)
    return sentences


def write_dev_block(data: Path, path: Path) -> None:
    """The held-out dev block as a CoNLL file (for rasd eval-ner), a -DOCSTART- line every few sentences."""
    _, dev = corpora.split_dev(corpora.anercorp(_checked(data)))
    dev = corpora.mark_documents(dev)
    path.write_text("".join("".join(f"{t} {tag}\n" for t, tag in sent) + "\n" for sent in dev), encoding="utf-8")


def _checked(data: Path) -> Path:
    if not (data / "anercorp-camel-split").is_dir():
        raise TrainingError(f"no NER corpora under {data}")
    return data


def train(data: Path, out: Path, reuse_clusters: bool, actors: Path, silver: list | None = None,
          news: list | None = None) -> dict:
    """Train the shipped two-stage CRF (clusters, gazetteer, priors) into `out`; returns the dev-block scores.
    `silver`: machine-tagged sentences (from `rasd silver-ner`) added to the training part of both stages,
    which distils the accurate encoder into the CRF; `news`: annotated real-news sentences added the same way."""
    from rasd.nlp.ner.clusters import build_clusters
    from rasd.nlp.ner.crf import CrfRecognizer
    from rasd.nlp.ner.evaluate import evaluate_sentences
    from rasd.nlp.ner.features import CLUSTER_FILE, FeatureExtractor
    from rasd.nlp.ner.gazetteer import build as build_gazetteer
    from rasd.nlp.ner.priors import PRIOR_FILE, prior_features, write_priors

    _checked(data)
    started = time.time()
    out.mkdir(parents=True, exist_ok=True)
    if not reuse_clusters:
        build_clusters(data, out)
    elif not (out / CLUSTER_FILE).exists():
        shutil.copy(MODEL_DIR / CLUSTER_FILE, out / CLUSTER_FILE)
    (out / PRIOR_FILE).unlink(missing_ok=True)

    train_sentences, dev = corpora.split_dev(corpora.anercorp(data))
    if news:
        train_sentences = train_sentences + news
        _log(f"{len(news)} annotated real-news sentences added", started)
    if silver:
        train_sentences = train_sentences + silver
        _log(f"{len(silver)} silver sentences added", started)
    build_gazetteer(data, out, actors)
    _log(f"training on {len(train_sentences)} sentences, {sum(map(len, train_sentences))} tokens; "
         f"dev {len(dev)} sentences", started)

    # Stage 1: a CRF without priors tags the unlabeled news; stage 2, the shipped CRF, learns from those priors.
    features = FeatureExtractor(out)
    stage1 = out / "stage1.crfsuite"
    _train_crf(features, train_sentences, stage1)
    counts = _news_counts(features, stage1, data)
    stage1.unlink()
    write_priors(counts, out / PRIOR_FILE)
    _log(f"stage 1: priors over {len(counts[0])} word types", started)
    features.use_priors(prior_features(counts))
    _train_crf(features, train_sentences, out / MODEL_FILE)
    _log(f"model written to {out / MODEL_FILE}", started)

    scores = evaluate_sentences(corpora.mark_documents(dev), CrfRecognizer(out))
    (out / "dev_scores.json").write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    return scores


def _train_crf(features, sentences, path: Path) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sent in sentences:
        trainer.append(features.sentence([normalize(t) for t, _ in sent]), [tag for _, tag in sent])
    trainer.set_params(CRF_PARAMS)
    trainer.train(str(path))


def _news_counts(features, model_path: Path, data: Path):
    import pycrfsuite

    from rasd.nlp.ner.priors import count_labels, news_sentences

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    return count_labels(news_sentences(data, NEWS_WORDS), lambda norms: tagger.tag(features.sentence(norms)))


def _log(message: str, started: float) -> None:
    print(f"[{time.time() - started:5.0f}s] {message}", file=sys.stderr)
