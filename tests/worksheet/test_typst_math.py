"""Formulas in the engine's plain text typeset as Typst math: recognised where safe, the text
never lost, the Typst never broken; and every kind at every difficulty compiles with its
formulas typeset (no fallback) and keeps its key answers readable in the PDF."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.grading import expected_text
from quizapp.worksheet.model import Document
from quizapp.worksheet.render_typst import Fonts, _Writer, find_cjk_family, font_book, render_pdf
from quizapp.worksheet.typst_math import formula_to_math, nested_matrix, split_inline
from quizapp.worksheet.worksheet import WorksheetSpec, draw_items, worksheet_sheets
from solvers import DIFFICULTIES, Text, all_kinds

from worksheet_helpers import pdf_text, squash

KINDS = tuple(k.id for k in all_kinds())
# Pieces of engine text, prose and Typst syntax that a random mix must survive.
ATOMS = ("h_t", "h_(t-1)", "W_xh", "x_t", " = ", "tanh(", "sqrt(", "floor(", ")", "(", "[", "]",
         "[[1, 2], [3, 4]]", "[[0.5]]", "[0.1, -0.2]", "/", "^2", "^", "_", "*", " + ", " - ",
         ", ", ".", "，", "。", "（", "）", "卷积", " the ", " output ", "IoU", "gx", "2P", "3x3",
         "#", "$", "\\", '"', "@", "<", ">", "'", "e-5", "0.25", "12", "a", "S", " ", "_(", "x_",
         "∂a_T", "σ'", "∏", "·", "|", "it's", "x^", "2x")


def _joined(pieces):
    return "".join(t for t, _ in pieces)


@pytest.mark.parametrize("text, expect", [
    ("A vanilla RNN computes h_t = tanh(W_xh x_t + W_hh h_(t-1) + b) with",
     [("h_t = tanh(W_xh x_t + W_hh h_(t-1) + b)", "h_(t) = tanh(W_(x h) x_(t) + W_(h h) h_(t -1) + b)")]),
    ("普通 RNN：W_xh = [[-0.1]]，b = [-0.1]。",
     [("W_xh = [[-0.1]]", 'W_(x h) = mat(delim: "[", -0.1)'), ("b = [-0.1]", "b = [-0.1]")]),
    ("the magnitude is sqrt(gx^2+gy^2) (no rounding).", [("sqrt(gx^2+gy^2)", 'sqrt("gx"^2 +"gy"^2)')]),
    ("O = floor((W - F + 2P)/S) + 1", [("O = floor((W - F + 2P)/S) + 1", "O = floor((W - F + 2 P)/S) + 1")]),
    ("求 ∂a_T/∂a_0 = ∏ w_t·σ'(z_t)；", [("∂a_T/∂a_0 = ∏ w_t·σ'(z_t)",
                                        '("∂" a_(T))/("∂" a_(0)) = "∏" w_(t) "·" "σ"\'(z_(t))')]),
    ("it's x_t", [("x_t", "x_(t)")]),
    ("gx = [[-1, 0, 1], [-2, 0, 2]]", [("gx = [[-1, 0, 1], [-2, 0, 2]]",
                                        '"gx" = mat(delim: "[", -1, 0, 1; -2, 0, 2)')]),
])
def test_formulas_in_prose_are_found(text, expect):
    pieces = split_inline(text)
    assert _joined(pieces) == text
    assert [(t, m) for t, m in pieces if m is not None] == expect


@pytest.mark.parametrize("text", [
    "Find the IoU of A and B (to 4 decimal places).",
    "area = (x2-x1)*(y2-y1) (no +1)",  # a word on the left: not an equation of symbols
    "a (b_c",  # the subscript sits in a bracket that never closes
    "TP/(TP+FP) of the kept boxes",
    "按相关（correlation，不翻转卷积核）计算",
])
def test_prose_stays_plain(text):
    pieces = split_inline(text)
    assert _joined(pieces) == text
    assert [m for _, m in pieces] == [None]


def test_ragged_or_wordy_nested_lists_are_not_matrices():
    assert nested_matrix("[[1, 2], [3]]") is None
    assert nested_matrix("[[1, a], [3, 4]]") is None
    assert nested_matrix("[[1, 2.5], [3, -4e-3]]") == 'mat(delim: "[", 1, 2.5; 3, -4e-3)'
    assert formula_to_math("W = [[1, 2], [3]]") == "W = [[1, 2], [3]]"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=14))
def test_split_never_loses_text(atoms):
    text = "".join(atoms)
    pieces = split_inline(text)
    assert _joined(pieces) == text
    for t, m in pieces:
        if m is not None:
            assert t.strip() == t and t  # a formula piece is trimmed and not empty
            assert "$" not in m and "#" not in m.replace('"#"', "")


@pytest.fixture(scope="module")
def fonts():
    f = Fonts.from_env()
    font_book(f)
    if find_cjk_family(f) is None:
        pytest.skip("no Chinese font installed")
    return f


def test_random_formula_soup_compiles(fonts):
    """A thousand random mixes of formulas, prose and Typst syntax in one document: the
    typeset math must compile (a converter bug would make render_pdf fall back, so compile
    without the fallback)."""
    import typst

    rng = np.random.default_rng(20261123)
    w = _Writer("both", math=True)
    for _ in range(1000):
        text = "".join(rng.choice(ATOMS, size=int(rng.integers(1, 14))))
        w.emit(w.bi(Text(text, text[::-1])))
        w.emit()
    src = '#set text(font: ("Libertinus Serif", "Noto Serif CJK SC"))\n#let en(body) = body\n'
    typst.compile(src.encode() + "\n".join(w.out).encode(), format="pdf", font_paths=font_book(fonts))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_every_kind_typesets_and_key_keeps_its_answers(difficulty, fonts, tmp_path):
    spec = WorksheetSpec(kinds=("all",), count=len(KINDS), seed=31, difficulty=difficulty)
    sheet, key = worksheet_sheets(spec)
    pdf = render_pdf(Document([sheet, key], Text("卷", "Sheet")), "both", fonts, fallback=False)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    flat = squash(pdf_text(path))
    items = draw_items(spec)
    assert sorted(i.problem.kind for i in items) == sorted(KINDS)  # every kind is on the sheet
    for item in items:
        p = item.problem
        for f in p.fields:
            expected = squash(expected_text(f, p.answer[f.name]))
            assert expected in flat, f"{p.kind}.{f.name} ({difficulty}): {expected!r} not in the key"


def test_many_seeds_of_every_kind_typeset_without_fallback(fonts):
    """More draws of every kind at every difficulty in one document (one compile): any formula
    the converter mistypes would fail here instead of silently dropping the paper's math."""
    pages = []
    for difficulty in DIFFICULTIES:
        for seed in (101, 202, 303):
            pages += worksheet_sheets(WorksheetSpec(kinds=("all",), count=len(KINDS), seed=seed,
                                                    difficulty=difficulty))
    assert render_pdf(Document(pages, Text("卷", "Sheet")), "both", fonts, fallback=False)
