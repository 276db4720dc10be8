"""Grading: a student's response against an item, as a :class:`Grade`. Pure functions.

Rules (the README's "how answers are marked" summarises them for students):

* **Calculations** (:func:`grade_problem`): each answer field is right or wrong as a whole and
  carries ``AnswerField.points`` of the item. A field that asks for ``decimals`` accepts any value
  within half a unit of the last asked place (``0.33`` and ``1/3`` both answer "1/3 to 2 decimal
  places"); an ``integer`` field must be exact (``30``, ``30.0`` and ``60/2`` all are). A trailing
  ``%`` divides by 100, so ``30%`` answers a ratio of ``0.3``; in a field whose ``unit`` is ``%``
  the sign is decoration and ``30%`` means 30. Empty fields are wrong. If any field cannot be read
  the whole response is *malformed*: no score, one sentence saying why, ask again.
* A wrong answer that equals one of the problem's known :class:`~solvers.Mistake` values (on the
  fields that mistake names, with the same tolerance) is named in the feedback.
* **Single choice / true-false**: right or wrong. **Multiple choice**: the common exam rule, full
  marks for exactly the right set, half marks for a non-empty subset of the right options with no
  wrong pick, otherwise nothing.
* **Fill in the blanks**: each blank is worth the same; a blank is right when it matches any
  accepted variant after folding case, width, spaces and punctuation, or numerically.
* **Short answers**: the key points the student (or a teacher) ticks, weighted by their points;
  :func:`propose_key_points` pre-ticks the ones whose keywords appear in the text.

Feedback is bilingual: ``Grade.message`` is English, ``Grade.message_zh`` Chinese;
``Grade.text`` gives both as a :class:`solvers.Text` and ``Grade.get(lang)`` picks one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from quizapp.core.answers import AnswerFormatError, format_matrix_answer, normalise, parse_answer, parse_number
from solvers._base import AnswerField, Mistake, Problem, Text, fmt

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
        res.correct = _close(f, value, problem.answer[f.name])
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
        names_en = "; ".join(m.label.en for m in mistakes)
        names_zh = "；".join(m.label.zh for m in mistakes)
        message = (f"{message[0]}这个答案对应一个常见错误：{names_zh}。",
                   f"{message[1]} That answer matches a common mistake: {names_en}.")
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
        message = (message[0] + "常见错误：" + "；".join(m.label.zh for m in mistakes) + "。",
                   message[1] + " Common mistakes: " + "; ".join(m.label.en for m in mistakes) + ".")
    return _grade(earned / total, message, fields, mistakes)


# ----------------------------------------------------------------------------------------------
# Concept questions
# ----------------------------------------------------------------------------------------------


def _choices(question: Any) -> Sequence[Any]:
    choices = getattr(question, "choices", question)
    if not choices:
        raise ValueError("the question has no choices")
    return choices


def _letters(indices: Iterable[int]) -> str:
    return ", ".join(LETTERS[i] for i in sorted(indices)) or "-"


def _index(value: Any, n: int) -> int | None:
    """A choice index from a response, or None if it is not one of the n options."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        s = normalise(value).upper()
        if len(s) == 1 and s in LETTERS[:n]:
            return LETTERS.index(s)
        return None
    if isinstance(value, int) and 0 <= value < n:
        return value
    return None


def grade_single_choice(question: Any, choice: Any) -> Grade:
    """``choice`` is the 0-based index of the picked option (or its letter); None = no answer."""
    choices = _choices(question)
    right = [i for i, c in enumerate(choices) if c.correct]
    expected = _letters(right)
    if choice is None:
        res = FieldResult("choice", Text("选项", "choice"), False, expected, "")
        return _grade(0.0, ("没有作答。", "No answer was given."), [res])
    idx = _index(choice, len(choices))
    if idx is None:
        res = FieldResult("choice", Text("选项", "choice"), False, expected, str(choice))
        return _malformed(f"{choice!r} 不是 {len(choices)} 个选项之一。",
                          f"{choice!r} is not one of the {len(choices)} options.", [res])
    ok = idx in right
    res = FieldResult("choice", Text("选项", "choice"), ok, expected, LETTERS[idx], value=idx)
    if ok:
        return _grade(1.0, ("正确。", "Correct."), [res])
    why = getattr(choices[idx], "why", None)
    zh, en = f"不正确，答案是 {expected}。", f"Not correct: the answer is {expected}."
    if why is not None:
        zh, en = f"{zh}{LETTERS[idx]}：{why.zh}", f"{en} {LETTERS[idx]}: {why.en}"
    return _grade(0.0, (zh, en), [res])


def grade_multiple_choice(question: Any, choices: Iterable[Any]) -> Grade:
    """Full marks for exactly the right set; half for a non-empty subset of the right options
    with no wrong pick (the usual exam rule); otherwise 0."""
    options = _choices(question)
    right = {i for i, c in enumerate(options) if c.correct}
    expected = _letters(right)
    picked: set[int] = set()
    for c in choices or []:
        idx = _index(c, len(options))
        if idx is None:
            res = FieldResult("choices", Text("选项", "choices"), False, expected, str(c))
            return _malformed(f"{c!r} 不是 {len(options)} 个选项之一。",
                              f"{c!r} is not one of the {len(options)} options.", [res])
        picked.add(idx)
    given = _letters(picked) if picked else ""
    if not picked:
        res = FieldResult("choices", Text("选项", "choices"), False, expected, "")
        return _grade(0.0, ("没有作答。", "No answer was given."), [res])
    if picked == right:
        score, msg = 1.0, ("正确。", "Correct.")
    elif picked < right:
        score, msg = 0.5, (f"选对了一部分，但漏选了：答案是 {expected}。",
                           f"Right as far as it goes, but incomplete: the answer is {expected}.")
    else:
        score, msg = 0.0, (f"不正确，答案是 {expected}。", f"Not correct: the answer is {expected}.")
    res = FieldResult("choices", Text("选项", "choices"), score == 1.0, expected, given,
                      value=sorted(picked))
    return _grade(score, msg, [res])


_TRUE = {"true", "t", "yes", "y", "1", "对", "正确", "是", "√", "✓", "✔", "v"}
_FALSE = {"false", "f", "no", "n", "0", "错", "错误", "否", "不对", "×", "x", "✗", "✘"}


def grade_true_false(question: Any, value: Any) -> Grade:
    """``value`` is a bool (or a typed word: true/false, 对/错, √/×); None = no answer."""
    answer = bool(getattr(question, "answer", question))
    expected = ("对", "true") if answer else ("错", "false")
    label = Text("判断", "true or false")
    if isinstance(value, str) and not value.strip():
        value = None
    if value is None:
        res = FieldResult("value", label, False, expected[1], "")
        return _grade(0.0, ("没有作答。", "No answer was given."), [res])
    if isinstance(value, str):
        word = unicodedata.normalize("NFKC", value).strip().lower()
        if word in _TRUE:
            value = True
        elif word in _FALSE:
            value = False
        else:
            res = FieldResult("value", label, False, expected[1], value)
            return _malformed(f"'{value}' 不是对或错。", f"'{value}' is neither true nor false.", [res])
    ok = bool(value) == answer
    res = FieldResult("value", label, ok, expected[1], "true" if value else "false", value=bool(value))
    if ok:
        return _grade(1.0, ("正确。", "Correct."), [res])
    return _grade(0.0, (f"不正确，这句话是{expected[0]}的。", f"Not correct: the statement is {expected[1]}."),
                  [res])


# ----------------------------------------------------------------------------------------------
# Fill in the blanks, short answers
# ----------------------------------------------------------------------------------------------


# A blank that looks like a formula keeps the punctuation that changes its meaning: "e^(-x)" is
# not "e^x", and "(W-F+2P)/S+1" is not "(WF+2P)S+1". Words drop it: "fine-tuning" = "fine tuning".
_FORMULA = re.compile(r"[\d=^/*(]")
_MATH_PUNCT = set("-/*().%")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\uff0d": "-"})


def fold_text(text: str, *, formula: bool | None = None) -> str:
    """Compare-form of a word or phrase: width and case folded, spaces dropped, and punctuation
    dropped unless the text is a formula (then minus signs, brackets and operators are kept)."""
    s = unicodedata.normalize("NFKC", str(text)).casefold().translate(_DASHES)
    if formula is None:
        formula = bool(_FORMULA.search(s))
    return "".join(ch for ch in s if not ch.isspace() and (
        not unicodedata.category(ch).startswith("P") or (formula and ch in _MATH_PUNCT)))


def _decimals_written(text: str) -> int:
    m = re.fullmatch(r"\s*[-+]?\d*\.(\d+)\s*", normalise(text))
    return len(m.group(1)) if m else 0


def blank_matches(given: str, accepted: str) -> bool:
    """One blank against one accepted variant: folded text, or the same number.

    Numbers compare exactly, except that a variant written with 2 or more decimals is taken as a
    rounded value and accepts anything within half a unit of its last place ("3.14" accepts
    "3.1416", not "3.1")."""
    try:
        g, a = parse_number(given), parse_number(accepted)
    except AnswerFormatError:  # words: compare folded text ("2.0" is a number, never text "20")
        formula = bool(_FORMULA.search(unicodedata.normalize("NFKC", str(accepted)))) or \
            bool(_FORMULA.search(unicodedata.normalize("NFKC", str(given))))
        folded = fold_text(given, formula=formula)
        return bool(folded) and folded == fold_text(accepted, formula=formula)
    d = _decimals_written(accepted)
    tol = 0.5 * 10.0 ** (-d) + 1e-12 if d >= 2 else 1e-9 * max(1.0, abs(a))
    return abs(g - a) <= tol


def grade_blanks(blanks: Sequence[Any], texts: Sequence[Any]) -> Grade:
    """Each blank (a bank ``Blank`` with ``accept`` variants) is worth the same."""
    results = []
    for i, blank in enumerate(blanks):
        accept = list(getattr(blank, "accept", blank))
        raw = texts[i] if i < len(texts) else ""
        given = "" if raw is None else str(raw).strip()
        ok = bool(given) and any(blank_matches(given, a) for a in accept)
        results.append(FieldResult(f"blank{i + 1}", Text(f"第 {i + 1} 空", f"blank {i + 1}"), ok,
                                   accept[0], given))
    if not results:
        raise ValueError("the item has no blanks")
    if not any(r.given for r in results):
        return _grade(0.0, ("没有填写答案。", "No answer was given."), results)
    right = sum(r.correct for r in results)
    msg = _score_message(right, len(results), right, len(results), ("空", "blank"))
    if right < len(results):
        wrong = [r for r in results if not r.correct]
        msg = (msg[0] + "参考答案：" + "；".join(f"{r.label.zh} {r.expected}" for r in wrong) + "。",
               msg[1] + " Expected: " + "; ".join(f"{r.label.en}: {r.expected}" for r in wrong) + ".")
    return _grade(right / len(results), msg, results)


def _keyword_in(keyword: str, text: str) -> bool:
    kw = " ".join(unicodedata.normalize("NFKC", keyword).casefold().split())
    if not kw:
        return False
    if kw.isascii():
        # an English keyword starts a word ("gradient" finds "gradients", "relu" not "prelu")
        return re.search(r"(?<![a-z0-9])" + re.escape(kw), text) is not None
    return kw.replace(" ", "") in text.replace(" ", "")


def propose_key_points(key_points: Sequence[Any], text: str) -> list[bool]:
    """Pre-tick the key points whose keywords appear in ``text`` (case- and width-insensitive;
    Chinese keywords as substrings). A key point without keywords is never pre-ticked."""
    folded = " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
    return [any(_keyword_in(k, folded) for k in (kp.keywords or [])) for kp in key_points]


def grade_short_answer(key_points: Sequence[Any], ticked: Sequence[Any]) -> Grade:
    """Score = the ticked key points' share of all key points' points."""
    results = []
    for i, kp in enumerate(key_points):
        ok = bool(ticked[i]) if i < len(ticked) else False
        results.append(FieldResult(f"point{i + 1}", Text(kp.zh, kp.en), ok, kp.en,
                                   "ticked" if ok else "", points=float(kp.points)))
    if not results:
        raise ValueError("the item has no key points")
    total = sum(r.points for r in results) or 1.0
    earned = sum(r.points for r in results if r.correct)
    right = sum(r.correct for r in results)
    msg = _score_message(earned, total, right, len(results), ("要点", "key point"))
    missing = [r for r in results if not r.correct]
    if missing and right:
        msg = (msg[0] + "缺少：" + "；".join(r.label.zh for r in missing) + "。",
               msg[1] + " Missing: " + "; ".join(r.label.en for r in missing) + ".")
    elif missing:
        msg = ("没有答到要点。要点：" + "；".join(r.label.zh for r in missing) + "。",
               "None of the key points. They are: " + "; ".join(r.label.en for r in missing) + ".")
    return _grade(earned / total, msg, results)
