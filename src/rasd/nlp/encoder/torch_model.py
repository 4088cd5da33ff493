"""The encoder as a standard `transformers` XLM-R model, for fine-tuning (needs the `hf` extra: torch).

Weights move between two spellings: the file's names (`emb.pos`, `l3.fi.w`, …; what `E5File.weights`
gives, what the ONNX builder reads and what fine-tuned weights are shipped as) and the transformers
state dict.  XLM-R numbers positions from 2 (0 and 1 are reserved next to the padding id), so the
file's 512 position rows go to rows 2-513; the engine uses token type 0 only.
"""
from __future__ import annotations

import numpy as np

from rasd.nlp.encoder.e5file import E5Config, E5File

# transformers name (after `encoder.layer.{i}.`) → file name (after `l{i}.`)
_LAYER_NAMES = {
    "attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
    "attention.output.dense": "ao", "attention.output.LayerNorm": "aln",
    "intermediate.dense": "fi", "output.dense": "fo", "output.LayerNorm": "oln",
}
_EMBEDDING_NAMES = {"embeddings.token_type_embeddings.weight": "emb.type",
                    "embeddings.LayerNorm.weight": "emb.ln.w", "embeddings.LayerNorm.bias": "emb.ln.b"}
POSITION_OFFSET = 2  # XLM-R: padding id 1, first position 2


def xlmr_config(config: E5Config, **extra):
    from transformers import XLMRobertaConfig

    return XLMRobertaConfig(
        vocab_size=config.vocab_rows, hidden_size=config.hidden, num_hidden_layers=config.layers,
        num_attention_heads=config.heads, intermediate_size=config.ffn, hidden_act="gelu",
        max_position_embeddings=config.max_positions + POSITION_OFFSET, type_vocab_size=config.token_types,
        layer_norm_eps=config.layer_norm_eps, pad_token_id=1, bos_token_id=0, eos_token_id=2, **extra)


def to_transformers(weights: dict[str, np.ndarray], prefix: str = "") -> dict[str, np.ndarray]:
    """File-named weights → an XLM-R state dict (keys under `prefix`, e.g. 'roberta.')."""
    out = {}
    for name, value in weights.items():
        if name != "emb.pos":
            out[prefix + _transformers_name(name)] = value
    if "emb.pos" in weights:
        rows = weights["emb.pos"]
        padded = np.zeros((rows.shape[0] + POSITION_OFFSET, rows.shape[1]), dtype=rows.dtype)
        padded[POSITION_OFFSET:] = rows
        out[prefix + "embeddings.position_embeddings.weight"] = padded
    return out


def from_transformers(state: dict, prefix: str = "") -> dict[str, np.ndarray]:
    """An XLM-R state dict (tensors or arrays) → file-named float32 weights, word embeddings left out."""
    reverse_layer = {v: k for k, v in _LAYER_NAMES.items()}
    reverse_embedding = {v: k for k, v in _EMBEDDING_NAMES.items()}
    out: dict[str, np.ndarray] = {}
    layers = 1 + max(int(k[len(prefix):].split(".")[2]) for k in state if k.startswith(prefix + "encoder.layer."))
    for i in range(layers):
        for file_part, hf_part in reverse_layer.items():
            for suffix, hf_suffix in (("w", "weight"), ("b", "bias")):
                out[f"l{i}.{file_part}.{suffix}"] = _array(state[f"{prefix}encoder.layer.{i}.{hf_part}.{hf_suffix}"])
    for file_name, hf_name in reverse_embedding.items():
        out[file_name] = _array(state[prefix + hf_name])
    out["emb.pos"] = _array(state[prefix + "embeddings.position_embeddings.weight"])[POSITION_OFFSET:]
    return out


def encoder_model(e5: E5File | None = None, weights: dict[str, np.ndarray] | None = None):
    """An `XLMRobertaModel` (no pooler) holding the file's weights, or `weights` over them (fine-tuned
    layers; the word embedding always comes from the file)."""
    import torch
    from transformers import XLMRobertaModel

    e5 = e5 or E5File()
    model = XLMRobertaModel(xlmr_config(e5.config), add_pooling_layer=False)
    merged = e5.weights(with_word_embeddings=True)
    merged.update(weights or {})
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in to_transformers(merged).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if "position_ids" not in k]:
        raise ValueError(f"weights do not fit the model: missing {missing}, unexpected {unexpected}")
    return model.eval()


def _transformers_name(name: str) -> str:
    if name == "emb.word":
        return "embeddings.word_embeddings.weight"
    for hf_name, file_name in _EMBEDDING_NAMES.items():
        if name == file_name:
            return hf_name
    layer, part, suffix = name.split(".")
    hf_part = {v: k for k, v in _LAYER_NAMES.items()}[part]
    return f"encoder.layer.{layer[1:]}.{hf_part}.{'weight' if suffix == 'w' else 'bias'}"


def _array(value) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().float().cpu().numpy()
    return np.asarray(value, dtype=np.float32)
