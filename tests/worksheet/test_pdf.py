"""PDFs read back as text: every question, every key answer, Chinese, special characters, the
same bytes for the same seed, and one clear sentence when the Chinese font is missing.
Few and small: each compile costs about a second of a shared machine."""

from __future__ import annotations

import re

import pytest

from quizapp.core.errors import OutputError
from quizapp.core.grading import expected_text
from quizapp.core.paper import build_paper
from quizapp.worksheet.build import paper_sheets
from quizapp.worksheet.output import Options, write_single
from quizapp.worksheet.render_typst import Fonts, render_pdf
from quizapp.worksheet.model import Document
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets
from solvers import Text, item_seed, make_problem

from worksheet_helpers import pdf_text, prose_fragment, squash

# Scalar, vector and matrix answers; tables, matrices and Greek letters in statements.
KINDS = ("conv_output", "softmax_cross_entropy", "sobel", "otsu", "macro_metrics",
         "batchnorm_forward", "confusion_metrics", "morphology")


@pytest.fixture(scope="module")
def worksheet_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("ws") / "sheet.pdf"
    spec = WorksheetSpec(kinds=KINDS, count=len(KINDS), seed=42)
    sheet, key = worksheet_sheets(spec)
    written = write_single(sheet, key, out, Options(format="pdf", lang="both"))
    return spec, sheet, written


def test_every_question_is_in_the_pdf_in_order(worksheet_pdf):
    spec, sheet, written = worksheet_pdf
    text = pdf_text(written.sheets[0])
    flat = squash(text)
    pos = 0
    for i, kind in enumerate(KINDS):
        p = make_problem(kind, item_seed(spec.seed, i), "medium")
        assert re.search(rf"^\s*{i + 1}\.\s", text, re.MULTILINE), f"question number {i + 1} missing"
        for fragment in (prose_fragment(p.question.zh, 14), prose_fragment(p.question.en, 24)):
            at = flat.find(fragment, pos)
            assert at >= 0, f"question {i + 1} ({kind}): {fragment!r} not found after position {pos}"
        pos = at
    assert sheet.header.code in text
    assert "姓名" in text and "Student ID" in text


def test_every_key_answer_is_the_engines(worksheet_pdf):
    spec, _, written = worksheet_pdf
    assert written.keys[0].name == "sheet-key.pdf"
    flat = squash(pdf_text(written.keys[0]))
    assert squash("答案与解析") in flat and "Answerkey" in flat
    for i, kind in enumerate(KINDS):
        p = make_problem(kind, item_seed(spec.seed, i), "medium")
        assert f"{kind}@{p.seed}" in flat  # the key names the seed it was built from
        for f in p.fields:
            expected = squash(expected_text(f, p.answer[f.name]))
            assert expected in flat, f"{kind}.{f.name}: {expected!r} not in the key"


def test_same_seed_same_bytes_other_seed_other_text(tmp_path):
    def build(seed, name):
        sheet, key = worksheet_sheets(WorksheetSpec(kinds=("conv_output", "iou"), count=3, seed=seed))
        return write_single(sheet, key, tmp_path / name, Options(format="pdf", lang="zh"))

    a, b, c = build(7, "a.pdf"), build(7, "b.pdf"), build(8, "c.pdf")
    assert a.sheets[0].read_bytes() == b.sheets[0].read_bytes()
    assert a.keys[0].read_bytes() == b.keys[0].read_bytes()
    assert pdf_text(a.sheets[0]) != pdf_text(c.sheets[0])
    assert "输入特征图" in pdf_text(a.sheets[0])  # Chinese survives the round trip


def test_paper_pdf_with_special_characters_and_one_code(tmp_path, bank):
    # Seeds until the draw includes the item whose text is full of Typst syntax.
    seed = next(s for s in range(50)
                if "ws-sc-001" in [i.id for i in build_paper(bank, "mini", s).items()])
    paper = build_paper(bank, "mini", seed)
    sheet, key = paper_sheets(paper)
    written = write_single(sheet, key, tmp_path / "paper.pdf", Options(format="pdf", lang="both"))
    text, key_text = pdf_text(written.sheets[0]), pdf_text(written.keys[0])
    assert paper.code in text and paper.code in key_text
    flat = squash(text)
    for fragment in ("#tag$x$*star*_under_@ref<angle>[square]backslash\\//notacomment",
                     "符号测试#标签$x$*星*_下划线_@引用<尖括号>[方括号]反斜杠\\//非注释"):
        assert fragment in flat
    assert "Duration: 30 min" in text and "Total: 40" in text
    for sec in paper.sections:
        assert squash(sec.title.zh) in flat
    assert re.search(r"[A-D]\." + squash(bank.get("ws-sc-001").choices[0].zh), flat)
    assert len(re.findall(r"^\s*\d+\.\s", text, re.MULTILINE)) >= len(paper.items())


def test_missing_chinese_font_is_one_sentence(tmp_path):
    sheet, key = worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=1, seed=1))
    no_fonts = Fonts(dirs=(str(tmp_path),), system=False)
    with pytest.raises(OutputError) as err:
        render_pdf(Document([sheet], Text("t", "t")), "both", no_fonts)
    assert "No Chinese font" in err.value.message
    assert "fonts-noto-cjk" in err.value.hint and "--format html" in err.value.hint
    # English needs no Chinese font: the embedded fonts are enough.
    pdf = render_pdf(Document([sheet], Text("t", "t")), "en", no_fonts)
    assert pdf.startswith(b"%PDF")


def test_merged_class_set_starts_each_student_on_an_odd_page(tmp_path):
    from quizapp.worksheet.output import build_variants, write_class_set
    from quizapp.worksheet.model import Student

    students = [Student(1, "张三", "s1"), Student(2, "李四", "s2"), Student(3, "王五", "s3")]

    def make(seed, student):
        return worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=1, seed=seed), None, student)

    written = write_class_set(build_variants(make, 1, students), students, tmp_path / "c.pdf",
                              Options(format="pdf", lang="zh", merge=True))
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(str(written.sheets[0])).pages]
    assert len(pages) == 5  # one page each, a blank back page after the first two
    assert "张三" in pages[0] and "李四" in pages[2] and "王五" in pages[4]
    assert "输入特征图" not in pages[1] and "输入特征图" not in pages[3]
    # the teacher's key opens with the class list, then one key per variant
    key = pdf_text(written.keys[0])
    rows = re.findall(r"^\s*\d+\s+\S+\s+s\d\s+WS-\w{5}\s*$", key, re.MULTILINE)
    assert len(rows) == 3
    for st, line in zip(students, rows):
        assert st.name in line and st.id in line
    assert key.count("答案与解析") == 3
