"""`quizapp plan`: today's queue and forecast through the real entry point; bad input in a sentence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from quizapp.cli import main

V1 = Path(__file__).parent / "core" / "data" / "progress_v1.sqlite3"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_shape(capsys, tmp_path):
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "plan", "--today", "2026-06-01",
                         "--exam-date", "2026-06-15", "--minutes", "30", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["today"] == "2026-06-01" and data["exam_date"] == "2026-06-15"
    assert data["days_left"] == 14 and data["minutes"] == 30
    assert 0 < data["queue_minutes"] <= 30
    assert sum(e["minutes"] for e in data["queue"]) == pytest.approx(data["queue_minutes"], abs=0.1 * len(data["queue"]))
    for e in data["queue"]:
        assert {"what", "key", "chapter", "type", "minutes", "expected_gain", "reason"} <= set(e)
        assert e["reason"]["code"] and e["reason"]["text"] and e["reason"]["text_zh"]
    assert len(data["reviews_due"]) == 14
    r = data["readiness"]
    assert r["enough"] is False and r["if_plan_kept"]["expected"] is None  # a new student
    assert [s["id"] for s in r["if_stop_today"]["sections"]] == ["choice", "short", "calc", "comprehensive"]
    assert [s["points"] for s in r["if_stop_today"]["sections"]] == [30, 20, 20, 30]
    assert len(r["chapters"]) == 9


def test_plan_text_and_the_goal_is_remembered(capsys, tmp_path):
    run(capsys, "--data-dir", str(tmp_path), "plan", "--today", "2026-06-01", "--exam-date",
        "2026-06-20", "--minutes", "25")
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "plan", "--today", "2026-06-02")
    assert code == 0, err
    assert out.startswith("Exam 2026-06-20: 18 day(s) left.") and "25 min a day" in out
    assert "not enough answers yet" in out
    assert "new: first look at" in out or "review" in out


def test_plan_over_a_progress_file_of_the_landed_version(capsys, tmp_path):
    shutil.copy(V1, tmp_path / "progress.sqlite3")
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "plan", "--today", "2026-06-02",
                         "--exam-date", "2026-06-30", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["readiness"]["answers"] == 5
    assert data["backlog"]["reviews"] >= 0


@pytest.mark.parametrize("args, sentence", [
    ([], "No exam date is set yet."),
    (["--exam-date", "2026-05-01"], "The exam date 2026-05-01 is in the past"),
    (["--exam-date", "next week"], "The exam date must be a date like 2026-06-30, got 'next week'."),
    (["--exam-date", "2026-07-01", "--minutes", "0"], "Minutes a day must be at least 1, got 0."),
    (["--exam-date", "2026-07-01", "--minutes", "-5"], "Minutes a day must be at least 1, got -5."),
    (["--exam-date", "2026-07-01", "--minutes", "1500"], "cannot be more than 24 hours"),
    (["--exam-date", "2026-07-01", "--today", "soon"], "--today must be a date like"),
])
def test_bad_input_is_one_sentence(capsys, tmp_path, args, sentence):
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "plan", "--today", "2026-06-01", *args)
    assert code == 2 and out == ""
    assert sentence in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # the sentence, and at most a hint
