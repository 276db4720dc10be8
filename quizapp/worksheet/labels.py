"""The fixed words every printed sheet uses, in both languages, shared by the three renderers."""

from __future__ import annotations

from solvers import Text
from solvers._base import fmt

NAME = Text("姓名", "Name")
STUDENT_ID = Text("学号", "Student ID")
CODE = Text("试卷代码", "Code")
CLASS_LIST_HEAD = (Text("序号", "No."), NAME, STUDENT_ID, CODE)
QUICK = Text("选择、判断题答案一览", "Choice and true/false answers at a glance")


def points_text(points: float) -> str:
    return fmt(round(points, 2))


def item_points(points: float, lang: str) -> str:
    """An item's weight as printed beside its number: （2 分）, (2 pt) or （2 分 / pt）."""
    p = points_text(points)
    return {"zh": f"（{p} 分）", "en": f"({p} pt)"}.get(lang, f"（{p} 分 / pt）")


def section_total(points: float, lang: str) -> str:
    """A section's total as printed after its title."""
    p = points_text(points)
    return {"zh": f"（共 {p} 分）", "en": f" ({p} points)"}.get(lang, f"（共 {p} 分 / {p} points）")
