"""Train spaCy's NER on the same ANERcorp split as `rasd train-ner` and score it on the
same dev block with the same counting, to compare against the shipped CRF.

    nice -n 10 python tools/ner_compare_spacy.py [--data ../shared/data] [--epochs 15]

Prints dev scores per label and words/s; nothing is written to the repository.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example, biluo_tags_to_spans, iob_to_biluo

    from rasd.nlp.ner import corpora
    from rasd.nlp.ner.evaluate import format_scores, _prf
    from rasd.nlp.ner.tags import chunks

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args(argv)
    spacy.util.fix_random_seed(0)
    train, dev = corpora.split_dev(corpora.anercorp(args.data))
    nlp = spacy.blank("ar")
    ner = nlp.add_pipe("ner")
    for label in corpora.MODEL_LABELS:
        ner.add_label(label)

    def example(sent):
        doc = Doc(nlp.vocab, words=[t for t, _ in sent])
        doc.ents = biluo_tags_to_spans(doc, iob_to_biluo([tag for _, tag in sent]))
        return Example(Doc(nlp.vocab, words=[t for t, _ in sent]), doc)

    examples = [example(s) for s in train]
    optimizer = nlp.initialize(lambda: examples)
    started = time.time()
    for epoch in range(args.epochs):
        random.shuffle(examples)
        losses: dict = {}
        for batch in spacy.util.minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        print(f"epoch {epoch + 1}: loss {losses['ner']:.0f} ({time.time() - started:.0f}s)", file=sys.stderr)

    gold_all, pred_all = set(), set()
    tagging_started = time.time()
    for n, sent in enumerate(dev):
        doc = nlp(Doc(nlp.vocab, words=[t for t, _ in sent]))
        gold_all |= {(n, c) for c in chunks([tag for _, tag in sent])}
        pred_all |= {(n, (e.start, e.end, e.label_)) for e in doc.ents}
    seconds = time.time() - tagging_started
    scores = {"sentences": len(dev), "tokens": sum(map(len, dev)), "micro": _prf(gold_all, pred_all),
              "labels": {label: _prf({c for c in gold_all if c[1][2] == label}, {c for c in pred_all if c[1][2] == label})
                         for label in corpora.MODEL_LABELS}}
    print(format_scores(scores))
    print(f"spaCy tagging: {scores['tokens'] / seconds:.0f} words/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
