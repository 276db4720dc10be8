"""Bank text reaches every format exactly as written, whatever characters it holds: checked by
reading the output back with the format's own parser (Typst's, markdown-it's, html.parser)."""

from __future__ import annotations

import html
import json
import re

import typst
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from quizapp.worksheet.render_md import md_escape
from quizapp.worksheet.typst_math import formula_to_math, quote

# Characters with a meaning in Typst, Markdown or HTML, plus letters, digits, CJK and spaces.
SPECIAL = "#$*_@<>[]\\/`~=-+.!|&;:'\"(){}%^"
TEXT = st.text(alphabet=SPECIAL + "ab1 中文\n", max_size=40)
LINE = st.text(alphabet=SPECIAL + "ab1 中文", max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_typst_string_literals_round_trip(strings):
    src = "#metadata((" + "".join(quote(s) + ", " for s in strings) + ")) <data>\n"
    out = typst.query(src.encode("utf-8"), "<data>", field="value", one=True, format="json",
                      ignore_system_fonts=True)
    assert json.loads(out) == strings


@settings(max_examples=60, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=8))
def test_typst_math_quotes_compile(lines):
    """Whatever a formula line holds, the equation compiles (or the line is left verbatim)."""
    bodies = [formula_to_math(line) for line in lines]
    src = "\n".join(f"$ {b} $" for b in bodies if b)
    if src:
        typst.compile(src.encode("utf-8"), format="pdf", ignore_system_fonts=True)


_MD = MarkdownIt()


def _md_text(source: str) -> str:
    rendered = _MD.render(source)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", rendered))).strip()


@settings(max_examples=200, deadline=None)
@given(LINE)
@example("    {")  # four leading spaces opened an indented code block that showed the escape
@example("\t*a*")
def test_markdown_escape_shows_text_as_written(text):
    assert _md_text(md_escape(text)) == re.sub(r"\s+", " ", text).strip()
