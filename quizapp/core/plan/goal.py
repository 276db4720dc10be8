"""The student's goal: the exam date and the minutes a day, checked and kept in settings.

Each bad value gets one sentence (CLI and settings screen alike); nothing typed is echoed at
unbounded length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from quizapp.core.errors import InputError

EXAM_DATE_KEY = "exam_date"
MINUTES_KEY = "daily_minutes"
DEFAULT_MINUTES = 40
MAX_MINUTES = 24 * 60


def today_from_clock(clock_value: float) -> date:
    """The local date of a clock reading (the app's clock, so tests can move it)."""
    return datetime.fromtimestamp(clock_value).date()


def _shown(text: Any) -> str:
    text = str(text)
    return f"'{text}'" if len(text) <= 24 else f"a text of {len(text)} characters"


def parse_date(text: Any, what: str = "The exam date") -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"{what} must be a date like 2026-06-30, got {_shown(text)}.",
                         message_zh=f"日期要写成 2026-06-30 这样（年-月-日），收到的是 {_shown(text)}。"
                         ) from None


def parse_exam_date(text: Any, today: date) -> date:
    """An exam date of today or later."""
    exam = text if isinstance(text, date) else parse_date(text)
    if exam < today:
        raise InputError(f"The exam date {exam.isoformat()} is in the past (today is "
                         f"{today.isoformat()}); give today or a later date.",
                         message_zh=f"考试日期 {exam.isoformat()} 已经过去（今天是 {today.isoformat()}），"
                                    "请填今天或以后的日期。")
    return exam


def parse_minutes(text: Any) -> int:
    """Minutes a day: a whole number from 1 to 24 hours."""
    try:
        minutes = int(str(text).strip())
    except ValueError:
        raise InputError(f"Minutes a day must be a whole number like 40, got {_shown(text)}.",
                         message_zh=f"每天分钟数要写整数，如 40，收到的是 {_shown(text)}。") from None
    if minutes <= 0:
        raise InputError(f"Minutes a day must be at least 1, got {minutes}.",
                         message_zh=f"每天分钟数至少为 1，收到的是 {minutes}。")
    if minutes > MAX_MINUTES:
        raise InputError(f"Minutes a day cannot be more than 24 hours ({MAX_MINUTES}), got {minutes}.",
                         message_zh=f"每天分钟数不能超过 24 小时（{MAX_MINUTES}），收到的是 {minutes}。")
    return minutes


@dataclass
class Goal:
    exam: date | None
    minutes: int


def load_goal(storage) -> Goal:
    """The saved goal (a damaged setting reads as unset rather than failing)."""
    exam = None
    text = storage.get_setting(EXAM_DATE_KEY)
    if text:
        try:
            exam = date.fromisoformat(text)
        except ValueError:
            exam = None
    try:
        minutes = parse_minutes(storage.get_setting(MINUTES_KEY, str(DEFAULT_MINUTES)))
    except InputError:
        minutes = DEFAULT_MINUTES
    return Goal(exam, minutes)


def save_goal(storage, *, exam: date | None = None, minutes: int | None = None) -> None:
    if exam is not None:
        storage.set_setting(EXAM_DATE_KEY, exam.isoformat())
    if minutes is not None:
        storage.set_setting(MINUTES_KEY, str(int(minutes)))


def resolve_goal(storage, today: date, *, exam: Any = None, minutes: Any = None) -> Goal:
    """The goal for a plan: values given now are checked and saved; the rest come from settings.
    Raises InputError (one sentence) when a value is bad or no exam date is known."""
    given_exam = parse_exam_date(exam, today) if exam is not None else None
    given_minutes = parse_minutes(minutes) if minutes is not None else None
    save_goal(storage, exam=given_exam, minutes=given_minutes)
    goal = load_goal(storage)
    if goal.exam is None:
        raise InputError("No exam date is set yet.",
                         hint="Give one with --exam-date YYYY-MM-DD (it is kept for next time).")
    if goal.exam < today:
        raise InputError(f"The saved exam date {goal.exam.isoformat()} has passed.",
                         hint="Give the next one with --exam-date YYYY-MM-DD.")
    return goal
