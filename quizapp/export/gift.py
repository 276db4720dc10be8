"""GIFT, Moodle's plain-text question format (Question bank > Import > GIFT format).

The same questions as the Moodle XML export, as far as GIFT can say them:

* choices (Moodle's allowed grades, negative for wrong ticks in multiple answer), true/false,
  single-blank fill-ins (short answer), single-number calculations (numerical, with the asked
  rounding's tolerance and each named mistake as a 0% answer with its feedback);
* what GIFT cannot say is turned into what it can, and the CLI prints one warning per type or
  kind: it has no Cloze, so a fill-in with several blanks is one short-answer question per blank
  and a calculation with several numbers one numerical question per number (the worked steps
  with the last, so a 12-number LSTM problem does not carry them 12 times); it has no "grader
  information", so a short answer's key points become the essay's general feedback (students
  see them after answering).

Text is ``[html]`` on one line; GIFT's special characters ``~ = # { } :`` and the backslash are
escaped with a backslash everywhere (HTML attributes included), and in HTML braces are written
as character references, which no GIFT reader mistakes for the end of the answers.
"""

from __future__ import annotations

from quizapp.core.items import Item, ItemPart
from quizapp.export.answers import Gap, field_gaps, joined
from quizapp.export.common import Context, item_name, unique_answers, where
from quizapp.export.html import Style
from quizapp.export.moodle import allowed_fraction, category_path
from solvers import Problem, Text

_SPECIAL = "\\~=#{}:"


def gift_escape(s: str) -> str:
    for ch in _SPECIAL:
        s = s.replace(ch, "\\" + ch)
    return s.replace("\r", "").replace("\n", " ")


def gift_html(html: str) -> str:
    """An HTML fragment for GIFT: braces as character references (they render the same, and no
    reader can take an escaped brace for the end of the answers), the rest escaped."""
    return gift_escape(html.replace("{", "&#123;").replace("}", "&#125;"))


def _title(name: str) -> str:
    return f"::{gift_escape(name)}::"


def _q(name: str, text_html: str, answer: str) -> str:
    return f"{_title(name)}[html]{gift_html(text_html)}{{{answer}}}"


def _general(html: str) -> str:
    return f" ####{gift_html(html)}" if html else ""


def _explanation(item: Item, st: Style) -> str:
    return st.statement(item.explanation) if item.explanation else ""


def _choice(item: Item, st: Style) -> str:
    single = item.type == "single_choice"
    right = sum(1 for c in item.options if c.correct)
    wrong = len(item.options) - right
    alts = []
    for c in item.options:
        if single:
            mark = "=" if c.correct else "~"
        else:
            pct = allowed_fraction(100 / right) if c.correct else allowed_fraction(-100 / max(wrong, 1))
            mark = f"~%{pct}%"
        fb = f"#{gift_html(st.inline(c.why))}" if c.why else ""
        alts.append(f"{mark}{gift_html(st.inline(Text(c.zh, c.en)))}{fb}")
    answers = " ".join(alts) + _general(_explanation(item, st))
    return _q(item_name(item), st.statement(item.text), answers)


def _true_false(item: Item, st: Style) -> str:
    mark = "T" if item.question.answer else "F"
    return _q(item_name(item), st.statement(item.text), mark + _general(_explanation(item, st)))


def _essay(name: str, text_html: str, key_points, general: str, st: Style) -> str:
    points = "".join(f"<li>[{k.points:g}] {st.inline(Text(k.zh, k.en))}</li>" for k in key_points)
    head = st.para(Text("评分要点", "Key points"))
    return _q(name, text_html, _general(f"{head}<ol>{points}</ol>{general}").lstrip())


def _blanks(name: str, text: Text, blanks, general: str, st: Style, ctx: Context, what: str,
            prefix: str = "") -> list[str]:
    if len(blanks) > 1:
        ctx.cannot(what, "GIFT has no Cloze: a fill-in with several blanks is one short-answer "
                   "question per blank")
    out = []
    for i, blank in enumerate(blanks):
        shown = text if len(blanks) == 1 else Text(*(_mark_blank(t, i) for t in (text.zh, text.en)))
        alts = " ".join("=" + gift_escape(a) for a in unique_answers(blank.accept))
        title = name if len(blanks) == 1 else f"{name} ({i + 1})"
        out.append(_q(title, prefix + st.statement(shown), alts + _general(general)))
    return out


def _mark_blank(s: str, index: int) -> str:
    """The ``index``-th ____ marked as the one asked (→____←); the others stay plain blanks."""
    parts = s.split("____")
    return "".join(p + ("" if i == len(parts) - 1 else ("→____←" if i == index else "____"))
                   for i, p in enumerate(parts))


def numerical(g: Gap, st: Style) -> str:
    alts = [f"={g.value}:{g.tolerance}"]
    alts += [f"=%0%{v}:{g.tolerance}#{gift_html(st.inline(joined(labels)))}" for v, labels in g.wrong]
    return "#" + " ".join(alts)


def _calculation(name: str, problem: Problem, text_html: str, general: str, st: Style,
                 ctx: Context, what: str) -> list[str]:
    gaps = [g for gs in field_gaps(problem) for g in gs]
    if len(gaps) == 1:
        ask = st.para(gaps[0].label)
        return [_q(name, text_html + ask, numerical(gaps[0], st) + _general(general))]
    ctx.cannot(what, "GIFT has no Cloze: each number of the answer is its own numerical question "
               "(the worked steps come with the last one)")
    last = len(gaps) - 1
    return [_q(f"{name} {g.field.name}{''.join(f'[{i + 1}]' for i in g.index)}",
               text_html + st.para(g.label),
               numerical(g, st) + (_general(general) if k == last else ""))
            for k, g in enumerate(gaps)]


def _part(item: Item, part: ItemPart, i: int, ctx: Context) -> list[str]:
    st = ctx.style
    name = f"{item_name(item)} ({i})"
    prefix = st.part_head(item.text, part.label)
    text = part.text or Text("", "")
    if part.problem is not None:
        general = st.steps(part.problem) + _explanation(item, st)
        return _calculation(name, part.problem, prefix + st.statement(text), general, st, ctx,
                            part.problem.kind)
    if part.key_points is not None:
        ctx.cannot("short_answer", "GIFT has no grader information: the key points are the "
                   "essay's general feedback")
        return [_essay(name, prefix + st.statement(text), part.key_points, _explanation(item, st), st)]
    return _blanks(name, text, part.blanks, _explanation(item, st), st, ctx, "comprehensive", prefix)


def questions(item: Item, ctx: Context) -> list[str]:
    st, t = ctx.style, item.type
    if t in ("single_choice", "multiple_choice"):
        return [_choice(item, st)]
    if t == "true_false":
        return [_true_false(item, st)]
    if t == "fill_blank":
        return _blanks(item_name(item), item.text, item.question.blanks, _explanation(item, st), st,
                       ctx, "fill_blank")
    if t == "short_answer":
        ctx.cannot("short_answer", "GIFT has no grader information: the key points are the "
                   "essay's general feedback")
        return [_essay(item_name(item), st.statement(item.text), item.question.key_points,
                       _explanation(item, st), st)]
    if t == "calculation":
        general = st.steps(item.problem) + _explanation(item, st)
        return _calculation(item_name(item), item.problem, st.statement(item.text), general, st, ctx,
                            item.kind)
    if t == "comprehensive":
        ctx.cannot("comprehensive", "exported as one question per part (GIFT has no question "
                   "mixing essay and numbers)")
        return [q for i, p in enumerate(item.parts, 1) for q in _part(item, p, i, ctx)]
    ctx.cannot(t, "this question type has no GIFT form yet; not exported")
    return []


def gift_text(items: list[Item], ctx: Context) -> str:
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        groups.setdefault(where(item), []).append(item)
    out = ["// quizapp export (GIFT). Import: Question bank > Import > GIFT format.\n\n"]
    for place, group in groups.items():
        out.append(f"$CATEGORY: {category_path(place)}\n\n")
        for item in group:
            out.extend(q + "\n\n" for q in questions(item, ctx))
    return "".join(out)


def write(items: list[Item], ctx: Context, path) -> None:
    path.write_text(gift_text(items, ctx), encoding="utf-8")

