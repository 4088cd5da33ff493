"""Small classifier heads over frozen encoder embeddings, and the helper that trains them.

The encoder stays fixed and shared: a decision (asserted event or not, which sub-type, is this span the
actor) costs one embedding, which every head can reuse, plus a matrix product.  A head is
multinomial logistic regression or, with `hidden` > 0, one hidden ReLU layer before it; both are
trained here with full-batch Adam on the cross-entropy, an L2 penalty and classes weighted by
the inverse of their frequency (the gold sets are small and unbalanced).  numpy only, so a head
trains in seconds and runs without torch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Head:
    labels: list[str]
    layers: list[tuple[np.ndarray, np.ndarray]]  # (weight [in, out], bias [out]); ReLU between layers

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        return _softmax(self._logits(np.asarray(embeddings, dtype=np.float32)))

    def predict(self, embeddings: np.ndarray) -> list[str]:
        return [self.labels[i] for i in self.probabilities(embeddings).argmax(1)]

    def _logits(self, x: np.ndarray) -> np.ndarray:
        for i, (weight, bias) in enumerate(self.layers):
            x = x @ weight + bias
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0)
        return x

    def save(self, path: Path) -> None:
        arrays = {f"{kind}{i}": value for i, layer in enumerate(self.layers) for kind, value in zip("wb", layer)}
        np.savez(path, labels=np.array(json.dumps(self.labels)), **arrays)

    @classmethod
    def load(cls, path: Path) -> "Head":
        with np.load(path) as stored:
            n = sum(1 for k in stored.files if k.startswith("w"))
            return cls(json.loads(str(stored["labels"])), [(stored[f"w{i}"], stored[f"b{i}"]) for i in range(n)])


def train_head(embeddings: np.ndarray, labels: list[str], hidden: int = 0, l2: float = 1e-3,
               epochs: int = 300, learning_rate: float = 0.01, seed: int = 0) -> Head:
    """Fit a head on (embedding, label) pairs.  `hidden` > 0 adds a hidden layer of that width."""
    x = np.asarray(embeddings, dtype=np.float32)
    names = sorted(set(labels))
    y = np.array([names.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(names))
    sample_weight = (len(y) / (len(names) * counts))[y]
    rng = np.random.default_rng(seed)
    widths = [x.shape[1], *([hidden] if hidden else []), len(names)]
    params = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        params += [rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out)).astype(np.float32) if hidden
                   else np.zeros((fan_in, fan_out), np.float32), np.zeros(fan_out, np.float32)]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    target = np.eye(len(names), dtype=np.float32)[y]
    for step in range(1, epochs + 1):
        grads = _gradients(params, x, target, sample_weight, l2)
        for p, g, m, v in zip(params, grads, moments, squares):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= learning_rate * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return Head(names, [(params[i], params[i + 1]) for i in range(0, len(params), 2)])


def _gradients(params, x, target, sample_weight, l2):
    """Gradients of the weighted mean cross-entropy plus l2/2 times the squared weights."""
    activations = [x]
    for i in range(0, len(params) - 2, 2):
        activations.append(np.maximum(activations[-1] @ params[i] + params[i + 1], 0))
    logits = activations[-1] @ params[-2] + params[-1]
    delta = (_softmax(logits) - target) * (sample_weight / sample_weight.sum())[:, None]
    grads = [None] * len(params)
    for i in range(len(params) - 2, -1, -2):
        grads[i] = activations[i // 2].T @ delta + l2 * params[i]
        grads[i + 1] = delta.sum(0)
        if i:
            delta = (delta @ params[i].T) * (activations[i // 2] > 0)
    return grads


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(1, keepdims=True))
    return z / z.sum(1, keepdims=True)
