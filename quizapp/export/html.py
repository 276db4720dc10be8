"""Bilingual text as HTML for the exports: paragraphs, matrices and tables (as HTML tables),
formulas kept as the engine writes them (readable without a math renderer).

``lang`` is ``zh``, ``en`` or ``both``. With ``both`` a Moodle file (Moodle XML and GIFT) wraps
each language in Moodle's multi-language spans, which its "Multi-Language Content" filter turns
into the reader's language (``zh_cn`` is the code of Moodle's Simplified Chinese pack; with the
filter off both languages show, Chinese first). Anki and QTI have no such filter: both languages
show, English beneath in grey. A multilang span must not contain another ``</span>`` (the filter
matches up to the first one), so nothing inside one uses a span.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as _escape

from quizapp.core.blocks import Block, Formula, Matrix, Para, Pre, Table, blocks_of, formula_blocks
from solvers import Problem, Text


def escape(s: str) -> str:
    """HTML-escape text content (quotes stay readable: text never lands in an attribute)."""
    return _escape(s, quote=False)

MOODLE_LANG = {"zh": "zh_cn", "en": "en"}


@dataclass(frozen=True)
class Style:
    lang: str  # zh | en | both
    multilang: bool = False  # Moodle's spans for `both`

    def inline(self, text: Text) -> str:
        """A short bilingual string (an option, a label, a feedback line) as escaped HTML."""
        if self.lang != "both":
            return _lines(text.get(self.lang))
        if text.zh == text.en:
            return _lines(text.zh)
        if self.multilang:
            return "".join(f'<span lang="{MOODLE_LANG[k]}" class="multilang">'
                           f"{_lines(text.get(k))}</span>" for k in ("zh", "en"))
        return f'{_lines(text.zh)}<br><i style="color:#666">{_lines(text.en)}</i>'

    def plain(self, text: Text) -> str:
        """A bilingual string as plain text (names, tags, formats without HTML)."""
        if self.lang != "both" or text.zh == text.en:
            return text.get(self.lang if self.lang != "both" else "zh")
        return f"{text.zh} / {text.en}"

    def para(self, text: Text) -> str:
        return f"<p>{self.inline(text)}</p>"

    def blocks(self, blocks: list[Block]) -> str:
        out = []
        for b in blocks:
            if isinstance(b, Para):
                out.append(self.para(b.text))
            elif isinstance(b, Matrix):
                out.append(table_html(b.rows, bracket=True))
            elif isinstance(b, Table):
                if b.rows_en is None or self.lang != "both":
                    rows = b.rows_en if self.lang == "en" and b.rows_en is not None else b.rows
                    out.append(table_html(rows, header=b.has_header))
                else:  # the cells differ by language: one table per language
                    out.append(self._either(table_html(b.rows, header=b.has_header),
                                            table_html(b.rows_en, header=b.has_header)))
            elif isinstance(b, Formula):
                out.append(f"<p><code>{escape(b.text)}</code></p>")
            elif isinstance(b, Pre):
                out.append(f"<pre>{escape(b.text)}</pre>")
        return "".join(out)

    def _either(self, zh: str, en: str) -> str:
        if self.multilang:
            return (f'<span lang="zh_cn" class="multilang">{zh}</span>'
                    f'<span lang="en" class="multilang">{en}</span>')
        return zh + en

    def statement(self, text: Text) -> str:
        return self.blocks(blocks_of(text))

    def part_head(self, item_text: Text, label: Text | None) -> str:
        """What every part of a comprehensive item shows first: the item's shared text and the
        part's label."""
        shared = self.statement(item_text) if item_text.zh or item_text.en else ""
        return shared + (self.para(label) if label else "")

    def steps(self, problem: Problem) -> str:
        """The worked solution: numbered steps, each with its formula lines, then exact values."""
        items = []
        for s in problem.steps:
            words = self.inline(Text(s.zh, s.en)) if (s.zh or s.en) else ""
            items.append(f"<li>{words}{self.blocks(formula_blocks(s.math)) if s.math else ''}</li>")
        exact = [f"{k} = {v}" for k, v in problem.exact.items() if len(v) <= 40]
        if exact:
            items.append(f"<li>{self.inline(Text('精确值：', 'Exact values:'))}"
                         + "".join(f"<p><code>{escape(e)}</code></p>" for e in exact) + "</li>")
        return f"<ol>{''.join(items)}</ol>"


def _lines(s: str) -> str:
    return escape(s).replace("\n", "<br>")


def table_html(rows, header: bool = False, bracket: bool = False) -> str:
    """A table of (already formatted) cells; a matrix gets a border on its left and right sides,
    drawn by CSS so it needs no math font."""
    if bracket:
        style = ' style="border-left:2px solid;border-right:2px solid;border-collapse:collapse"'
    else:
        style = ' border="1" style="border-collapse:collapse"'
    cell = ' style="padding:0 6px;text-align:right"'
    out = []
    for i, r in enumerate(rows):
        tag = "th" if header and i == 0 else "td"
        out.append("<tr>" + "".join(f"<{tag}{cell}>{escape(str(c))}</{tag}>" for c in r) + "</tr>")
    return f"<table{style}>{''.join(out)}</table>"
