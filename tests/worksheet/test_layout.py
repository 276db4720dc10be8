"""The printed paper read page by page: 'page x of y' and the code on every page of sheet and
key, and a short question never split between two pages."""

from __future__ import annotations

import re
import subprocess

import pytest

from quizapp.worksheet.output import Options, write_single
from quizapp.worksheet.render_typst import KEEP_TOGETHER_LINES, estimated_lines
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets

from worksheet_helpers import prose_fragment, squash

pytestmark = pytest.mark.skipif(subprocess.run(["which", "pdftotext"], capture_output=True).returncode,
                                reason="needs pdftotext")

KINDS = ("sobel", "lstm_step", "conv2d_manual", "iou", "morphology", "otsu", "rnn_step",
         "macro_metrics", "pooling_manual", "adam")


def pages_of(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout.replace("\u2212", "-")
    return out.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    kinds = tuple(k for k in KINDS if k in {k.id for k in __import__("solvers").all_kinds()})
    spec = WorksheetSpec(kinds=kinds, count=3 * len(kinds), seed=11, difficulty="hard")
    sheet, key = worksheet_sheets(spec)
    out = tmp_path_factory.mktemp("layout") / "sheet.pdf"
    return spec, sheet, key, write_single(sheet, key, out, Options(format="pdf", lang="both"))


@pytest.mark.parametrize("which", ["sheets", "keys"])
def test_every_page_says_page_x_of_y_and_the_code(written, which):
    _, sheet, _, w = written
    pages = pages_of(getattr(w, which)[0])
    assert len(pages) >= 2
    for i, text in enumerate(pages, start=1):
        assert sheet.header.code in text, f"page {i} lacks the code"
        assert re.search(rf"Page {i} of {len(pages)}\b", text), f"page {i}: no 'Page {i} of {len(pages)}'"
        assert f"第 {i} 页，共 {len(pages)} 页" in text


def test_short_questions_stay_on_one_page(written):
    """A question's statement (matrices included) and its answer fields share one page."""
    _, sheet, _, w = written
    flat = "\f".join(squash(p) for p in pages_of(w.sheets[0]))
    pos = checked = 0
    for item in sheet.items():
        start = flat.find(prose_fragment(item.blocks[0].text.zh, 12), pos)
        assert start >= 0, f"question {item.number} not found"
        end = flat.find(prose_fragment(item.fields[-1].zh, 8), start)
        assert end >= 0, f"question {item.number}: last answer field not found"
        if estimated_lines(item.blocks, item.options, item.fields, 0) <= 2 * KEEP_TOGETHER_LINES:
            assert "\f" not in flat[start:end], f"question {item.number} is split over two pages"
            checked += 1
        pos = end
    assert checked >= len(sheet.items()) // 2
