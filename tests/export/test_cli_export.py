"""`quizapp export` through the real entry point: options, bad input, nothing half-written."""

from __future__ import annotations

import pytest

from quizapp.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_command_writes_a_moodle_file(capsys, tmp_path):
    out = tmp_path / "cnn.xml"
    code, stdout, err = run(capsys, "moodle", "--chapters", "ch8_detection", "--types",
                            "calculation,single_choice", "--variants", "2", "-o", str(out))
    assert code == 0, err
    assert f"wrote {out}" in stdout
    text = out.read_text(encoding="utf-8")
    assert "$course$/quizapp/ch8_detection/iou" in text and "ch1_cnn" not in text
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not mkstemp's
    assert [p.name for p in tmp_path.iterdir()] == ["cnn.xml"]


def test_kinds_alone_mean_calculations_only(capsys, tmp_path):
    out = tmp_path / "iou.xml"
    code, _, err = run(capsys, "moodle", "--kinds", "iou", "--variants", "3", "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.count('<question type="category">') == 1
    assert "$course$/quizapp/ch8_detection/iou" in text and "multichoice" not in text


@pytest.mark.parametrize("argv, valid", [
    (["pdf"], "moodle, anki, gift, qti"),
    (["moodle", "--chapters", "ch99_nothing"], "ch1_cnn"),
    (["moodle", "--types", "essay"], "single_choice"),
    (["moodle", "--kinds", "iuo"], "conv_output"),
])
def test_unknown_names_get_one_sentence_listing_the_valid_ones(capsys, tmp_path, argv, valid):
    code, stdout, err = run(capsys, *argv, "-o", str(tmp_path / "x.xml"))
    assert code == 2 and stdout == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "valid" in lines[0] and valid in lines[0]
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_leaves_nothing(capsys, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.xml"
    code, _, err = run(capsys, "moodle", "--kinds", "iou", "--variants", "1", "-o", str(missing))
    assert code == 2 and "Cannot write" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_failing_writer_leaves_no_partial_file(tmp_path, monkeypatch):
    from quizapp.export import atomic_write

    target = tmp_path / "out.xml"
    target.write_text("old export", encoding="utf-8")

    def half_then_fail(tmp):
        tmp.write_text("<quiz>half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    from quizapp.core.errors import OutputError

    with pytest.raises(OutputError, match="No space left"):
        atomic_write(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "old export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_output_is_a_folder(capsys, tmp_path):
    code, _, err = run(capsys, "moodle", "--kinds", "iou", "--variants", "1", "-o", str(tmp_path))
    assert code == 2 and "is a folder" in err
    assert list(tmp_path.iterdir()) == []
