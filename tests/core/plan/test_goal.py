"""The exam date and minutes a day: one sentence for each bad value, kept in settings."""

from __future__ import annotations

from datetime import date

import pytest

from quizapp.core.errors import InputError
from quizapp.core.plan.goal import load_goal, parse_exam_date, parse_minutes, resolve_goal
from quizapp.core.storage import Storage

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("text, words", [
    ("2026-05-31", "in the past"), ("tomorrow", "must be a date like"), ("2026-02-30", "must be a date"),
    ("x" * 500, "a text of 500 characters"),
])
def test_bad_exam_dates(text, words):
    with pytest.raises(InputError) as e:
        parse_exam_date(text, TODAY)
    assert words in e.value.message and e.value.message.count(".") <= 3 and len(e.value.message) < 140


@pytest.mark.parametrize("text, words", [
    ("0", "at least 1"), ("-5", "at least 1"), ("1441", "more than 24 hours"), ("forty", "whole number"),
    ("2.5", "whole number"),
])
def test_bad_minutes(text, words):
    with pytest.raises(InputError) as e:
        parse_minutes(text)
    assert words in e.value.message


def test_good_values_and_saving(tmp_path):
    assert parse_exam_date("2026-06-01", TODAY) == TODAY
    assert parse_minutes(" 45 ") == 45 and parse_minutes(1440) == 1440
    s = Storage.open(tmp_path / "p.db")
    with pytest.raises(InputError, match="No exam date"):
        resolve_goal(s, TODAY)
    goal = resolve_goal(s, TODAY, exam="2026-07-01", minutes="25")
    assert (goal.exam, goal.minutes) == (date(2026, 7, 1), 25)
    assert load_goal(s).exam == date(2026, 7, 1)  # kept
    with pytest.raises(InputError):  # a bad value saves nothing, not even the good one beside it
        resolve_goal(s, TODAY, exam="2026-08-01", minutes="0")
    assert load_goal(s).exam == date(2026, 7, 1)
    with pytest.raises(InputError, match="has passed"):
        resolve_goal(s, date(2026, 7, 2))
