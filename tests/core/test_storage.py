"""Storage: migrations, damaged/locked/newer files, answers surviving a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path
import subprocess
import sys

import pytest

from quizapp.core import database as db
from quizapp.core import storage as st
from quizapp.core.storage import (
    Attempt, CorruptDatabase, LockedDatabase, NewerDatabase, Storage, backup_and_reset,
)


def _attempt(**kw) -> Attempt:
    base = dict(at=1.0, mode="practice", item_uid="q-1", chapter="ch1_cnn", type="single_choice",
                score=1.0, correct=True, response={"choice": 2})
    base.update(kw)
    return Attempt(**base)


def test_fresh_database_is_at_current_schema_in_wal_mode(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    assert s.schema_version == st.SCHEMA_VERSION >= 1
    mode = sqlite3.connect(tmp_path / "p.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_migration_runs_each_step_once_and_in_order(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    s = Storage.open(path)
    s.record_attempt(_attempt())
    s.close()
    # A hypothetical version 2 adds a column; opening again migrates only that step.
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS + ["ALTER TABLE attempts ADD COLUMN note TEXT;"])
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(db.MIGRATIONS))
    s2 = Storage.open(path)
    assert s2.schema_version == db.SCHEMA_VERSION
    cols = [r[1] for r in s2._conn.execute("PRAGMA table_info(attempts)")]
    assert "note" in cols
    assert [a.item_uid for a in s2.attempts()] == ["q-1"]  # data kept across the migration
    s2.close()
    Storage.open(path).close()  # and a second open does not try to add the column again


def test_failed_migration_leaves_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    Storage.open(path).close()
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS + ["CREATE TABLE x(a); THIS IS NOT SQL;"])
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(db.MIGRATIONS))
    with pytest.raises(st.StorageError):
        Storage.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == st.SCHEMA_VERSION
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name='x'").fetchall()


def test_newer_schema_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "p.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {st.SCHEMA_VERSION + 3}")
    conn.close()
    with pytest.raises(NewerDatabase) as err:
        Storage.open(path)
    assert "newer quizapp" in err.value.message
    assert path.exists()  # refused, not touched


def test_garbage_file_is_corrupt_then_backed_up_and_replaced(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"this is not a database at all\n" * 200)
    with pytest.raises(CorruptDatabase) as err:
        Storage.open(path)
    assert str(path) in err.value.message and err.value.hint
    backup = backup_and_reset(path, clock=lambda: 0.0)
    assert backup.exists() and backup.read_bytes().startswith(b"this is not")
    assert not path.exists()
    s = Storage.open(path)
    assert s.attempts() == []


def test_truncated_database_is_reported_not_raised_raw(tmp_path):
    path = tmp_path / "p.db"
    s = Storage.open(path)
    for i in range(300):
        s.record_attempt(_attempt(item_uid=f"q-{i}", response={"text": "x" * 200}))
    s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = path.read_bytes()
    path.write_bytes(data[:4096] + b"\x00" * 100 + data[8192:len(data) // 2])
    with pytest.raises(st.StorageError):
        s = Storage.open(path)
        s.attempts()


def test_locked_database_is_reported(tmp_path):
    path = tmp_path / "p.db"
    Storage.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        s = None
        with pytest.raises(LockedDatabase) as err:
            s = Storage.open(path, timeout=0.05)
            s.record_attempt(_attempt())
        assert "another" in err.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_attempts_round_trip(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    a = _attempt(kind="conv_output", topics=["conv"], mistakes=["no_padding"], seconds=3.5,
                 response={"fields": {"output_size": "30"}}, score=0.0, correct=False)
    s.record_attempt(a)
    [b] = s.attempts()
    assert b.kind == "conv_output" and b.topics == ["conv"] and b.mistakes == ["no_padding"]
    assert b.response == {"fields": {"output_size": "30"}} and b.correct is False and b.seconds == 3.5
    assert s.attempts(mode="exam") == []


def test_settings(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    assert s.get_setting("lang", "zh") == "zh"
    s.set_setting("lang", "en")
    s.set_setting("lang", "zh")
    assert s.get_setting("lang") == "zh"


def test_exam_answers_flags_and_resume_in_a_new_connection(tmp_path):
    path = tmp_path / "p.db"
    s = Storage.open(path)
    eid = s.create_exam(blueprint="final", seed=7, minutes=90, code="FINA-XXXXX", started_at=100.0,
                        deadline=100.0 + 5400, item_uids=["a", "b@1", "c"])
    s.save_exam_answer(eid, 1, {"fields": {"x": "3"}})
    s.set_exam_flag(eid, 2, True)
    s.add_exam_seconds(eid, 1, 12.5)
    s.set_exam_current(eid, 2)
    # no close(): a crash leaves the connection open
    s2 = Storage.open(path)
    row = s2.open_exam()
    assert row is not None and row.id == eid and row.current == 2 and row.deadline == 5500.0
    ans = s2.exam_answers(eid)
    assert [a.item_uid for a in ans] == ["a", "b@1", "c"]
    assert ans[1].response == {"fields": {"x": "3"}} and ans[1].seconds == 12.5
    assert ans[2].flagged and not ans[0].flagged and ans[0].response is None
    s2.finish_exam(eid, submitted_at=200.0, reason="student", score=1.0, total=3.0,
                   attempts=[_attempt(mode="exam")])
    assert s2.open_exam() is None
    assert [a.exam_id for a in s2.attempts(mode="exam")] == [eid]


def test_answer_survives_kill_9(tmp_path):
    """A process writes an answer and is killed with SIGKILL; the answer is there afterwards."""
    path = tmp_path / "p.db"
    code = f"""
import os, signal
from quizapp.core.storage import Storage
s = Storage.open({str(path)!r})
eid = s.create_exam(blueprint='final', seed=1, minutes=5, code='C', started_at=0.0,
                    deadline=300.0, item_uids=['a', 'b'])
s.save_exam_answer(eid, 0, {{'choice': 3}})
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert proc.returncode == -9
    s = Storage.open(path)
    row = s.open_exam()
    assert row is not None
    assert s.exam_answers(row.id)[0].response == {"choice": 3}


def test_mistake_book(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    s.note_wrong(key="q1", question_id="q1", kind=None, difficulty="easy", chapter="c", mistakes=[], at=5)
    s.note_wrong(key="drill:iou:easy", question_id=None, kind="iou", difficulty="easy", chapter="c",
                 mistakes=["m"], at=1)
    s.note_wrong(key="q1", question_id="q1", kind=None, difficulty="easy", chapter="c", mistakes=[], at=9)
    book = s.open_mistakes()
    assert [e.key for e in book] == ["drill:iou:easy", "q1"]
    assert book[1].wrong_count == 2 and book[0].last_mistakes == ["m"]
    s.clear_mistake("q1", 10)
    assert [e.key for e in s.open_mistakes()] == ["drill:iou:easy"]
    s.note_wrong(key="q1", question_id="q1", kind=None, difficulty="easy", chapter="c", mistakes=[], at=11)
    assert {e.key for e in s.open_mistakes()} == {"q1", "drill:iou:easy"}  # wrong again: back in


def test_unwritable_directory_is_a_storage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(st.StorageError):
        Storage.open(blocker / "sub" / "p.db")


def test_data_dir_precedence(tmp_path, monkeypatch):
    from quizapp.core import paths

    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "flag") == tmp_path / "flag"  # --data-dir wins
    assert paths.data_dir() == tmp_path / "env"  # then the environment
    monkeypatch.delenv("QUIZAPP_DATA_DIR")
    from platformdirs import user_data_dir

    assert paths.data_dir() == Path(user_data_dir("quizapp", appauthor=False))
    assert paths.database_path(tmp_path).name == "progress.sqlite3"
    made = paths.ensure_data_dir(tmp_path / "a" / "b")
    assert made.is_dir()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(st.StorageError, match="Cannot create the data directory"):
        paths.ensure_data_dir(blocker / "sub")


def test_the_file_level_names_are_still_importable_from_storage():
    for name in ("MIGRATIONS", "SCHEMA_VERSION", "CorruptDatabase", "LockedDatabase", "NewerDatabase",
                 "backup_and_reset"):
        assert getattr(st, name) is getattr(db, name)
