"""Statement text as format-independent blocks: paragraphs, matrices, tables, preformatted text and
formula lines.

The engine writes statements and worked steps as plain text (matrices as ``[ 1  2 ]`` rows, tables
as aligned or ``|``-separated columns). Every face that lays text out (the printable worksheet,
the LMS/Anki export) reads it through :func:`blocks_of` and :func:`formula_blocks`, so a matrix
is recognised the same way everywhere and each face only decides how a block looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from solvers import Text

# ----------------------------------------------------------------------------------------------
# Blocks of a statement or a worked step
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph of prose in both languages."""

    text: Text


@dataclass(frozen=True)
class Matrix:
    """A matrix of numbers (cells already formatted), shown with square brackets."""

    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Table:
    """A table (a confusion matrix with class names, a list of boxes, a list of layers); the
    first row is a header when it holds words. ``rows_en`` holds the English cells when they
    differ from the Chinese ones (``卷积`` / ``conv``)."""

    rows: tuple[tuple[str, ...], ...]
    rows_en: tuple[tuple[str, ...], ...] | None = None

    @property
    def has_header(self) -> bool:
        return bool(self.rows) and any(c and not _NUMBER.match(c) for c in self.rows[0])

    def cell(self, r: int, c: int) -> Text:
        zh = self.rows[r][c]
        return Text(zh, self.rows_en[r][c] if self.rows_en is not None else zh)


@dataclass(frozen=True)
class Pre:
    """Preformatted lines that must keep their alignment (shown in a monospace font)."""

    text: str


@dataclass(frozen=True)
class Formula:
    """One line of a worked step's formula, in the engine's plain-text notation
    (``(32 - 5 + 2*1)/1 + 1 = 30``); a renderer may typeset it or show it as is."""

    text: str


Block = Union[Para, Matrix, Table, Pre, Formula]

# ----------------------------------------------------------------------------------------------
# Plain engine text -> blocks
# ----------------------------------------------------------------------------------------------

_MATRIX_ROW = re.compile(r"^\[\s*(-?[0-9.]+(?:\s+-?[0-9.]+)*)\s*\]$")
_NUMBER = re.compile(r"^-?[0-9.]+%?$")
_GAP = re.compile(r"\s{2,}")
_PIPE = re.compile(r"\s+\|\s+")
MAX_CELL = 20  # a longer run between double spaces is prose, not a table cell


def _is_aligned(stripped: str) -> bool:
    cells = _GAP.split(stripped)
    return len(cells) >= 2 and max(len(c) for c in cells) <= MAX_CELL


def _is_piped(stripped: str) -> bool:
    return len(_PIPE.split(stripped)) >= 3


def _segments(text: str) -> list[tuple[str, list[str]]]:
    """Group lines into ('para' | 'matrix' | 'aligned' | 'piped', lines) runs."""
    runs: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if _MATRIX_ROW.match(stripped):
            kind = "matrix"
        elif _is_piped(stripped):
            kind = "piped"
        elif _is_aligned(stripped):
            kind = "aligned"
        else:
            kind = "para"
        if runs and runs[-1][0] == kind and kind != "para":
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    # A single aligned line among prose is prose with double spaces, not a table.
    return [("para", ls) if k in ("aligned", "piped") and len(ls) == 1 else (k, ls) for k, ls in runs]


def _matrix(lines: list[str]) -> Matrix | None:
    matches = [_MATRIX_ROW.match(line.strip()) for line in lines]
    rows = tuple(tuple(m.group(1).split()) for m in matches if m is not None)
    if len({len(r) for r in rows}) != 1:
        return None
    return Matrix(rows)


def _table_rows(kind: str, lines: list[str]) -> tuple[tuple[str, ...], ...] | None:
    rows = []
    for line in lines:
        if kind == "piped":
            cells = [c.strip() for c in _PIPE.split(line.strip())]
        else:
            cells = _GAP.split(line.strip())
            if line[:1].isspace():
                cells = [""] + cells
        rows.append(tuple(cells))
    if len({len(r) for r in rows}) == 1 and len(rows[0]) > 1:
        return tuple(rows)
    return None


def _pre(lines: list[str]) -> Pre:
    return Pre("\n".join(l.rstrip() for l in lines))


def _neutral(kind: str, zl: list[str], el: list[str] | None = None) -> Block:
    """A matrix or table; tables keep their English cells when they differ."""
    if kind == "matrix":
        return _matrix(zl) or _pre(zl)
    rows = _table_rows(kind, zl)
    if rows is None:
        return _pre(zl)
    rows_en = _table_rows(kind, el) if el is not None else None
    if rows_en is None or rows_en == rows or [len(r) for r in rows_en] != [len(r) for r in rows]:
        rows_en = None
    return Table(rows, rows_en)


def blocks_of(text: Text) -> list[Block]:
    """Split a bilingual statement into blocks. Matrices are the same in both languages; tables
    keep both languages' cells; prose pairs up run by run. If the two languages do not line up,
    the prose comes first as one paragraph and the tables follow (nothing is lost, only the
    order is simpler)."""
    zh, en = _segments(text.zh), _segments(text.en)
    if [k for k, _ in zh] == [k for k, _ in en]:
        out: list[Block] = []
        for (kind, zl), (_, el) in zip(zh, en):
            if kind == "para":
                out.append(Para(Text(" ".join(s.strip() for s in zl), " ".join(s.strip() for s in el))))
            else:
                out.append(_neutral(kind, zl, el))
        return out
    # The languages disagree on layout: keep all prose together, then the tables/matrices.
    prose = [Text(" ".join(" ".join(l.strip() for l in ls) for k, ls in zh if k == "para"),
                  " ".join(" ".join(l.strip() for l in ls) for k, ls in en if k == "para"))]
    return [Para(t) for t in prose if t.zh or t.en] + [_neutral(k, ls) for k, ls in zh if k != "para"]


def formula_blocks(math: str) -> list[Block]:
    """A worked step's formula text as blocks: matrices, aligned tables, or formula lines."""
    out: list[Block] = []
    for kind, lines in _segments(math):
        if kind == "para":
            out.extend(Formula(l.strip()) for l in lines)
        elif kind == "matrix":
            out.append(_matrix(lines) or _pre(lines))
        else:
            out.append(_pre(lines))
    return out


def plain(block: Block, lang: str) -> str:
    """A block as plain text (for tests and for the Markdown renderer's fallbacks)."""
    if isinstance(block, Para):
        return block.text.get(lang)
    if isinstance(block, Matrix):
        return "\n".join("[ " + "  ".join(r) + " ]" for r in block.rows)
    if isinstance(block, Table):
        rows = block.rows_en if lang == "en" and block.rows_en is not None else block.rows
        return "\n".join("  ".join(r) for r in rows)
    return block.text
