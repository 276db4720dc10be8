"""The printable document, independent of any format.

A :class:`Document` is a list of pages-groups: student sheets (:class:`Sheet`) and answer keys
(:class:`KeySheet`), each starting on a new page. Statements are lists of *blocks* (paragraphs,
matrices, tables, preformatted text, formulas) so each renderer (Typst, HTML, Markdown) only
decides how a block looks, never what it means. Nothing here knows about a format; nothing here
holds a grading rule: answers come from the core (items, grading.expected_text).

Text is bilingual (:class:`solvers.Text`); the renderer picks Chinese, English or both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# The block model is shared with the export face; re-exported here for the renderers.
from quizapp.core.blocks import (  # noqa: F401
    Block, Formula, Matrix, Para, Pre, Table, blocks_of, formula_blocks, plain,
)
from solvers import Text

# ----------------------------------------------------------------------------------------------
# Student sheets
# ----------------------------------------------------------------------------------------------


@dataclass
class Student:
    """One student of a class set: index (1-based, roster order), name and id (either may be '')."""

    index: int
    name: str = ""
    id: str = ""

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.name, self.id) if p) or f"#{self.index}"

    @property
    def copy_label(self) -> Text:
        """What an anonymous copy (``--copies N``) prints where a name would be."""
        return Text(f"第 {self.index} 份", f"Copy {self.index}")


@dataclass
class Header:
    title: Text
    code: str  # printed on the sheet and on its key, e.g. FINA-7K3QX or WS-4M2PA
    facts: list[tuple[Text, str]] = field(default_factory=list)  # (label, value): duration, points
    instructions: Text | None = None
    student: Student | None = None
    name_lines: bool = True  # leave name / student-id lines to fill in


@dataclass
class DocPart:
    """A part of a comprehensive question."""

    label: Text | None
    points: float | None
    blocks: list[Block]
    fields: list[Text] = field(default_factory=list)  # answer fields to write in
    answer_lines: int = 0


@dataclass
class DocItem:
    number: int
    type: str  # the core item type (single_choice, ..., comprehensive)
    points: float | None
    blocks: list[Block]
    options: list[Text] = field(default_factory=list)  # lettered A, B, C, ...
    fields: list[Text] = field(default_factory=list)
    answer_lines: int = 0
    parts: list[DocPart] = field(default_factory=list)


@dataclass
class DocSection:
    title: Text
    instructions: Text | None
    points: float | None
    items: list[DocItem]
    show_total: bool = True  # False when the title already states the section's points


@dataclass
class Sheet:
    header: Header
    sections: list[DocSection]

    def items(self) -> list[DocItem]:
        return [i for s in self.sections for i in s.items]


# ----------------------------------------------------------------------------------------------
# Answer keys
# ----------------------------------------------------------------------------------------------


@dataclass
class KeyAnswer:
    label: Text
    value: str  # formatted as the grader expects it (grading.expected_text)
    matrix: Matrix | None = None  # the same value laid out, for matrix answers
    unit: str = ""  # printed after the value ("°", "%")

    def shown(self, lang: str) -> str:
        value = self.value.get(lang)
        return value + (self.unit if self.unit in ("%", "°") else f" {self.unit}" if self.unit else "")


@dataclass
class KeyStep:
    text: Text
    math: list[Block] = field(default_factory=list)


@dataclass
class KeyEntry:
    number: str  # "3", or "12 (1)" for a part
    answers: list[KeyAnswer] = field(default_factory=list)
    steps: list[KeyStep] = field(default_factory=list)
    key_points: list[tuple[Text, float]] = field(default_factory=list)
    explanation: Text | None = None
    parts: list["KeyEntry"] = field(default_factory=list)
    source: str = ""  # where the item came from (bank id or kind@seed) so a teacher can look it up


@dataclass
class KeySection:
    title: Text
    entries: list[KeyEntry]


@dataclass
class KeySheet:
    header: Header  # same code (and student) as the sheet it answers
    sections: list[KeySection]
    # Choice and true/false answers at a glance for fast marking: ("3", "ACD"), ("7", "√").
    quick: list[tuple[str, str]] = field(default_factory=list)

    def entries(self) -> list[KeyEntry]:
        return [e for s in self.sections for e in s.entries]


@dataclass
class ClassList:
    """The teacher key's first page for a class set: who got which variant."""

    title: Text
    rows: list[tuple[Student, str]]  # (student, code of their variant)
    facts: list[tuple[Text, str]] = field(default_factory=list)


Page = Union[Sheet, KeySheet, ClassList]


@dataclass
class Document:
    """What one output file holds: sheets and keys in order, each from a new page."""

    pages: list[Page]
    title: Text  # the file's title (metadata)
