"""The compact form of a fine-tuned encoder model, as shipped in the repository: only what fine-tuning
changed, small enough to commit (`resources/ner/accurate/`: the accurate NER backend's layers and head).
`rasd build-encoder` reads it back and joins it with the wheel's frozen word embedding."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rasd.resources import data_path

ACCURATE_DIR = data_path("ner") / "accurate"  # the accurate NER backend's weights, beside the shipped CRF
WEIGHTS_FILE = "weights.npz"
CONFIG_FILE = "config.json"


def write_compact(directory: Path, weights: dict[str, np.ndarray], config: dict) -> None:
    """Matrices (the layers' weights) as int8 with one float32 scale per output row, 1-D vectors and
    the position rows as fp16, the head as float32; and the configuration as JSON."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    for name, value in weights.items():
        if name.startswith("head."):
            arrays[name] = value.astype(np.float32)
        elif value.ndim == 2 and not name.startswith("emb."):
            scale = np.abs(value).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            arrays[name] = np.round(value / scale).astype(np.int8)
            arrays[name + ".scale"] = scale.astype(np.float32)
        else:
            arrays[name] = value.astype(np.float16)
    np.savez(directory / WEIGHTS_FILE, **arrays)
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_compact(directory: Path) -> tuple[dict[str, np.ndarray], dict]:
    """The weights `write_compact` wrote, back as float32 arrays, and the configuration."""
    out: dict[str, np.ndarray] = {}
    with np.load(directory / WEIGHTS_FILE) as stored:
        for name in stored.files:
            if name.endswith(".scale"):
                continue
            value = stored[name]
            if value.dtype == np.int8:
                value = value.astype(np.float32) * stored[name + ".scale"]
            out[name] = value.astype(np.float32)
    return out, json.loads((directory / CONFIG_FILE).read_text("utf-8"))
