"""Class sets under faults (issue 13: U4 a UTF-16 roster, U5 a full disk half-way)."""

from __future__ import annotations

import codecs
import errno
import os
import subprocess
from pathlib import Path

import pytest

from quizapp.core.errors import InputError, OutputError
from quizapp.worksheet.classset import copies, read_roster
from quizapp.worksheet.output import Options, build_variants, write_class_set
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_sheets


def test_excel_unicode_text_roster_is_read(tmp_path):
    """Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    path = tmp_path / "roster.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "姓名\t学号\r\n张三\t2023001\r\n李四\t2023002\r\n"
                     .encode("utf-16-le"))
    assert [(s.name, s.id) for s in read_roster(path)] == [("张三", "2023001"), ("李四", "2023002")]
    be = tmp_path / "be.csv"
    be.write_bytes(codecs.BOM_UTF16_BE + "name,id\nAda,1\n".encode("utf-16-be"))
    assert [(s.name, s.id) for s in read_roster(be)] == [("Ada", "1")]


def test_a_binary_roster_says_which_encoding_to_save_in(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as err:
        read_roster(path)
    assert "CSV UTF-8" in (err.value.hint or "") and len(err.value.message) < 200


def _variants(n: int):
    students = copies(n)

    def make(seed, student):
        return worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=2, seed=seed), student)
    return build_variants(make, 1, students), students


def _assert_nothing_left(out: Path, err: OutputError) -> None:
    assert "not written" in err.message and "removed" in err.message
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_full_disk_half_way_leaves_no_partial_class_set(tmp_path, monkeypatch):
    variants, students = _variants(12)
    real = Path.write_bytes
    calls = 0

    def fills_up(self, data):
        nonlocal calls
        calls += 1
        if calls > 5:  # the disk fills up at the sixth student
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)
    monkeypatch.setattr(Path, "write_bytes", fills_up)
    out = tmp_path / "set"
    with pytest.raises(OutputError) as err:
        write_class_set(variants, students, out, Options(format="md"))
    _assert_nothing_left(out, err.value)
    assert "5 of 12" in err.value.message


def test_a_really_full_disk_leaves_no_partial_class_set(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()[:80]}")
    try:
        variants, students = _variants(40)
        out = disk / "set"
        with pytest.raises(OutputError) as err:
            write_class_set(variants, students, out, Options(format="md"))
        _assert_nothing_left(out, err.value)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
