"""Exam core: timing with an injected clock, saving, resuming, grading by section and chapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.errors import BankError, InputError
from quizapp.core.exam import ExamSession
from quizapp.core.storage import Storage

BANK = Path(__file__).parents[1] / "tui" / "fixtures" / "bank"


class Clock:
    def __init__(self, t=10_000.0):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def storage(tmp_path, clock):
    return Storage.open(tmp_path / "p.db", clock=clock)


def right(item):
    q = item.question
    if item.type == "single_choice":
        return {"choice": [c.correct for c in q.choices].index(True)}
    if item.type == "true_false":
        return {"value": q.answer}
    if item.type == "calculation":
        return {"fields": {k: str(v) for k, v in item.problem.answer.items()}}
    raise AssertionError(item.type)


def test_same_seed_same_paper_and_deadline_from_minutes(bank, storage, clock):
    a = ExamSession.start(bank, storage, "mini", seed=11, clock=clock)
    b = ExamSession.start(bank, storage, "mini", seed=11, minutes=3, clock=clock)
    assert [i.uid for i in a.items] == [i.uid for i in b.items]
    assert a.remaining() == 600.0 and b.remaining() == 180.0
    clock.t += 179.5
    assert not b.expired() and b.remaining() == pytest.approx(0.5)
    clock.t += 1
    assert b.expired() and b.remaining() == 0.0


def test_answers_are_saved_at_once_and_resume_with_the_same_deadline(bank, tmp_path, clock):
    path = tmp_path / "p.db"
    s1 = Storage.open(path, clock=clock)
    e = ExamSession.start(bank, s1, "mini", seed=5, clock=clock)
    e.answer(0, right(e.items[0]))
    e.answer(3, {"fields": {"output_size": "12"}})
    e.flag(2)
    e.goto(3)
    clock.t += 100
    e.spend(3, 42.0)
    # The app dies here. A new process opens the same file later; 200 s passed while it was shut.
    clock.t += 200
    s2 = Storage.open(path, clock=clock)
    row = s2.open_exam()
    assert row is not None and row.id == e.exam_id
    r = ExamSession.resume(bank, s2, row.id, clock=clock)
    assert [i.uid for i in r.items] == [i.uid for i in e.items]
    assert r.responses[0] == right(e.items[0]) and r.responses[3] == {"fields": {"output_size": "12"}}
    assert r.responses[1] is None and r.flagged == [False, False, True, False]
    assert r.current == 3 and r.seconds[3] == 42.0
    assert r.remaining() == pytest.approx(600 - 300)  # the clock ran while the app was closed
    assert r.unanswered() == [1, 2]


def test_no_feedback_before_the_end_but_unreadable_answers_are_named(bank, storage, clock):
    e = ExamSession.start(bank, storage, "mini", seed=5, clock=clock)
    calc = [i for i, it in enumerate(e.items) if it.type == "calculation"][0]
    assert e.answer(calc, {"fields": {"output_size": "twelve"}}).message  # a sentence, no verdict
    assert e.responses[calc] == {"fields": {"output_size": "twelve"}}  # kept, nothing lost
    assert e.answer(calc, {"fields": {"output_size": "-5"}}) is None  # wrong but readable: silent
    assert e.answer(calc, {"fields": {"output_size": ""}}) is None
    assert calc in e.unanswered()


def test_submit_grades_by_section_and_chapter_and_records(bank, storage, clock):
    e = ExamSession.start(bank, storage, "mini", seed=8, clock=clock)
    for pos, item in enumerate(e.items):
        if item.type == "single_choice" and pos == 0:
            e.answer(pos, right(item))
        elif item.type == "calculation":
            e.answer(pos, right(item))
        elif item.type == "true_false":
            e.answer(pos, {"value": not item.question.answer})
    res = e.submit()
    # brute force: points of the items answered right
    expected = sum(it.points for pos, it in enumerate(e.items)
                   if (pos == 0 and it.type == "single_choice") or it.type == "calculation")
    assert res.earned == pytest.approx(expected) and res.total == pytest.approx(2 + 2 + 1 + 5)
    assert [t.key for t in res.by_section] == ["choice", "tf", "calc"]
    assert sum(t.earned for t in res.by_section) == pytest.approx(res.earned)
    assert sum(t.earned for t in res.by_chapter) == pytest.approx(res.earned)
    assert sum(t.total for t in res.by_chapter) == pytest.approx(res.total)
    assert {r.status for r in res.items} >= {"right", "wrong", "unanswered"}
    attempts = storage.attempts(mode="exam")
    assert len(attempts) == len(e.items) and all(a.exam_id == e.exam_id for a in attempts)
    wrong_ids = {r.item.id for r in res.items if r.status != "right"}
    assert {m.key for m in storage.open_mistakes()} == wrong_ids
    assert storage.open_exam() is None and storage.exam(e.exam_id).submit_reason == "student"
    # a second submit changes nothing
    again = e.submit()
    assert again.earned == res.earned and len(storage.attempts(mode="exam")) == len(e.items)
    with pytest.raises(InputError):
        e.answer(0, {"choice": 1})


def test_time_up_refuses_answers_and_submits_with_what_was_given(bank, storage, clock):
    e = ExamSession.start(bank, storage, "one", seed=1, clock=clock)
    assert len(e.items) == 1 and e.remaining() == 60.0
    e.answer(0, right(e.items[0]))
    clock.t += 61
    with pytest.raises(InputError, match="Time is up"):
        e.answer(0, {"value": not e.items[0].question.answer})
    res = e.submit(reason="time")
    assert res.earned == 1.0 and res.reason == "time"
    assert storage.exam(e.exam_id).submit_reason == "time"


def test_resume_refuses_a_changed_bank_and_abandon_closes_it(bank, storage, clock):
    e = ExamSession.start(bank, storage, "mini", seed=2, clock=clock)
    storage._conn.execute("UPDATE exam_answers SET item_uid = 'gone' WHERE position = 0")
    with pytest.raises(BankError, match="changed"):
        ExamSession.resume(bank, storage, e.exam_id, clock=clock)
    ExamSession.abandon(storage, e.exam_id, clock=clock)
    assert storage.open_exam() is None


def test_minutes_out_of_range(bank, storage, clock):
    with pytest.raises(InputError):
        ExamSession.start(bank, storage, "mini", seed=1, minutes=0, clock=clock)
    with pytest.raises(BankError, match="no exam blueprint"):
        ExamSession.start(bank, storage, "finale", seed=1, clock=clock)
