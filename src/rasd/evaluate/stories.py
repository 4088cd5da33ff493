"""Scoring the corpus layer against the annotated story windows of the real news (gold/real/stories/*.json).

Each window file lists every article of five outlets over five days (by ANT docno) in one story, and under each
story the ACLED events its articles report, with the articles behind each.  The window's articles are analysed
with rasd into a database of their own (read from the ANT corpus through a manifest of just those rows, so the
documents are exactly those `rasd analyze` makes of the corpus; day by day, so they arrive in the order they
were published), the corpus step is rebuilt, and:

* stories are scored by BCubed precision, recall and F1 over articles (each article's predicted story against
  its gold story; an article stored once for two identical texts counts for both);
* merged events by pairwise precision, recall and F1 over pairs of articles reporting one event: a gold pair is
  two articles listed under one event (an event listed under several stories, with the same sub-type, place and
  date, is one event), a predicted pair two articles with reports in one merged event.
"""
from __future__ import annotations

import csv
import itertools
import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from rasd.ingest.ant import read_manifest

MANIFEST_FIELDS = ("file", "block", "docno", "date", "category", "url", "words")


def load_window(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def window_docnos(window: dict[str, Any]) -> set[str]:
    return {d for s in window["stories"] for d in s["docnos"]}


def window_folders(ant_root: Path, window: dict[str, Any], folder: Path) -> list[Path]:
    """Folders that `rasd analyze` reads as the window's articles, one per day in date order, so that they are
    stored in the order they were published: each a manifest of that day's rows and links to the corpus's
    outlet folders (nothing of the corpus is copied)."""
    wanted = window_docnos(window)
    rows = [r for r in read_manifest(ant_root) if r["docno"] in wanted]
    missing = wanted - {r["docno"] for r in rows}
    if missing:
        raise ValueError(f"{len(missing)} docnos of {window['window']} are not in {ant_root}/manifest.tsv,"
                         f" e.g. {sorted(missing)[0]}")
    folders = []
    for day in sorted({r["date"] for r in rows}):
        day_folder = folder / day
        day_folder.mkdir(parents=True, exist_ok=True)
        day_rows = sorted((r for r in rows if r["date"] == day), key=lambda r: r["docno"])
        with (day_folder / "manifest.tsv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS, delimiter="\t", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(day_rows)
        for outlet in {r["file"].split("/")[0] for r in day_rows}:
            link = day_folder / outlet
            if not link.exists():
                link.symlink_to((ant_root / outlet).resolve(), target_is_directory=True)
        folders.append(day_folder)
    return folders


def documents_by_docno(conn: sqlite3.Connection, folders: list[Path]) -> dict[str, str]:
    """The stored document of each docno of the window (two docnos of one text share one document)."""
    by_path = {f"{folder}/{r['file']}#{r['block']}": r["docno"] for folder in folders for r in read_manifest(folder)}
    return {by_path[path]: doc_id for path, doc_id in conn.execute(
        "SELECT source_path, doc_id FROM inputs WHERE doc_id IS NOT NULL") if path in by_path}


def bcubed(gold: dict[str, str], predicted: dict[str, Any]) -> dict[str, float]:
    """BCubed precision, recall and F1 of a clustering of the gold's items (an item without a prediction is a
    cluster of its own)."""
    items = list(gold)
    pred = {i: predicted.get(i, ("alone", i)) for i in items}
    by_gold, by_pred = defaultdict(set), defaultdict(set)
    for i in items:
        by_gold[gold[i]].add(i)
        by_pred[pred[i]].add(i)
    precision = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_pred[pred[i]]) for i in items) / len(items)
    recall = sum(len(by_pred[pred[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in items) / len(items)
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall), "items": len(items)}


def pairwise(gold_pairs: set[tuple[str, str]], predicted_pairs: set[tuple[str, str]]) -> dict[str, float]:
    hit = len(gold_pairs & predicted_pairs)
    precision = hit / len(predicted_pairs) if predicted_pairs else 0.0
    recall = hit / len(gold_pairs) if gold_pairs else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall), "gold_pairs": len(gold_pairs),
            "predicted_pairs": len(predicted_pairs), "matched_pairs": hit}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def gold_event_pairs(window: dict[str, Any]) -> set[tuple[str, str]]:
    articles: dict[tuple, set[str]] = defaultdict(set)
    for story in window["stories"]:
        for event in story["events"]:
            articles[(event["sub_event_type"], event["place"], event["date"])].update(event["docnos"])
    return {pair for docnos in articles.values() for pair in itertools.combinations(sorted(docnos), 2)}


def score(conn: sqlite3.Connection, window: dict[str, Any], docs: dict[str, str]) -> dict[str, Any]:
    gold_story = {d: s["id"] for s in window["stories"] for d in s["docnos"]}
    story_of = dict(conn.execute("SELECT doc_id, story FROM corpus_documents"))
    predicted = {d: story_of[docs[d]] for d in gold_story if d in docs and docs[d] in story_of}
    docnos_of: dict[str, list[str]] = defaultdict(list)
    for docno, doc_id in docs.items():
        docnos_of[doc_id].append(docno)
    merged: dict[int, set[str]] = defaultdict(set)
    for merged_id, doc_id in conn.execute("SELECT merged_id, doc_id FROM merged_mentions"):
        merged[merged_id].update(docnos_of.get(doc_id, ()))
    predicted_pairs = {pair for docnos in merged.values() for pair in itertools.combinations(sorted(docnos), 2)}
    return {"window": window["window"], "articles": len(gold_story), "analysed": len(predicted),
            "gold_stories": len(window["stories"]), "predicted_stories": len(set(predicted.values())),
            "stories": bcubed(gold_story, predicted),
            "merged_events": pairwise(gold_event_pairs(window), predicted_pairs)}
