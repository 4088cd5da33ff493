"""Annotation kit: start an .ann file for an article (header, the text to mark up, empty annotation block).

    python3 template.py DOCNO ANNOTATOR > ann/ANNOTATOR/DOCNO.ann
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

docno, annotator = sys.argv[1], sys.argv[2]
text = (HERE / "articles" / f"{docno}.txt").read_text(encoding="utf-8")
sys.stdout.write(f"docno: {docno}\nannotator: {annotator}\n---\n{text}\n---\n")
