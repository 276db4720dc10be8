"""Core items -> printable sheets and keys (the format-independent :mod:`model`).

Everything a sheet shows comes from a core :class:`~quizapp.core.items.Item`: the statement, the
options, the answer fields; everything a key shows comes from the same item: the engine's answer
formatted by :func:`quizapp.core.grading.expected_text` (exactly what the grader accepts), the
worked steps, key points, accepted blanks and the explanation. No rule is decided here.
"""

from __future__ import annotations

import re
import zlib
from typing import Iterable, Sequence

import numpy as np

from quizapp.core.grading import LETTERS, expected_text
from quizapp.core.items import Item, ItemPart
from quizapp.worksheet.labels import points_text
from quizapp.worksheet.model import (
    DocItem, DocPart, DocSection, Formula, Header, KeyAnswer, KeyEntry, KeySection, KeySheet,
    KeyStep, Matrix, Sheet, Student, blocks_of, formula_blocks,
)
from solvers import Problem, Text
from solvers._base import fmt

# Section titles of a worksheet, in exam order (a paper takes its own from the blueprint).
TYPE_ORDER = ("single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer",
              "calculation", "comprehensive")
TYPE_TITLES = {
    "single_choice": Text("单项选择题", "Single choice"),
    "multiple_choice": Text("多项选择题", "Multiple choice"),
    "true_false": Text("判断题", "True or false"),
    "fill_blank": Text("填空题", "Fill in the blanks"),
    "short_answer": Text("简答题", "Short answer"),
    "calculation": Text("计算题", "Calculation"),
    "comprehensive": Text("综合题", "Comprehensive"),
}
TYPE_INSTRUCTIONS = {
    "single_choice": Text("每题只有一个正确选项。", "Each question has exactly one right option."),
    "multiple_choice": Text("每题有两个或以上正确选项。", "Two or more options are right."),
    "true_false": Text("在括号内填 √ 或 ×。", "Write √ (true) or × (false) in the brackets."),
    "calculation": Text("写出主要步骤，结果按题目要求保留小数。",
                        "Show the main steps; round as each question asks."),
}
# Lines left for writing on a worksheet (a paper takes Section.answer_lines from its blueprint).
WORKSHEET_LINES = {"short_answer": 6, "calculation": 8, "comprehensive": 16}


# ----------------------------------------------------------------------------------------------
# Sheet side
# ----------------------------------------------------------------------------------------------


def _field_labels(problem: Problem) -> list[Text]:
    return [f.label for f in problem.fields]


def _part_lines(part: ItemPart, item: Item, lines: int) -> int:
    """Writing space of a comprehensive part: the item's lines shared out by points."""
    if not lines:
        return 0
    share = part.points / item.points if item.points else 1 / max(1, len(item.parts))
    return max(2 if part.blanks is not None else 3, round(lines * share))


def doc_item(item: Item, number: int, answer_lines: int | None = None,
             order: Sequence[int] | None = None) -> DocItem:
    """The printed form of one item; ``answer_lines`` None means the worksheet default;
    ``order`` is the printed order of the options (see :func:`option_order`)."""
    lines = WORKSHEET_LINES.get(item.type, 0) if answer_lines is None else answer_lines
    if item.type not in WORKSHEET_LINES:
        lines = 0
    # A pure drill has no exam weight: print no points for it.
    points = item.points if item.question is not None else None
    out = DocItem(number=number, type=item.type, points=points, blocks=blocks_of(item.text))
    options = item.options
    if item.type in ("single_choice", "multiple_choice") and options:
        order = order if order is not None else range(len(options))
        out.options = [Text(options[i].zh, options[i].en) for i in order]
    if item.problem is not None and item.choice is None:
        out.fields = _field_labels(item.problem)
    if item.type == "comprehensive":
        for part in item.parts:
            blocks = blocks_of(part.text) if part.text is not None else []
            fields = _field_labels(part.problem) if part.problem is not None else []
            if part.blanks is not None and not fields:
                fields = [Text(f"空 {i + 1}", f"Blank {i + 1}") for i in range(len(part.blanks))]
            out.parts.append(DocPart(label=part.label, points=part.points, blocks=blocks,
                                     fields=fields, answer_lines=_part_lines(part, item, lines)))
    else:
        out.answer_lines = lines + (_answer_room(item.problem) if lines and item.problem else 0)
    return out


def _answer_room(problem: Problem) -> int:
    """Extra writing lines for the answer's size: a matrix answer needs a line per row (and a
    vector one line) more than a single number; at most MAX_ANSWER_ROOM in all."""
    extra = 0
    for f in problem.fields:
        value = problem.answer[f.name]
        if f.shape == "matrix":
            extra += len(value) + 1
        elif isinstance(value, (list, tuple)):
            extra += 1
    return min(extra, MAX_ANSWER_ROOM)


MAX_ANSWER_ROOM = 8  # three 4x4 maps do not need three times the room of one


# ----------------------------------------------------------------------------------------------
# Key side
# ----------------------------------------------------------------------------------------------


def problem_answers(problem: Problem) -> list[KeyAnswer]:
    """Each answer field of an engine problem, formatted as the grader expects it."""
    out = []
    for f in problem.fields:
        value = problem.answer[f.name]
        text = expected_text(f, value)
        matrix = None
        if f.shape == "matrix":
            decimals = 0 if f.integer else f.decimals
            matrix = Matrix(tuple(tuple(fmt(v, decimals) for v in row) for row in value))
        out.append(KeyAnswer(label=f.label, value=Text(text, text), matrix=matrix, unit=f.unit))
    return out


def problem_steps(problem: Problem) -> list[KeyStep]:
    steps = [KeyStep(Text(s.zh, s.en), formula_blocks(s.math)) for s in problem.steps]
    exact = [f"{name} = {value}" for name, value in problem.exact.items() if len(value) <= 40]
    if exact:
        steps.append(KeyStep(Text("精确值：", "Exact values:"), [Formula(e) for e in exact]))
    return steps


MAX_MISTAKES = 3  # per item on paper: the commonest, as the kinds list them first


def _mistakes(problem: Problem) -> list[KeyStep]:
    out = []
    for m in problem.mistakes[:MAX_MISTAKES]:
        fields = {f.name: f for f in problem.fields}
        vals = ", ".join(f"{k} = {expected_text(fields[k], v)}" if k in fields else f"{k} = {v}"
                         for k, v in m.answer.items())
        if len(vals) > 60:  # a whole wrong matrix helps nobody on paper: name the mistake only
            out.append(KeyStep(Text(f"常见错误：{m.label.zh}", f"Common mistake: {m.label.en}")))
            continue
        out.append(KeyStep(Text(f"常见错误：{m.label.zh}（得到 {vals}）",
                                f"Common mistake: {m.label.en} (gives {vals})")))
    return out


def printed_letters(item: Item, order: Sequence[int] | None = None) -> str:
    """The letters of the right options as printed (options appear in ``order``)."""
    choices = item.options
    order = list(order) if order is not None else list(range(len(choices)))
    return "".join(LETTERS[pos] for pos, i in enumerate(order) if choices[i].correct)


def _choice_answer(item: Item, order: Sequence[int] | None) -> KeyAnswer:
    letters = ", ".join(printed_letters(item, order))
    return KeyAnswer(Text("答案", "Answer"), Text(letters, letters))


def _blank_answers(blanks) -> list[KeyAnswer]:
    out = []
    for i, blank in enumerate(blanks):
        accepted = " / ".join(blank.accept)
        out.append(KeyAnswer(Text(f"空 {i + 1}", f"Blank {i + 1}"), Text(accepted, accepted)))
    return out


def _key_points(points) -> list[tuple[Text, float]]:
    return [(Text(k.zh, k.en), k.points) for k in points]


def _part_entry(part: ItemPart, number: str) -> KeyEntry:
    entry = KeyEntry(number=number)
    if part.problem is not None:
        entry.answers = problem_answers(part.problem)
        entry.steps = problem_steps(part.problem) + _mistakes(part.problem)
    elif part.key_points is not None:
        entry.key_points = _key_points(part.key_points)
    elif part.blanks is not None:
        entry.answers = _blank_answers(part.blanks)
    return entry


def key_entry(item: Item, number: int, order: Sequence[int] | None = None) -> KeyEntry:
    """The key of one item: answers, worked steps, key points, accepted blanks, explanation."""
    src = item.question.id if item.question is not None else (item.kind or item.uid)
    if item.seed is not None and (item.problem is not None or item.parts):
        src += f" @{item.seed}"
    entry = KeyEntry(number=str(number), explanation=item.explanation, source=src)
    q = item.question
    if item.type in ("single_choice", "multiple_choice"):
        entry.answers = [_choice_answer(item, order)]
        if item.problem is not None:  # a calculation asked as choice: its working and slips
            entry.answers += problem_answers(item.problem)
            entry.steps = problem_steps(item.problem) + _mistakes(item.problem)
    elif item.type == "true_false":
        verdict = Text("√（对）", "true") if q.answer else Text("×（错）", "false")
        entry.answers = [KeyAnswer(Text("答案", "Answer"), verdict)]
    elif item.type == "fill_blank":
        entry.answers = _blank_answers(q.blanks or [])
    elif item.type == "short_answer":
        entry.key_points = _key_points(q.key_points or [])
    elif item.type == "calculation" and item.problem is not None:
        entry.answers = problem_answers(item.problem)
        entry.steps = problem_steps(item.problem) + _mistakes(item.problem)
    elif item.type == "comprehensive":
        for i, part in enumerate(item.parts):
            label = part.label.zh.split()[0] if part.label is not None else f"({i + 1})"
            if not label.startswith("("):
                label = f"({i + 1})"
            entry.parts.append(_part_entry(part, f"{number} {label}"))
    return entry


def quick_answer(item: Item, order: Sequence[int] | None = None) -> str:
    """The answer in a few characters for choice and true/false items ('' for the others)."""
    q = item.question
    if item.type in ("single_choice", "multiple_choice") and item.options:
        return printed_letters(item, order)
    if item.type == "true_false" and q is not None:
        return "√" if q.answer else "×"
    return ""


# Options that point at other options ("all of the above") must keep their places.
_POSITIONAL = re.compile(r"以上|上述|of the above|选项\s*[A-H]|\boption [A-H]\b", re.IGNORECASE)


def option_order(item: Item, salt: str) -> list[int] | None:
    """The printed order of a choice item's options, shuffled by ``salt`` (the sheet's code).

    The bank may list the right option first (it does, in every single-choice item today);
    a paper must not. The order is a pure function of the code and the item, so the sheet and
    its key always agree and a reprint is identical. Items whose options refer to each other
    keep the bank's order."""
    options = item.options
    if not options or item.type not in ("single_choice", "multiple_choice"):
        return None
    if item.choice is not None:  # a calculation's options are already shuffled by its seed
        return list(range(len(options)))
    if any(_POSITIONAL.search(f"{c.zh} {c.en}") for c in options):
        return list(range(len(options)))
    seq = np.random.SeedSequence([zlib.crc32(salt.encode("utf-8")),
                                  zlib.crc32(item.uid.encode("utf-8"))])
    return np.random.default_rng(seq).permutation(len(options)).tolist()


# ----------------------------------------------------------------------------------------------
# Whole sheets
# ----------------------------------------------------------------------------------------------


def key_header(header: Header) -> Header:
    return Header(title=Text(f"答案与解析 · {header.title.zh}", f"Answer key · {header.title.en}"),
                  code=header.code, facts=list(header.facts), student=header.student,
                  name_lines=False)


SectionSpec = tuple[Text, "Text | None", Sequence[Item], "int | None"]


def sheet_and_key(header: Header, sections: Iterable[SectionSpec]) -> tuple[Sheet, KeySheet]:
    """Number the items across sections and build the student's sheet and its key.

    ``sections`` holds (title, instructions, items, answer_lines or None for the default)."""
    number = 0
    doc_sections, key_sections, quick = [], [], []
    for title, instructions, items, lines in sections:
        doc_items, entries = [], []
        for item in items:
            number += 1
            order = option_order(item, header.code)
            doc_items.append(doc_item(item, number, lines, order))
            entries.append(key_entry(item, number, order))
            glance = quick_answer(item, order)
            if glance:
                quick.append((str(number), glance))
        points = sum(i.points for i in items) if any(i.question for i in items) else None
        states_points = bool(re.search(r"\d\s*分|points?\b", f"{title.zh} {title.en}"))
        doc_sections.append(DocSection(title, instructions, points, doc_items,
                                       show_total=not states_points))
        key_sections.append(KeySection(title, entries))
    return Sheet(header, doc_sections), KeySheet(key_header(header), key_sections, quick)


def paper_sheets(paper, student: Student | None = None) -> tuple[Sheet, KeySheet]:
    """A core :class:`~quizapp.core.paper.Paper` as a sheet and its key."""
    facts = [
        (Text("时长", "Duration"), f"{paper.duration_minutes} min"),
        (Text("总分", "Total"), points_text(paper.total_points)),
    ]
    header = Header(title=paper.title, code=paper.code, facts=facts,
                    instructions=paper.instructions, student=student)
    return sheet_and_key(header, [
        (s.title, s.instructions, s.items, s.answer_lines) for s in paper.sections])
