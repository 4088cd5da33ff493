"""CRF features for one sentence of normalised tokens.

Per word: form, clitic-stripped stem and proclitic, affixes of the stem, shape,
word2vec cluster ids at three granularities (clusters.py), name priors
(priors.py), context cues (ner_cues.tsv) and gazetteer matches; and the same,
more briefly, for the words up to two away.

Speed comes from caching: everything that depends on the word alone is computed
once per word type, both as the word's own features and as the features it lends
to its neighbours.  Only the gazetteer match depends on the sentence.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from rasd.text.arabic import MAX_CACHED_WORD, clitic_variants, normalize, strip_article
from rasd.nlp.ner.gazetteer import LEXICONS, Gazetteer, read_lexicon
from rasd.nlp.ner.priors import load_priors

CLUSTER_FILE = "clusters.tsv.gz"
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
CACHE_TYPES = 30_000  # word types whose features are kept (about 3 KB each); past this the cache starts over


def load_clusters(directory: Path) -> dict[str, tuple[str, ...]]:
    with gzip.open(directory / CLUSTER_FILE, "rt", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")[1:]
        clusters = {}
        for line in f:
            word, *ids = line.rstrip("\n").split("\t")
            clusters[word] = tuple(f"{name}={i}" for name, i in zip(header, ids))
    return clusters


def load_cues() -> dict[str, str]:
    cues = {}
    for line in read_lexicon(LEXICONS / "ner_cues.tsv"):
        kind, word = line.split("\t")
        cues[normalize(word)] = kind
    return cues


def _shape(word: str) -> str:
    if not word:
        return "empty"
    if word.isdigit():
        return "num4" if len(word) == 4 else "num"
    if not word[0].isalnum():
        return "punct"
    if word.isascii():
        return "latin"
    return "ar" + ("S" if len(word) <= 3 else "M" if len(word) <= 6 else "L")


class FeatureExtractor:
    def __init__(self, directory: Path):
        self.clusters = load_clusters(directory)
        self.gazetteer = Gazetteer.load(directory)
        self.cues = load_cues()
        self.priors = load_priors(directory)
        # word type → (its own features, those it lends to each neighbour offset); a memo, so a word that
        # another thread's clearing loses is computed again
        self._known: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {}

    def use_priors(self, priors: dict[str, tuple[str, ...]]) -> None:
        """Set the name priors (training adds them after its first stage); cached features are dropped."""
        self.priors = priors
        self._known.clear()

    def _stem(self, word: str) -> tuple[str, str]:
        """The most stripped clitic variant the cluster vocabulary knows (else the most stripped one), and its proclitic."""
        variants = clitic_variants(word)
        known = [v for v in variants[1:] if v in self.clusters]
        stem = known[-1] if known else variants[-1]
        return stem, word[: len(word) - len(stem)] if word.endswith(stem) else "+al"

    def type_features(self, word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """The word's own features, and those it lends to the words at each of NEIGHBOUR_OFFSETS."""
        found = self._known.get(word)
        if found is None:
            found = self._type_features(word)
            if len(word) <= MAX_CACHED_WORD:
                if len(self._known) > CACHE_TYPES:
                    self._known.clear()
                self._known[word] = found
        return found

    def _type_features(self, word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        stem, proclitic = self._stem(word)
        bare = strip_article(stem)
        own = ["w=" + word, "sh=" + _shape(word)]
        if stem != word:
            own += ["st=" + stem, "pc=" + proclitic]
        if len(bare) >= 3:
            own += ["p2=" + bare[:2], "p3=" + bare[:3], "x2=" + bare[-2:], "x3=" + bare[-3:], "x1=" + bare[-1]]
        word_clusters = self.clusters.get(word)
        stem_clusters = self.clusters.get(stem) if stem != word else None
        if word_clusters:
            own += word_clusters
        if stem_clusters:
            own += ["s" + c for c in stem_clusters]
        if not word_clusters and not stem_clusters:
            own.append("oov")
        prior = self.priors.get(word) or self.priors.get(stem) or ()
        own += prior
        cue = None
        for variant in clitic_variants(word):
            cue = self.cues.get(variant)
            if cue:
                own.append("cue=" + cue)
                break
        ids = word_clusters or stem_clusters or ("c=?",)
        lent = []
        for offset in NEIGHBOUR_OFFSETS:
            p = f"{offset}"
            feats = [p + "w=" + word, p + "sh=" + _shape(word)]
            if abs(offset) == 1:  # next to the word: all it is known by
                feats += [p + "st=" + stem] + [p + c for c in ids] + [p + f for f in prior]
            else:  # two away: its form and a mid-sized cluster
                feats.append(p + ids[min(1, len(ids) - 1)])
            if cue:
                feats.append(p + "cue=" + cue)
            lent.append(tuple(feats))
        return tuple(own), tuple(lent)

    def sentence(self, norms: list[str]) -> list[list[str]]:
        types = [self.type_features(word) for word in norms]
        gaz = self.gazetteer.match(norms)
        n = len(norms)
        out = []
        for i in range(n):
            feats = ["b"]
            feats += types[i][0]
            feats += gaz[i]
            for k, offset in enumerate(NEIGHBOUR_OFFSETS):
                j = i + offset
                if 0 <= j < n:
                    feats += types[j][1][k]
                    if abs(offset) == 1:
                        feats += [f"{offset}{g}" for g in gaz[j]]
                else:
                    feats.append(f"{offset}BOS" if j < 0 else f"{offset}EOS")
            out.append(feats)
        return out
