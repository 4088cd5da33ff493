"""`rasd eval --gold FILE.jsonl`: score the pipeline against hand-annotated articles (see rasd.evaluate)."""
from __future__ import annotations

import argparse
import json
from typing import Any

from rasd.cli import CliError
from rasd.evaluate import FROZEN_SPLIT, GoldError, evaluate, load_gold, log_test_scoring, predict, split_gold
from rasd.runner.resources import DEFAULT_ENGINE, ENGINES, Resources


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gold", required=True, nargs="+", metavar="FILE", help="gold JSONL file(s)")
    p.add_argument("--split", action="append", metavar="NAME",
                   help="score only these splits of a split gold file (default: all but the frozen test split)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"event coder (default {DEFAULT_ENGINE})")
    p.add_argument("--json", action="store_true", help="end with one JSON object of all figures")
    p.add_argument("--errors", action="store_true", help="list the misses and spurious predictions (never for test)")


def run(args: argparse.Namespace) -> int:
    try:
        gold = load_gold(args.gold)
        splits = split_gold(gold, args.split)
    except GoldError as e:
        raise CliError(str(e)) from None
    if not gold:
        raise CliError("the gold file(s) hold no articles")
    results = {}
    for name, articles in splits.items():
        result = evaluate(articles, predict(articles, Resources(event_engine=args.engine)))
        results[name] = result
        if name != "all":
            print(f"== split {name}")
        _print(result, errors=args.errors and name != FROZEN_SPLIT, details=name != FROZEN_SPLIT)
        if name == FROZEN_SPLIT:
            log_test_scoring(args.gold, result, args.engine)
    if args.json:
        figures = {name: _without_lists(r) for name, r in results.items()}
        print(json.dumps(figures["all"] if list(figures) == ["all"] else figures, ensure_ascii=False))
    return 0


def _without_lists(d: Any) -> Any:
    """The figures only: error lists are for reading, not for the JSON summary."""
    if isinstance(d, dict):
        return {k: _without_lists(v) for k, v in d.items() if not (isinstance(v, list) and v and isinstance(v[0], dict))}
    return d


def _print(result: dict[str, Any], errors: bool, details: bool = True) -> None:
    """The figures; `details` adds the sub-type confusion, which the frozen test split never shows."""
    print(f"articles: {result['articles']}")
    if "entities" in result:
        e = result["entities"]
        print(f"entities (exact span and label): P {e['micro']['precision']:.3f}  R {e['micro']['recall']:.3f}  "
              f"F1 {e['micro']['f1']:.3f}  (gold {e['micro']['gold']}, predicted {e['micro']['predicted']})")
        for label, s in sorted(e["per_label"].items()):
            print(f"  {label:<9} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (gold {s['gold']})")
        print(f"  actor linking accuracy over gold actor mentions: {e['actor_accuracy']:.3f} ({e['actor_gold']})")
    if "places" in result:
        p = result["places"]
        print(f"places: {p['within_25km']}/{p['gold']} gold mentions within 25 km ({p['within_25km_share']:.3f}), "
              f"found {p['found_share']:.3f}, precision-level accuracy {p['precision_accuracy']:.3f}, "
              f"spurious {p['spurious']}/{p['predicted']} (false-place rate {p['false_place_rate']:.3f})")
        if errors:
            for m in p["misses"]:
                print(f"  miss {m['id']}: {m['text']} ({m['reason']}{', got ' + str(m.get('predicted')) if m.get('predicted') else ''})")
            for s in p["spurious_places"]:
                print(f"  spurious {s['id']}: {s['text']} → {s['name_en']} ({s['country']})")
    if "events" in result:
        ev = result["events"]
        for level in ("event_type", "sub_event_type"):
            s = ev[level]
            print(f"events by {level}: P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
                  f"(gold {s['gold']}, predicted {s['predicted']}, matched {s['matched']})")
        actor1 = "n/a" if ev["actor1_accuracy"] is None else f"{ev['actor1_accuracy']:.3f}"
        print(f"  over matched events: actor F1 {ev['actor_f1']:.3f}, actor1 accuracy {actor1}, "
              f"date accuracy {ev['date_accuracy']:.3f}, fatalities accuracy {ev['fatalities_accuracy']:.3f}")
        c = ev["calibration"]
        print(f"  confidence: expected calibration error {c['ece']:.3f}; by tenth, events (mean confidence → right): "
              + ", ".join(f"{b['from']:.1f}: {b['events']} ({b['mean_confidence']:.2f}→{b['right']:.2f})"
                          for b in c["bins"] if b["events"]))
        if details:
            print("  sub-types (gold → predicted, over events matched by type; '-' unmatched):")
        for gold_sub, row in sorted(ev["confusion"].items()) if details else ():
            cells = ", ".join(f"{k} {v}" for k, v in sorted(row.items(), key=lambda kv: -kv[1]))
            print(f"    {gold_sub}: {cells}")
        if errors:
            for m in ev["misses"]:
                print(f"  miss {m['id']}: {m['event_type']} / {m['sub_event_type']}")
            for s in ev["spurious_events"]:
                print(f"  spurious {s['id']}: {s['event_type']} / {s['sub_event_type']} from “{s['trigger']}”")
