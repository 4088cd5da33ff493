"""Linear models over named features: what rasd's trained decisions ship as, read with numpy alone.

A model is a weight row per feature name and a column per class (one column: the log-odds of a yes), plus a
bias.  Training (scikit-learn, in rasd.train) produces the numbers; inference sums the rows of the features
present, so a model costs a few dictionary lookups and one small vector sum per decision.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)

    def probabilities(self, features: list[str]) -> np.ndarray:
        rows = [self.index[f] for f in features if f in self.index]
        scores = self.weights[rows].sum(axis=0) + self.bias if rows else self.bias.copy()
        if len(scores) == 1:  # one column: the log-odds of the one class, or of the second of two
            p = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return np.array([p]) if len(self.classes) == 1 else np.array([1.0 - p, p])
        scores = scores - scores.max()
        e = np.exp(scores)
        return e / e.sum()

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The model as named arrays, for numpy's savez."""
        return {f"{prefix}_features": np.array(sorted(self.index, key=self.index.get)),
                f"{prefix}_classes": np.array(self.classes),
                f"{prefix}_weights": self.weights.astype(np.float32), f"{prefix}_bias": self.bias.astype(np.float32)}

    @classmethod
    def from_arrays(cls, data, prefix: str) -> "LinearModel":
        index = {str(f): k for k, f in enumerate(data[f"{prefix}_features"])}
        return cls(tuple(str(c) for c in data[f"{prefix}_classes"]), index, data[f"{prefix}_weights"],
                   data[f"{prefix}_bias"])
