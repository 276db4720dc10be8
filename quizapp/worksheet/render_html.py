"""A self-contained HTML page for a :class:`~quizapp.worksheet.model.Document`.

Prints well from a browser: A4 print CSS, each sheet and key on new pages, questions kept whole
where they fit, writing lines, matrices as bracketed tables (no math font needed), no
network assets. All text is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from quizapp.worksheet import labels
from quizapp.worksheet.html_math import formula_html, matrix_html, prose_html
from quizapp.worksheet.labels import points_text
from quizapp.worksheet.model import (
    Block, ClassList, DocItem, DocPart, DocSection, Document, Formula, Header, KeyEntry, KeySheet, Matrix,
    Para, Pre, Sheet, Table,
)
from solvers import Text

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif;
       font-size: 11pt; line-height: 1.55; color: #111; max-width: 190mm; margin: 0 auto; }
.page + .page { page-break-before: always; break-before: page; break-before: recto; }
.page { padding-top: 4mm; }
h1 { text-align: center; font-size: 18pt; margin: 0 0 2mm; }
h1 .en { font-size: 12pt; }
.facts, .who { text-align: center; margin: 1mm 0; }
.facts span + span, .who span + span { margin-left: 2em; }
.blankline { display: inline-block; min-width: 45mm; border-bottom: 0.5pt solid #333; }
hr { border: 0; border-top: 0.8pt solid #333; }
h2 { font-size: 13pt; margin: 5mm 0 1mm; break-after: avoid; }
.instructions { font-size: 9.5pt; font-style: italic; }
.en { display: block; color: #555; font-size: 0.86em; }
.en.inline { display: inline; margin-left: 0.4em; }
.item { display: grid; grid-template-columns: 2.2em 1fr; margin: 3.5mm 0; break-inside: avoid; }
.num { font-weight: bold; }
.pts { color: #555; font-size: 0.86em; margin-right: 0.3em; }
ol.options { list-style: upper-alpha; margin: 1mm 0; padding-left: 1.6em;
             display: grid; grid-template-columns: 1fr 1fr; column-gap: 1em; }
ol.options.long { grid-template-columns: 1fr; }
.tf { text-align: right; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 1em; margin: 2mm 0; }
.field .blank { display: inline-block; min-width: 35mm; border-bottom: 0.5pt solid #333; }
.line { border-bottom: 0.4pt solid #aaa; height: 7mm; }
.part { margin-top: 2mm; }
.matblock { text-align: center; margin: 2mm 0; }
table.mat { display: inline-table; border-collapse: collapse; vertical-align: middle; margin: 0 0.2em;
            font-size: 0.95em; line-height: 1.25; }
table.mat td { padding: 0 0.35em; text-align: right; }
table.mat td.lb, table.mat td.rb { width: 0.25em; padding: 0; border: 0.8pt solid #111; }
table.mat td.lb { border-right: 0; }
table.mat td.rb { border-left: 0; }
.keep { break-inside: avoid; }
table.grid { border-collapse: collapse; margin: 2mm auto; }
table.grid td { border: 0.4pt solid #999; padding: 1mm 2.5mm; text-align: center; }
table.grid tr:first-child.head td { background: #eee; }
pre, code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 9pt; }
pre { margin: 1mm 0; white-space: pre; }
.key .entry { margin: 3mm 0; break-inside: avoid-page; }
.key .answer b { font-size: 1.02em; }
.key .steps { margin-left: 1.2em; font-size: 9.5pt; }
.key .source { float: right; color: #888; font-size: 7.5pt; }
.code { font-weight: bold; }
.quick span { display: inline-block; min-width: 4.5em; }
footer.code-footer { text-align: right; color: #777; font-size: 8pt; }
.formula, .math { font-family: "Libertinus Serif", "Cambria Math", "STIX Two Math", serif;
                  white-space: nowrap; }
p.formula { margin: 1mm 0 1mm 1.2em; white-space: normal; }
.math sub, .formula sub, .math sup, .formula sup { font-size: 0.72em; line-height: 0; }
.part { break-inside: avoid; }
h2, .instructions { break-after: avoid; }
footer.code-footer { break-before: avoid; }
@media print { .item { break-inside: avoid; } .key .entry { break-inside: avoid; } }
"""


class _Html:
    def __init__(self, lang: str):
        self.lang = lang
        self.out: list[str] = []

    def bi(self, text: Text | None, inline: bool = False, math: bool = True) -> str:
        """Escaped text in the chosen language(s); formulas in it marked up unless ``math`` is
        False (answer values print exactly as the grader expects them)."""
        if text is None:
            return ""
        put = prose_html if math else escape
        if self.lang in ("zh", "en"):
            return put(text.get(self.lang))
        if text.zh == text.en:
            return put(text.zh)
        cls = "en inline" if inline else "en"
        return f'{put(text.zh)}<span class="{cls}">{put(text.en)}</span>'

    def e(self, s: str) -> None:
        self.out.append(s)

    def matrix(self, m: Matrix, display: bool = True) -> str:
        table = matrix_html(m.rows)
        return f'<div class="matblock">{table}</div>' if display else table

    def block(self, b: Block) -> None:
        if isinstance(b, Para):
            self.e(f"<p>{self.bi(b.text)}</p>")
        elif isinstance(b, Matrix):
            self.e(self.matrix(b))
        elif isinstance(b, Table):
            rows = []
            for i, r in enumerate(b.rows):
                cls = ' class="head"' if i == 0 and b.has_header else ""
                rows.append(f"<tr{cls}>" + "".join(f"<td>{self.bi(b.cell(i, j), True)}</td>"
                                                   for j in range(len(r))) + "</tr>")
            self.e('<table class="grid">' + "".join(rows) + "</table>")
        elif isinstance(b, Pre):
            self.e(f"<pre>{escape(b.text)}</pre>")
        elif isinstance(b, Formula):
            self.e(f'<p class="formula">{formula_html(b.text)}</p>')

    def pts(self, points: float | None) -> str:
        if points is None:
            return ""
        return f'<span class="pts">{escape(labels.item_points(points, self.lang))}</span>'

    def header(self, h: Header) -> None:
        self.e(f"<h1>{self.bi(h.title)}</h1>")
        facts = [f"<span>{self.bi(lbl, True)}: {escape(v)}</span>" for lbl, v in h.facts]
        facts.append(f'<span>{self.bi(labels.CODE, True)}: '
                     f'<span class="code">{escape(h.code)}</span></span>')
        self.e(f'<div class="facts">{"".join(facts)}</div>')
        name, sid = self.bi(labels.NAME, True), self.bi(labels.STUDENT_ID, True)
        st = h.student
        if st is not None and (st.name or st.id):
            who = ([f"<span>{name}: <b>{escape(st.name)}</b></span>"] if st.name else []) + \
                  ([f"<span>{sid}: <b>{escape(st.id)}</b></span>"] if st.id else [])
            self.e(f'<div class="who">{"".join(who)}</div>')
        elif h.name_lines:
            self.e(f'<div class="who"><span>{name}: <span class="blankline"></span></span>'
                   f'<span>{sid}: <span class="blankline"></span></span></div>')
        if st is not None and not (st.name or st.id):
            self.e(f'<div class="who">{self.bi(st.copy_label, True)}</div>')
        self.e("<hr>")
        if h.instructions is not None:
            self.e(f'<p class="instructions">{self.bi(h.instructions)}</p>')

    def body(self, blocks, fields, lines) -> None:
        for b in blocks:
            self.block(b)
        if fields:
            self.e('<div class="fields">' + "".join(
                f'<span class="field">{self.bi(f, True)}: <span class="blank"></span></span>'
                for f in fields) + "</div>")
        self.e('<div class="line"></div>' * int(lines))

    def item(self, item: DocItem) -> None:
        self.e(f'<div class="item"><div class="num">{item.number}.</div><div class="q">')
        self.e(self.pts(item.points))
        self.body(item.blocks, [], 0)
        if item.type == "true_false":
            self.e('<div class="tf">(&emsp;&emsp;)</div>')
        if item.options:
            long = any(len(o.zh) > 22 or len(o.en) > 40 for o in item.options)
            self.e(f'<ol class="options{" long" if long else ""}">' +
                   "".join(f"<li>{self.bi(o)}</li>" for o in item.options) + "</ol>")
        self.body([], item.fields, item.answer_lines)
        for part in item.parts:
            self.part(part)
        self.e("</div></div>")

    def part(self, part: DocPart) -> None:
        self.e(f'<div class="part"><b>{self.bi(part.label, True)}</b> {self.pts(part.points)}</div>')
        self.body(part.blocks, part.fields, part.answer_lines)

    def section(self, sec: DocSection) -> None:
        total = ""
        if sec.points and sec.show_total:
            total = escape(labels.section_total(sec.points, self.lang))
        # The heading and its instructions keep to the first question: never alone at a foot.
        self.e('<div class="keep">')
        self.e(f"<h2>{self.bi(sec.title, True)}{total}</h2>")
        if sec.instructions is not None:
            self.e(f'<p class="instructions">{self.bi(sec.instructions)}</p>')
        for i, item in enumerate(sec.items):
            self.item(item)
            if i == 0:
                self.e("</div>")
        if not sec.items:
            self.e("</div>")

    def sheet(self, sheet: Sheet) -> None:
        self.e('<section class="page sheet">')
        self.header(sheet.header)
        for sec in sheet.sections:
            self.section(sec)
        self.e(f'<footer class="code-footer">{escape(sheet.header.code)}</footer></section>')

    def entry(self, e: KeyEntry) -> None:
        self.e('<div class="entry">')
        src = f'<span class="source">{escape(e.source)}</span>' if e.source else ""
        self.e(f"<div>{src}<b>{escape(e.number)}</b></div>")
        for a in e.answers:
            if a.matrix is not None:
                shown = f"{self.matrix(a.matrix, display=False)} <code>{escape(a.value.en)}</code>"
            else:
                shown = f"<b>{self.bi(Text(a.shown('zh'), a.shown('en')), True, math=False)}</b>"
            self.e(f'<div class="answer">{self.bi(a.label, True)}: {shown}</div>')
        if e.key_points:
            self.e("<ul>" + "".join(f"<li>{self.bi(k, True)} ({escape(points_text(p))})</li>"
                                    for k, p in e.key_points) + "</ul>")
        if e.steps:
            self.e('<div class="steps">')
            for step in e.steps:
                formulas = " ".join(f'<span class="formula">{formula_html(b.text)}</span>'
                                    for b in step.math if isinstance(b, Formula))
                self.e(f"<p>{self.bi(step.text, True)} {formulas}</p>")
                for b in step.math:
                    if not isinstance(b, Formula):
                        self.block(b)
            self.e("</div>")
        if e.explanation is not None:
            self.e(f"<p>{self.bi(e.explanation)}</p>")
        for part in e.parts:
            self.entry(part)
        self.e("</div>")

    def class_list(self, cl: ClassList) -> None:
        self.e('<section class="page class-list">')
        self.e(f"<h1>{self.bi(cl.title)}</h1>")
        self.e('<div class="facts">' + "".join(
            f"<span>{self.bi(lbl, True)}: {escape(v)}</span>" for lbl, v in cl.facts) + "</div>")
        rows = ['<tr class="head">' + "".join(f"<td>{self.bi(h, True)}</td>"
                                               for h in labels.CLASS_LIST_HEAD) + "</tr>"]
        rows += [f"<tr><td>{st.index}</td><td>{escape(st.name)}</td><td>{escape(st.id)}</td>"
                 f"<td>{escape(code)}</td></tr>" for st, code in cl.rows]
        self.e('<table class="grid">' + "".join(rows) + "</table></section>")

    def key(self, key: KeySheet) -> None:
        self.e('<section class="page key">')
        self.header(key.header)
        if key.quick:
            label = self.bi(labels.QUICK, True)
            self.e(f'<p class="quick">{label}: ' + " ".join(
                f"<span>{escape(n)}. <b>{escape(a)}</b></span>" for n, a in key.quick) + "</p>")
        for sec in key.sections:
            self.e(f"<h2>{self.bi(sec.title, True)}</h2>")
            for e in sec.entries:
                self.entry(e)
        self.e(f'<footer class="code-footer">{escape(key.header.code)}</footer></section>')


def render_html(doc: Document, lang: str) -> str:
    h = _Html(lang)
    for page in doc.pages:
        if isinstance(page, Sheet):
            h.sheet(page)
        elif isinstance(page, ClassList):
            h.class_list(page)
        else:
            h.key(page)
    html_lang = "en" if lang == "en" else "zh-CN"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(doc.title.get(lang))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(h.out) + "\n</body>\n</html>\n")
