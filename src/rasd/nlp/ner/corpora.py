"""Reading CoNLL-style NER files; the ANERcorp training data and its dev block.

Training sentences come back as (token, BIO tag) pairs over PER ORG LOC MISC,
re-tokenised with rasd's own tokenizer so training sees exactly the tokens
`recognize` will see at run time.
"""
from __future__ import annotations

from pathlib import Path

from rasd.text.arabic import tokenize, word_cache

MODEL_LABELS = ("PER", "ORG", "LOC", "MISC")
DOCUMENT_MARK = "-DOCSTART-"  # CoNLL convention: a line starting a new document
DEV_DOCUMENT_SENTENCES = 20
Sentence = list[tuple[str, str]]

_ANERCORP_TYPES = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}


@word_cache
def split_tag(tag: str) -> tuple[str, str | None]:
    """('B', 'PER') for 'B-PERS'; ('O', None) for O and for anything malformed.  Read for every tag of every
    document (the NER's consistency pass), of a handful of tag types: remembered per tag."""
    if len(tag) > 2 and tag[0] in "BI" and tag[1] == "-":
        label = tag[2:].strip("-`")
        return tag[0], ("PER" if label == "PERS" else label)
    return "O", None


def read_conll(path: Path) -> list[Sentence]:
    """'token [more columns] TAG' lines, blank line between sentences; a token alone is O."""
    sentences: list[Sentence] = []
    current: Sentence = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                current = []
                continue
            if len(parts) == 1:
                parts.append("O")
            current.append((parts[0], parts[-1]))
    if current:
        sentences.append(current)
    return sentences


def map_labels(sentences: list[Sentence], types: dict[str, str]) -> list[Sentence]:
    out = []
    for sent in sentences:
        mapped = []
        for token, tag in sent:
            prefix, label = split_tag(tag)
            label = types.get(label or "")
            mapped.append((token, f"{prefix}-{label}" if label else "O"))
        out.append(mapped)
    return out


def retokenize(sentence: Sentence) -> Sentence:
    """Split corpus tokens the way rasd does: punctuation pieces become O, the words keep the entity."""
    out: Sentence = []
    for token, tag in sentence:
        prefix, label = split_tag(tag)
        first = True
        for piece in tokenize(token):
            if label is None or not piece.text[0].isalnum():
                out.append((piece.text, "O"))
                continue
            out.append((piece.text, f"{prefix if first else 'I'}-{label}"))
            first = False
    return out


def anercorp(data: Path) -> list[Sentence]:
    path = data / "anercorp-camel-split" / "ANERCorp_CamelLab_train.txt"
    return [retokenize(s) for s in map_labels(read_conll(path), _ANERCORP_TYPES)]


def mark_documents(sentences: list[Sentence], size: int = DEV_DOCUMENT_SENTENCES) -> list[Sentence]:
    """Put a document mark before every `size` sentences.  ANERcorp does not mark its articles, so the
    dev block is scored as runs of consecutive sentences; a run that straddles two articles can only
    mislead the document-level step of the recognizer, never help it."""
    out: list[Sentence] = []
    for i in range(0, len(sentences), size):
        out += [[(DOCUMENT_MARK, "O")], *sentences[i:i + size]]
    return out


def split_dev(sentences: list[Sentence], dev_fraction: float = 0.15) -> tuple[list[Sentence], list[Sentence]]:
    """Train on the first part, develop on the last contiguous block: ANERcorp keeps articles in
    file order, so the block holds whole unseen articles (bar the one cut at the boundary)."""
    cut = int(len(sentences) * (1 - dev_fraction))
    return sentences[:cut], sentences[cut:]
