"""Linear models over named features: what rasd's trained decisions ship as, read with numpy alone.

A model is a weight row per feature name and a column per class (one column: the log-odds of a yes), plus a
bias.  Training (scikit-learn, in rasd.train) produces the numbers; inference sums the rows of the features
present, so a model costs a few dictionary lookups and one small vector sum per decision.
"""
from __future__ import annotations

import math
from itertools import repeat
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    # a one-column model's weights by feature name (None for a model of several columns): its many small
    # decisions (which place, which actor) are summed in Python, without numpy's cost per call
    column: dict[str, float] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        column = {f: float(self.weights[k, 0]) for f, k in self.index.items()} if self.weights.shape[1] == 1 else None
        object.__setattr__(self, "column", column)

    def log_odds(self, features: list[str]) -> float:
        """A one-column model's score: the log-odds of its one class (or of the second of two)."""
        return float(self.bias[0]) + sum(map(self.column.get, features, repeat(0.0)))  # get(f, 0.0), in order

    def probabilities(self, features: list[str]) -> np.ndarray:
        if self.column is not None:  # the log-odds of the one class, or of the second of two
            p = 1.0 / (1.0 + math.exp(-self.log_odds(features)))
            return np.array([p]) if len(self.classes) == 1 else np.array([1.0 - p, p])
        get = self.index.get
        rows = [k for k in map(get, features) if k is not None]
        scores = self.weights[rows].sum(axis=0) + self.bias if rows else self.bias.copy()
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
