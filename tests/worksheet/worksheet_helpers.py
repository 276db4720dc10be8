"""Helpers for the worksheet tests: PDF -> text, whitespace-free comparison."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def pdf_text(path: Path) -> str:
    """The text of a PDF (pdftotext if installed, else pypdf), minus signs folded to '-'."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                             check=True, text=True).stdout
    else:  # pragma: no cover - poppler is installed on the dev machines
        from pypdf import PdfReader

        out = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return out.replace("\u2212", "-")


def squash(text: str) -> str:
    """Text without any whitespace: line wrapping in a PDF must not hide a fragment."""
    return re.sub(r"\s+", "", text).replace("\u2212", "-")


def prose_fragment(text: str, n: int) -> str:
    """The first ``n`` characters (squashed) of the first plain-prose piece of ``text`` that long
    (else the longest): the formulas around it are typeset as math, whose extracted text differs
    from the source (a tall inline matrix also interleaves its rows with the lines around it)."""
    from quizapp.worksheet.typst_math import split_inline

    pieces = [squash(t) for t, math in split_inline(text.split("\n")[0]) if math is None]
    return next((p for p in pieces if len(p) >= n), max(pieces, key=len))[:n]
