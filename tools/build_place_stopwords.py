"""Build src/rasd/resources/place_common_words.txt: gazetteer names that news mostly uses as ordinary words.

Many villages are named like common words ("سلمية" peaceful, "الصدر" chest, "عدة" several, "عبد الله").
This counts, over the unlabeled Arabic news in ../shared/data/arabic-news-text (less the articles of the
real-news test split's outlets and months), how often each one- or
two-word gazetteer name occurs and how often it follows a word that introduces a place (في, من, إلى,
مدينة, بلدة, ريف ...), carries the preposition ب or opens a dateline. A name seen often but rarely in such a position is an
ordinary word: the resolver then takes it only with a head word ("قرية سلمية") or a LOC entity.

Usage: python tools/build_place_stopwords.py [--data ../shared/data] [--min-count 30] [--max-locative 0.25]
"""
from __future__ import annotations

import argparse
import sqlite3
from collections import Counter
from pathlib import Path

from rasd.ingest.ant import development_articles
from rasd.text.arabic import normalize, tokenize

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "src" / "rasd" / "resources" / "gazetteer.sqlite"
OUT = ROOT / "src" / "rasd" / "resources" / "place_common_words.txt"
PLACE_INTRODUCERS = {normalize(w) for w in (
    "في", "من", "إلى", "قرب", "نحو", "باتجاه", "داخل", "مدينة", "بلدة", "قرية", "محافظة", "ريف", "منطقة",
    "ولاية", "مديرية", "قضاء", "ناحية", "مخيم", "حي", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي",
    "غربي", "أطراف", "محيط", "عاصمة")}


def gazetteer_keys(path: Path) -> set[str]:
    """One- and two-word names, except names of countries and capitals (they stay places even when a sentence
    uses them for a government: "قالت السعودية") and the curated features ("معبر رفح" is a name, however often
    it starts a sentence)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    body = con.execute("SELECT body FROM blob WHERE name = 'names'").fetchone()[0]
    national = {r[0] for r in con.execute("SELECT id FROM place WHERE fcode IN ('PCLI', 'PPLC') OR source = 'curated'")}
    con.close()
    keys = set()
    for line in body.split("\n"):
        if not line:
            continue
        key, ids = line.split("\t", 1)
        if key.count(" ") <= 1 and not national & {int(i) for i in ids.split(",")}:
            keys.add(key)
    return keys


def count(corpus: Path, keys: set[str]) -> tuple[Counter, Counter]:
    """How often each name occurs, and how often as a place, over every article but those of the test split's
    outlets and months (held-out text is never used, even unlabeled)."""
    total, locative = Counter(), Counter()
    for article in development_articles(corpus):
        for line in article.text.split("\n"):
            norms = [t.norm for t in tokenize(line) if t.norm[:1].isalnum()]
            dateline = _dateline_words(line)
            for i, w in enumerate(norms):
                prev = norms[i - 1] if i else ""
                nxt = norms[i + 1] if i + 1 < len(norms) else None
                forms = [(w, False)] + ([(w[1:], w[0] == "ب")] if w[:1] in "وبلف" and len(w) > 3 else [])
                for form, with_ba in forms:
                    for key in (form, f"{form} {nxt}" if nxt else None):
                        if key in keys:
                            total[key] += 1
                            if with_ba or prev in PLACE_INTRODUCERS or (i < dateline and key.count(" ") < dateline):
                                locative[key] += 1
    return total, locative


def _dateline_words(line: str) -> int:
    """How many words open the line as a dateline: a city, a comma, then the agency in brackets ("دبي، الإمارات
    العربية المتحدة (CNN)": one), 0 if none.  The city is where the report was filed, a place with no word before
    it (CNN Arabic files from Dubai); a line that opens "بدوره، ..." is no dateline."""
    head, comma, rest = line.partition("،")
    words = head.split()
    return len(words) if comma and 1 <= len(words) <= 2 and "(" in rest[:50] else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--min-count", type=int, default=30)
    ap.add_argument("--max-locative", type=float, default=0.25)
    args = ap.parse_args()
    keys = gazetteer_keys(GAZETTEER)
    total, locative = count(Path(args.data) / "arabic-news-text", keys)
    common = sorted(k for k, n in total.items() if n >= args.min_count and locative[k] / n < args.max_locative)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("# Gazetteer names used mostly as ordinary words in Arabic news (rasd.text.arabic.normalize form).\n"
                 f"# Built by tools/build_place_stopwords.py from ../shared/data/arabic-news-text (ANT corpus):\n"
                 f"# names seen >= {args.min_count} times, < {args.max_locative:.0%} of them after a place-introducing word.\n")
        fh.writelines(f"{k}\t{total[k]}\t{locative[k] / total[k]:.2f}\n" for k in common)
    print(f"{len(common)} common-word names written to {OUT} (of {len(total)} gazetteer names seen)")


if __name__ == "__main__":
    main()
