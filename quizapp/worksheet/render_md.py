"""Markdown for a :class:`~quizapp.worksheet.model.Document` (notes, wikis, editors).

Matrices are LaTeX ``bmatrix`` blocks (GitHub, Typora, Obsidian render them; the raw text stays
readable); formulas are code spans; Markdown's special characters in bank text are escaped so
``____`` stays a blank and ``*`` stays a star. Sheets are separated by a page-break div and a rule.
"""

from __future__ import annotations

import re

from quizapp.worksheet import labels
from quizapp.worksheet.labels import points_text
from quizapp.worksheet.model import (
    Block, ClassList, DocItem, DocSection, Document, Formula, Header, KeyEntry, KeySheet, Matrix,
    Para, Pre, Sheet, Table,
)
from solvers import Text

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&amp;" must print as written, not as "&"
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
_INDENT = re.compile(r"^(?: {4,}|[ ]*\t[ \t]*)", re.MULTILINE)
PAGE_BREAK = '<div style="page-break-before: always"></div>'


def md_escape(text: str) -> str:
    """Text that Markdown shows exactly as written (no emphasis, links, lists or entities)."""
    text = _ENTITY.sub(r"\\&", _SPECIAL.sub(r"\\\1", text))
    # four leading spaces (or a tab) would open an indented code block, showing the escapes
    text = _INDENT.sub(" ", text)

    def line_start(m: re.Match) -> str:
        lead, mark = m.group(1), m.group(2)
        if mark[0].isdigit():  # "1. x" / "1) x": escape the punctuation after the number
            return lead + mark + "\\"
        return lead + "\\" + mark

    return _LINE_START.sub(line_start, text)


def code_span(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}"


class _Md:
    def __init__(self, lang: str):
        self.lang = lang
        self.out: list[str] = []

    def bi(self, text: Text | None, inline: bool = False) -> str:
        if text is None:
            return ""
        if self.lang in ("zh", "en"):
            return md_escape(text.get(self.lang))
        if text.zh == text.en:
            return md_escape(text.zh)
        if inline:
            return f"{md_escape(text.zh)} / *{md_escape(text.en)}*"
        return f"{md_escape(text.zh)}  \n*{md_escape(text.en)}*"

    def e(self, s: str = "") -> None:
        self.out.append(s)

    @staticmethod
    def matrix(m: Matrix) -> str:
        rows = r" \\ ".join(" & ".join(r) for r in m.rows)
        return r"$$\begin{bmatrix} " + rows + r" \end{bmatrix}$$"

    def block(self, b: Block, indent: str = "") -> None:
        if isinstance(b, Para):
            self.e(indent + self.bi(b.text).replace("\n", "\n" + indent))
        elif isinstance(b, Matrix):
            self.e(indent + self.matrix(b))
        elif isinstance(b, Table):
            n = len(b.rows[0])
            rows = [[self.bi(b.cell(i, j), True) for j in range(n)]
                    for i in range(len(b.rows))]
            if not b.has_header:  # Markdown tables need a header row
                rows = [[""] * n] + rows
            self.e(indent + "| " + " | ".join(rows[0]) + " |")
            self.e(indent + "|" + "---|" * n)
            for r in rows[1:]:
                self.e(indent + "| " + " | ".join(r) + " |")
        elif isinstance(b, Pre):
            self.e(indent + "```text")
            self.e("\n".join(indent + line for line in b.text.split("\n")))
            self.e(indent + "```")
        elif isinstance(b, Formula):
            self.e(indent + code_span(b.text))
        self.e()

    def pts(self, points: float | None) -> str:
        if points is None:
            return ""
        return labels.item_points(points, self.lang) + " "

    def header(self, h: Header) -> None:
        self.e(f"# {self.bi(h.title, inline=True)}")
        self.e()
        facts = [f"{self.bi(lbl, True)}: {md_escape(v)}" for lbl, v in h.facts]
        facts.append(f"{self.bi(labels.CODE, True)}: **{md_escape(h.code)}**")
        self.e(" · ".join(facts))
        self.e()
        st = h.student
        name, sid = self.bi(labels.NAME, True), self.bi(labels.STUDENT_ID, True)
        if st is not None and (st.name or st.id):
            who = ([f"{name}: **{md_escape(st.name)}**"] if st.name else []) + \
                  ([f"{sid}: **{md_escape(st.id)}**"] if st.id else [])
            self.e(" · ".join(who))
            self.e()
        elif h.name_lines:
            self.e(f"{name}: ＿＿＿＿＿＿＿＿ · {sid}: ＿＿＿＿＿＿＿＿")
            self.e()
        if st is not None and not (st.name or st.id):
            self.e(self.bi(st.copy_label, True))
            self.e()
        if h.instructions is not None:
            self.e(f"> {self.bi(h.instructions).replace(chr(10), chr(10) + '> ')}")
            self.e()

    def answer_space(self, fields, lines) -> None:
        for f in fields:
            self.e(f"   - {self.bi(f, True)}: ＿＿＿＿＿＿＿＿")
        if fields:
            self.e()
        if lines:
            self.e(f'   <div style="height: {int(lines) * 1.6:.1f}em"></div>')
            self.e()

    def item(self, item: DocItem) -> None:
        first, rest = (item.blocks[0], item.blocks[1:]) if item.blocks else (None, [])
        lead = self.bi(first.text).replace("\n", "\n   ") if isinstance(first, Para) else ""
        self.e(f"{item.number}. {self.pts(item.points)}{lead}")
        self.e()
        if first is not None and not isinstance(first, Para):
            rest = [first] + list(rest)
        for b in rest:
            self.block(b, "   ")
        if item.type == "true_false":
            self.e("   （　　）")
            self.e()
        for i, o in enumerate(item.options):
            self.e(f"   - **{LETTERS[i]}.** {self.bi(o, True)}")
        if item.options:
            self.e()
        self.answer_space(item.fields, item.answer_lines)
        for part in item.parts:
            self.e(f"   **{self.bi(part.label, True)}** {self.pts(part.points)}")
            self.e()
            for b in part.blocks:
                self.block(b, "   ")
            self.answer_space(part.fields, part.answer_lines)

    def section(self, sec: DocSection) -> None:
        total = ""
        if sec.points and sec.show_total:
            total = labels.section_total(sec.points, self.lang)
        self.e(f"## {self.bi(sec.title, True)}{total}")
        self.e()
        if sec.instructions is not None:
            self.e(self.bi(sec.instructions, True))
            self.e()
        for item in sec.items:
            self.item(item)

    def entry(self, e: KeyEntry) -> None:
        src = f" <small>{md_escape(e.source)}</small>" if e.source else ""
        self.e(f"**{md_escape(e.number)}**{src}")
        self.e()
        for a in e.answers:
            if a.matrix is not None:
                self.e(f"- {self.bi(a.label, True)}: {code_span(a.value.en)}")
                self.e()
                self.e("  " + self.matrix(a.matrix))
            else:
                value = Text(a.shown("zh"), a.shown("en"))
                self.e(f"- {self.bi(a.label, True)}: **{self.bi(value, True)}**")
        for k, p in e.key_points:
            self.e(f"- {self.bi(k, True)} ({points_text(p)})")
        if e.answers or e.key_points:
            self.e()
        for step in e.steps:
            formulas = " ".join(code_span(b.text) for b in step.math if isinstance(b, Formula))
            self.e(f"  - {self.bi(step.text, True)} {formulas}".rstrip())
            for b in step.math:
                if not isinstance(b, Formula):
                    self.e()
                    self.block(b, "    ")
        if e.steps:
            self.e()
        if e.explanation is not None:
            self.e(self.bi(e.explanation))
            self.e()
        for part in e.parts:
            self.entry(part)

    def class_list(self, cl: ClassList) -> None:
        self.e(f"# {self.bi(cl.title, True)}")
        self.e()
        self.e(" · ".join(f"{self.bi(lbl, True)}: {md_escape(v)}" for lbl, v in cl.facts))
        self.e()
        self.e("| " + " | ".join(self.bi(h, True) for h in labels.CLASS_LIST_HEAD) + " |")
        self.e("|---|---|---|---|")
        for st, code in cl.rows:
            self.e(f"| {st.index} | {md_escape(st.name)} | {md_escape(st.id)} | {md_escape(code)} |")
        self.e()

    def key(self, key: KeySheet) -> None:
        self.header(key.header)
        if key.quick:
            label = self.bi(labels.QUICK, True)
            self.e(f"{label}: " + " · ".join(f"{n}. **{md_escape(a)}**" for n, a in key.quick))
            self.e()
        for sec in key.sections:
            self.e(f"## {self.bi(sec.title, True)}")
            self.e()
            for e in sec.entries:
                self.entry(e)


def render_md(doc: Document, lang: str) -> str:
    m = _Md(lang)
    for i, page in enumerate(doc.pages):
        if i:
            m.e(PAGE_BREAK)
            m.e()
            m.e("---")
            m.e()
        if isinstance(page, Sheet):
            m.header(page.header)
            for sec in page.sections:
                m.section(sec)
        elif isinstance(page, ClassList):
            m.class_list(page)
        else:
            m.key(page)
    return "\n".join(m.out).rstrip() + "\n"
