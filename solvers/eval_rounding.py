"""Keep only the mistakes a student would actually be marked wrong for.

Not a kind: a helper for the image, metric and detection kinds. A catalogued mistake whose wrong
value rounds to the right answer at the precision the statement asks for (F1 as an arithmetic
mean when precision and recall are nearly equal, say) would be graded right, so naming it in the
feedback would be false. ``distinct_mistakes`` in ``_base`` drops exact coincidences; this drops
the ones that coincide at the field's tolerance, with the same shape rules as the grader.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from solvers._base import AnswerField, Mistake


def within_tolerance(f: AnswerField, wrong: Any, right: Any) -> bool:
    """True when ``wrong`` would be accepted for ``right`` (same shape, every entry within tolerance)."""
    if isinstance(right, (list, tuple)):
        return (isinstance(wrong, (list, tuple)) and len(wrong) == len(right)
                and all(within_tolerance(f, w, r) for w, r in zip(wrong, right)))
    if isinstance(wrong, (list, tuple)):
        return False
    if f.integer:
        return float(wrong) == float(right)
    return abs(float(wrong) - float(right)) <= f.tolerance


def visible_mistakes(fields: Sequence[AnswerField], answer: Mapping[str, Any],
                     mistakes: Sequence[Mistake]) -> list[Mistake]:
    """The mistakes that change at least one field beyond its rounding tolerance.

    >>> f = (AnswerField("f1", None, decimals=4),)  # type: ignore[arg-type]
    >>> [m.id for m in visible_mistakes(f, {"f1": 0.80001}, [Mistake("a", None, {"f1": 0.80004}),
    ...                                                     Mistake("b", None, {"f1": 0.81})])]
    ['b']
    """
    by_name = {f.name: f for f in fields}
    return [m for m in mistakes
            if any(not within_tolerance(by_name[k], v, answer[k]) for k, v in m.answer.items())]
