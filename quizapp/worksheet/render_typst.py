"""Typst source for a :class:`~quizapp.worksheet.model.Document`, and its PDF.

All text from the bank or the engine reaches Typst as string literals (``#"..."``, see
:func:`typst_math.quote`), never as markup, so ``#``, ``$``, ``*``, ``_``, ``@``, ``<``, brackets
and backslashes print as themselves. Matrices are ``mat(...)``; worked-step formulas are
typeset by :mod:`typst_math` (fractions, subscripts) and fall back to monospace text.

PDFs are deterministic: the creation date is fixed (``timestamp=0``) and nothing else depends
on the clock, so one seed gives the same bytes on any machine with the same fonts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from quizapp.core.errors import OutputError
from quizapp.worksheet import labels
from quizapp.worksheet.labels import points_text
from quizapp.worksheet.model import (
    Block, ClassList, DocItem, DocPart, DocSection, Document, Formula, Header, KeyEntry, KeySheet, Matrix,
    Para, Pre, Sheet, Table,
)
from quizapp.worksheet.typst_math import formula_to_math, quote, split_inline
from solvers import Text

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Families tried in order for Chinese; the first one installed is used.
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC",
                "Noto Serif SC", "Noto Sans SC", "Songti SC", "PingFang SC", "SimSun", "SimHei",
                "Microsoft YaHei", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN")
LATIN_FAMILY = "Libertinus Serif"  # embedded in the typst package
PAGE_OF = {"zh": "[第 #x 页，共 #n 页]", "en": "[Page #x of #n]",
           "both": "[第 #x 页，共 #n 页 #h(0.6em) Page #x of #n]"}
# Items up to this many estimated lines are kept on one page (a short item split over two pages
# is hard to read); longer ones may break, or a page would be left mostly empty.
KEEP_TOGETHER_LINES = 40  # a full A4 page holds about 46
LINES_WITH_STATEMENT = 3  # writing lines that never leave their question's page


@dataclass(frozen=True)
class Fonts:
    """Where Typst looks for fonts: extra directories, and the system's fonts unless disabled.

    Defaults come from ``QUIZAPP_FONT_DIRS`` (os.pathsep-separated) and
    ``QUIZAPP_SYSTEM_FONTS=0``; ``--font-dir`` adds directories."""

    dirs: tuple[str, ...] = ()
    system: bool = True

    @classmethod
    def from_env(cls, extra: tuple[str, ...] = ()) -> "Fonts":
        env = tuple(p for p in os.environ.get("QUIZAPP_FONT_DIRS", "").split(os.pathsep) if p)
        return cls(dirs=env + tuple(extra), system=os.environ.get("QUIZAPP_SYSTEM_FONTS", "1") != "0")


@lru_cache(maxsize=8)
def font_book(fonts: Fonts):
    """The scanned fonts, kept for the process: scanning the system takes ~0.2 s per compile."""
    import typst

    return typst.Fonts(include_system_fonts=fonts.system, include_embedded_fonts=True,
                       font_paths=list(fonts.dirs))


def _families(fonts: Fonts) -> frozenset[str]:
    return frozenset(font_book(fonts).families())


def find_cjk_family(fonts: Fonts) -> str | None:
    families = _families(fonts)
    for name in CJK_FAMILIES:
        if name in families:
            return name
    for name in sorted(families):
        if "CJK" in name or name.endswith((" SC", " CN")):
            return name
    return None


# ----------------------------------------------------------------------------------------------
# Source
# ----------------------------------------------------------------------------------------------


def estimated_lines(blocks, options, fields, answer_lines: int) -> float:
    """A rough height in lines of body text: enough to tell a short item from a long one."""
    n = 2.0
    for b in blocks:
        if isinstance(b, Para):
            n += 1 + (len(b.text.zh) / 45 + len(b.text.en) / 100)
        elif isinstance(b, (Matrix, Table)):
            n += 1.3 * len(b.rows) + 1
        else:
            n += 1 + b.text.count("\n")
    n += 2 * len(options) + (len(fields) + 1) // 2 * 1.5 + 1.6 * answer_lines
    return n


PREAMBLE = """\
#let code = state("code", "")
#let sheetno = state("sheetno", 0)
#let pageof(x, n) = PAGEOF
// 'page x of y' counts the pages of the current sheet: y is the page of its end marker.
#set page(paper: "a4", margin: (x: 1.8cm, top: 1.8cm, bottom: 2cm),
  footer: context {
    set text(size: 8pt, fill: luma(110))
    let here = counter(page).get().first()
    let ends = query(label("sheet-end-" + str(sheetno.get())))
    let total = if ends.len() > 0 { counter(page).at(ends.first().location()).first() } else { here }
    if here <= total [#code.get() #h(1fr) #pageof(here, total)]
  })
#set text(font: FONTS, size: 10.5pt, lang: LANG)
#set par(justify: false, leading: 0.65em)
#show raw: set text(font: ("DejaVu Sans Mono", CJKFONT), size: 9pt)
#let en(body) = text(size: 0.86em, fill: luma(95), body)
#let writing(n) = { for i in range(n) { v(1.15em); line(length: 100%, stroke: 0.4pt + luma(170)) } }
#let qitem(num, body, breakable: true) = block(breakable: breakable, above: 1.1em, width: 100%,
  grid(columns: (2.2em, 1fr), [*#num.*], body))
#let pts(p) = if p != "" [#text(size: 0.86em, fill: luma(80), p)#h(0.3em)]
#let fields(..labels) = grid(columns: (1fr, 1fr), row-gutter: 0.9em, column-gutter: 1em,
  ..labels.pos().map(l => [#l: #box(width: 1fr, stroke: (bottom: 0.5pt + luma(60)), height: 1em)]))

"""


class _Writer:
    def __init__(self, lang: str, math: bool):
        self.lang = lang
        self.math = math
        self.out: list[str] = []

    # -- text ------------------------------------------------------------------------------------
    def s(self, text: str) -> str:
        return "#" + quote(text) + ";"

    def rich(self, text: str) -> str:
        """Prose with the formulas in it typeset as math (see :func:`typst_math.split_inline`)."""
        if not self.math:
            return self.s(text)
        return "".join(self.s(t) if m is None else f"${m}$" for t, m in split_inline(text))

    def bi(self, text: Text | None, *, inline: bool = False, math: bool = True) -> str:
        """One bilingual string in the chosen language; 'both' puts English beneath, grey."""
        if text is None:
            return ""
        put = self.rich if math else self.s
        if self.lang in ("zh", "en"):
            return put(text.get(self.lang))
        if text.zh == text.en or not text.en:
            return put(text.zh)
        sep = " " if inline else " \\\n"
        return f"{put(text.zh)}{sep}#en[{put(text.en)}]"

    def label(self, text: Text) -> str:
        """Short labels (fields, facts) stay on one line: Chinese / English."""
        if self.lang in ("zh", "en") or text.zh == text.en:
            return self.rich(text.get(self.lang))
        return f"{self.rich(text.zh)} #en[{self.rich(text.en)}]"

    def emit(self, line: str = "") -> None:
        self.out.append(line)

    # -- blocks ----------------------------------------------------------------------------------
    def block(self, block: Block) -> None:
        if isinstance(block, Para):
            self.emit(self.bi(block.text))
            self.emit()
        elif isinstance(block, Matrix):
            self.emit(f"#align(center)[$ {self.matrix(block)} $]")
            self.emit()
        elif isinstance(block, Table):
            n = len(block.rows[0])
            cells = ", ".join(f"[{self.bi(block.cell(r, c), inline=True)}]"
                              for r in range(len(block.rows)) for c in range(n))
            header = "fill: (x, y) => if y == 0 { luma(235) }," if block.has_header else ""
            table = (f"table(columns: {n}, align: center + horizon, inset: 4pt, "
                     f"stroke: 0.4pt + luma(150), {header} {cells})")
            self.emit(f"#align(center, block(breakable: false, {table}))")
            self.emit()
        elif isinstance(block, Pre):
            self.emit(f"#raw({quote(block.text)}, block: true)")
            self.emit()
        elif isinstance(block, Formula):
            body = formula_to_math(block.text) if self.math else None
            if body:
                self.emit(f"$ {body} $")
            else:
                self.emit(f"#raw({quote(block.text)}, block: true)")
            self.emit()

    def inline_formula(self, f: Formula) -> str:
        body = formula_to_math(f.text) if self.math else None
        return f"${body}$" if body else f"#raw({quote(f.text)})"

    @staticmethod
    def matrix(m: Matrix) -> str:
        def cell(c: str) -> str:
            try:
                float(c)
                return c
            except ValueError:
                return quote(c)
        rows = "; ".join(", ".join(cell(c) for c in r) for r in m.rows)
        return f'mat(delim: "[", {rows})'

    # -- sheets ----------------------------------------------------------------------------------
    def header(self, h: Header) -> None:
        st = h.student
        who = f" · {st.label}" if st is not None and (st.name or st.id) else ""
        self.emit(f"#code.update({quote(h.code + who)})")
        self.emit("#counter(page).update(1)")
        self.emit(f"#align(center)[#text(size: 17pt, weight: \"bold\")[{self.bi(h.title)}]]")
        facts = [f"{self.label(lbl)}: {self.s(val)}" for lbl, val in h.facts]
        facts.append(f"{self.label(labels.CODE)}: *{self.s(h.code)}*")
        self.emit("#align(center)[" + " #h(1.5em) ".join(facts) + "]")
        name, sid = labels.NAME, labels.STUDENT_ID
        st = h.student
        if st is not None and (st.name or st.id):
            who = [f"{self.label(name)}: *{self.s(st.name)}*" if st.name else "",
                   f"{self.label(sid)}: *{self.s(st.id)}*" if st.id else ""]
            self.emit("#align(center)[" + " #h(2em) ".join(w for w in who if w) + "]")
        elif h.name_lines:
            self.emit(f"#align(center)[{self.label(name)}: #box(width: 4.5cm, stroke: (bottom: 0.5pt))"
                      f" #h(2em) {self.label(sid)}: #box(width: 4.5cm, stroke: (bottom: 0.5pt))]")
        if st is not None and not (st.name or st.id):
            self.emit(f"#align(center)[#text(size: 9pt)[{self.label(st.copy_label)}]]")
        self.emit("#line(length: 100%, stroke: 0.6pt)")
        if h.instructions is not None:
            self.emit(f"#text(size: 9.5pt)[{self.bi(h.instructions)}]")
        self.emit()

    def pts(self, points: float | None) -> str:
        if points is None:
            return quote("")
        return quote(labels.item_points(points, self.lang))

    def section(self, sec: DocSection) -> None:
        total = ""
        if sec.points and sec.show_total:
            total = self.s(labels.section_total(sec.points, self.lang))
        title = f"#text(size: 12.5pt, weight: \"bold\")[{self.label(sec.title)}{total}]"
        # The heading and its instructions stick to the first question (never alone at a foot).
        self.emit(f"#block(above: 1.4em, below: 0.6em, sticky: true)[{title}]")
        if sec.instructions is not None:
            self.emit(f"#block(sticky: true, below: 0.9em)[#text(size: 9.5pt, style: \"italic\")"
                      f"[{self.bi(sec.instructions)}]]")
        for item in sec.items:
            self.item(item)

    def body_of(self, blocks, fields, lines) -> None:
        for b in blocks:
            self.block(b)
        if fields:
            self.emit("#fields(" + ", ".join(f"[{self.label(f)}]" for f in fields) + ")")
            self.emit()
        if lines:
            self.emit(f"#writing({int(lines)})")
            self.emit()

    def item(self, item: DocItem) -> None:
        keep = not item.parts and estimated_lines(item.blocks, item.options, item.fields,
                                                  item.answer_lines) <= KEEP_TOGETHER_LINES
        breakable = "" if not keep else ", breakable: false"
        self.emit(f"#qitem({quote(str(item.number))}{breakable})[")
        # A long item may run onto the next page, but only in its writing space: the statement
        # (with its matrices, tables and options), its answer fields and the first lines of
        # writing space stay in one piece.
        head_lines = 0 if item.parts else min(item.answer_lines, LINES_WITH_STATEMENT)
        wrap = not keep and estimated_lines(item.blocks, item.options, item.fields,
                                            head_lines) <= 2 * KEEP_TOGETHER_LINES
        if wrap:  # the statement of a comprehensive item sticks to its first part
            sticky = ", sticky: true" if item.parts else ""
            self.emit(f"#block(breakable: false, width: 100%{sticky})[")
        self.emit(f"#pts({self.pts(item.points)})")
        self.body_of(item.blocks, [], 0)
        if item.type == "true_false":
            self.emit("#align(right)[( #h(2em) )]")
        if item.options:
            short = all(len(o.zh) <= 22 and len(o.en) <= 40 for o in item.options)
            cells = [f"[*{LETTERS[i]}.* {self.bi(o)}]" for i, o in enumerate(item.options)]
            cols = "(1fr, 1fr)" if short else "(1fr,)"
            self.emit(f"#grid(columns: {cols}, column-gutter: 1em, row-gutter: 0.7em, "
                      + ", ".join(cells) + ")")
            self.emit()
        if wrap:
            self.body_of([], item.fields, head_lines)
            self.emit("]")
            self.body_of([], [], item.answer_lines - head_lines)
        else:
            self.body_of([], item.fields, item.answer_lines)
        for part in item.parts:
            self.part(part)
        self.emit("]")

    def part(self, part: DocPart) -> None:
        head = self.bi(part.label, inline=True) if part.label is not None else ""
        pts = f"#text(size: 0.86em, fill: luma(80), {self.pts(part.points)})"
        keep = estimated_lines(part.blocks, [], part.fields, part.answer_lines) <= KEEP_TOGETHER_LINES
        head_lines = part.answer_lines if keep else min(part.answer_lines, LINES_WITH_STATEMENT)
        self.emit("#block(breakable: false, width: 100%)[")
        self.emit(f"#block(above: 0.9em)[*{head}* {pts}]")
        self.body_of(part.blocks, part.fields, head_lines)
        self.emit("]")
        self.body_of([], [], part.answer_lines - head_lines)

    def sheet(self, sheet: Sheet) -> None:
        self.header(sheet.header)
        for sec in sheet.sections:
            self.section(sec)

    # -- keys ------------------------------------------------------------------------------------
    def key_entry(self, e: KeyEntry, level: int = 0) -> None:
        keep = not e.parts and (len(e.steps) + len(e.answers) + len(e.key_points)
                                + sum(len(a.matrix.rows) for a in e.answers if a.matrix)) <= 16
        if keep:
            self.emit("#block(breakable: false, width: 100%)[")
        self._key_entry(e, level)
        if keep:
            self.emit("]")

    def _key_entry(self, e: KeyEntry, level: int = 0) -> None:
        src = f" #h(1fr) #text(size: 7.5pt, fill: luma(130), {quote(e.source)})" if e.source else ""
        self.emit(f"#block(above: {1.0 if level == 0 else 0.6}em)[*{self.s(e.number)}*{src}]")
        for a in e.answers:
            if a.matrix is not None:
                self.emit(f"{self.label(a.label)}: ${self.matrix(a.matrix)}$ #h(0.5em) "
                          f"#box(text(size: 8pt, fill: luma(110), {quote(a.value.en)}))")  # never split
            else:
                value = Text(a.shown("zh"), a.shown("en"))
                self.emit(f"{self.label(a.label)}: *{self.bi(value, inline=True, math=False)}*")
            self.emit()
        for kp, points in e.key_points:
            weight = quote(f"({points_text(points)})")
            self.emit(f"- {self.bi(kp, inline=True)} #text(fill: luma(90), {weight})")
        if e.key_points:
            self.emit()
        if e.steps:
            self.emit("#pad(left: 1em)[")
            for step in e.steps:
                line = f"#text(size: 9.5pt)[{self.bi(step.text, inline=True)}]"
                for b in step.math:
                    if isinstance(b, Formula):
                        line += " #h(0.6em) " + self.inline_formula(b)
                self.emit(line)
                self.emit()
                for b in step.math:
                    if not isinstance(b, Formula):
                        self.block(b)
            self.emit("]")
        if e.explanation is not None:
            self.emit(f"#text(size: 9.5pt)[{self.bi(e.explanation)}]")
            self.emit()
        for part in e.parts:
            self.key_entry(part, level + 1)

    def class_list(self, cl: ClassList) -> None:
        self.emit('#code.update("")')
        self.emit(f"#align(center)[#text(size: 15pt, weight: \"bold\")[{self.bi(cl.title)}]]")
        facts = " #h(1.5em) ".join(f"{self.label(lbl)}: {self.s(v)}" for lbl, v in cl.facts)
        self.emit(f"#align(center)[{facts}]")
        cells = [f"[*{self.label(h)}*]" for h in labels.CLASS_LIST_HEAD]
        for st, code in cl.rows:
            cells += [f"[{self.s(str(st.index))}]", f"[{self.s(st.name)}]", f"[{self.s(st.id)}]",
                      f"[{self.s(code)}]"]
        self.emit("#align(center, table(columns: 4, inset: 4pt, stroke: 0.4pt + luma(150), "
                  + ", ".join(cells) + "))")

    def key(self, key: KeySheet) -> None:
        self.header(key.header)
        if key.quick:
            cells = ", ".join(f"[{self.s(n)}. *{self.s(a)}*]" for n, a in key.quick)
            self.emit(f"#block(above: 0.8em)[{self.label(labels.QUICK)}:] "
                      f"#grid(columns: 10, column-gutter: 0.8em, row-gutter: 0.5em, {cells})")
            self.emit()
        for sec in key.sections:
            self.emit(f"#block(above: 1.3em)[#text(size: 12pt, weight: \"bold\")[{self.label(sec.title)}]]")
            for e in sec.entries:
                self.key_entry(e)


def typst_source(doc: Document, lang: str, cjk_family: str | None, *, math: bool = True) -> str:
    """The Typst source of ``doc``; pages start on a fresh page."""
    fonts = [LATIN_FAMILY] + ([cjk_family] if cjk_family else [])
    w = _Writer(lang, math)
    pre = (PREAMBLE.replace("FONTS", "(" + ", ".join(quote(f) for f in fonts) + ",)")
           .replace("LANG", quote("en" if lang == "en" else "zh"))
           .replace("CJKFONT", quote(cjk_family or LATIN_FAMILY))
           .replace("PAGEOF", PAGE_OF[lang if lang in PAGE_OF else "both"]))
    w.emit(f"#set document(title: {quote(doc.title.get(lang))}, author: \"quizapp\")")
    w.emit(pre)
    for i, page in enumerate(doc.pages):
        if i:
            # Each sheet starts on a fresh sheet of paper when printed double-sided.
            w.emit('#pagebreak(to: "odd")')
        w.emit(f"#sheetno.update({i})")
        if isinstance(page, Sheet):
            w.sheet(page)
        elif isinstance(page, ClassList):
            w.class_list(page)
        else:
            w.key(page)
        w.emit(f"#metadata({i}) <sheet-end-{i}>")
    return "\n".join(w.out) + "\n"


def render_pdf(doc: Document, lang: str, fonts: Fonts | None = None, *, fallback: bool = True) -> bytes:
    """Compile ``doc`` to PDF bytes; raise OutputError if a Chinese font is needed but missing.

    ``fallback`` False raises instead of retrying with every formula verbatim (for tests: the
    typeset formulas must compile on their own)."""
    import typst

    fonts = fonts or Fonts.from_env()
    family = find_cjk_family(fonts)
    if family is None and lang in ("zh", "both"):
        raise OutputError("No Chinese font was found for the PDF.",
                          hint="Install fonts-noto-cjk (or pass --font-dir DIR), or use --format html.")
    kwargs = dict(format="pdf", font_paths=font_book(fonts), timestamp=0)
    try:
        return typst.compile(typst_source(doc, lang, family).encode("utf-8"), **kwargs)
    except typst.TypstError as exc:
        if not fallback:
            raise OutputError(f"Typst could not typeset the formulas: {exc.message}.") from None
    # A formula the converter got wrong must not cost the whole paper: print formulas verbatim.
    try:
        return typst.compile(typst_source(doc, lang, family, math=False).encode("utf-8"), **kwargs)
    except typst.TypstError as exc:  # a bug in this module, but say it in one sentence
        raise OutputError(f"Typst could not typeset the PDF: {exc.message}.",
                          hint="Please report this; meanwhile --format html gives the same sheet.") from None
