"""Marking written answers after an exam: counted only once the student confirms, saved tick by
tick (kill -9 safe), recorded in the score history; a progress file from before migrates."""

from __future__ import annotations

import json
import sqlite3

import pytest

from quizapp.core import database as db
from quizapp.core.bank.loader import load_bank
from quizapp.core.errors import InputError
from quizapp.core.exam import ExamSession
from quizapp.core.storage import Storage

from test_exam import BANK, Clock  # the exam tests' clock and fixture bank


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


def sit(bank, path, clock):
    """The 'mixed' paper: multiple choice, fill-in, a short answer (4 points) and a
    comprehensive item (10: calculation 6, written part 4). Written parts are answered well."""
    storage = Storage.open(path, clock=clock)
    exam = ExamSession.start(bank, storage, "mixed", seed=3, clock=clock)
    for pos, item in enumerate(exam.items):
        if item.type == "short_answer":
            exam.answer(pos, {"text": "训练时随机丢弃神经元，相当于很多子网络的集成"})
        elif item.type == "comprehensive":
            exam.answer(pos, {"parts": [{"fields": {"output_size": "1"}},
                                        {"text": "填充能保持尺寸，还能利用边缘像素"}]})
    return storage, exam


def test_written_points_await_marking_and_count_once_confirmed(bank, tmp_path):
    clock = Clock()
    storage, exam = sit(bank, tmp_path / "p.db", clock)
    result = exam.submit()
    assert result.awaiting == pytest.approx(8.0)  # 4 (short answer) + 4 (written part)
    before = result.earned
    tasks = exam.marking_tasks()
    assert [(exam.items[t.position].type, t.part) for t in tasks] == [("short_answer", 0),
                                                                      ("comprehensive", 2)]
    assert all(not t.done and t.ticks == [False, False] for t in tasks)
    # the machine's suggestions exist but count nothing
    assert [s.earned for s in tasks[0].suggestions()] == [True, True]
    assert exam.result().earned == pytest.approx(before)

    short, written = tasks
    after = exam.confirm_marking(short.position, 0, [True, False])
    assert after.awaiting == pytest.approx(4.0)
    assert after.earned == pytest.approx(before + 2.0)  # one of two equal key points of 4
    after = exam.confirm_marking(written.position, 2, [True, True])
    assert after.awaiting == 0 and after.earned == pytest.approx(before + 6.0)

    # the score history: the exam's total and each marked item's attempt, with its ticks
    assert storage.exam(exam.exam_id).score == pytest.approx(after.earned)
    marked = storage.self_marked(exam.exam_id)
    assert marked[exam.items[short.position].uid] == {"0": [True, False]}
    assert marked[exam.items[written.position].uid] == {"2": [True, True]}
    by_uid = {a.item_uid: a for a in storage.attempts(exam_id=exam.exam_id)}
    assert by_uid[exam.items[short.position].uid].score == pytest.approx(0.5)


def test_ticks_survive_a_kill_and_unconfirmed_ticks_count_nothing(bank, tmp_path):
    clock = Clock()
    path = tmp_path / "p.db"
    storage, exam = sit(bank, path, clock)
    exam.submit()
    task = exam.marking_tasks()[0]
    exam.save_ticks(task.position, task.part, [True, True])
    earned = exam.result().earned
    # kill -9: nothing closed, a new connection and a rebuilt session
    again = ExamSession.resume(bank, Storage.open(path, clock=clock), exam.exam_id, clock=clock)
    t2 = again.marking_tasks()[0]
    assert t2.ticks == [True, True] and not t2.done
    assert again.result().earned == pytest.approx(earned) and again.result().awaiting == 8.0


def test_marking_needs_a_submitted_exam(bank, tmp_path):
    clock = Clock()
    _, exam = sit(bank, tmp_path / "p.db", clock)
    with pytest.raises(InputError):
        exam.save_ticks(0, 0, [True])


def test_a_blank_written_answer_needs_no_marking(bank, tmp_path):
    clock = Clock()
    storage = Storage.open(tmp_path / "p.db", clock=clock)
    exam = ExamSession.start(bank, storage, "mixed", seed=3, clock=clock)
    assert exam.submit().awaiting == 0 and exam.marking_tasks() == []


def test_a_progress_file_of_the_previous_schema_migrates_with_nothing_lost(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = len(db.MIGRATIONS) - 1  # the file as the landed version before this one made it
    for i, script in enumerate(db.MIGRATIONS[:before]):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {i + 1};\nCOMMIT;")
    conn.execute("INSERT INTO exams(blueprint, seed, minutes, code, started_at, deadline, "
                 "submitted_at, submit_reason, score, total) VALUES ('final', 1, 120, 'F-1', 0, 7200, "
                 "100, 'student', 42, 100)")
    conn.execute("INSERT INTO attempts(at, mode, item_uid, chapter, type, score, correct, response, "
                 "exam_id) VALUES (1, 'exam', 'q-1', 'ch1_cnn', 'short_answer', 0.5, 0, ?, 1)",
                 (json.dumps({"text": "答案"}, ensure_ascii=False),))
    conn.close()
    storage = Storage.open(path)
    assert storage.schema_version == db.SCHEMA_VERSION
    [a] = storage.attempts()
    assert (a.item_uid, a.score, a.response) == ("q-1", 0.5, {"text": "答案"})
    assert storage.exam(1).score == 42
    assert storage.self_marked(1) == {} and storage.exam_marks(1) == {}
    storage.save_exam_marks(1, 0, 0, [True], True)
    assert storage.exam_marks(1) == {(0, 0): ([True], True)}


def test_marking_moves_the_memory_card_as_if_the_score_was_known_at_submit(bank, tmp_path):
    """At submit a written answer counts 0 (FSRS: Again); once the student marks it, its card
    is what replaying the history with the marked score gives (issue 10 meets issue 9)."""
    from fsrs import Rating

    clock = Clock()
    storage, exam = sit(bank, tmp_path / "p.db", clock)
    exam.submit()
    short = next(t for t in exam.marking_tasks() if t.part == 0)
    key = f"q:{exam.items[short.position].question.id}"
    assert storage.memory_cards()[key].last_rating == int(Rating.Again)
    exam.confirm_marking(short.position, 0, [True, True])
    marked = storage.memory_cards()[key]
    assert marked.last_rating == int(Rating.Good) and marked.reviews == 1
    fresh = Storage.open(tmp_path / "again.db", clock=clock)  # the same history, answered anew
    for a in storage.attempts():
        a.id, a.exam_id = None, None
        fresh.record_attempt(a)
    assert fresh.memory_cards()[key].card.to_json() == marked.card.to_json()
