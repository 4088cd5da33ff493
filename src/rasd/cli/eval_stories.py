"""`rasd eval-stories gold/real/stories/*.json`: analyse each annotated story window of the real news, rebuild
the corpus layer over it and score its stories (BCubed) and merged events (pairwise); see rasd.evaluate.stories.

The window's database is kept under --work (build/stories/ by default) and a second run only rebuilds the corpus
layer over it, so tuning the corpus step does not analyse the articles again."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rasd.cli import EMBED_TITLES_HELP, CliError, title_encoder
from rasd.corpus import Corpus
from rasd.evaluate.stories import documents_by_docno, load_window, score, window_folders
from rasd.nlp.ner.train import REPO
from rasd.runner.batch import run_batch
from rasd.runner.pipeline import Pipeline
from rasd.runner.resources import DEFAULT_ENGINE, ENGINES, Resources
from rasd.store import Store

DEFAULT_ANT = REPO.parent / "shared" / "data" / "arabic-news-text" / "ant-multisource-v2.1"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("windows", nargs="+", type=Path, metavar="FILE", help="story window files (gold/real/stories/*.json)")
    p.add_argument("--ant", type=Path, default=DEFAULT_ANT, help="the ANT corpus folder (default: ../shared beside"
                                                                   " the repository)")
    p.add_argument("--work", type=Path, default=Path("build/stories"), help="where the windows' databases are kept")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"event coder (default {DEFAULT_ENGINE})")
    p.add_argument("--embed-titles", action="store_true", help=EMBED_TITLES_HELP)
    p.add_argument("--json", action="store_true", help="end with one JSON object of all figures")


def run(args: argparse.Namespace) -> int:
    if not (args.ant / "manifest.tsv").is_file():
        raise CliError(f"no ANT corpus at {args.ant} (give --ant)")
    results = []
    pipeline = None
    encoder = title_encoder(Resources(embed_titles=args.embed_titles))
    for path in args.windows:
        window = load_window(path)
        try:
            folders = window_folders(args.ant, window, args.work / window["window"])
        except ValueError as e:
            raise CliError(str(e)) from None
        with Store(args.work / f"{window['window']}.db") as store:
            pipeline = pipeline or Pipeline.default(Resources(event_engine=args.engine))
            summary = run_batch([str(f) for f in folders], store, pipeline, progress=False)
            t0 = time.perf_counter()
            with store.transaction():
                Corpus(store.conn, encoder).rebuild()
            corpus_s = time.perf_counter() - t0
            result = score(store.conn, window, documents_by_docno(store.conn, folders))
        result["corpus_seconds"] = round(corpus_s, 2)
        results.append(result)
        s, m = result["stories"], result["merged_events"]
        print(f"{window['window']}: {result['articles']} articles ({summary.stored} analysed now), gold stories"
              f" {result['gold_stories']}, predicted {result['predicted_stories']}; corpus step {corpus_s:.1f} s")
        print(f"  stories BCubed      P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        print(f"  merged events pairs P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
              f"  (gold {m['gold_pairs']}, predicted {m['predicted_pairs']}, matched {m['matched_pairs']})")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0
