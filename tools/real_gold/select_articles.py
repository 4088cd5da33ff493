"""Choose the real-news articles to annotate and freeze their split: writes gold/real/articles.tsv.

Articles come from the ANT corpus's middleEast and internationalNews sections (all five outlets, 2018).
The split is by outlet and by month, never by sentence or at random within an outlet-month:

* train: BBC, Sky News Arabia, Al Arabiya, February to June 2018
* dev:   BBC, Sky News Arabia, Al Arabiya, July to October 2018
* test:  CNN Arabic and France 24, July to October 2018 (outlets and weeks train never sees)
* dev_cnn_f24: CNN Arabic and France 24, February to June 2018, drawn only by --extend: a development set of
  the test split's outlets (never trained on, so test stays outlet-disjoint from train), added after the
  learned coder scored far lower on test than on dev

Within each split about three quarters are about armed conflict, protest, unrest or security in the Middle East
and North Africa (chosen by a few plain keywords written for this script, not by rasd's lexicons, so that the
choice does not favour what rasd already finds) and the rest is a random draw from the same sections, which
brings in articles with no event at all.  Drawing is seeded, stratified by outlet and month, and only among
articles of 80 to 650 words.  A subset is marked for a second, independent annotation (agreement).

    python tools/real_gold/select_articles.py ../shared/data/arabic-news-text/ant-multisource-v2.1
    python tools/real_gold/select_articles.py ANT_ROOT --extend train 120 30   # more train articles, appended

An extension draws, by the same rules and stratification, articles not selected before, and appends them; the
articles already selected (and annotated) never change.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from rasd.ingest.ant import TEST_MONTHS, TEST_OUTLETS, iter_articles, read_manifest  # noqa: E402

SECTIONS = {"middleEast", "internationalNews"}
SPLITS = {  # split -> (outlets, months)
    "train": ({"bbc", "skynews", "alarabia"}, range(1, 7)),
    "dev": ({"bbc", "skynews", "alarabia"}, range(7, 11)),
    "test": (TEST_OUTLETS, TEST_MONTHS),  # the one definition, which builders of unlabeled statistics leave out
    "dev_cnn_f24": (TEST_OUTLETS, range(1, 7)),
}
TARGETS = {"train": (165, 55), "dev": (54, 18), "test": (98, 34)}  # (conflict, mix) per split
DOUBLE = {"train": 24, "dev": 12, "test": 24}
MIN_WORDS, MAX_WORDS = 80, 650

_CONFLICT = re.compile(
    "قتل|قتيل|قتلى|مقتل|غار[ةا]|قصف|هجوم|اشتباك|انفجار|تفجير|مسلح|احتجاج|تظاهر|متظاهر|اعتقال|معتقل|"
    "صاروخ|قذائف|قذيفة|معارك|فصائل|ميليشي|جنود|الجيش|اغتيال|خطف|اختطاف|عبوة|ناسفة|انتحاري|مواجهات|"
    "جرحى|إصابة|المعارضة المسلحة|داعش|الحوثي|طائرات|طائرة مسيرة|مخيم|نازحين|لاجئين|حصار|هدنة|وقف إطلاق النار")
_MENA = re.compile(
    "سوري|العراق|عراقي|اليمن|يمني|ليبي|السودان|سوداني|لبنان|لبناني|غزة|الضفة|فلسطين|فلسطيني|إسرائيل|"
    "مصر|مصري|سيناء|الصومال|الأردن|تونس|الجزائر|المغرب|السعودي|الإمارات|قطر|البحرين|الكويت|عمان|إيران|"
    "تركيا|كردي|الأكراد|الحوثي|دمشق|بغداد|صنعاء|طرابلس|بنغازي|الخرطوم|بيروت|القدس|حلب|إدلب|عفرين|الغوطة|"
    "دوما|الحديدة|تعز|عدن|الموصل|كركوك|درعا|الرقة|دير الزور|حماة|حمص")


def split_of(outlet: str, month: int) -> str | None:
    for name, (outlets, months) in SPLITS.items():
        if outlet in outlets and month in months:
            return name
    return None


def conflict_score(text: str) -> int:
    if not _MENA.search(text):
        return 0
    return len(_CONFLICT.findall(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ant_root", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "gold" / "real" / "articles.tsv")
    parser.add_argument("--seed", type=int, default=20181203)
    parser.add_argument("--extend", nargs=3, metavar=("SPLIT", "CONFLICT", "MIX"),
                        help="append this many more conflict and mix articles of one split")
    args = parser.parse_args()
    if args.extend:
        split, n_conflict, n_mix = args.extend[0], int(args.extend[1]), int(args.extend[2])
        return extend(args, split, n_conflict, n_mix)

    chosen = draw(eligible_strata(args.ant_root), TARGETS, random.Random(args.seed), set())
    write(args.out, chosen, "w")


def eligible_strata(ant_root: Path) -> dict[tuple[str, str, int], list]:
    eligible = {r["docno"] for r in read_manifest(ant_root)
                if r["category"] in SECTIONS and r["date"].startswith("2018-")
                and MIN_WORDS <= int(r["words"]) <= MAX_WORDS}
    strata: dict[tuple[str, str, int], list] = defaultdict(list)  # (split, outlet, month) -> articles
    for art in iter_articles(ant_root, eligible):
        split = split_of(art.outlet, int(art.published[5:7]))
        if split:
            strata[(split, art.outlet, int(art.published[5:7]))].append(art)
    return strata


def extend(args, split: str, n_conflict: int, n_mix: int) -> None:
    with args.out.open(encoding="utf-8") as handle:
        known = {r["docno"] for r in csv.DictReader(handle, delimiter="\t")}
    strata = eligible_strata(args.ant_root)
    rng = random.Random(f"{args.seed}:extend:{split}:{len(known)}")
    chosen = draw(strata, {split: (n_conflict, n_mix)}, rng, known, doubles=False)
    write(args.out, chosen, "a")


def draw(strata, targets, rng, known: set[str], doubles: bool = True) -> list:
    chosen = []
    for split, (n_conflict, n_mix) in targets.items():
        keys = sorted(k for k in strata if k[0] == split)
        pools = {k: sorted(strata[k], key=lambda a: a.docno) for k in keys}
        for pool in pools.values():
            rng.shuffle(pool)
        picked: list[tuple[object, str]] = []
        taken: set[str] = set(known)
        for kind, target in (("conflict", n_conflict), ("mix", n_mix)):
            # round-robin over outlet-months so every stratum contributes
            cursor = {k: 0 for k in keys}
            count = 0
            while count < target and any(cursor[k] < len(pools[k]) for k in keys):
                for k in keys:
                    pool = pools[k]
                    while cursor[k] < len(pool):
                        art = pool[cursor[k]]
                        cursor[k] += 1
                        if art.docno in taken:
                            continue
                        if kind == "conflict" and conflict_score(art.text) < 4:
                            continue
                        picked.append((art, kind))
                        taken.add(art.docno)
                        count += 1
                        break
                    if count >= target:
                        break
        twice = set(rng.sample([a.docno for a, _ in picked], DOUBLE[split])) if doubles else set()
        chosen.extend((a, kind, split, a.docno in twice) for a, kind in picked)
    # Annotation order interleaves the splits so that a partial corpus is a fair sample of the whole.
    rng.shuffle(chosen)
    return chosen


def write(out: Path, chosen: list, mode: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open(mode, encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        if mode == "w":
            writer.writerow(["docno", "outlet", "category", "published", "split", "selected_as", "double",
                             "words", "sha256", "url"])
        for art, kind, split, double in chosen:
            writer.writerow([art.docno, art.outlet, art.category, art.published, split, kind, int(double),
                             len(art.text.split()), art.sha256, art.url])
    by = defaultdict(int)
    for _, kind, split, double in chosen:
        by[(split, kind)] += 1
        by[(split, "double")] += double
    print(f"wrote {len(chosen)} articles to {out}: " + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in sorted(by.items())))


if __name__ == "__main__":
    main()
