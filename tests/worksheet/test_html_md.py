"""HTML and Markdown: content, escaping, languages, page breaks, no network assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from quizapp.core.grading import expected_text
from quizapp.core.paper import build_paper
from quizapp.worksheet.build import paper_sheets
from quizapp.worksheet.model import Document, Para, Table, blocks_of, formula_blocks
from quizapp.worksheet.render_html import render_html
from quizapp.worksheet.render_md import md_escape, render_md
from quizapp.worksheet.typst_math import formula_to_math, quote
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets
from solvers import item_seed, make_problem

SPECIAL_ZH = "符号测试 #标签 $x$ *星* _下划线_ @引用 <尖括号> [方括号] 反斜杠\\ // 非注释"


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> tuple[str, list[str]]:
    p = _TextOf()
    p.feed(html)
    return "".join(p.parts), p.tags


def paper_with_special(bank):
    seed = next(s for s in range(50)
                if "ws-sc-001" in [i.id for i in build_paper(bank, "mini", s).items()])
    return build_paper(bank, "mini", seed)


def test_html_escapes_bank_text_and_keeps_it(bank):
    paper = paper_with_special(bank)
    sheet, key = paper_sheets(paper)
    html = render_html(Document([sheet, key], paper.title), "both")
    text, tags = html_text(html)
    assert SPECIAL_ZH in text  # the parser gives back exactly the bank's characters
    assert "<尖括号>" not in html  # ... because they were escaped in the source
    assert "script" not in tags
    assert not re.search(r"(src|href)=\"?https?:", html)  # no network assets
    assert html.count('class="page') == 2 and "break-before: page" in html
    assert html.count(paper.code) >= 2


def test_html_languages(bank):
    sheet, key = paper_sheets(build_paper(bank, "mini", 1))
    zh = html_text(render_html(Document([sheet], sheet.header.title), "zh"))[0]
    en = html_text(render_html(Document([sheet], sheet.header.title), "en"))[0]
    both = render_html(Document([sheet], sheet.header.title), "both")
    assert "期末模拟卷" in zh and "Mock final" not in zh
    assert "Mock final" in en and "期末模拟卷" not in en
    # both: Chinese first, English beneath in the grey 'en' span
    assert re.search(r"期末模拟卷<span class=\"en\">Mock final</span>", both)


def test_html_key_has_engine_answers_and_matrices():
    spec = WorksheetSpec(kinds=("sobel", "conv_output"), count=2, seed=3)
    sheet, key = worksheet_sheets(spec)
    html = render_html(Document([key], key.header.title), "en")
    # Matrices are bracketed tables, one row per matrix row, with a value in every cell.
    p0 = make_problem("sobel", item_seed(3, 0), "medium")
    first = p0.answer[p0.fields[0].name]
    assert '<table class="mat">' in html and f'rowspan="{len(first)}"' in html
    for i, kind in enumerate(spec.kinds):
        p = make_problem(kind, item_seed(3, i), "medium")
        for f in p.fields:
            assert expected_text(f, p.answer[f.name]) in html


def test_markdown_escapes_and_options(bank):
    paper = paper_with_special(bank)
    sheet, key = paper_sheets(paper)
    md = render_md(Document([sheet, key], paper.title), "zh")
    assert md_escape(SPECIAL_ZH) in md
    assert r"\#标签 \$x\$ \*星\* \_下划线\_ @引用 \<尖括号\> \[方括号\] 反斜杠\\" in md
    assert re.search(r"^   - \*\*[A-D]\.\*\* 卷积核的个数$", md, re.MULTILINE)
    assert md.count(paper.code) >= 2
    assert '<div style="page-break-before: always"></div>' in md
    # fill-in blanks stay blanks, not emphasis
    assert md_escape("____") == r"\_\_\_\_"


def test_markdown_key_lists_key_points_and_answers(bank):
    sheet, key = worksheet_sheets(WorksheetSpec(types=("short_answer", "true_false"), count=3,
                                                seed=2), bank)
    md = render_md(Document([key], key.header.title), "en")
    assert "Randomly dropping units prevents co\\-adaptation (2)" in md or \
           "Randomly dropping units prevents co-adaptation (2)" in md
    assert "**true**" in md or "**false**" in md


def test_blocks_split_prose_matrices_and_tables():
    p = make_problem("macro_metrics", 3, "medium")
    blocks = blocks_of(p.question)
    assert isinstance(blocks[0], Para) and isinstance(blocks[1], Table) and isinstance(blocks[-1], Para)
    assert blocks[1].has_header and len(blocks[1].rows) == 4
    otsu = make_problem("otsu", 1, "medium")
    kinds = [type(b).__name__ for s in otsu.steps for b in formula_blocks(s.math)]
    assert "Pre" in kinds  # the per-threshold table keeps its alignment


def test_typst_math_never_lets_text_through_as_code():
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    out = formula_to_math('x = #import "evil" + $y$ @ref')
    assert out is None or ("#" not in out.replace('"#"', "") and "$" not in out.replace('"$"', ""))
    assert formula_to_math("O = floor((32 - 5 + 2*1)/1) + 1 = 30") == \
        "O = floor((32 - 5 + 2  dot 1)/1) + 1 = 30"
    assert formula_to_math("unbalanced (a") is None
    assert formula_to_math("no overlap with a kept box") is None
    assert formula_to_math("w0 = p_4") == "w_0 = p_(4)"


def test_blocks_when_the_languages_disagree_on_layout():
    from solvers import Text

    text = Text("看下面的矩阵：\n[ 1  2 ]\n[ 3  4 ]\n求行列式。", "Find the determinant of\n[ 1  2 ]\n[ 3  4 ]")
    blocks = blocks_of(text)
    assert [type(b).__name__ for b in blocks] == ["Para", "Matrix"]
    assert blocks[0].text.zh == "看下面的矩阵： 求行列式。" and blocks[0].text.en == "Find the determinant of"
    assert blocks[1].rows == (("1", "2"), ("3", "4"))


def test_piped_layer_table_keeps_both_languages():
    p = make_problem("cnn_pipeline", 4, "medium")
    table = next(b for b in blocks_of(p.question) if isinstance(b, Table))
    assert table.has_header and table.rows[0][0] == "层" and table.rows_en[0][0] == "layer"
    assert table.cell(1, 1).zh == "卷积" and table.cell(1, 1).en == "conv"
    sheet, _ = worksheet_sheets(WorksheetSpec(kinds=("cnn_pipeline",), count=1, seed=0))
    doc = Document([sheet], sheet.header.title)
    assert "<td>conv</td>" in render_html(doc, "en") and "<td>卷积</td>" in render_html(doc, "zh")
    assert "| 层 / *layer* |" in render_md(doc, "both")


def test_every_kind_renders_in_html_and_markdown_in_every_language():
    from solvers import all_kinds

    kinds = tuple(k.id for k in all_kinds())
    for seed in range(3):
        sheet, key = worksheet_sheets(WorksheetSpec(kinds=kinds, count=len(kinds), seed=seed))
        doc = Document([sheet, key], sheet.header.title)
        for lang in ("zh", "en", "both"):
            html = render_html(doc, lang)
            md = render_md(doc, lang)
            text = html_text(html)[0]
            for n in range(1, len(kinds) + 1):
                assert f"{n}." in text and f"\n{n}. " in md


def test_a_worksheet_of_drills_as_choice_prints_the_options_and_the_keys_letter():
    from quizapp.core.grading import LETTERS

    spec = WorksheetSpec(kinds=("iou", "conv_output"), count=4, seed=9, as_choice=True)
    sheet, key = worksheet_sheets(spec)
    md = render_md(Document([sheet, key], sheet.header.title), "en")
    from quizapp.core.selection import draw_items

    items = draw_items(spec)
    assert all(i.choice is not None for i in items)
    for item in items:
        for option in item.options:
            assert md_escape(option.en) in md
        assert f"{LETTERS[item.choice.correct_index]}" in md
    assert "Single choice" in md
    plain = WorksheetSpec(kinds=("iou", "conv_output"), count=4, seed=9)
    from quizapp.core.selection import worksheet_code

    assert worksheet_code(plain) != worksheet_code(spec)
