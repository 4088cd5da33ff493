"""Entity scoring: exact span and label, per label and micro-averaged, plus actor linking accuracy."""
from __future__ import annotations

from collections import Counter
from typing import Any

from rasd.model import Document


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "gold": n_gold, "predicted": n_pred, "matched": tp}


def score_entities(gold_docs: list[dict[str, Any]], predicted: list[Document]) -> dict[str, Any]:
    labels = {e["label"] for g in gold_docs for e in g["entities"]}
    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    actor_gold = actor_ok = 0
    for g, p in zip(gold_docs, predicted):
        gold_spans = {(e["start"], e["end"], e["label"]) for e in g["entities"]}
        pred_spans = {(e.start, e.end, e.label) for e in p.entities if e.label in labels}
        for _, _, label in gold_spans:
            n_gold[label] += 1
        for _, _, label in pred_spans:
            n_pred[label] += 1
        for _, _, label in gold_spans & pred_spans:
            tp[label] += 1
        for e in g["entities"]:
            if e.get("actor"):
                actor_gold += 1
                actor_ok += any(pe.actor == e["actor"] and pe.start < e["end"] and e["start"] < pe.end
                                for pe in p.entities)
    per_label = {label: prf(tp[label], n_pred[label], n_gold[label]) for label in sorted(labels)}
    return {"micro": prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())), "per_label": per_label,
            "actor_accuracy": round(actor_ok / actor_gold, 4) if actor_gold else 0.0, "actor_gold": actor_gold}
