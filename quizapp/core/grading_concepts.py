"""Grading of concept questions: single and multiple choice, true or false, fill in the blanks,
short answers by key points. Pure functions returning a :class:`~quizapp.core.grading.Grade`.

The rules are the ones :mod:`quizapp.core.grading` states. This module imports that one, never
the other way round (an import-linter contract keeps it so).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Sequence

from quizapp.core.answers import AnswerFormatError, normalise, parse_number
from quizapp.core.marking import suggested_ticks
from quizapp.core.grading import LETTERS, FieldResult, Grade, _grade, _malformed, _score_message
from solvers._base import Text


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


def _formula_says(blank: Any, given: str) -> tuple[bool, str]:
    """(equal, why) for a formula blank; a formula that cannot be read is simply not equal."""
    from quizapp.core.formula import FormulaError, same_formula

    try:
        ok = same_formula(given, blank.formula, blank.symbols)
    except FormulaError as exc:
        return False, str(exc)
    return ok, (f"equals the formula {blank.formula}" if ok else f"differs from {blank.formula}")


def _blank_ok(blank: Any, given: str) -> bool:
    accept = list(getattr(blank, "accept", blank) or [])
    if not given:
        return False
    if any(blank_matches(given, a) for a in accept):
        return True
    return getattr(blank, "formula", None) is not None and _formula_says(blank, given)[0]


def _expected(blank: Any) -> str:
    accept = list(getattr(blank, "accept", blank) or [])
    return getattr(blank, "formula", None) or (accept[0] if accept else "")


def _assign(blanks: Sequence[Any], given: list[str], any_order: bool) -> list[int | None]:
    """Which typed answer fills each blank: the same position, or (``any_order``) the pairing
    that gets the most blanks right (a small bipartite matching by augmenting paths)."""
    n = len(blanks)
    if not any_order:
        return [i if i < len(given) else None for i in range(n)]
    owner: dict[int, int] = {}  # typed answer index -> blank index

    def place(b: int, seen: set[int]) -> bool:
        for g in range(len(given)):
            if g not in seen and _blank_ok(blanks[b], given[g]):
                seen.add(g)
                if g not in owner or place(owner[g], seen):
                    owner[g] = b
                    return True
        return False

    for b in range(n):
        place(b, set())
    chosen: list[int | None] = [None] * n
    for g, b in owner.items():
        chosen[b] = g
    spare = [g for g in range(len(given)) if g not in owner]
    for b in range(n):  # a wrong answer still shows beside some blank
        if chosen[b] is None and spare:
            chosen[b] = spare.pop(0)
    return chosen


def blank_verdict(blanks: Sequence[Any], texts: Sequence[Any], i: int, any_order: bool = False) -> str:
    """Why blank ``i`` is right or wrong, in one line (for ``quizapp check``)."""
    given = ["" if t is None else str(t).strip() for t in texts]
    g = _assign(blanks, given, any_order)[i]
    typed = given[g] if g is not None else ""
    blank = blanks[i]
    accept = list(getattr(blank, "accept", blank) or [])
    shown = ", ".join(([blank.formula] if getattr(blank, "formula", None) else []) + accept[:5])
    if not typed:
        return "empty; accepted: " + shown
    for a in accept:
        if blank_matches(typed, a):
            return f"“{typed}” matches the accepted “{a}”"
    if getattr(blank, "formula", None) is not None:
        return f"“{typed[:40]}” " + _formula_says(blank, typed)[1]
    return f"“{typed}” is none of the accepted: " + shown


def grade_blanks(blanks: Sequence[Any], texts: Sequence[Any], *, any_order: bool = False) -> Grade:
    """Each blank (a bank ``Blank`` with ``accept`` variants) is worth the same. With
    ``any_order`` the typed answers may fill the blanks in any order (each used once)."""
    given = ["" if t is None else str(t).strip() for t in texts]
    chosen = _assign(blanks, given, any_order)
    results = []
    for i, blank in enumerate(blanks):
        typed = given[chosen[i]] if chosen[i] is not None else ""
        ok = _blank_ok(blank, typed)
        results.append(FieldResult(f"blank{i + 1}", Text(f"第 {i + 1} 空", f"blank {i + 1}"), ok,
                                   _expected(blank), typed))
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


def propose_key_points(key_points: Sequence[Any], text: str, stem: str = "") -> list[bool]:
    """The machine's suggested ticks (see :mod:`quizapp.core.marking`): a suggestion, never a
    mark by itself."""
    return suggested_ticks(key_points, text, stem)


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
