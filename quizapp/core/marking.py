"""Marking written answers: the machine's *suggested* ticks for key points, each with its reason.

A key point (:class:`~quizapp.core.bank.models.KeyPoint`) lists accepted phrasings and
contradicting phrasings, in Chinese and English (see :mod:`quizapp.core.phrasing` for how a
phrasing is written and found). For one answer, a key point is suggested when

1. some accepted phrasing (of either language: students mix them) is found, not negated, and
2. at least one of the words it matched is not in the question itself (copying the stem earns
   nothing), and
3. no contradicting phrasing is found un-negated ("SPP .. dilat*" withholds "SPP uses max
   pooling" from "SPP uses dilated convolution"), and
4. (who does what) a single term is not the subject of another key point's claim, and a claim
   is not said of another key point's term: "hysteresis makes the edges one pixel thin" earns
   neither the hysteresis point nor the thinning point.

A suggestion is only that: in an exam the student ticks the points, as a teacher marks a script,
and the score counts their ticks, never these. :class:`Suggestion` says why, in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from quizapp.core.phrasing import REJECT_GAP, Match, find, find_all, fold, units

SUBJECT_REACH = 3.0  # units between a term and the claim it is the subject of
# Between two items of a list ("A、B", "A and B") a term is not the subject of what follows.
_LIST = re.compile(r"[、/]|(?<![a-z])(?:and|or|then|plus)(?![a-z])|[和与及或]|以及|然后")


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


@dataclass
class _Found:
    earning: list[Match] = field(default_factory=list)  # un-negated, not only stem words
    negated: Match | None = None
    copied: Match | None = None
    contradiction: Match | None = None


def _look(key_point: Any, answer: str, folded_stem: str) -> _Found:
    f = _Found()
    for source in phrasings(key_point, "accept"):
        for m in find_all(source, answer):
            if m.negated:
                f.negated = f.negated or m
            elif _stem_only(m, folded_stem):
                f.copied = f.copied or m
            else:
                f.earning.append(m)
    if f.earning:
        for source in phrasings(key_point, "reject"):
            r = find(source, answer, REJECT_GAP)
            if r is not None and not r.negated:
                f.contradiction = r
                break
    return f


def _claimed(m: Match, answer_clauses: list[str], others: list[_Found]) -> Match | None:
    """Another key point's multi-word claim that this single term is the subject of."""
    if len(m.pieces) != 1:
        return None
    clause = answer_clauses[m.clause]
    for f in others:
        for o in f.earning:
            gap = clause[m.span[1]:o.span[0]]
            if o.clause == m.clause and len(o.pieces) > 1 and o.span[0] >= m.span[1] \
                    and units(gap) <= SUBJECT_REACH and not _LIST.search(gap):
                return o
    return None


def _said_of_another(m: Match, f: _Found, answer_clauses: list[str],
                     others: list[_Found]) -> Match | None:
    """Another key point's single term standing as the subject of this claim ("hysteresis
    makes the edges thin" is not the thinning point: it is said of hysteresis)."""
    clause = answer_clauses[m.clause]
    own = [o for o in f.earning if o.clause == m.clause and len(o.pieces) == 1]
    for g in others:
        for o in g.earning:
            gap = clause[o.span[1]:m.span[0]]
            if o.clause == m.clause and len(o.pieces) == 1 and o.span[1] <= m.span[0] \
                    and units(gap) <= SUBJECT_REACH and not _LIST.search(gap) \
                    and (len(m.pieces) > 1 or units(gap) > 0) \
                    and not any(x.span[1] > o.span[0] and x.span[0] < m.span[0] for x in own):
                return o
    return None


def _verdict(f: _Found, others: list[_Found], answer_clauses: list[str]) -> Suggestion:
    if f.earning and f.contradiction is not None:
        r = f.contradiction
        return Suggestion(False, f"contradicted by “{r.text}”", f"与答案中的“{r.text}”矛盾", r)
    claimed_by: tuple[Match, Match] | None = None
    for m in f.earning:
        other = _claimed(m, answer_clauses, others) or _said_of_another(m, f, answer_clauses, others)
        if other is None:
            return Suggestion(True, f"found “{m.text}”", f"答到：“{m.text}”", m)
        claimed_by = claimed_by or (m, other)
    if claimed_by is not None:
        m, o = claimed_by
        return Suggestion(False, f"roles mixed: “{m.text}” is joined to “{o.text}”",
                          f"角色错位：“{m.text}”与“{o.text}”连在一起", m)
    if f.negated is not None:
        n = f.negated
        return Suggestion(False, f"negated: “{n.text}” (“{n.negation}”)",
                          f"被否定：“{n.text}”（“{n.negation}”）", n)
    if f.copied is not None:
        return Suggestion(False, f"only words of the question: “{f.copied.text}”",
                          f"只是题目里的词：“{f.copied.text}”", f.copied)
    return Suggestion(False, "no accepted phrasing found", "没有找到对应的说法")


def suggest_all(key_points: Sequence[Any], answer: str, stem: str = "") -> list[Suggestion]:
    """Whether ``answer`` earns each key point, and why. ``stem`` is the question's text (both
    languages); a phrase made only of its words earns nothing."""
    from quizapp.core.phrasing import clauses

    answer = answer or ""
    if not answer.strip():
        return [Suggestion(False, "no answer", "没有作答") for _ in key_points]
    folded_stem = fold(stem)
    found = [_look(kp, answer, folded_stem) for kp in key_points]
    answer_clauses = clauses(answer)
    return [_verdict(f, found[:i] + found[i + 1:], answer_clauses) for i, f in enumerate(found)]


def suggest(key_point: Any, answer: str, stem: str = "") -> Suggestion:
    """One key point on its own (no other points to compare roles with)."""
    return suggest_all([key_point], answer, stem)[0]


def suggested_ticks(key_points: Sequence[Any], answer: str, stem: str = "") -> list[bool]:
    return [s.earned for s in suggest_all(key_points, answer, stem)]
