"""Marking written answers: the machine's *suggested* ticks for key points, each with its reason.

A key point (:class:`~quizapp.core.bank.models.KeyPoint`) lists accepted phrasings and
contradicting phrasings, in Chinese and English (see :mod:`quizapp.core.phrasing` for how a
phrasing is written and found). For one answer, a key point is suggested when

1. some accepted phrasing (of either language: students mix them) is found, not negated, and
2. at least one of the words it matched is not in the question itself (copying the stem earns
   nothing), and
3. no contradicting phrasing is found un-negated ("SPP .. dilat*" withholds "SPP uses max
   pooling" from "SPP uses dilated convolution").

A suggestion is only that: in an exam the student ticks the points, as a teacher marks a script,
and the score counts their ticks, never these. :class:`Suggestion` says why, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from quizapp.core.phrasing import REJECT_GAP, Match, find, fold


@dataclass(frozen=True)
class Suggestion:
    earned: bool
    why: str  # one line in English: the phrase that decided it
    why_zh: str
    match: Match | None = None

    def get(self, lang: str) -> str:
        return self.why if lang == "en" else self.why_zh


def phrasings(key_point: Any, which: str = "accept") -> list[str]:
    """Both languages' phrasings of a key point (``which`` is 'accept' or 'reject')."""
    group = getattr(key_point, which, None)
    if group is None:
        return []
    return [*group.zh, *group.en]


def _stem_only(match: Match, stem: str) -> bool:
    return bool(stem) and all(fold(p).strip() in stem for p in match.pieces if p.strip())


def suggest(key_point: Any, answer: str, stem: str = "") -> Suggestion:
    """Whether ``answer`` earns ``key_point``, and why. ``stem`` is the question's text (both
    languages); a phrase made only of its words earns nothing."""
    answer = answer or ""
    folded_stem = fold(stem)
    if not answer.strip():
        return Suggestion(False, "no answer", "没有作答")
    earned: Match | None = None
    negated: Match | None = None
    copied: Match | None = None
    for source in phrasings(key_point, "accept"):
        m = find(source, answer)
        if m is None:
            continue
        if m.negated:
            negated = negated or m
        elif _stem_only(m, folded_stem):
            copied = copied or m
        else:
            earned = m
            break
    if earned is not None:
        for source in phrasings(key_point, "reject"):
            r = find(source, answer, REJECT_GAP)
            if r is not None and not r.negated:
                return Suggestion(False, f"contradicted by “{r.text}”", f"与答案中的“{r.text}”矛盾", r)
        return Suggestion(True, f"found “{earned.text}”", f"答到：“{earned.text}”", earned)
    if negated is not None:
        return Suggestion(False, f"negated: “{negated.text}” (“{negated.negation}”)",
                          f"被否定：“{negated.text}”（“{negated.negation}”）", negated)
    if copied is not None:
        return Suggestion(False, f"only words of the question: “{copied.text}”",
                          f"只是题目里的词：“{copied.text}”", copied)
    return Suggestion(False, "no accepted phrasing found", "没有找到对应的说法")


def suggest_all(key_points: Sequence[Any], answer: str, stem: str = "") -> list[Suggestion]:
    return [suggest(kp, answer, stem) for kp in key_points]


def suggested_ticks(key_points: Sequence[Any], answer: str, stem: str = "") -> list[bool]:
    return [s.earned for s in suggest_all(key_points, answer, stem)]
