"""Arabic text basics shared by every stage: one normalisation for matching and
search, clitic-aware tokens, sentence boundaries and a script-based language id.

`normalize` never changes the number of characters except by deleting
diacritics and tatweel, so it is applied per token and offsets stay those of
the clean text.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from rasd.model import Sentence, Token

T = TypeVar("T")

_DIACRITICS = "\u0610\u0611\u0612\u0613\u0614\u0615\u0616\u0617\u0618\u0619\u061a" \
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0656\u0657" \
    "\u0658\u0659\u065a\u065b\u065c\u065d\u065e\u065f\u0670\u06d6\u06d7\u06d8\u06d9" \
    "\u06da\u06db\u06dc\u06df\u06e0\u06e1\u06e2\u06e3\u06e4\u06e7\u06e8\u06ea\u06eb\u06ec\u06ed"
TATWEEL = "\u0640"

_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ئ": "ي",
    "ة": "ه", "ۀ": "ه", "ە": "ه",
    "ؤ": "و",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف", "ڨ": "ق",
}
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _MAP[chr(0x06F0 + _i)] = str(_i)  # Persian digits
for _c in _DIACRITICS + TATWEEL:
    _MAP[_c] = None
# indexed by code point up to the last one mapped (str.translate leaves a character past the end as it is): a
# list answers every character, where a dict fails its look-up for each one left alone, most of any text
_TABLE: list[str | None] = [chr(_i) for _i in range(max(map(ord, _MAP)) + 1)]
for _c, _to in _MAP.items():
    _TABLE[ord(_c)] = _to


def normalize(text: str) -> str:
    """The single matching/search form: alef and hamza seats folded, ى→ي, ة→ه,
    diacritics and tatweel removed, Eastern digits to ASCII, Latin lower-cased."""
    return text.translate(_TABLE).lower()


def raw_prefix_length(text: str, normalized_chars: int) -> int:
    """How many characters of `text` its first `normalized_chars` normalised characters come from (diacritics
    and tatweel vanish in normalising): where a clitic-stripped name starts inside a raw token."""
    if normalized_chars <= 0:
        return 0
    seen = 0
    for k, ch in enumerate(text):
        if normalize(ch):
            seen += 1
            if seen == normalized_chars:
                return k + 1
    return 0


ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"
_WORD_RE = re.compile(
    rf"[{ARABIC_LETTER}\u0640\u064b-\u065f\u0670]+"  # Arabic word (with marks)
    r"|[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,٫٬][0-9\u0660-\u0669\u06f0-\u06f9]+)*"  # number
    r"|[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?"  # Latin word
    r"|\S",  # any other single visible character
)


MAX_CACHED_WORD = 48  # longer "words" (a run of letters with no space) are never cached: no real word is this long
WORD_CACHE = 200_000  # word types a per-word cache remembers


def word_cache(fn: Callable[[str], T]) -> Callable[[str], T]:
    """Memoise a pure function of one word, for word types of ordinary length only.

    A cache capped by count alone can still hold a gigabyte when a text is one million-letter "word"; capping
    what may enter it caps its size.  The memo is a dict called like the function, so that a word seen before
    costs one dict look-up and no Python frame: these functions are asked about every word of every document.
    Safe to share between threads (a pure function; a word lost when another thread starts the memo over is
    computed again).
    """
    return _WordMemo(fn)


class _WordMemo(dict):
    """word → fn(word) for the words asked so far; calling it answers from the dict or computes and keeps."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[str], T]):
        super().__init__()
        self.fn = fn

    def __missing__(self, word: str):
        value = self.fn(word)
        if len(word) <= MAX_CACHED_WORD:
            if len(self) >= WORD_CACHE:
                self.clear()
            self[word] = value
        return value

    __call__ = dict.__getitem__
    __eq__ = object.__eq__  # a function: equal only to itself, and hashable as the clitic rules that hold it need
    __ne__ = object.__ne__
    __hash__ = object.__hash__


_NORMALIZED: dict[str, str] = {}  # word → normalize(word): news repeats its words, and this is the hottest loop


def tokenize(text: str) -> list[Token]:
    out = []
    known = _NORMALIZED
    for m in _WORD_RE.finditer(text):
        word = m.group()
        norm = known.get(word)
        if norm is None:
            norm = normalize(word)
            if len(word) <= MAX_CACHED_WORD:
                if len(known) > WORD_CACHE:
                    known.clear()  # another thread may miss and normalise again: nothing worse
                known[word] = norm
        out.append(Token(m.start(), m.end(), word, norm))
    return out


# Proclitic sequences, longest first, in normalised form.  "لل" is ل + ال with the alef elided.
_PROCLITICS = ("وبال", "وكال", "وفال", "ولل", "فلل", "فبال", "وال", "فال", "بال", "كال", "لل",
               "ال", "وب", "ول", "وك", "فب", "فل", "وس", "و", "ف", "ب", "ل", "ك")


@word_cache
def clitic_variants(norm_word: str) -> tuple[str, ...]:
    """Forms a normalised word may take once proclitics are stripped, most literal first.

    "وبريف" → ("وبريف", "بريف", "ريف"); "للحزب" → ("للحزب", "الحزب", "حزب").
    Stems shorter than two letters are not produced.  Callers look every variant up
    and prefer the longest match, so a real word beginning with و or ب is never lost.
    """
    out = [norm_word]
    for p in _PROCLITICS:
        if norm_word.startswith(p) and len(norm_word) - len(p) >= 2:
            stem = norm_word[len(p):]
            if p.endswith("لل"):
                out.append("ال" + stem)  # للحزب → الحزب
            elif p.endswith("ال"):
                out.append("ال" + stem)  # وبالمدينة → المدينة
            out.append(stem)
    seen: dict[str, None] = {}
    for v in out:
        seen.setdefault(v, None)
    return tuple(seen)


def strip_article(norm_word: str) -> str:
    return norm_word[2:] if norm_word.startswith("ال") and len(norm_word) > 3 else norm_word


_SENT_END = re.compile(r"[.!?؟؛]+[\"”»’)\]]*|\n+")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences at . ! ? ؟ ؛ and line breaks; closing quotes stay with their sentence.

    A full stop between digits (3.5) or after a single-letter abbreviation (د.) does not end a sentence.
    """
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        punct = m.group()
        if punct.startswith("."):
            before = text[max(0, m.start() - 2):m.start()]
            after = text[end:end + 1]
            if (before[-1:].isdigit() and after.isdigit()) or (len(before) == 2 and before[0].isspace() and before[1].isalpha()):
                continue
        _append(text, start, end, out)
        start = end
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end))


_ARABIC_CHAR = re.compile(rf"[{ARABIC_LETTER}]")
_LATIN_CHAR = re.compile(r"[A-Za-z\u00c0-\u024f]")
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")


MIN_LETTERS = 8  # fewer letters than a two-word headline say nothing of a language


def detect_language(text: str) -> str:
    """'ar', 'fa', 'en' (any Latin-script text) or 'und', from script counts.

    Script is decisive here: a news article is in one script, and Persian shares
    Arabic's letters but not پ چ ژ گ ک ی, which it uses constantly.  So a one-line report
    ("وصل الوفد إلى دمشق أمس") is Arabic already; only a few stray letters are undetermined.
    """
    sample = text[:20_000]
    ar = len(_ARABIC_CHAR.findall(sample))
    la = len(_LATIN_CHAR.findall(sample))
    if ar + la < MIN_LETTERS:
        return "und"
    if ar >= la:
        fa = len(_PERSIAN_ONLY.findall(sample))
        return "fa" if fa > 0.02 * ar else "ar"
    return "en"
