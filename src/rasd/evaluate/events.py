"""Event scoring, the way the events issue defines a match.

A predicted (asserted) event matches an unmatched gold event of the same article
with the same type and, where both have a location, a location within 50 km.
Matching is done twice: on event_type, and on sub_event_type (which also
requires the same sub-type).  Actors, dates and fatalities are scored over the
sub-type matches.
"""
from __future__ import annotations

from typing import Any

from rasd.evaluate.entities import prf
from rasd.resolve.geo import haversine_km
from rasd.model import Document, Event

MATCH_KM = 50.0


def _compatible(pred: Event, gold: dict[str, Any], level: str) -> bool:
    if pred.event_type != gold["event_type"]:
        return False
    if level == "sub_event_type" and pred.sub_event_type != gold["sub_event_type"]:
        return False
    loc = gold.get("location")
    if loc and pred.location:
        return haversine_km(pred.location.lat, pred.location.lon, loc["lat"], loc["lon"]) <= MATCH_KM
    return True


def _match(preds: list[Event], golds: list[dict[str, Any]], level: str) -> list[tuple[Event, dict[str, Any]]]:
    """Greedy one-to-one matching; among compatible gold events the nearest one is taken first."""
    pairs, used = [], set()
    for p in preds:
        options = [(i, g) for i, g in enumerate(golds) if i not in used and _compatible(p, g, level)]
        if not options:
            continue
        i, g = min(options, key=lambda o: _distance(p, o[1]))
        used.add(i)
        pairs.append((p, g))
    return pairs


def _distance(p: Event, g: dict[str, Any]) -> float:
    loc = g.get("location")
    if loc and p.location:
        return haversine_km(p.location.lat, p.location.lon, loc["lat"], loc["lon"])
    return MATCH_KM


def _count(table: dict[str, dict[str, int]], gold: str, predicted: str) -> None:
    row = table.setdefault(str(gold), {})
    row[str(predicted)] = row.get(str(predicted), 0) + 1


def score_events(gold_docs: list[dict[str, Any]], predicted: list[Document]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    n_gold = sum(len(g["events"]) for g in gold_docs)
    asserted = [[e for e in p.events if e.modality == "asserted"] for p in predicted]
    n_pred = sum(len(a) for a in asserted)
    sub_pairs: list[tuple[Event, dict[str, Any]]] = []
    misses, spurious = [], []
    for level in ("event_type", "sub_event_type"):
        matched = 0
        for g, preds in zip(gold_docs, asserted):
            pairs = _match(preds, g["events"], level)
            matched += len(pairs)
            if level == "sub_event_type":
                sub_pairs += pairs
                hit_gold = [id(x) for _, x in pairs]
                hit_pred = [id(x) for x, _ in pairs]
                misses += [{"id": g.get("id"), **{k: e[k] for k in ("event_type", "sub_event_type")}}
                           for e in g["events"] if id(e) not in hit_gold]
                spurious += [{"id": g.get("id"), "event_type": e.event_type, "sub_event_type": e.sub_event_type,
                              "trigger": e.trigger} for e in preds if id(e) not in hit_pred]
        result[level] = prf(matched, n_pred, n_gold)

    confusion: dict[str, dict[str, int]] = {}  # gold sub-type → predicted sub-type ("-": none) → count
    for g, preds in zip(gold_docs, asserted):
        pairs = _match(preds, g["events"], "event_type")
        for p, ge in pairs:
            _count(confusion, ge["sub_event_type"], p.sub_event_type)
        hit_gold, hit_pred = {id(x) for _, x in pairs}, {id(x) for x, _ in pairs}
        for ge in g["events"]:
            if id(ge) not in hit_gold:
                _count(confusion, ge["sub_event_type"], "-")
        for p in preds:
            if id(p) not in hit_pred:
                _count(confusion, "-", p.sub_event_type)
    result["confusion"] = confusion

    actor_tp = actor_pred = actor_gold = 0
    dates_ok = dates_n = fat_ok = fat_n = actor1_ok = actor1_n = 0
    for p, g in sub_pairs:
        if g.get("actor1"):
            actor1_n += 1
            actor1_ok += p.actor1 == g["actor1"]
        pa = {a for a in (p.actor1, p.assoc_actor_1, p.actor2, p.assoc_actor_2) if a}
        ga = set(g.get("actors") or [])
        actor_tp += len(pa & ga)
        actor_pred += len(pa)
        actor_gold += len(ga)
        if g.get("date"):
            dates_n += 1
            dates_ok += p.event_date == g["date"]
        if g.get("fatalities") is not None:
            fat_n += 1
            fat_ok += (p.fatalities or 0) == g["fatalities"]
    result["actor_f1"] = prf(actor_tp, actor_pred, actor_gold)["f1"]
    result["actor1_accuracy"] = round(actor1_ok / actor1_n, 4) if actor1_n else None
    result["date_accuracy"] = round(dates_ok / dates_n, 4) if dates_n else 0.0
    result["fatalities_accuracy"] = round(fat_ok / fat_n, 4) if fat_n else 0.0
    right = {id(p) for p, _ in sub_pairs}
    result["calibration"] = calibration([(e.confidence, id(e) in right) for preds in asserted for e in preds])
    result["misses"] = misses
    result["spurious_events"] = spurious
    return result


CONFIDENCE_BINS = 10


def calibration(scored: list[tuple[float, bool]]) -> dict[str, Any]:
    """Reliability of event confidences: per tenth of confidence, how many events and how many were right (matched
    by sub-type), and the expected calibration error (the mean gap, weighted by the bins' sizes)."""
    bins = [[0, 0.0, 0] for _ in range(CONFIDENCE_BINS)]  # events, sum of confidences, right
    for confidence, right in scored:
        b = bins[min(int(confidence * CONFIDENCE_BINS), CONFIDENCE_BINS - 1)]
        b[0] += 1
        b[1] += confidence
        b[2] += right
    n = sum(b[0] for b in bins) or 1
    ece = sum(b[0] / n * abs(b[2] / b[0] - b[1] / b[0]) for b in bins if b[0])
    return {"ece": round(ece, 4), "bins": [{"from": k / CONFIDENCE_BINS, "events": b[0],
                                             "mean_confidence": round(b[1] / b[0], 3) if b[0] else None,
                                             "right": round(b[2] / b[0], 3) if b[0] else None}
                                            for k, b in enumerate(bins)]}
