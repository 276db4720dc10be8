"""The mock-exam clock (issue 13): monotonic while running, wall time while closed, never a
negative step; setting the system clock back adds no time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.exam import ExamSession
from quizapp.core.storage import Storage

BANK = Path(__file__).parents[1] / "tui" / "fixtures" / "bank"


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


def _start(bank, path, wall, mono, minutes=30):
    return ExamSession.start(bank, Storage.open(path, clock=wall), "mini", seed=5,
                             minutes=minutes, clock=wall, monotonic=mono)


def test_setting_the_clock_back_while_running_adds_no_time(bank, tmp_path):
    wall, mono = Clock(1_800_000_000.0), Clock(500.0)
    e = _start(bank, tmp_path / "p.db", wall, mono)
    wall.t += 600
    mono.t += 600  # ten minutes of work
    assert e.remaining() == pytest.approx(20 * 60)
    wall.t -= 3600  # the student sets the system clock back an hour
    mono.t += 60
    assert e.remaining() == pytest.approx(19 * 60)
    wall.t += 7200  # or forward two hours: the running exam does not lose them either
    mono.t += 60
    assert e.remaining() == pytest.approx(18 * 60) and not e.expired()


def test_time_while_closed_counts_by_the_wall_clock_but_never_backwards(bank, tmp_path):
    path = tmp_path / "p.db"
    wall, mono = Clock(1_800_000_000.0), Clock(500.0)
    e = _start(bank, path, wall, mono)
    mono.t += 300
    wall.t += 300
    e.save_clock()  # as the screen does every few seconds, and on leaving
    wall.t += 120  # closed for two minutes
    again = ExamSession.resume(bank, Storage.open(path, clock=wall), e.exam_id, clock=wall,
                               monotonic=Clock(7.0))
    assert again.remaining() == pytest.approx(30 * 60 - 420)
    wall.t -= 3600  # closed again, and the clock set back an hour meanwhile
    third = ExamSession.resume(bank, Storage.open(path, clock=wall), e.exam_id, clock=wall,
                               monotonic=Clock(9.0))
    assert third.remaining() == pytest.approx(30 * 60 - 420)  # no time added, none given back


def test_a_kill_between_saves_counts_the_lost_seconds_as_closed_time(bank, tmp_path):
    path = tmp_path / "p.db"
    wall, mono = Clock(1_800_000_000.0), Clock(0.0)
    e = _start(bank, path, wall, mono, minutes=10)
    wall.t += 590
    mono.t += 590  # no save since the start, then kill -9
    again = ExamSession.resume(bank, Storage.open(path, clock=wall), e.exam_id, clock=wall,
                               monotonic=Clock(0.0))
    assert again.remaining() == pytest.approx(10)
    wall.t += 11
    assert not ExamSession.resume(bank, Storage.open(path, clock=wall), e.exam_id, clock=wall,
                                  monotonic=Clock(0.0)).remaining()


def test_an_exam_started_before_the_clock_was_saved_keeps_its_deadline(bank, tmp_path):
    path = tmp_path / "p.db"
    wall = Clock(1_800_000_000.0)
    e = _start(bank, path, wall, wall)
    conn = sqlite3.connect(path)  # as an older quizapp left it: only the deadline
    conn.execute("UPDATE exams SET used = NULL, seen_at = NULL, deadline = ?", (wall.t + 600,))
    conn.commit()
    again = ExamSession.resume(bank, Storage.open(path, clock=wall), e.exam_id, clock=wall)
    assert again.remaining() == pytest.approx(600)
