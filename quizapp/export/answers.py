"""A calculation's answer fields as *gaps*: one number each, with the tolerance the grader uses
and the wrong values of the named mistakes, ready for any format.

A scalar field is one gap, a vector field one gap per entry, a matrix one per cell. The right
value is written at the rounding the statement asks for, and the tolerance is half a unit in the
last asked place (exact for whole numbers): the same rule as :class:`solvers.AnswerField`, so
anything the app accepts an LMS accepts. A mistake's wrong value becomes a 0% answer of the gap
where it differs from the right one; two mistakes giving the same wrong value share the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from quizapp.core.grading import expected_text
from solvers import AnswerField, Problem, Text
from solvers._base import fmt


@dataclass
class Gap:
    field: AnswerField
    index: tuple[int, ...]  # () for a scalar, (i,) in a vector, (i, j) in a matrix
    value: str  # the right value as a student writes it
    tolerance: str  # absolute, as a decimal string ("0.00005", "0")
    wrong: list[tuple[str, list[Text]]] = field(default_factory=list)  # value, mistakes giving it

    @property
    def label(self) -> Text:
        if not self.index:
            return self.field.label
        where = ",".join(str(i + 1) for i in self.index)
        return Text(f"{self.field.label.zh}[{where}]", f"{self.field.label.en}[{where}]")


def tolerance_text(f: AnswerField) -> str:
    if f.integer:
        return "0"
    if f.decimals is None:
        return "0.000001"
    return format(Decimal(5).scaleb(-(f.decimals + 1)), "f")  # 2 decimals -> 0.005


def _value_text(f: AnswerField, v: Any) -> str:
    decimals = 0 if f.integer else f.decimals
    if decimals is None and not float(v).is_integer():
        short = fmt(v)
        return short if abs(float(short) - float(v)) <= f.tolerance else repr(float(v))
    return fmt(v, decimals)


def _cells(shape: str, value: Any) -> list[tuple[tuple[int, ...], Any]] | None:
    """(index, number) pairs of a value of the field's shape; None when the value is not one."""
    try:
        if hasattr(value, "tolist"):
            value = value.tolist()
        if shape == "scalar":
            return [((), float(value))]
        if shape == "vector":
            return [((i,), float(v)) for i, v in enumerate(value)]
        return [((i, j), float(v)) for i, row in enumerate(value) for j, v in enumerate(row)]
    except (TypeError, ValueError):
        return None


def field_gaps(problem: Problem) -> list[list[Gap]]:
    """The gaps of each answer field, in field order."""
    out = []
    for f in problem.fields:
        right = _cells(f.shape, problem.answer[f.name]) or []
        gaps = [Gap(f, idx, _value_text(f, v), tolerance_text(f)) for idx, v in right]
        if f.shape == "scalar" and gaps:
            gaps[0].value = expected_text(f, problem.answer[f.name])
        by_index = {g.index: g for g in gaps}
        for m in problem.mistakes:
            if f.name not in m.answer:
                continue
            wrong = _cells(f.shape, m.answer[f.name])
            if wrong is None or len(wrong) != len(right):
                continue  # a wrong shape cannot be typed into these boxes
            for (idx, w), (_, r) in zip(wrong, right):
                gap = by_index[idx]
                text = _value_text(f, w)
                if abs(float(text) - r) <= f.tolerance or text == gap.value:
                    continue  # this entry is right in the mistake too
                for value, labels in gap.wrong:
                    if value == text:
                        labels.append(m.label)
                        break
                else:
                    gap.wrong.append((text, [m.label]))
        out.append(gaps)
    return out


def joined(labels: list[Text]) -> Text:
    return Text("；".join(t.zh for t in labels), "; ".join(t.en for t in labels))
