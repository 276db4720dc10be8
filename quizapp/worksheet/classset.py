"""A class set: one variant per student, from a roster CSV or a number of copies.

Each student's seed is derived from the base seed and the student's id (or, without an id, the
roster position), so a student keeps the same variant when the roster is re-sorted or grows, and
the teacher can regenerate any one student's paper from the base seed alone.
"""

from __future__ import annotations

import codecs
import csv
import io
import zlib
from pathlib import Path

import numpy as np

from quizapp.core.errors import InputError
from quizapp.core.summary import clip
from quizapp.worksheet.model import Student

NAME_COLUMNS = ("name", "姓名", "student_name", "full_name")
ID_COLUMNS = ("id", "学号", "student_id", "sid", "number")
MAX_STUDENTS = 2000


def variant_seed(base_seed: int, student: Student) -> int:
    """The seed of ``student``'s variant (stable across machines and roster order)."""
    key = zlib.crc32(student.id.encode("utf-8")) if student.id else int(student.index)
    tag = 1 if student.id else 0
    return int(np.random.SeedSequence([int(base_seed), 0x5EED, tag, key]).generate_state(1, np.uint32)[0])


def copies(n: int) -> list[Student]:
    if n < 1 or n > MAX_STUDENTS:
        raise InputError(f"--copies must be between 1 and {MAX_STUDENTS}, got {n}.")
    return [Student(index=i + 1) for i in range(n)]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


SAVE_AS = ('Save it from Excel as "CSV UTF-8 (comma delimited)" or "Unicode Text", or as a '
           "UTF-8 or GBK text file.")


def _decode(p: Path, raw: bytes) -> str:
    """The roster's text: UTF-16 with a BOM (Excel's "Unicode Text") or without one (detected by
    its zero bytes), UTF-8 (with or without a BOM), or GBK from older Excel."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif len(raw) >= 4 and raw[1::2].count(0) > len(raw) // 4:
        encodings = ("utf-16-le",)
    elif len(raw) >= 4 and raw[0::2].count(0) > len(raw) // 4:
        encodings = ("utf-16-be",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InputError(f"{p}: not a text file in an encoding quizapp reads.", hint=SAVE_AS)


def read_roster(path: str | Path) -> list[Student]:
    """Students from a CSV with a header row holding a ``name`` and/or ``id`` column (also
    ``姓名``/``学号``). A UTF-8 BOM (Excel's "CSV UTF-8") is fine; so are GBK files from older
    Excel. Problems raise :class:`InputError` naming the file and line."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read the roster {p}: {exc.strerror or exc}.",
                         hint="Check the path given to --roster.") from None
    text = _decode(p, raw)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    # Excel's "Unicode Text" is tab-separated; its CSV uses commas.
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{p}: not a readable CSV file ({exc}).",
                         hint=SAVE_AS) from None
    lines = [(n + 1, r) for n, r in enumerate(rows) if any(c.strip() for c in r)]
    if not lines:
        raise InputError(f"{p}:1: the roster is empty; it needs a header row with a 'name' or "
                         "'id' column and one row per student.")
    header_line, header = lines[0]
    name_col, id_col = _column(header, NAME_COLUMNS), _column(header, ID_COLUMNS)
    if name_col is None and id_col is None:
        has = clip(", ".join(h.strip() for h in header[:12]), 120) or "nothing"
        raise InputError(f"{p}:{header_line}: the header has no 'name' or 'id' column "
                         f"(it has: {has}).",
                         hint="Add a first line such as: name,id")
    students: list[Student] = []
    seen_ids: dict[str, int] = {}
    for line, row in lines[1:]:
        cell = lambda col: row[col].strip() if col is not None and col < len(row) else ""  # noqa: E731
        name, sid = cell(name_col), cell(id_col)
        if not name and not sid:
            raise InputError(f"{p}:{line}: this row has neither a name nor an id.")
        if sid:
            if sid in seen_ids:
                raise InputError(f"{p}:{line}: id '{sid}' is already used on line {seen_ids[sid]}.")
            seen_ids[sid] = line
        students.append(Student(index=len(students) + 1, name=name, id=sid))
    if not students:
        raise InputError(f"{p}:{header_line}: the roster has a header but no students.")
    if len(students) > MAX_STUDENTS:
        raise InputError(f"{p}: {len(students)} students is more than {MAX_STUDENTS}.")
    return students


def file_stem(student: Student) -> str:
    """A file name for a student's variant: ``03-张三-2023001`` (Chinese kept, separators removed)."""
    parts = [f"{student.index:02d}"] + [p for p in (student.name, student.id) if p]
    safe = "-".join(parts)
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in safe)[:80]
