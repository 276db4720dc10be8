"""Class sets: rosters (BOM, Chinese names, GBK, bad files), one variant per student, one key."""

from __future__ import annotations

import pytest

from quizapp.core.errors import InputError, OutputError
from quizapp.core.paper import build_paper, paper_code
from quizapp.worksheet.build import paper_sheets
from quizapp.worksheet.classset import copies, file_stem, read_roster, variant_seed
from quizapp.worksheet.model import Student
from quizapp.worksheet.output import Options, build_variants, write_class_set, write_single
from quizapp.worksheet.worksheet import WorksheetSpec, worksheet_code, worksheet_sheets


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_roster_with_bom_and_chinese_names(tmp_path):
    # Excel's "CSV UTF-8": a BOM, CRLF, and empty rows (",") where the sheet had blank lines
    path = write(tmp_path, "r.csv", "\ufeff姓名,学号\r\n张三,2023001\r\n李四,2023002\r\n,\r\n王小明,2023003\r\n")
    students = read_roster(path)
    assert [(s.index, s.name, s.id) for s in students] == [
        (1, "张三", "2023001"), (2, "李四", "2023002"), (3, "王小明", "2023003")]
    assert file_stem(students[0]) == "01-张三-2023001"


def test_roster_english_headers_any_case_and_gbk(tmp_path):
    path = write(tmp_path, "r.csv", "ID,Name,email\n7,赵六,z@x\n8,Alice Smith,a@x\n", "gbk")
    students = read_roster(path)
    assert [(s.name, s.id) for s in students] == [("赵六", "7"), ("Alice Smith", "8")]
    only_names = read_roster(write(tmp_path, "n.csv", "name\nAda\nBob\n"))
    assert [s.label for s in only_names] == ["Ada", "Bob"]


@pytest.mark.parametrize("content, where, words", [
    ("", "r.csv:1", "empty"),
    ("email,phone\na@x,1\n", "r.csv:1", "no 'name' or 'id' column"),
    ("name,id\n", "r.csv:1", "no students"),
    ("name,id,email\nA,1,a@x\n,,b@x\n", "r.csv:3", "neither a name nor an id"),
    ("name,id\nA,1\nB,1\n", "r.csv:3", "already used on line 2"),
])
def test_bad_roster_names_file_and_line(tmp_path, content, where, words):
    path = write(tmp_path, "r.csv", content)
    with pytest.raises(InputError) as err:
        read_roster(path)
    assert f"{path.parent / where}" in err.value.message or where in err.value.message
    assert words in err.value.message


def test_missing_roster_is_one_sentence(tmp_path):
    with pytest.raises(InputError) as err:
        read_roster(tmp_path / "nope.csv")
    assert "Cannot read the roster" in err.value.message and "--roster" in err.value.hint


def test_variant_seeds_are_distinct_and_stable():
    students = copies(40)
    seeds = [variant_seed(5, s) for s in students]
    assert len(set(seeds)) == 40
    assert seeds == [variant_seed(5, s) for s in copies(40)]
    assert seeds != [variant_seed(6, s) for s in students]
    # with an id the seed follows the student, not the roster order
    assert variant_seed(5, Student(1, "A", "x1")) == variant_seed(5, Student(9, "A", "x1"))
    with pytest.raises(InputError):
        copies(0)


def test_class_set_of_worksheets_in_a_directory(tmp_path):
    students = [Student(1, "张三", "01"), Student(2, "李四", "02"), Student(3, "", "03")]

    def make(seed, student):
        return worksheet_sheets(WorksheetSpec(kinds=("conv_output", "otsu"), count=3, seed=seed),
                                None, student)

    variants = build_variants(make, 11, students)
    written = write_class_set(variants, students, tmp_path / "set", Options(format="md", lang="zh"))
    assert [p.name for p in written.sheets] == ["01-张三-01.md", "02-李四-02.md", "03-03.md"]
    assert written.keys == [tmp_path / "set" / "key.md"]
    key = written.keys[0].read_text(encoding="utf-8")
    for (sheet, _), path, st in zip(variants, written.sheets, students):
        text = path.read_text(encoding="utf-8")
        code = worksheet_code(WorksheetSpec(kinds=("conv_output", "otsu"), count=3,
                                            seed=variant_seed(11, st)))
        assert sheet.header.code == code and code in text and code in key
        # the key opens with the class list: who got which variant
        assert f"| {st.index} | {st.name} | {st.id} | {code} |" in key
        assert (st.name or st.id) in text
        assert "答案" not in text  # the students' files carry no key
    assert len({s.header.code for s, _ in variants}) == 3
    # each student's sheet differs from the others
    assert len({p.read_text(encoding="utf-8").split("##", 1)[1] for p in written.sheets}) == 3


def test_class_set_of_papers_merged(tmp_path, bank):
    students = copies(3)

    def make(seed, student):
        return paper_sheets(build_paper(bank, "mini", seed), student)

    variants = build_variants(make, 2, students)
    out = tmp_path / "all.html"
    written = write_class_set(variants, students, out, Options(format="html", merge=True))
    assert written.sheets == [out] and written.keys == [tmp_path / "all-key.html"]
    html, key = out.read_text(encoding="utf-8"), written.keys[0].read_text(encoding="utf-8")
    assert html.count('<section class="page sheet">') == 3
    for st in students:
        code = paper_code("mini", variant_seed(2, st))
        assert code in html and code in key
    assert key.count('<section class="page key">') == 3


def test_key_modes(tmp_path):
    sheet, key = worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=1, seed=1))
    appended = write_single(sheet, key, tmp_path / "a", Options(format="md", key="appended"))
    assert appended.sheets == [tmp_path / "a.md"] and appended.keys == []
    assert "答案与解析" in appended.sheets[0].read_text(encoding="utf-8")
    none = write_single(sheet, key, tmp_path / "n.md", Options(format="md", key="none"))
    assert none.keys == [] and not (tmp_path / "n-key.md").exists()


def test_unwritable_output_is_one_sentence(tmp_path):
    sheet, key = worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=1, seed=1))
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputError) as err:
        write_single(sheet, key, blocker / "out.md", Options(format="md"))
    assert "Cannot write" in err.value.message and "-o" in err.value.hint
    with pytest.raises(OutputError) as err:
        write_class_set([(sheet, key)], [Student(1)], blocker, Options(format="md"))
    assert "needs a directory" in err.value.message


def test_full_disk_is_one_sentence(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    sheet, key = worksheet_sheets(WorksheetSpec(kinds=("conv_output",), count=1, seed=1))

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OutputError) as err:
        write_single(sheet, key, tmp_path / "ws.html", Options(format="html"))
    assert err.value.message == f"Cannot write {tmp_path / 'ws.html'}: No space left on device."
    assert "free some disk space" in err.value.hint
