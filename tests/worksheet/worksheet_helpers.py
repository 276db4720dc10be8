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
