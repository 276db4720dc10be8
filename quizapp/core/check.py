"""One typed answer to any bank item, graded exactly as the app grades it, with the reason for
every point: what ``quizapp check ITEM --answer TEXT`` prints. A teacher tries a new key point
or blank with it before students meet it.

The answer is written as on paper: choice letters (``B``, ``AC`` or ``A,C``), ``T``/``F`` for true
or false, fill-ins as blanks separated by ``|``, calculations as ``name=value`` pairs and written
answers as plain text. A comprehensive item needs the part (1-based). For written answers the
ticks are the machine's suggestions (:mod:`quizapp.core.marking`), and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizapp.core.errors import InputError

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank
    from quizapp.core.items import Item, ItemPart

MAX_ANSWER = 20_000
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class CheckedPoint:
    text: str  # the key point, blank, option or answer field
    earned: bool
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "earned": self.earned, "why": self.why}


@dataclass
class CheckReport:
    item: str
    part: int | None
    score: float  # points earned
    max: float  # points available
    kind: str  # the item's (or part's) type
    question: str
    message: str  # the grader's sentence
    points: list[CheckedPoint] = field(default_factory=list)
    suggested: bool = False  # True for written answers: the ticks are the machine's suggestions

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "part": self.part, "score": round(self.score, 4),
                "max": round(self.max, 4), "points": [p.as_dict() for p in self.points],
                "suggested": self.suggested}


def _say(text: Any, lang: str) -> str:
    if hasattr(text, "get"):
        return text.get(lang)
    return str(getattr(text, lang, text))


def _describe(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


# -- reading what was typed ----------------------------------------------------------------------


def _letters(answer: str, n: int, multiple: bool) -> list[int]:
    s = re.sub(r"[\s,，、;；]+", "", answer).upper()
    if not s or not re.fullmatch(r"[A-Z]+", s) or (not multiple and len(s) != 1):
        want = "one or more letters such as AC" if multiple else "one letter such as B"
        raise InputError(f"The answer to a {'multiple' if multiple else 'single'}-choice item is "
                         f"{want}, from A to {LETTERS[n - 1]}; got {_describe(len(answer), 'character')}.")
    bad = [ch for ch in s if LETTERS.index(ch) >= n]
    if bad:
        raise InputError(f"The item has {n} options (A to {LETTERS[n - 1]}); there is no option {bad[0]}.")
    return sorted({LETTERS.index(ch) for ch in s})


def _pairs(answer: str, names: list[str]) -> dict[str, str]:
    found = list(re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", answer))
    if not found or answer[:found[0].start()].strip(" ,;"):
        raise InputError("A calculation answer is name=value pairs, e.g. "
                         f"'{names[0]}=12'; the fields are: {', '.join(names)}.")
    out: dict[str, str] = {}
    for m, nxt in zip(found, found[1:] + [None]):
        value = answer[m.end(): nxt.start() if nxt else len(answer)].strip().rstrip(",;").strip()
        name = m.group(1)
        if name not in names:
            raise InputError(f"The calculation has no field '{name[:40]}'; its fields are: "
                             f"{', '.join(names)}.")
        out[name] = value
    return out


# -- grading each kind of answer -------------------------------------------------------------------


def _choice_points(question: Any, grade: Any, picked: list[int], lang: str) -> list[CheckedPoint]:
    points = []
    for i, c in enumerate(question.choices):
        chosen = i in picked
        ok = chosen == c.correct
        if c.correct:
            why = "picked: a correct option" if chosen else "not picked, but it is correct"
        else:
            why = "not picked: a distractor" if not chosen else "picked, but it is wrong"
            if chosen and c.why is not None:
                why += f": {_say(c.why, lang)}"
        points.append(CheckedPoint(f"{LETTERS[i]}. {_say(c, lang)}", ok, why))
    return points


def _blank_points(blanks: list[Any], given: list[str], grade: Any,
                  any_order: bool) -> list[CheckedPoint]:
    from quizapp.core.grading_concepts import blank_verdict

    return [CheckedPoint(f"blank {i + 1}", res.correct, blank_verdict(blanks, given, i, any_order))
            for i, res in enumerate(grade.fields)]


def _written_points(key_points: list[Any], text: str, stem: str, lang: str) -> list[CheckedPoint]:
    from quizapp.core.marking import suggest_all

    return [CheckedPoint(f"{_say(kp, lang)} ({kp.points:g})", s.earned, s.get(lang))
            for kp, s in zip(key_points, suggest_all(key_points, text, stem))]


def _calc_points(grade: Any) -> list[CheckedPoint]:
    out = []
    for f in grade.fields:
        if f.correct:
            why = f"{f.given} is right"
        elif not f.given:
            why = f"empty; expected {f.expected}"
        else:
            why = f"{f.given} is wrong; expected {f.expected}"
        out.append(CheckedPoint(f.label.en, f.correct, why))
    return out


def _check_body(kind: str, body: Any, answer: str, stem: str, lang: str) -> tuple[Any, list[CheckedPoint]]:
    """Grade ``answer`` against one gradable body: a question of a simple type or an item part.
    Returns the grade and the explained points."""
    from quizapp.core import grading, grading_concepts as concepts

    if kind in ("single_choice", "multiple_choice"):
        picked = _letters(answer, len(body.choices), kind == "multiple_choice")
        grade = (concepts.grade_single_choice(body, picked[0]) if kind == "single_choice"
                 else concepts.grade_multiple_choice(body, picked))
        return grade, _choice_points(body, grade, picked, lang)
    if kind == "true_false":
        word = answer.strip()
        if word.casefold() not in {"t", "f", "true", "false", "对", "错", "√", "×"}:
            raise InputError("The answer to a true-or-false item is T or F.")
        grade = concepts.grade_true_false(body, word)
        right = "true" if body.answer else "false"
        return grade, [CheckedPoint("true or false", grade.correct,
                                    f"the statement is {right}")]
    if kind == "fill_blank":
        given = [b.strip() for b in answer.split("|")]
        if len(given) != len(body.blanks):
            raise InputError(f"The item has {_describe(len(body.blanks), 'blank')}: give them "
                             f"separated by '|'; got {len(given)}.")
        any_order = bool(getattr(body, "any_order", False))
        grade = concepts.grade_blanks(body.blanks, given, any_order=any_order)
        return grade, _blank_points(body.blanks, given, grade, any_order)
    if kind == "short_answer":
        ticks = concepts.propose_key_points(body.key_points, answer, stem)
        grade = concepts.grade_short_answer(body.key_points, ticks)
        return grade, _written_points(body.key_points, answer, stem, lang)
    if kind == "calculation":
        problem = body.problem
        names = [f.name for f in problem.fields]
        grade = grading.grade_problem(problem, _pairs(answer, names))
        if grade.malformed:
            raise InputError(grade.message)
        return grade, _calc_points(grade)
    raise InputError(f"Items of type '{kind}' cannot be checked.")


class _Body:
    """A comprehensive part seen as a simple question (what the graders read)."""

    def __init__(self, part: "ItemPart"):
        self.problem = part.problem
        self.key_points = part.key_points
        self.blanks = part.blanks
        self.any_order = part.any_order


def check_answer(bank: "Bank", item_id: str, answer: str, *, part: int | None = None,
                 lang: str = "en", seed: int = 0) -> CheckReport:
    """Grade ``answer`` to bank item ``item_id`` (``part`` 1-based for comprehensive items).
    Raises :class:`InputError` (or :class:`BankError` for an unknown id) with one sentence."""
    from quizapp.core.items import realise, stem_of

    if len(answer) > MAX_ANSWER:
        raise InputError(f"The answer is {_describe(len(answer), 'character')} long; at most "
                         f"{MAX_ANSWER} are read.")
    question = bank.get(item_id)
    item: "Item" = realise(question, seed)
    if item.type == "comprehensive":
        n = len(item.parts)
        if part is None:
            raise InputError(f"Item {item_id} has {_describe(n, 'part')}: say which with --part 1..{n}.")
        if not 1 <= part <= n:
            raise InputError(f"Item {item_id} has {_describe(n, 'part')}; there is no part {part}.")
        p = item.parts[part - 1]
        kind, body, stem = p.kind, (_Body(p)), stem_of(item, p)
        question_text = _say(p.text or item.text, lang)
        weight = p.points
    else:
        if part is not None:
            raise InputError(f"Item {item_id} is a {item.type.replace('_', '-')} item with no parts; "
                             "leave out --part.")
        kind, stem = item.type, stem_of(item)
        body = item if item.type == "calculation" else question
        question_text = _say(item.text, lang)
        weight = question.points or (sum(k.points for k in question.key_points)
                                     if question.key_points else 1.0)
    grade, points = _check_body(kind, body, answer, stem, lang)
    return CheckReport(item=item_id, part=part, score=weight * float(grade.score), max=weight,
                       kind=kind, question=question_text, message=grade.get(lang),
                       points=points, suggested=(kind == "short_answer"))


def format_report(report: CheckReport, lang: str = "en") -> str:
    """The report as text for a terminal."""
    zh = lang == "zh"
    head = f"{report.item}" + (f" part {report.part}" if report.part else "") + f" ({report.kind})"
    lines = [head, report.question.strip(), ""]
    for p in report.points:
        lines.append(f"  [{'✔' if p.earned else '✘'}] {p.text}")
        lines.append(f"        {p.why}")
    score = f"{report.score:g} / {report.max:g}"
    if report.suggested:
        lines += ["", ("建议得分 " if zh else "Suggested score ") + score,
                  "（机器的勾选只是建议：评分由人对照要点确认。）" if zh else
                  "(The machine's ticks are suggestions: a person confirms them against the key points.)"]
    else:
        lines += ["", ("得分 " if zh else "Score ") + score + "  " + report.message]
    return "\n".join(lines)
