"""The sentence library on one task (`rasd eval-assertion`) — does a sentence assert a new event, or is it
a denial, a plan or a condition? — trained on the dev gold and scored on dev2.

Sentence labels come from the gold, not from rasd's own output:
* **asserted**: for each gold event, the sentence of its article that best holds its evidence (the gold
  marks none, so this is a proxy): a mention of its place (a place span with the event's coordinates)
  counts 2, each mention of one of its actors (an entity linked to the actor), a weapon, a quantity or a
  date 1; the earliest best sentence with more than a date is taken, unless it is a non-event;
* **not asserted**: the sentences holding a `nonevent:` statement of the article's source file
  (`negated`, `future`, `conditional`), e.g. "ومن المقرر أن تصل لجنة تحقيق ..." or "نفت ... إطلاق النار".
A sentence that would be both is left out.  Other sentences are unlabelled and not used.

`--synthetic` adds the train-only synthetic sentences (`gold/synthetic`: 2,283 events, 2,333 hard
negatives) to the training set.  Scores: accuracy and per-class precision / recall / F1 on dev2.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rasd.text.arabic import split_sentences

REPO = Path(__file__).resolve().parents[4]
GOLD = REPO / "gold"
ASSERTED, NOT_ASSERTED = "asserted", "not_asserted"
COORDINATE_TOLERANCE = 1e-4  # degrees: the same gazetteer point


def evaluate_assertion(encoder, train: list[tuple[str, str]], test: list[tuple[str, str]], hidden: int = 0,
                       l2: float = 1e-3):
    """Train a head on the embeddings of the `train` sentences and score it on `test`: (scores, head)."""
    from rasd.nlp.encoder.heads import train_head

    head = train_head(encoder.embed([t for t, _ in train]), [label for _, label in train], hidden=hidden, l2=l2)
    predicted = head.predict(encoder.embed([t for t, _ in test]))
    scores = score([label for _, label in test], predicted)
    scores["train_sentences"] = _counts([label for _, label in train])
    return scores, head


def labelled_sentences(gold_file: Path, sources: Path) -> list[tuple[str, str]]:
    """(sentence, asserted / not_asserted) pairs of one gold set, as the module's docstring says."""
    nonevents = _nonevent_statements(sources)
    out = []
    for line in filter(str.strip, gold_file.read_text("utf-8").split("\n")):  # "\n" only: texts may hold U+2029
        article = json.loads(line)
        text = article["text"]
        sentences = split_sentences(text)
        negative = {i for statement in nonevents.get(article["id"], [])
                    for i in _overlapping(sentences, text.find(statement), text.find(statement) + len(statement))}
        positive = set()
        for event in article["events"]:
            best = _evidence_sentence(article, event, sentences)
            if best is not None and best not in negative:
                positive.add(best)
        for i in sorted(positive ^ negative):
            out.append((text[sentences[i].start:sentences[i].end], ASSERTED if i in positive else NOT_ASSERTED))
    return out


def synthetic_sentences(directory: Path) -> list[tuple[str, str]]:
    out = []
    for name, label in (("positives.jsonl", ASSERTED), ("negatives.jsonl", NOT_ASSERTED)):
        for line in filter(str.strip, (directory / name).read_text("utf-8").split("\n")):
            out.append((json.loads(line)["text"], label))
    return out


def score(gold: list[str], predicted: list[str]) -> dict:
    result = {"sentences": len(gold), "accuracy": round(float(np.mean(np.array(gold) == np.array(predicted))), 4),
              "majority_class_accuracy": round(max(_counts(gold).values()) / len(gold), 4), "labels": {}}
    for label in (ASSERTED, NOT_ASSERTED):
        correct = sum(g == p == label for g, p in zip(gold, predicted))
        n_pred, n_gold = predicted.count(label), gold.count(label)
        p = correct / n_pred if n_pred else 0.0
        r = correct / n_gold if n_gold else 0.0
        result["labels"][label] = {"precision": round(p, 4), "recall": round(r, 4),
                                   "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "gold": n_gold}
    return result


def format_scores(scores: dict) -> str:
    lines = [f"{scores['sentences']} sentences scored; accuracy {scores['accuracy']:.3f} "
             f"(always the larger class: {scores['majority_class_accuracy']:.3f}); trained on {scores.get('train_sentences')}",
             f"{'label':<14}{'prec':>7}{'rec':>7}{'F1':>7}{'gold':>7}"]
    for label, s in scores["labels"].items():
        lines.append(f"{label:<14}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['gold']:>7}")
    return "\n".join(lines)


def _nonevent_statements(sources: Path) -> dict[str, list[str]]:
    """Article id → the texts of its `nonevent: kind | text` lines."""
    out: dict[str, list[str]] = {}
    for path in sorted(sources.glob("*.txt")):
        article_id = None
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("id:"):
                article_id = line[3:].strip()
            elif line.startswith("nonevent:") and "|" in line:
                out.setdefault(article_id, []).append(line.split("|", 1)[1].strip())
    return out


def _evidence_sentence(article: dict, event: dict, sentences) -> int | None:
    where = event.get("location")
    weights = [0] * len(sentences)
    anchored = [False] * len(sentences)
    for place in article["places"]:
        if where and abs(place["lat"] - where["lat"]) < COORDINATE_TOLERANCE and abs(place["lon"] - where["lon"]) < COORDINATE_TOLERANCE:
            for i in _overlapping(sentences, place["start"], place["end"]):
                weights[i] += 2
                anchored[i] = True
    for entity in article["entities"]:
        evidence = entity.get("actor") in event["actors"] or entity["label"] in ("WEAPON", "QUANTITY")
        if evidence or entity["label"] == "DATE":
            for i in _overlapping(sentences, entity["start"], entity["end"]):
                weights[i] += 1
                anchored[i] = anchored[i] or evidence
    candidates = [i for i in range(len(sentences)) if anchored[i]]
    return max(candidates, key=lambda i: (weights[i], -i)) if candidates else None


def _overlapping(sentences, start: int, end: int) -> list[int]:
    if start < 0:
        return []
    return [i for i, s in enumerate(sentences) if s.start < end and start < s.end]


def _counts(labels: list[str]) -> dict[str, int]:
    return {label: labels.count(label) for label in sorted(set(labels))}
