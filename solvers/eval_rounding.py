"""Keep only the mistakes a student would actually be marked wrong for.

Not a kind. ``solvers._base.build`` already drops, for every kind, a catalogued mistake whose
wrong value rounds to the right answer at the precision the statement asks for (F1 as an
arithmetic mean when precision and recall are nearly equal, say); this name is kept for the
image, metric and detection kinds that call it explicitly.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from solvers._base import AnswerField, Mistake, distinct_mistakes


def visible_mistakes(fields: Sequence[AnswerField], answer: Mapping[str, Any],
                     mistakes: Sequence[Mistake]) -> list[Mistake]:
    """The mistakes that change at least one field beyond its rounding tolerance."""
    return distinct_mistakes(answer, list(mistakes), tuple(fields))
