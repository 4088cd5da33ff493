"""Place scoring: how many gold place mentions were put within 25 km of the gold point.

A gold mention is matched by the predicted place whose span overlaps it most.  Precision
accuracy (ACLED geo_precision 1/2/3) is measured over matched mentions.  Predicted places
that overlap no gold mention are counted as spurious (the false-place rate is their share of
the predictions), since a wrongly placed village is the costliest error for event data.  Gold
"toponyms" are place names the gold could not put on the map (not in the gazetteer, or too
vague): a prediction there is neither scored nor spurious.
"""
from __future__ import annotations

from statistics import median
from typing import Any, Iterable

from rasd.model import Document
from rasd.resolve.geo import haversine_km

WITHIN_KM = 25.0


def score_places(gold_docs: Iterable[dict | Document], predicted_docs: Iterable[dict | Document]) -> dict[str, Any]:
    gold = [_as_dict(d) for d in gold_docs]
    predicted = [_as_dict(d) for d in predicted_docs]
    by_id = {d.get("id"): d for d in predicted if d.get("id") is not None}
    totals = {"gold": 0, "matched": 0, "within_25km": 0, "precision_correct": 0, "predicted": 0, "spurious": 0}
    errors_km: list[float] = []
    misses: list[dict[str, Any]] = []
    spurious: list[dict[str, Any]] = []
    for i, g in enumerate(gold):
        p = by_id.get(g.get("id")) if g.get("id") in by_id else (predicted[i] if i < len(predicted) else {})
        pred_places = p.get("places", []) if p else []
        text = g.get("text", "")
        totals["predicted"] += len(pred_places)
        for pp in pred_places:
            if not any(_overlap(pp, gp) for gp in g.get("places", []) + g.get("toponyms", [])):
                totals["spurious"] += 1
                spurious.append({"id": g.get("id"), "text": text[pp["start"]:pp["end"]], "name_en": pp.get("name_en"),
                                 "country": pp.get("country")})
        for gp in g.get("places", []):
            totals["gold"] += 1
            overlapping = [pp for pp in pred_places if _overlap(pp, gp)]
            miss = {"id": g.get("id"), "text": text[gp["start"]:gp["end"]], "gold": [gp["lat"], gp["lon"]],
                    "gold_precision": gp.get("precision")}
            if not overlapping:
                misses.append({**miss, "reason": "not found"})
                continue
            best = max(overlapping, key=lambda pp: _overlap(pp, gp))
            totals["matched"] += 1
            km = haversine_km(gp["lat"], gp["lon"], best["lat"], best["lon"])
            errors_km.append(km)
            if km <= WITHIN_KM:
                totals["within_25km"] += 1
            else:
                misses.append({**miss, "reason": f"{km:.0f} km off", "predicted": best.get("name_en"),
                               "predicted_country": best.get("country")})
            if best.get("precision") == gp.get("precision"):
                totals["precision_correct"] += 1
    n_gold = totals["gold"] or 1
    return {
        **totals,
        "within_25km_share": round(totals["within_25km"] / n_gold, 4),
        "found_share": round(totals["matched"] / n_gold, 4),
        "precision_accuracy": round(totals["precision_correct"] / (totals["matched"] or 1), 4),
        "false_place_rate": round(totals["spurious"] / (totals["predicted"] or 1), 4),
        "median_error_km": round(median(errors_km), 1) if errors_km else None,
        "misses": misses,
        "spurious_places": spurious,
    }


def _as_dict(d: dict | Document) -> dict[str, Any]:
    return d.to_dict() if isinstance(d, Document) else d


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))
