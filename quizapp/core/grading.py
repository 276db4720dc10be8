"""Grading: a student's response against an item, as a :class:`Grade`. Pure functions.

Rules (the README's "how answers are marked" summarises them for students):

* **Calculations** (:func:`grade_problem`): each answer field is right or wrong as a whole and
  carries ``AnswerField.points`` of the item. A field that asks for ``decimals`` accepts any value
  within half a unit of the last asked place (``0.33`` and ``1/3`` both answer "1/3 to 2 decimal
  places"); an ``integer`` field must be exact (``30``, ``30.0`` and ``60/2`` all are). A trailing
  ``%`` divides by 100, so ``30%`` answers a ratio of ``0.3``; in a field whose ``unit`` is ``%``
  the sign is decoration and ``30%`` means 30. Empty fields are wrong. If any field cannot be read
  the whole response is *malformed*: no score, one sentence saying why, ask again.
* A field whose kind gives a *carried* key (``Problem.carried``: the value reached by carrying
  the places the statement instructs through the worked steps) accepts that value too.
* A wrong answer that equals one of the problem's known :class:`~solvers.Mistake` values (on the
  fields that mistake names, with the same tolerance) is named in the feedback.
* **Single choice / true-false**: right or wrong. **Multiple choice**: the common exam rule, full
  marks for exactly the right set, half marks for a non-empty subset of the right options with no
  wrong pick, otherwise nothing.
* **Fill in the blanks**: each blank is worth the same; a blank is right when it matches any
  accepted variant after folding case, width, spaces and punctuation, or numerically.
* **Short answers**: the key points the student (or a teacher) ticks, weighted by their points.
  :mod:`quizapp.core.marking` *suggests* ticks from each key point's accepted phrasings; a
  suggestion is shown as one and only counts where no one marked the answer (``quizapp check``).

Feedback is bilingual: ``Grade.message`` is English, ``Grade.message_zh`` Chinese;
``Grade.text`` gives both as a :class:`solvers.Text` and ``Grade.get(lang)`` picks one.

This module holds the grade itself and the calculations; the concept questions (choices,
true-false, blanks, key points) are graded in :mod:`quizapp.core.grading_concepts`, which imports
this one (never the other way: ``tests/core/test_grading.py`` and an import-linter contract hold
the direction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from quizapp.core.answers import AnswerFormatError, format_matrix_answer, normalise, parse_answer
from solvers._base import AnswerField, Mistake, Problem, Text, describe_mistakes, fmt

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class FieldResult:
    """How one answer field (or blank, option, key point) was marked."""

    name: str
    label: Text
    correct: bool
    expected: str  # the right answer, formatted as a student would write it
    given: str  # what the student typed ("" when empty)
    points: float = 1.0
    error: str | None = None  # why it could not be read (malformed), English
    value: Any = None  # the parsed value, when it could be read


@dataclass
class Grade:
    score: float  # 0..1 of the item's points
    correct: bool  # score == 1
    malformed: bool  # the input could not be read: costs nothing, ask again
    message: str  # one sentence for the student, English
    fields: list[FieldResult] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    message_zh: str = ""  # the same sentence in Chinese

    @property
    def text(self) -> Text:
        return Text(self.message_zh or self.message, self.message)

    def get(self, lang: str) -> str:
        return self.text.get(lang)


def _grade(score: float, message: tuple[str, str], fields: list[FieldResult],
           mistakes: list[Mistake] | None = None) -> Grade:
    score = min(1.0, max(0.0, score))
    return Grade(score=score, correct=score >= 1.0 - 1e-9, malformed=False, message=message[1],
                 message_zh=message[0], fields=fields, mistakes=list(mistakes or []))


def _malformed(zh: str, en: str, fields: list[FieldResult]) -> Grade:
    return Grade(score=0.0, correct=False, malformed=True, message=en, message_zh=zh, fields=fields)


def _score_message(earned: float, total: float, right: int, count: int, unit: tuple[str, str]) -> tuple[str, str]:
    if earned >= total - 1e-9:
        return ("正确。", "Correct.")
    if right == 0:
        return ("不正确。", "Not correct.")
    return (f"{count} 个{unit[0]}中答对 {right} 个。",
            f"{right} of {count} {unit[1]}{'s' if count != 1 else ''} right.")


# ----------------------------------------------------------------------------------------------
# Calculations
# ----------------------------------------------------------------------------------------------


def expected_text(f: AnswerField, value: Any) -> str:
    """The right value of a field, formatted at its asked rounding, in a form the parser reads."""
    decimals = 0 if f.integer else f.decimals
    if f.shape == "matrix":
        return format_matrix_answer(value, decimals)
    if f.shape == "scalar" and decimals is None and not float(value).is_integer():
        # full precision asked: fmt's 6 significant digits may be outside the tolerance
        short = fmt(value)
        return short if abs(float(short) - float(value)) <= f.tolerance else repr(float(value))
    return fmt(value, decimals)


def _read(f: AnswerField, raw: Any) -> Any:
    """A response value as numbers of the field's shape; strings go through the parser."""
    if isinstance(raw, str):
        unit = f.unit.strip()
        if unit and unit != "%" and normalise(raw).endswith(unit):
            raw = normalise(raw)[: -len(unit)]  # "12 ms" in a field whose unit is ms
        return parse_answer(raw, f.shape, percent=1.0 if unit == "%" else 0.01)
    return raw  # already numbers (a JSON response or a test)


def _close(f: AnswerField, given: Any, expected: Any) -> bool:
    """Equal within the field's tolerance; shapes must agree (a wrong size is a wrong answer)."""
    if hasattr(expected, "tolist"):  # a NumPy value from a kind
        expected = expected.tolist()
    if hasattr(given, "tolist"):
        given = given.tolist()
    if isinstance(expected, (list, tuple)):
        if not isinstance(given, (list, tuple)) or len(given) != len(expected):
            return False
        return all(_close(f, g, e) for g, e in zip(given, expected))
    if isinstance(given, (list, tuple)) or isinstance(given, bool):
        return False
    try:
        g, e = float(given), float(expected)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(g):
        return False
    if f.integer:
        return g == e
    tol = f.tolerance
    if f.decimals is None:  # full precision asked: allow float noise on large values
        tol = max(tol, 1e-9 * abs(e))
    return abs(g - e) <= tol


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def grade_problem(problem: Problem, responses: Mapping[str, Any]) -> Grade:
    """Mark a calculation: ``responses`` maps field names to what the student typed.

    Fields missing from ``responses`` or left empty are wrong; extra keys are ignored."""
    results: list[FieldResult] = []
    first_error: tuple[FieldResult, AnswerFormatError] | None = None
    values: dict[str, Any] = {}
    for f in problem.fields:
        raw = responses.get(f.name)
        given = "" if raw is None else (raw.strip() if isinstance(raw, str) else str(raw))
        res = FieldResult(name=f.name, label=f.label, correct=False, points=f.points,
                          expected=expected_text(f, problem.answer[f.name]), given=given)
        results.append(res)
        if _empty(raw):
            continue
        try:
            value = _read(f, raw)
        except AnswerFormatError as exc:
            res.error = exc.message
            first_error = first_error or (res, exc)
            continue
        res.value = values[f.name] = value
        res.correct = _close(f, value, problem.answer[f.name]) or (
            f.name in problem.carried and _close(f, value, problem.carried[f.name]))
    if first_error is not None:
        res, exc = first_error
        prefix = len(problem.fields) > 1
        return _malformed((f"{res.label.zh}：" if prefix else "") + exc.message_zh,
                          (f"{res.label.en}: " if prefix else "") + exc.message, results)

    total = sum(r.points for r in results) or 1.0
    earned = sum(r.points for r in results if r.correct)
    if not values:
        return _grade(0.0, ("没有填写答案。", "No answer was given."), results)
    mistakes = _matching_mistakes(problem, values, results)
    message = _score_message(earned, total, sum(r.correct for r in results), len(results),
                             ("项", "part"))
    if mistakes:
        names = describe_mistakes(mistakes)  # "either A, or B" when both give this same value
        message = (f"{message[0]}这个答案对应一个常见错误：{names.zh}。",
                   f"{message[1]} That answer matches a common mistake: {names.en}.")
    return _grade(earned / total, message, results, mistakes)


def _matching_mistakes(problem: Problem, values: Mapping[str, Any],
                       results: list[FieldResult]) -> list[Mistake]:
    by_name = {f.name: f for f in problem.fields}
    right = {r.name: r.correct for r in results}
    found = []
    for m in problem.mistakes:
        names = [k for k in m.answer if k in by_name]
        if not names or any(k not in values for k in names):
            continue
        # named only where the student is wrong on a field the mistake explains
        if all(right[k] for k in names):
            continue
        if all(_close(by_name[k], values[k], m.answer[k]) for k in names):
            found.append(m)
    return found


def combine(graded: Iterable[tuple[Grade, float]]) -> Grade:
    """One grade for a multi-part item from ``(part grade, part points)`` pairs.

    Malformed if any part is (the student is asked again; nothing is scored)."""
    graded = list(graded)
    fields = [f for g, _ in graded for f in g.fields]
    mistakes = [m for g, _ in graded for m in g.mistakes]
    bad = next((g for g, _ in graded if g.malformed), None)
    if bad is not None:
        return _malformed(bad.message_zh, bad.message, fields)
    total = sum(p for _, p in graded) or 1.0
    earned = sum(g.score * p for g, p in graded)
    right = sum(1 for g, _ in graded if g.correct)
    message = _score_message(earned, total, right, len(graded), ("小题", "part"))
    if mistakes:
        names = describe_mistakes(mistakes)
        message = (message[0] + "常见错误：" + names.zh + "。", message[1] + " Common mistakes: " + names.en + ".")
    return _grade(earned / total, message, fields, mistakes)
