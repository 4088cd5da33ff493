"""Near-duplicate documents: MinHash signatures of word shingles (datasketch), looked up through LSH bands kept
in the database (`corpus_lsh`) under the fortnight of the article's day (`period_of`).  A dated article's
original is looked for among the articles of its own fortnight and the COPY_PERIODS before and after it (14 to 28
days either side): the look-up reads rows of those fortnights only, so that its cost and the number of candidates
it finds do not grow with the corpus (over all of it, the bands unrelated texts share by chance grow with it), and
copies are syndicated within days, not months.  An undated article (its day is the day it was stored) is looked
up in every fortnight the corpus holds.

A candidate that shares a band is a copy when the signatures estimate a Jaccard similarity of at least
`MIN_JACCARD`, or when the shorter text is almost wholly inside the longer one (a truncated or extended copy).
"""
from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from rasd.corpus.articles import rows_in

NUM_PERM = 128
BANDS, ROWS = 42, 3  # 42 bands of 3 values: a pair at Jaccard 0.4 shares a band with probability 0.94, at 0.5 0.996
SEED, SCHEME = 1, "affine32"
MIN_JACCARD = 0.4  # estimated Jaccard similarity of two copies (a rewritten relay of an agency's text: 0.5)
MIN_CONTAINMENT = 0.75  # share of the shorter text's shingles inside the longer one's, for truncated copies
MIN_CONTAINED_SHINGLES = 30  # a text shorter than this is a copy only by Jaccard similarity
COPY_PERIODS = 1  # fortnights before and after an article's own in which its original is looked for


@dataclass(frozen=True)
class Copy:
    doc_id: str  # the original: the first stored document of the copies
    jaccard: float


class Signatures:
    """MinHash signatures with one set of permutations, made once.  Shingles are hashed with CRC-32, which is
    stable across processes and several times faster than datasketch's default SHA-1; the permutations, not the
    hash, make the signature's values independent.

    The signature is datasketch's MinHash of the scheme "affine32" (each hash mixed by MurmurHash3's finaliser,
    then a * h + b modulo 2^32 for each permutation's a and b, the least value kept), computed here in one numpy
    expression per text: a MinHash object per article cost more than the arithmetic (tests/test_corpus.py checks
    the values against datasketch's)."""

    def __init__(self) -> None:
        self._a, self._b = (p[np.newaxis, :] for p in MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME,
                                                               hashfunc=zlib.crc32).permutations)

    def __call__(self, shingles: Collection[bytes]) -> np.ndarray:
        if not shingles:
            return np.full(NUM_PERM, EMPTY, dtype=np.uint32)
        hashes = _fmix32(np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=len(shingles)))
        return (hashes[:, np.newaxis] * self._a + self._b).min(axis=0)


EMPTY = np.uint32(0xFFFFFFFF)  # every value of the signature of no shingles


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it to each hash before the permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


# each band's BLAKE2b state with its salt (the band's number), copied for each signature: making it is most of
# the cost of hashing 12 bytes
_BAND_HASHES = [hashlib.blake2b(digest_size=8, salt=b.to_bytes(2, "little")) for b in range(BANDS)]


def band_keys(signature: np.ndarray) -> list[int]:
    """One 64-bit key per band, the band's number mixed in so that bands never collide with each other."""
    values = signature.tobytes()
    width = ROWS * signature.itemsize
    digests = []
    for b, band in enumerate(_BAND_HASHES):
        h = band.copy()
        h.update(values[b * width:(b + 1) * width])
        digests.append(h.digest())
    return np.frombuffer(b"".join(digests), dtype="<i8").tolist()


def copy_periods(period: int, held: range) -> range:
    """The fortnights a dated article's original is looked for in: its own and COPY_PERIODS either side of it,
    less those outside the ones the corpus holds (`held`), where the look-up could only find nothing: in a feed
    stored in order, the fortnight after the newest article's is never held, and its seeks were a third of the
    look-up's."""
    return range(max(period - COPY_PERIODS, held.start), min(period + COPY_PERIODS + 1, held.stop))


def find_original(conn: sqlite3.Connection, signature: np.ndarray, keys: list[int], shingles: int,
                  periods: range) -> Copy | None:
    """The document stored under one of these periods that this text is a copy of (the original of its copies),
    or None."""
    candidates = [r[0] for r in conn.execute(
        f"SELECT DISTINCT doc_id FROM corpus_lsh WHERE period IN ({','.join('?' * len(periods))})"
        f" AND key IN ({','.join('?' * len(keys))})", (*periods, *keys))]
    best: Copy | None = None
    for row in rows_in(conn, "SELECT doc_id, minhash, shingles, duplicate_of FROM corpus_documents"
                             " WHERE doc_id IN ({})", candidates):
        jaccard = np.count_nonzero(np.frombuffer(row["minhash"], dtype=signature.dtype) == signature) / NUM_PERM
        if is_copy(jaccard, shingles, row["shingles"]) and (best is None or jaccard > best.jaccard):
            best = Copy(row["duplicate_of"] or row["doc_id"], jaccard)
    return best


def is_copy(jaccard: float, a: int, b: int) -> bool:
    """Whether two texts of `a` and `b` shingles with this Jaccard similarity are copies of one text: similar
    enough, or the shorter one contained in the longer (|A ∩ B| = J (|A| + |B|) / (1 + J))."""
    if jaccard >= MIN_JACCARD:
        return True
    shorter = min(a, b)
    return shorter >= MIN_CONTAINED_SHINGLES and jaccard * (a + b) / (1 + jaccard) / shorter >= MIN_CONTAINMENT


def index(conn: sqlite3.Connection, doc_id: str, keys: list[int], period: int) -> None:
    conn.executemany("INSERT OR IGNORE INTO corpus_lsh(period, key, doc_id) VALUES (?, ?, ?)",
                     [(period, k, doc_id) for k in keys])
