"""Assemble the annotation kit in a folder outside the repository (it holds corpus text, which the repo never does).

    python tools/real_gold/make_kit.py ../shared/data/arabic-news-text/ant-multisource-v2.1 /work/annotkit

The kit holds the guide, the codebook, a copy of the actor registry and the gazetteer, the lookup and check
scripts, and one text file per selected article (exactly the text `rasd.ingest.ant` reads, which the offsets
refer to).  It holds nothing of rasd's analysis: annotators never see rasd's output on an article.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from rasd.ingest.ant import iter_articles  # noqa: E402

RESOURCES = REPO / "src" / "rasd" / "resources"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ant_root", type=Path)
    parser.add_argument("kit", type=Path)
    args = parser.parse_args()
    kit: Path = args.kit
    (kit / "articles").mkdir(parents=True, exist_ok=True)
    (kit / "ann").mkdir(exist_ok=True)
    for script in (REPO / "tools" / "real_gold" / "kit").glob("*.py"):
        shutil.copy(script, kit / script.name)
    shutil.copy(REPO / "tools" / "real_gold" / "annotation.py", kit / "annotation.py")
    shutil.copy(REPO / "gold" / "GUIDE.md", kit / "GUIDE.md")
    for name in ("acled_codebook.json", "actors.jsonl", "gazetteer.sqlite"):
        shutil.copy(RESOURCES / name, kit / name)
    with (REPO / "gold" / "real" / "articles.tsv").open(encoding="utf-8") as handle:
        selected = list(csv.DictReader(handle, delimiter="\t"))
    wanted = {r["docno"]: r for r in selected}
    written = 0
    for article in iter_articles(args.ant_root, set(wanted)):
        if article.sha256 != wanted[article.docno]["sha256"]:
            raise SystemExit(f"{article.docno}: corpus text changed since selection (sha256 differs)")
        (kit / "articles" / f"{article.docno}.txt").write_text(article.text, encoding="utf-8")
        written += 1
    with (kit / "articles.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["docno", "outlet", "published", "url"])
        for row in selected:
            writer.writerow([row["docno"], row["outlet"], row["published"], row["url"]])
    print(f"kit in {kit}: {written} articles")


if __name__ == "__main__":
    main()
