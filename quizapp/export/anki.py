"""An Anki package (.apkg, written by genanki): File > Import in Anki.

One deck per chapter under a ``quizapp`` root deck; three note types:

* ``quizapp concept`` (choice, true/false, short answer): the question (with its options) on the
  front; the answer, why each option is right or wrong, key points and explanation on the back;
* ``quizapp calculation``: the problem on the front; the answer, the worked steps and the common
  mistakes (with the wrong values they give) on the back;
* ``quizapp cloze`` (Anki's cloze type) for fill-ins: each blank is a deletion, its other
  accepted forms in the Extra field.

Model and deck ids are fixed numbers and each note's GUID comes from the item's uid (its question
id or kind, and its variant seed), so importing a new export of the same seed updates the notes
instead of adding copies. Tags: ``quizapp::chapter::…``, ``topic::…``, ``kind::…``,
``difficulty::…``, ``type::…``.
"""

from __future__ import annotations

import zlib

from quizapp.core.grading import LETTERS
from quizapp.core.items import Item, ItemPart
from quizapp.export.answers import Gap, field_gaps, joined
from quizapp.export.common import Context, shown_answer
from quizapp.export.html import Style, escape, table_html
from solvers import Problem, Text

# Fixed ids: Anki recognises the note types and decks of an earlier import by them.
CONCEPT_MODEL_ID = 1_769_314_201
CALCULATION_MODEL_ID = 1_769_314_202
CLOZE_MODEL_ID = 1_769_314_203
ROOT = "quizapp"

CSS = """.card { font-family: "Noto Sans CJK SC", "PingFang SC", sans-serif; font-size: 18px;
  text-align: left; color: black; background-color: white; }
i { color: #666; } code { font-size: 90%; } td, th { padding: 0 6px; text-align: right; }
.options p { margin: 4px 0; } .right { color: #1a7f37; } .mistakes { color: #8a4b00; }"""


def _models():
    import genanki

    concept = genanki.Model(
        CONCEPT_MODEL_ID, "quizapp concept",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Explanation"}, {"name": "Id"}],
        templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}"
                            "{{#Explanation}}<hr>{{Explanation}}{{/Explanation}}"}],
        css=CSS)
    calculation = genanki.Model(
        CALCULATION_MODEL_ID, "quizapp calculation",
        fields=[{"name": "Problem"}, {"name": "Answer"}, {"name": "Steps"}, {"name": "Mistakes"},
                {"name": "Id"}],
        templates=[{"name": "Card 1", "qfmt": "{{Problem}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}{{#Steps}}<hr>{{Steps}}{{/Steps}}"
                            "{{#Mistakes}}<div class=mistakes>{{Mistakes}}</div>{{/Mistakes}}"}],
        css=CSS)
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "quizapp cloze", model_type=genanki.Model.CLOZE,
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Id"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Extra}}"}],
        css=CSS)
    return concept, calculation, cloze


def _tags(item: Item) -> list[str]:
    tags = [f"{ROOT}::chapter::{item.chapter}", f"{ROOT}::type::{item.type}",
            f"{ROOT}::difficulty::{item.difficulty}"]
    tags += [f"{ROOT}::topic::{t}" for t in item.topics]
    kinds = [item.kind] if item.kind else [p.problem.kind for p in item.parts if p.problem]
    tags += [f"{ROOT}::kind::{k}" for k in dict.fromkeys(kinds)]
    return [t.replace(" ", "_") for t in tags]


# ----------------------------------------------------------------------------------------------
# Fields
# ----------------------------------------------------------------------------------------------


def calculation_back(problem: Problem, st: Style) -> tuple[str, str, str]:
    """The answer, the worked steps and the common mistakes of a calculation."""
    per_field = field_gaps(problem)
    return answer_html(per_field, st), st.steps(problem), mistakes_html(per_field, st)


def answer_html(per_field: list[list[Gap]], st: Style) -> str:
    """Each field's right value (a matrix as a table), as the grader expects it."""
    out = []
    for gaps in per_field:
        f = gaps[0].field
        label = st.inline(f.label)
        if f.shape == "matrix":
            rows: dict[int, list[str]] = {}
            for g in gaps:
                rows.setdefault(g.index[0], []).append(g.value)
            out.append(f"<p>{label}</p>" + table_html(list(rows.values()), bracket=True))
        else:
            values = ", ".join(g.value for g in gaps)
            out.append(f"<p>{label} = <b>{'[' + values + ']' if f.shape == 'vector' else values}</b>"
                       f"{' ' + escape(f.unit) if f.unit else ''}</p>")
    return "".join(out)


def mistakes_html(per_field: list[list[Gap]], st: Style) -> str:
    rows = []
    for gaps in per_field:
        for g in gaps:
            for value, labels in g.wrong:
                rows.append(f"<li>{st.inline(g.label)} = {escape(value)}: "
                            f"{st.inline(joined(labels))}</li>")
    if not rows:
        return ""
    return f"<p>{st.inline(Text('常见错误', 'Common mistakes'))}</p><ul>{''.join(rows)}</ul>"


def _concept_fields(item: Item, st: Style) -> list[str]:
    q = item.question
    front = st.statement(item.text)
    if item.type in ("single_choice", "multiple_choice"):
        options = "".join(f"<p>{LETTERS[i]}. {st.inline(Text(c.zh, c.en))}</p>"
                          for i, c in enumerate(item.options))
        front += f"<div class=options>{options}</div>"
        right = "".join(LETTERS[i] for i, c in enumerate(item.options) if c.correct)
        whys = "".join(f"<li{' class=right' if c.correct else ''}>{LETTERS[i]}. {st.inline(c.why)}</li>"
                       for i, c in enumerate(item.options) if c.why)
        back = f"<p class=right><b>{right}</b></p>" + (f"<ul>{whys}</ul>" if whys else "")
    elif item.type == "true_false":
        truth = Text("对", "True") if q.answer else Text("错", "False")
        back = f"<p class=right><b>{st.inline(truth)}</b></p>"
    else:  # short answer
        back = key_points_html(q.key_points, st)
    expl = st.statement(item.explanation) if item.explanation else ""
    return [front, back, expl, item.uid]


def key_points_html(key_points, st: Style) -> str:
    return "<ol>" + "".join(f"<li>{st.inline(Text(k.zh, k.en))} <small>[{k.points:g}]</small></li>"
                            for k in key_points) + "</ol>"


def cloze_text(text: Text, blanks, st: Style) -> str:
    """The statement with each ____ made deletion c1, c2, ...: the first accepted form, or in the
    English sentence the first one without Chinese characters (a blank's forms mix languages)."""
    def fill(s: str, lang: str) -> str:
        parts = escape(s).split("____")
        out = parts[0]
        for i, p in enumerate(parts[1:]):
            answer = shown_answer(blanks[i].accept, lang) if i < len(blanks) else "?"
            answer = escape(answer).replace("}}", "} }").replace("::", ": :")
            out += f"{{{{c{i + 1}::{answer}}}}}{p}"
        return out.replace("\n", "<br>")

    if st.lang != "both":
        return fill(text.get(st.lang), st.lang)
    return fill(text.zh, "zh") + (f"<br><i>{fill(text.en, 'en')}</i>" if text.en != text.zh else "")



def _cloze_extra(blanks, explanation: Text | None, st: Style) -> str:
    accepted = "".join(f"<li>{escape(' / '.join(b.accept))}</li>" for b in blanks)
    head = st.inline(Text("可接受的答案", "Accepted answers"))
    return f"<p>{head}</p><ol>{accepted}</ol>" + (st.statement(explanation) if explanation else "")


# ----------------------------------------------------------------------------------------------
# Items -> notes
# ----------------------------------------------------------------------------------------------


def _notes(item: Item, ctx: Context, models):
    """(model, fields, guid key) of each note an item gives."""
    concept, calculation, cloze = models
    st = ctx.style
    t = item.type
    if t in ("single_choice", "multiple_choice", "true_false", "short_answer"):
        return [(concept, _concept_fields(item, st), item.uid)]
    if t == "fill_blank":
        q = item.question
        fields = [cloze_text(item.text, q.blanks, st), _cloze_extra(q.blanks, item.explanation, st),
                  item.uid]
        return [(cloze, fields, item.uid)]
    if t == "calculation":
        return [(calculation, [st.statement(item.text), *calculation_back(item.problem, st), item.uid],
                 item.uid)]
    if t == "comprehensive":
        return [_part_note(item, part, i, st, models) for i, part in enumerate(item.parts, 1)]
    ctx.cannot(t, "this question type has no Anki note type yet; not exported")
    return []


def _part_note(item: Item, part: ItemPart, i: int, st: Style, models):
    concept, calculation, cloze = models
    uid = f"{item.uid}#{i}"
    shared = st.part_head(item.text, part.label)
    text = part.text or Text("", "")
    if part.problem is not None:
        back = calculation_back(part.problem, st)
        return (calculation, [shared + st.statement(text), *back, uid], uid)
    if part.key_points is not None:
        return (concept, [shared + st.statement(text), key_points_html(part.key_points, st),
                          st.statement(item.explanation) if item.explanation else "", uid], uid)
    fields = [shared + cloze_text(text, part.blanks, st), _cloze_extra(part.blanks, None, st), uid]
    return (cloze, fields, uid)


def deck_name(chapter: str, ctx: Context) -> str:
    """``quizapp::01 卷积神经网络 / Convolutional neural networks``: numbered so Anki's
    alphabetical deck list keeps the course's order."""
    title = ctx.chapters.get(chapter)
    if title is None:
        return f"{ROOT}::{chapter}"
    number = list(ctx.chapters).index(chapter) + 1
    return f"{ROOT}::{number:02d} {ctx.style.plain(title).replace('::', ':')}"


def write(items: list[Item], ctx: Context, path) -> None:
    import genanki

    models = _models()
    decks: dict[str, genanki.Deck] = {}
    for item in items:
        deck = decks.get(item.chapter)
        if deck is None:
            deck_id = 1_769_000_000 + zlib.crc32(item.chapter.encode()) % 100_000_000
            deck = decks[item.chapter] = genanki.Deck(deck_id, deck_name(item.chapter, ctx))
        for model, fields, key in _notes(item, ctx, models):
            deck.add_note(genanki.Note(model=model, fields=fields, tags=_tags(item),
                                       guid=genanki.guid_for(key)))
    genanki.Package(list(decks.values())).write_to_file(str(path))
