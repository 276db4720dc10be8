"""The memory model: ratings, cards written with the attempt, replay of an old progress file."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from quizapp.core.plan import memory
from quizapp.core.plan.memory import card_keys, rating_for
from quizapp.core.storage import Attempt, Storage

DATA = Path(__file__).parents[1] / "data"
# Progress files written by the landed versions before the memory model: schema 1, and schema 2
# (made with the code of commit 8f1c35e; its answers include one with a hint).
OLD_FILES = [DATA / "progress_v1.sqlite3", DATA / "progress_v2.sqlite3"]
V1 = OLD_FILES[0]
DAY = 86400.0


def _attempt(**kw) -> Attempt:
    base = dict(at=1_780_000_000.0, mode="practice", item_uid="cnn-conv-001", chapter="ch1_cnn",
                type="single_choice", score=1.0, correct=True, response={"choice": 1},
                question_id="cnn-conv-001")
    base.update(kw)
    return Attempt(**base)


@pytest.mark.parametrize("score, correct, hints, expected", [
    (0.0, False, 0, Rating.Again), (1.0, True, 0, Rating.Good), (0.5, False, 0, Rating.Hard),
    (0.99, False, 0, Rating.Hard), (1.0, True, 1, Rating.Hard), (0.5, False, 2, Rating.Again),
    (0.0, False, 1, Rating.Again),
])
def test_ratings(score, correct, hints, expected):
    assert rating_for(score, correct, hints) == expected


def test_hints_are_read_from_an_optional_field():
    assert memory.hints_used({"score": 1.0}) == 0
    assert memory.hints_used({"hints": 2}) == 2
    assert memory.hints_used({"hints": None}) == 0
    # What practice records today: the hints inside the response (a dict, or JSON from the table).
    assert memory.hints_used({"response": {"hints": {"shown": 2, "of": 4}}}) == 2
    assert memory.hints_used({"response": '{"hints": {"shown": 1, "of": 3}}'}) == 1
    assert memory.hints_used({"response": '{"choice": 1}'}) == 0
    assert memory.hints_used({"response": "not json"}) == 0


def test_cards_of_an_attempt():
    assert card_keys({"question_id": "a-1"}) == ["q:a-1"]
    assert card_keys({"question_id": None, "kind": "iou", "difficulty": "hard"}) == ["skill:iou:hard"]
    assert card_keys({"question_id": "c-1", "kind": "iou", "difficulty": None}) == \
        ["q:c-1", "skill:iou:medium"]


def _expected_card(key: str, ratings_at: list[tuple[Rating, float]]) -> Card:
    """The same reviews done straight with the library (the independent computation)."""
    sched = Scheduler(enable_fuzzing=False)
    card = memory.new_card(key)
    for rating, at in ratings_at:
        card, _ = sched.review_card(card, rating, datetime.fromtimestamp(at, timezone.utc))
    return card


def test_recording_an_attempt_reviews_its_cards_in_the_same_transaction(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    t = 1_780_000_000.0
    s.record_attempt(_attempt(at=t))
    s.record_attempt(_attempt(at=t + 2 * DAY, score=0.0, correct=False))
    s.record_attempt(_attempt(at=t + 3 * DAY, question_id=None, item_uid="drill:iou:hard@1",
                              kind="iou", difficulty="hard", type="calculation", score=0.5,
                              correct=False))
    cards = s.memory_cards()
    assert set(cards) == {"q:cnn-conv-001", "skill:iou:hard"}
    want = _expected_card("q:cnn-conv-001", [(Rating.Good, t), (Rating.Again, t + 2 * DAY)])
    got = cards["q:cnn-conv-001"]
    assert got.card.to_dict() == want.to_dict()
    assert got.reviews == 2 and got.last_rating == int(Rating.Again)
    assert cards["skill:iou:hard"].card.to_dict() == \
        _expected_card("skill:iou:hard", [(Rating.Hard, t + 3 * DAY)]).to_dict()
    # Read back raw: the cards are in the file, not only in memory.
    conn = sqlite3.connect(tmp_path / "p.db")
    assert conn.execute("SELECT COUNT(*) FROM memory_cards").fetchone()[0] == 2
    assert conn.execute("SELECT through FROM memory_replay").fetchone()[0] == 3


def test_an_attempt_whose_cards_fail_is_not_recorded(tmp_path, monkeypatch):
    s = Storage.open(tmp_path / "p.db")

    def broken(conn, attempt):
        raise RuntimeError("boom")
    monkeypatch.setattr(memory, "review_attempt", broken)
    with pytest.raises(RuntimeError):
        s.record_attempt(_attempt())
    assert s.attempts() == []


def test_exam_answers_review_cards_too(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    exam_id = s.create_exam(blueprint="final", seed=1, minutes=120, code="X", started_at=0.0,
                            deadline=7200.0, item_uids=["cnn-conv-001"])
    s.finish_exam(exam_id, submitted_at=100.0, reason="student", score=0.0, total=2.0,
                  attempts=[_attempt(at=100.0, mode="exam", score=0.0, correct=False)])
    assert s.memory_cards()["q:cnn-conv-001"].last_rating == int(Rating.Again)


def _copy_v1(tmp_path, source: Path = V1) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(source, path)
    return path


@pytest.mark.parametrize("source", OLD_FILES, ids=lambda p: p.stem)
def test_a_progress_file_of_a_landed_version_migrates_with_nothing_lost(tmp_path, source):
    path = _copy_v1(tmp_path, source)
    before = sqlite3.connect(path)
    version = before.execute("PRAGMA user_version").fetchone()[0]
    assert version == int(source.stem[-1])
    old = {t: before.execute(f"SELECT * FROM {t}").fetchall()
           for t in ("attempts", "mistakes", "settings", "exam_answers")}
    old_exams = before.execute("SELECT * FROM exams").fetchall()
    before.close()
    s = Storage.open(path)
    assert s.schema_version > version
    for table, rows in old.items():
        # tables may gain columns from later migrations (NULL for old rows): the old columns
        # keep their values
        now = s._conn.execute(f"SELECT * FROM {table}").fetchall()
        assert [r[:len(o)] for r, o in zip(now, rows)] == rows and len(now) == len(rows), table
        assert all(v is None for r, o in zip(now, rows) for v in r[len(o):]), table
    # exams may gain columns from later migrations; the old ones keep their values
    assert [r[:len(old_exams[0])] for r in s._conn.execute("SELECT * FROM exams")] == old_exams \
        if old_exams else True
    assert s.get_setting("lang") == "en"
    assert len(s.memory_cards()) == 3  # and the plan has cards at once


@pytest.mark.parametrize("source", OLD_FILES, ids=lambda p: p.stem)
def test_old_attempts_are_replayed_once_into_the_same_cards_as_live_answers(tmp_path, source):
    s = Storage.open(_copy_v1(tmp_path, source))
    replayed = s.memory_cards()
    # The same attempts answered live, one by one, into a fresh file.
    live = Storage.open(tmp_path / "live.db")
    for a in s.attempts():
        a.id = None
        live.record_attempt(a)
    assert {k: (m.card.to_dict(), m.reviews) for k, m in replayed.items()} == \
        {k: (m.card.to_dict(), m.reviews) for k, m in live.memory_cards().items()}
    assert replayed["q:cnn-conv-001"].reviews == 2
    # Half marks is Hard; in the schema-2 file that answer used a hint, which makes it Again.
    hinted = source.stem.endswith("2")
    assert replayed["skill:iou:medium"].last_rating == int(Rating.Again if hinted else Rating.Hard)
    assert set(replayed) == {"q:cnn-conv-001", "skill:iou:medium", "q:x-short-1"}
    # Asking again does not replay again.
    assert s.memory_cards()["q:cnn-conv-001"].reviews == 2


def test_a_new_answer_on_an_old_file_catches_up_first(tmp_path):
    s = Storage.open(_copy_v1(tmp_path))  # nothing replayed yet
    s.record_attempt(_attempt(at=1_790_000_000.0))
    cards = s.memory_cards()
    assert cards["q:cnn-conv-001"].reviews == 3  # two old answers, then the new one
    assert cards["skill:iou:medium"].reviews == 2
