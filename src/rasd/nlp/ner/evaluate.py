"""`rasd eval-ner FILE`: precision, recall and F1 of the shipped recognizer on a CoNLL-style file.

Counting follows conlleval: exact span and label match; an I- tag after O or after
another type opens a new chunk.  B-PERS is PER.  The model's labels (PER ORG LOC
MISC) are always scored; the rule labels (NORP WEAPON QUANTITY DATE) only when the
gold file uses them, since a file that never marks them cannot judge them.  Sentences
between -DOCSTART- lines are tagged as one document (the recognizer uses document
context); without such lines each sentence is its own document.
"""
from __future__ import annotations

import bisect

from rasd.model import Document, Sentence
from rasd.text.arabic import tokenize
from rasd.nlp.ner.corpora import DOCUMENT_MARK, MODEL_LABELS
from rasd.nlp.ner.tags import Chunk, chunks



def predict_tags(sentences: list[list[str]], recognizer) -> list[list[str]]:
    """Run the recognizer on one document, each sentence's tokens joined by spaces and the sentences
    by newlines; an entity tags every token it overlaps."""
    from rasd.nlp.ner import recognize

    starts, bounds, offset = [], [], 0
    for tokens in sentences:
        bounds.append(Sentence(offset, offset + len(" ".join(tokens))))
        for token in tokens:
            starts.append(offset)
            offset += len(token) + 1
    text = "\n".join(" ".join(tokens) for tokens in sentences)
    doc = Document(raw=text, text=text, sentences=bounds, tokens=tokenize(text))
    recognize(doc, recognizer)
    flat = [token for tokens in sentences for token in tokens]
    tags = ["O"] * len(flat)
    for entity in doc.entities:
        i = bisect.bisect_left(starts, entity.start + 1) - 1  # the token holding the entity's first character
        first = i
        while i < len(flat) and starts[i] < entity.end:
            if starts[i] + len(flat[i]) > entity.start:
                tags[i] = ("B-" if i == first else "I-") + entity.label
            else:
                first = i + 1
            i += 1
    out, k = [], 0
    for tokens in sentences:
        out.append(tags[k:k + len(tokens)])
        k += len(tokens)
    return out


def documents(sentences: list[list[tuple[str, str]]]) -> list[list[list[tuple[str, str]]]]:
    """The sentences grouped by -DOCSTART- marks; each sentence alone when the file has none."""
    if not any(s[0][0] == DOCUMENT_MARK for s in sentences):
        return [[s] for s in sentences]
    out: list[list] = []
    for sent in sentences:
        if sent[0][0] == DOCUMENT_MARK:
            out.append([])
            sent = sent[1:]
        if sent:
            if not out:
                out.append([])
            out[-1].append(sent)
    return [d for d in out if d]


def evaluate_sentences(sentences: list[list[tuple[str, str]]], recognizer) -> dict:
    gold_chunks: list[set[tuple[int, Chunk]]] = []
    pred_chunks: list[set[tuple[int, Chunk]]] = []
    gold_labels: set[str] = set()
    n = 0
    for document in documents(sentences):
        predicted = predict_tags([[t for t, _ in sent] for sent in document], recognizer)
        for sent, tags in zip(document, predicted):
            gold = chunks([tag for _, tag in sent])
            gold_labels |= {c[2] for c in gold}
            gold_chunks.append({(n, c) for c in gold})
            pred_chunks.append({(n, c) for c in chunks(tags)})
            n += 1
    sentences = [s for d in documents(sentences) for s in d]
    scored = set(MODEL_LABELS) | gold_labels
    gold_all = set().union(*gold_chunks)
    pred_all = {c for c in set().union(*pred_chunks) if c[1][2] in scored}
    result = {"sentences": len(sentences), "tokens": sum(len(s) for s in sentences),
              "labels": {}, "micro": _prf(gold_all, pred_all)}
    for label in sorted(scored):
        result["labels"][label] = _prf({c for c in gold_all if c[1][2] == label},
                                       {c for c in pred_all if c[1][2] == label})
    return result


def _prf(gold: set, pred: set) -> dict:
    correct = len(gold & pred)
    p = correct / len(pred) if pred else 0.0
    r = correct / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "gold": len(gold), "predicted": len(pred), "correct": correct}


def format_scores(scores: dict) -> str:
    lines = [f"{scores['sentences']} sentences, {scores['tokens']} tokens",
             f"{'label':<9}{'prec':>7}{'rec':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    for label, s in [*scores["labels"].items(), ("micro", scores["micro"])]:
        lines.append(f"{label:<9}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['gold']:>7}{s['predicted']:>7}")
    return "\n".join(lines)
