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

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from rasd.text.arabic import normalize
from rasd.nlp.ner import MODEL_DIR, corpora
from rasd.nlp.ner.crf import MODEL_FILE

REPO = Path(__file__).resolve().parents[4]
# Elastic net: as accurate on dev as pure L2 (c2=0.1) with a model a sixth of the size.
CRF_PARAMS = {"c1": 0.02, "c2": 0.05, "max_iterations": 300, "feature.possible_transitions": True}
NEWS_WORDS = 8_000_000  # whitespace words: all of arabic-news-text (7.4M)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help=f"model folder (default: {MODEL_DIR})")
    parser.add_argument("--reuse-clusters", action="store_true",
                        help="keep the word clusters already in --out (or the shipped ones) instead of retraining word2vec")
    parser.add_argument("--actors", type=Path, default=MODEL_DIR.parent / "actors.jsonl",
                        help="actor registry whose Arabic names feed the organisation gazetteer, if it exists")
    parser.add_argument("--silver", type=Path, metavar="FILE",
                        help="also train on these machine-tagged sentences (a CoNLL file from `rasd silver-ner`): "
                             "distils the accurate encoder into the CRF")
    parser.add_argument("--silver-sentences", type=int, default=None,
                        help="use only the first N silver sentences")
    parser.add_argument("--write-dev", type=Path, metavar="FILE",
                        help="only write the held-out dev block as a CoNLL file (for rasd eval-ner), "
                             "a -DOCSTART- line before every 20 sentences, and stop")


def run(args: argparse.Namespace) -> int:
    from rasd.cli import CliError
    from rasd.nlp.ner.clusters import build_clusters
    from rasd.nlp.ner.crf import CrfRecognizer
    from rasd.nlp.ner.evaluate import evaluate_sentences, format_scores
    from rasd.nlp.ner.features import CLUSTER_FILE, FeatureExtractor
    from rasd.nlp.ner.gazetteer import build as build_gazetteer
    from rasd.nlp.ner.priors import PRIOR_FILE, prior_features, write_priors

    if not (args.data / "anercorp-camel-split").is_dir():
        raise CliError(f"no NER corpora under {args.data}")
    if args.write_dev:
        _, dev = corpora.split_dev(corpora.anercorp(args.data))
        dev = corpora.mark_documents(dev)
        args.write_dev.write_text("".join("".join(f"{t} {tag}\n" for t, tag in sent) + "\n" for sent in dev),
                                  encoding="utf-8")
        print(f"wrote the dev block to {args.write_dev}, a document mark every {corpora.DEV_DOCUMENT_SENTENCES} sentences")
        return 0
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.reuse_clusters:
        build_clusters(args.data, args.out)
    elif not (args.out / CLUSTER_FILE).exists():
        shutil.copy(MODEL_DIR / CLUSTER_FILE, args.out / CLUSTER_FILE)
    (args.out / PRIOR_FILE).unlink(missing_ok=True)

    train, dev = corpora.split_dev(corpora.anercorp(args.data))
    if args.silver:
        silver = [s for s in corpora.read_conll(args.silver) if s[0][0] != corpora.DOCUMENT_MARK]
        train = train + silver[:args.silver_sentences]
        _log(f"{len(silver[:args.silver_sentences])} silver sentences from {args.silver}", started)
    build_gazetteer(args.data, args.out, args.actors)
    _log(f"training on {len(train)} sentences, {sum(map(len, train))} tokens; dev {len(dev)} sentences", started)

    # Stage 1: a CRF without priors tags the unlabeled news; stage 2, the shipped CRF, learns from those priors.
    features = FeatureExtractor(args.out)
    stage1 = args.out / "stage1.crfsuite"
    _train_crf(features, train, stage1)
    counts = _news_counts(features, stage1, args.data)
    stage1.unlink()
    write_priors(counts, args.out / PRIOR_FILE)
    _log(f"stage 1: priors over {len(counts[0])} word types", started)
    features.use_priors(prior_features(counts))
    _train_crf(features, train, args.out / MODEL_FILE)
    _log(f"model written to {args.out / MODEL_FILE}", started)

    scores = evaluate_sentences(corpora.mark_documents(dev), CrfRecognizer(args.out))
    print(format_scores(scores))
    (args.out / "dev_scores.json").write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    return 0


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
