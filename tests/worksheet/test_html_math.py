"""Formulas in the HTML: sub/superscripts and matrices marked up, every character of the
source still there once the markup is taken away, nothing unescaped."""

from __future__ import annotations

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.worksheet.html_math import formula_html, prose_html

from test_typst_math import ATOMS


def _visible(html: str) -> str:
    """What a reader sees, minus layout: tags dropped, entities decoded, matrix cells joined
    back the way the engine writes them."""
    html = re.sub(r'<td class="[lr]b"[^>]*></td>', "", html)
    html = html.replace("</td><td>", ", ").replace("</tr><tr>", "], [")
    html = html.replace('<table class="mat"><tr>', "[[").replace("</tr></table>", "]]")
    html = html.replace("<sub>", "_").replace("<sup>", "^")
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_subscripts_powers_and_matrices_are_marked_up():
    html = prose_html("RNN: h_t = tanh(W_xh x_t + W_hh h_(t-1) + b), W = [[1, 2], [3, 4]], g^2 <x>")
    assert "h<sub>t</sub>" in html and "W<sub>xh</sub>" in html and "h<sub>t-1</sub>" in html
    assert "<td>4</td>" in html and html.count("<tr>") == 2
    assert "&lt;x&gt;" in html and "<x>" not in html
    assert formula_html("(1/4)^T") == "(1/4)<sup>T</sup>"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=14))
def test_no_text_lost_and_nothing_unescaped(atoms):
    text = "".join(atoms)
    html = prose_html(text)
    # Only the tags this module writes reach the page; any '<' from the text is escaped.
    assert not re.search(r"<(?!/?(?:span|sub|sup|table|tr|td)\b)", html)
    def bare(s: str) -> str:  # brackets around a subscript group are dropped by design
        return re.sub(r"[\s()]", "", s)

    assert bare(_visible(html)) == bare(text)
