"""Worksheets laid out for print; which items they get is decided in quizapp.core.selection."""

from __future__ import annotations

from quizapp.core.items import Item
from quizapp.core.selection import (  # noqa: F401  (re-exported: the worksheet's public names)
    MIXED, WorksheetSpec, draw_items, split_count, worksheet_code,
)
from quizapp.worksheet.build import TYPE_INSTRUCTIONS, TYPE_ORDER, TYPE_TITLES, sheet_and_key
from quizapp.worksheet.labels import points_text
from quizapp.worksheet.model import Header, KeySheet, Sheet, Student


def worksheet_sheets(spec: WorksheetSpec, bank=None, student: Student | None = None,
                     title=None) -> tuple[Sheet, KeySheet]:
    """Draw the worksheet for ``spec`` and lay it out in sections by question type."""
    from solvers import Text

    items = draw_items(spec, bank)
    by_type: dict[str, list[Item]] = {}
    for item in items:
        by_type.setdefault(item.type, []).append(item)
    sections = [(TYPE_TITLES[t], TYPE_INSTRUCTIONS.get(t), by_type[t], None)
                for t in TYPE_ORDER if t in by_type]
    facts = [(Text("题数", "Questions"), str(len(items)))]
    if spec.difficulty:
        facts.append((Text("难度", "Difficulty"), spec.difficulty))
    if any(i.question is not None for i in items):
        facts.append((Text("总分", "Total"), points_text(sum(i.points for i in items))))
    header = Header(title=title or Text("练习卷", "Worksheet"), code=worksheet_code(spec),
                    facts=facts, student=student)
    return sheet_and_key(header, sections)
