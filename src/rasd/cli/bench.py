"""`rasd bench`: speed and memory of the pipeline or one component, as measured figures."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasd.bench import DEFAULT_CORPUS, BenchError, generate_articles, pipeline_benchmark
from rasd.cli import CliError
from rasd.runner.resources import DEFAULT_ENGINE, ENGINES


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docs", type=int, default=200, help="number of generated articles (default 200)")
    p.add_argument("--words", type=int, default=500, help="words per generated article (default 500)")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help="directory of sample articles (default ./samples)")
    p.add_argument("--component", choices=["pipeline", "ner", "places", "serve", "watch", "encoder", "corpus"],
                   default="pipeline",
                   help="benchmark the whole pipeline (default), one component, rasd watch over a local feed of"
                        " --docs items, killed and restarted, or the corpus step over --docs synthetic articles with"
                        " known copies")
    p.add_argument("--workers", type=int, metavar="N",
                   help="run the pipeline as rasd analyze --workers N does, and in one process, and compare")
    p.add_argument("--dask", metavar="SCHEDULER",
                   help="with --workers: on a Dask cluster ('local' starts one with N workers) instead of processes")
    p.add_argument("--gold", default="gold/places_dev.jsonl", help="gold file for --component places")
    p.add_argument("--events", type=int, default=100_000, help="events in the synthetic database for --component serve")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help=f"event coder for the pipeline benchmark (default {DEFAULT_ENGINE})")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    if args.docs < 1 or args.words < 20:
        raise CliError("--docs must be ≥ 1 and --words ≥ 20", 2)
    if (args.workers is not None or args.dask) and (args.component != "pipeline" or not (args.workers or 0) > 0):
        raise CliError("--workers N (N ≥ 1) and --dask measure the pipeline component", 2)
    if args.component == "ner":
        from rasd.bench.ner import benchmark as ner_benchmark

        result = ner_benchmark(args.docs * args.words)
    elif args.component == "serve":
        from rasd.bench.serve import benchmark as serve_benchmark

        result = serve_benchmark(args.events)
    elif args.component == "corpus":
        from rasd.bench.corpus import corpus_benchmark

        result = corpus_benchmark(args.docs, args.words)
    elif args.component == "places":
        from rasd.bench.places import benchmark as places_benchmark

        result = places_benchmark(args.gold)
    else:
        try:
            articles = generate_articles(Path(args.corpus), args.docs, args.words)
        except BenchError as e:
            raise CliError(str(e)) from None
        if args.component == "encoder":
            from rasd.bench.encoder import benchmark as encoder_benchmark

            result = encoder_benchmark(articles)
        elif args.component == "watch":
            from rasd.bench.watch import watch_benchmark

            result = watch_benchmark(articles)
        elif args.workers:
            from rasd.bench.scale import scale_benchmark

            result = scale_benchmark(articles, args.workers, args.dask, args.engine)
        else:
            result = pipeline_benchmark(articles, args.engine)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {_fmt(value)}")
    return 0


def _fmt(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.0f}"
    return str(value)
