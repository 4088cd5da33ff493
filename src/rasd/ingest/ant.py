"""The ANT news corpus layout: many articles per text file, one blank-line-separated block each.

A block is a title line followed by body lines; a ``manifest.tsv`` beside the outlet folders gives each
block's file, 1-based block number, ANT ``docno``, publication date, category and URL.  An article's text is
its block's lines joined by newlines, exactly as read here: gold annotations of real news point into this text
by character offsets and carry its SHA-256, so this function is the one definition of it.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AntArticle:
    docno: str
    outlet: str
    category: str
    published: str
    url: str
    file: str
    block: int
    text: str

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


# the outlets and months the frozen real-news test split is drawn from (gold/real/README.md): whatever learns
# from unlabeled news leaves their articles out, so that no held-out text shapes a model
TEST_OUTLETS = frozenset({"cnn", "france24"})
TEST_MONTHS = range(7, 11)  # July to October 2018


def in_test_population(row: dict[str, str]) -> bool:
    """Whether a manifest row is an article of the test split's outlets and months."""
    return (row["file"].split("/")[0] in TEST_OUTLETS and row["date"].startswith("2018-")
            and int(row["date"][5:7]) in TEST_MONTHS)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iter_blocks(path: Path, encoding: str = "utf-8") -> Iterator[str]:
    """The blank-line-separated blocks of one corpus file, as text."""
    lines: list[str] = []
    with path.open(encoding=encoding) as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line:
                lines.append(line)
            elif lines:
                yield "\n".join(lines)
                lines = []
    if lines:
        yield "\n".join(lines)


def read_manifest(root: Path) -> list[dict[str, str]]:
    with (root / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def manifest_by_file(root: Path, keep: Callable[[dict[str, str]], bool] | None = None,
                     ) -> dict[str, dict[int, dict[str, str]]]:
    """The manifest's rows (or only those `keep` accepts) by file, then by block number, in manifest order."""
    by_file: dict[str, dict[int, dict[str, str]]] = {}
    for row in read_manifest(root):
        if keep is None or keep(row):
            by_file.setdefault(row["file"], {})[int(row["block"])] = row
    return by_file


def file_articles(root: Path, file: str, wanted: dict[int, dict[str, str]]) -> Iterator[AntArticle]:
    """The articles of one corpus file that `wanted` lists, by block number."""
    for number, text in enumerate(iter_blocks(root / file), start=1):
        row = wanted.get(number)
        if row is not None:
            yield AntArticle(docno=row["docno"], outlet=file.split("/")[0], category=row["category"],
                             published=row["date"], url=row["url"], file=file, block=number, text=text)


def iter_articles(root: Path, docnos: set[str] | None = None) -> Iterator[AntArticle]:
    """Every article of an ANT folder (or only those in `docnos`), in manifest order, reading each file once."""
    keep = None if docnos is None else (lambda row: row["docno"] in docnos)
    for file, wanted in manifest_by_file(root, keep).items():
        yield from file_articles(root, file, wanted)


def development_files(corpus: Path) -> Iterator[Iterator[AntArticle]]:
    """For each corpus file of the ANT folders under `corpus` (those with a manifest.tsv), its articles but
    those of the test split's outlets and months: the unlabeled news that statistics, clusters and silver data
    may be learned from, file by file."""
    for manifest in sorted(corpus.glob("*/manifest.tsv")):
        for file, wanted in manifest_by_file(manifest.parent, lambda row: not in_test_population(row)).items():
            yield file_articles(manifest.parent, file, wanted)


def development_articles(corpus: Path) -> Iterator[AntArticle]:
    """The articles of `development_files`, file after file."""
    for articles in development_files(corpus):
        yield from articles
