"""Bytes to text with the encoding detected from the bytes, never from the file name.

Order: byte-order marks, then strict UTF-8, then the legacy Arabic code pages
(windows-1256, ISO-8859-6) ranked by charset-normalizer.  Binary data is refused
with a reason instead of being decoded into noise.  Two kinds of damage are
repaired, not refused, because they cost a whole article for one character: a
multi-byte character cut off by the end of a truncated file, and stray NUL bytes.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from rasd.limits import BYTES_PER_STRAY_NUL

LEGACY_ARABIC = ["cp1256", "iso8859_6"]
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


class DecodeError(ValueError):
    pass


def decode_bytes(data: bytes, repairs: list[str] | None = None) -> tuple[str, str]:
    """Return (text, encoding name); `repairs`, when given, receives a line for each repair made to the bytes."""
    if not data.strip():
        raise DecodeError("empty input")
    repairs = [] if repairs is None else repairs
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(_decode_truncated(data, enc, repairs), enc)
            except UnicodeDecodeError as e:
                raise DecodeError(f"invalid {enc} after byte-order mark at byte {e.start}") from None
    enc = _utf16_without_bom(data)
    if enc:
        return _checked(data.decode(enc, errors="replace"), enc)
    nuls = data.count(0)
    if nuls:
        if nuls > max(1, len(data) // BYTES_PER_STRAY_NUL):
            raise DecodeError("binary data (NUL bytes), not text")
        data = data.replace(b"\x00", b"")
        repairs.append(f"removed {nuls} stray NUL byte{'s' if nuls > 1 else ''}")
    try:
        return _checked(_decode_truncated(data, "utf-8", repairs), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000], cp_isolation=LEGACY_ARABIC + ["cp1252", "utf_16"]).best()
    if best is None:
        raise DecodeError("undecodable bytes: not UTF-8, UTF-16, windows-1256 or ISO-8859-6")
    return _checked(data.decode(best.encoding, errors="replace"), best.encoding)


def _decode_truncated(data: bytes, encoding: str, repairs: list[str]) -> str:
    """Strict decoding, except that a character cut off by the end of the data (a truncated file or download)
    is dropped with a repair note; any other invalid byte raises UnicodeDecodeError."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        # e.object is what the codec decoded: the data, or (utf-8-sig) the data after the byte-order mark
        if e.end != len(e.object) or e.reason not in ("unexpected end of data", "truncated data"):
            raise
        repairs.append(f"dropped an incomplete {encoding} character cut off at the end ({e.end - e.start} bytes)")
        return e.object[:e.start].decode(encoding)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: one byte of every pair is 0x00 (ASCII, spaces) or 0x06 (Arabic letters, U+06xx)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    share = lambda b: (b.count(0) + b.count(6)) / len(b)  # noqa: E731
    if share(odd) > 0.7 and share(even) < 0.2 and odd.count(0):
        return "utf-16-le"
    if share(even) > 0.7 and share(odd) < 0.2 and even.count(0):
        return "utf-16-be"
    return None


# control characters other than tab, newline, form feed and carriage return, and the replacement character
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Refuse text that is mostly control characters: a binary file that happened to decode.  (Counted by a
    regular expression: a loop over the characters cost more than the rest of reading an article.)"""
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if sample and controls > 0.05 * len(sample):
        raise DecodeError(f"binary data ({controls} control or invalid characters in the first {len(sample)}), not text")
    if not text.strip():
        raise DecodeError("empty input")
    return text, encoding
