"""Moodle XML (Question bank > Import > Moodle XML format).

One category per chapter and, inside it, one per calculation kind or question type
(``$course$/quizapp/ch8_detection/iou``), so a quiz can draw "a random question from iou" and
each student gets other numbers. Types:

* single choice -> ``multichoice`` single="true" (right 100%, others 0%);
* multiple choice -> ``multichoice`` single="false": each right option 100/k %, each wrong one
  -100/w % (k right, w wrong), values from Moodle's list of allowed grades;
* true/false -> ``truefalse``; short answer -> ``essay`` with the key points in ``graderinfo``;
* fill-in: one blank -> ``shortanswer`` (each accepted form 100%), several -> ``cloze``;
* calculation: one number -> ``numerical`` with the asked rounding's tolerance; several numbers
  (or a vector or matrix) -> ``cloze`` with one NUMERICAL gap per number; each named mistake is a
  0% answer with its own feedback; the worked steps are the general feedback;
* a comprehensive item becomes one question per part, in its chapter's "comprehensive" category.

Text is HTML in CDATA; a cloze's special characters (``} # ~ / " \\``) are escaped with a
backslash, and ``*`` (a short-answer wildcard) too.
"""

from __future__ import annotations

from quizapp.core.items import Item, ItemPart
from quizapp.export.answers import Gap, field_gaps, joined
from quizapp.export.common import Context, item_key, item_name, unique_answers, where
from quizapp.export.html import Style, escape
from solvers import Problem, Text

# Moodle's allowed grades (question_bank::fraction_options_full), as percentages. An import with
# "match grades: error if not listed" (the default) refuses any other value.
ALLOWED = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
           14.28571, 12.5, 11.11111, 10, 5, 0)
PENALTY = "0.3333333"


def allowed_fraction(percent: float) -> str:
    """The listed grade nearest ``percent`` (sign kept), as Moodle writes it."""
    best = min(ALLOWED, key=lambda a: abs(a - abs(percent)))
    text = f"{best:g}" if best == int(best) else f"{best}"
    return f"-{text}" if percent < 0 and best else text


def cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, html: str, fmt: str = "html") -> str:
    return f'<{tag} format="{fmt}"><text>{cdata(html)}</text></{tag}>'


def cloze_escape(s: str) -> str:
    for ch in ("\\", "}", "#", "~", "/", '"', "{", "*"):
        s = s.replace(ch, "\\" + ch)
    return s


def shortanswer_escape(s: str) -> str:
    return s.replace("*", "\\*")  # '*' is a wildcard in a short-answer answer


def _head(qtype: str, name: str, idnumber: str, text: str, general: str, grade: float) -> str:
    return (f'<question type="{qtype}"><name><text>{escape(name)}</text></name>'
            f"{_text('questiontext', text)}{_text('generalfeedback', general)}"
            f"<defaultgrade>{grade:g}</defaultgrade><penalty>{PENALTY}</penalty><hidden>0</hidden>"
            f"<idnumber>{escape(idnumber[:100])}</idnumber>")


def _answer(fraction: str, text: str, feedback: str, fmt: str = "html", extra: str = "") -> str:
    body = cdata(text) if fmt == "html" else escape(text)
    return (f'<answer fraction="{fraction}" format="{fmt}"><text>{body}</text>{extra}'
            f"{_text('feedback', feedback)}</answer>")


# ----------------------------------------------------------------------------------------------
# Question types
# ----------------------------------------------------------------------------------------------


def _choice(item: Item, ctx: Context, name: str, key: str) -> str:
    st = ctx.style
    single = item.type == "single_choice"
    right = sum(1 for c in item.options if c.correct)
    wrong = len(item.options) - right
    head = _head("multichoice", name, key, st.statement(item.text), _explanation(item, st), item.points)
    out = [head,
           f"<single>{'true' if single else 'false'}</single><shuffleanswers>true</shuffleanswers>"
           "<answernumbering>ABCD</answernumbering>"]
    for c in item.options:
        if c.correct:
            frac = "100" if single else allowed_fraction(100 / right)
        else:
            frac = "0" if single or not wrong else allowed_fraction(-100 / wrong)
        fb = st.inline(c.why) if c.why else ""
        out.append(_answer(frac, st.inline(Text(c.zh, c.en)), fb))
    out.append("</question>")
    return "".join(out)


def _true_false(item: Item, ctx: Context, name: str, key: str) -> str:
    truth = bool(item.question.answer)
    return (_head("truefalse", name, key, ctx.style.statement(item.text), _explanation(item, ctx.style),
                  item.points)
            + _answer("100" if truth else "0", "true", "", fmt="moodle_auto_format")
            + _answer("0" if truth else "100", "false", "", fmt="moodle_auto_format")
            + "</question>")


def _essay(name: str, key: str, text: str, general: str, grade: float, key_points, st: Style) -> str:
    rows = []
    for kp in key_points:
        rows.append(f"<li>[{kp.points:g}] {st.inline(Text(kp.zh, kp.en))}{_phrasings(kp, st)}</li>")
    grader = f"<ul>{''.join(rows)}</ul>"
    return (_head("essay", name, key, text, general, grade)
            + "<responseformat>editor</responseformat><responserequired>1</responserequired>"
            "<responsefieldlines>10</responsefieldlines><attachments>0</attachments>"
            "<attachmentsrequired>0</attachmentsrequired>"
            + _text("graderinfo", grader) + _text("responsetemplate", "") + "</question>")


def _phrasings(kp, st: Style) -> str:
    """Accepted and contradicting phrasings of a key point, when the bank gives them."""
    out = []
    for attr, title in (("accept", Text("可接受的说法", "Accepted phrasings")),
                        ("reject", Text("相矛盾的说法", "Contradicting phrasings"))):
        group = getattr(kp, attr, None)  # a bank Phrasings: zh and en lists
        values = [*group.zh, *group.en] if group is not None else []
        if values:
            out.append(f"<br>{st.inline(title)}: " + escape("; ".join(str(v) for v in values)))
    return "".join(out)


def _blanks(item_text: Text, blanks, name: str, key: str, general: str, grade: float, st: Style,
            prefix: str = "") -> str:
    """``prefix``: HTML before the text (a comprehensive item's shared text and part label)."""
    if len(blanks) == 1:
        answers = "".join(_answer("100", shortanswer_escape(a), "", fmt="moodle_auto_format")
                          for a in unique_answers(blanks[0].accept))
        return (_head("shortanswer", name, key, prefix + st.statement(item_text), general, grade)
                + "<usecase>0</usecase>" + answers + "</question>")
    gaps = ["{1:SHORTANSWER:" + "~".join("=" + cloze_escape(a) for a in unique_answers(b.accept)) + "}"
            for b in blanks]
    text = prefix + _fill_in(item_text, gaps, st)
    return _head("cloze", name, key, text, general, grade) + "</question>"


def _fill_in(text: Text, gaps: list[str], st: Style) -> str:
    """The statement with its ____ replaced by the gaps; in both languages the blanks are
    numbered in the text and the gaps listed beneath (each gap may appear only once)."""
    if st.lang != "both":
        parts = text.get(st.lang).split("____")
        if len(parts) == len(gaps) + 1:
            html = escape(parts[0]) + "".join(g + escape(p) for g, p in zip(gaps, parts[1:]))
            return f"<p>{html}</p>"
    numbered = Text(*(_number_blanks(t) for t in (text.zh, text.en)))
    listed = "".join(f"<p>({i}) {g}</p>" for i, g in enumerate(gaps, 1))
    return st.statement(numbered) + listed


def _number_blanks(s: str) -> str:
    parts = s.split("____")
    return parts[0] + "".join(f"__({i})__{p}" for i, p in enumerate(parts[1:], 1))


def _calculation(problem: Problem, text: Text, name: str, key: str, general: str, grade: float,
                 st: Style, prefix: str = "") -> str:
    per_field = field_gaps(problem)
    gaps = [g for gs in per_field for g in gs]
    if len(gaps) == 1:
        g = gaps[0]
        answers = [_answer("100", g.value, "", fmt="moodle_auto_format",
                           extra=f"<tolerance>{g.tolerance}</tolerance>")]
        answers += [_answer("0", v, st.inline(joined(labels)), fmt="moodle_auto_format",
                            extra=f"<tolerance>{g.tolerance}</tolerance>") for v, labels in g.wrong]
        body = prefix + st.statement(text) + f"<p>{st.inline(g.field.label)}</p>"
        return (_head("numerical", name, key, body, general, grade) + "".join(answers)
                + "<unitgradingtype>0</unitgradingtype><unitpenalty>0.1000000</unitpenalty>"
                "<showunits>3</showunits><unitsleft>0</unitsleft></question>")
    body = prefix + st.statement(text) + "".join(_field_html(gs, st) for gs in per_field)
    return _head("cloze", name, key, body, general, grade) + "</question>"


def numerical_gap(g: Gap, st: Style) -> str:
    alts = [f"={g.value}:{g.tolerance}"]
    alts += [f"%0%{v}:{g.tolerance}#{cloze_escape(st.inline(joined(labels)))}" for v, labels in g.wrong]
    return "{1:NUMERICAL:" + "~".join(alts) + "}"


def _field_html(gaps: list[Gap], st: Style) -> str:
    f = gaps[0].field
    label = st.inline(f.label) + (f" ({escape(f.unit)})" if f.unit else "")
    if f.shape == "matrix":
        rows: dict[int, list[str]] = {}
        for g in gaps:
            rows.setdefault(g.index[0], []).append(numerical_gap(g, st))
        return f"<p>{label}</p>" + _raw_table(list(rows.values()))
    cells = ", ".join(numerical_gap(g, st) for g in gaps)
    return f"<p>{label}: {'[' + cells + ']' if f.shape == 'vector' else cells}</p>"


def _raw_table(rows: list[list[str]]) -> str:
    # cells hold cloze markup: not escaped (table_html would escape it)
    body = "".join("<tr>" + "".join(f'<td style="padding:2px 4px">{c}</td>' for c in r) + "</tr>"
                   for r in rows)
    return f'<table style="border-left:2px solid;border-right:2px solid">{body}</table>'


def _explanation(item: Item, st: Style) -> str:
    return st.statement(item.explanation) if item.explanation else ""


def _general(problem: Problem | None, item: Item, st: Style) -> str:
    steps = st.steps(problem) if problem is not None else ""
    return steps + _explanation(item, st)


# ----------------------------------------------------------------------------------------------
# Items -> questions
# ----------------------------------------------------------------------------------------------


def _part(item: Item, part: ItemPart, i: int, ctx: Context) -> str:
    st = ctx.style
    name = f"{item_name(item)} ({i})"
    key = f"{item_key(item)}-{i}"
    head = st.part_head(item.text, part.label)
    text = part.text or Text("", "")
    if part.problem is not None:
        return _calculation(part.problem, text, name, key, _general(part.problem, item, st),
                            part.points, st, head)
    if part.key_points is not None:
        return _essay(name, key, head + st.statement(text), _explanation(item, st),
                      part.points, part.key_points, st)
    return _blanks(text, part.blanks, name, key, _explanation(item, st), part.points, st, head)


def question_xml(item: Item, ctx: Context) -> list[str]:
    st, name, key = ctx.style, item_name(item), item_key(item)
    t = item.type
    if t in ("single_choice", "multiple_choice"):
        return [_choice(item, ctx, name, key)]
    if t == "true_false":
        return [_true_false(item, ctx, name, key)]
    if t == "fill_blank":
        return [_blanks(item.text, item.question.blanks, name, key, _explanation(item, st),
                        item.points, st)]
    if t == "short_answer":
        return [_essay(name, key, st.statement(item.text), _explanation(item, st), item.points,
                       item.question.key_points, st)]
    if t == "calculation":
        return [_calculation(item.problem, item.text, name, key, _general(item.problem, item, st),
                             item.points, st)]
    if t == "comprehensive":
        ctx.cannot("comprehensive", "exported as one Moodle question per part (Moodle has no "
                   "question mixing essay and numbers)")
        return [_part(item, p, i, ctx) for i, p in enumerate(item.parts, 1)]
    ctx.cannot(t, "this question type has no Moodle form yet; not exported")
    return []


def category_path(place: tuple[str, ...]) -> str:
    return "$course$/quizapp/" + "/".join(p.replace("/", "//") for p in place)


def moodle_xml(items: list[Item], ctx: Context) -> str:
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        groups.setdefault(where(item), []).append(item)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    for place, group in groups.items():
        title = ctx.chapters.get(place[0])
        info = ctx.style.inline(title) if title else ""
        out.append(f'<question type="category"><category><text>{escape(category_path(place))}</text>'
                   f"</category>{_text('info', info)}</question>\n")
        for item in group:
            out.extend(q + "\n" for q in question_xml(item, ctx))
    out.append("</quiz>\n")
    return "".join(out)


def write(items: list[Item], ctx: Context, path) -> None:
    path.write_text(moodle_xml(items, ctx), encoding="utf-8")
