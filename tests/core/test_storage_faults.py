"""Storage under faults (issue 13): two instances at once, a full disk, kill -9 between writes,
a file missing a table. Faults are real where the machine allows (processes, sqlite's own page
limit, a tiny tmpfs when we may mount one), not mocks of our own code."""

from __future__ import annotations

import errno
import json
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.core import database as db
from quizapp.core import storage as st
from quizapp.core.storage import (
    Attempt, CorruptDatabase, LockedDatabase, Storage, StorageError, backup_and_reset,
)

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "tests" / "tui" / "fixtures" / "bank"


def _attempt(**kw) -> Attempt:
    base = dict(at=1.0, mode="practice", item_uid="q-1", chapter="ch1_cnn", type="single_choice",
                score=1.0, correct=True, response={"choice": 2})
    base.update(kw)
    return Attempt(**base)


# -- D1: two instances start at once on a new data directory --------------------------------------

def _open_and_write(path: str, barrier, out) -> None:
    barrier.wait()
    try:
        s = Storage.open(path, timeout=10.0)
        s.record_attempt(_attempt())
        out.put("ok")
    except StorageError as exc:
        out.put(f"{type(exc).__name__}: {exc.message}")


def test_instances_opening_a_new_data_dir_at_once_all_succeed(tmp_path):
    """The loser used to fail on "table attempts already exists" and call the file damaged."""
    ctx = mp.get_context("fork")
    outcomes = []
    for round_ in range(6):
        path = str(tmp_path / f"r{round_}" / "progress.sqlite3")
        barrier, out = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_and_write, args=(path, barrier, out)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes += [out.get(timeout=5) for _ in procs]
        assert sqlite3.connect(path).execute("SELECT count(*) FROM attempts").fetchone()[0] == \
            outcomes[-4:].count("ok")
    assert outcomes == ["ok"] * len(outcomes)


def test_schema_clash_and_lock_are_never_called_damage(tmp_path):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t(a)")
    with pytest.raises(sqlite3.OperationalError) as clash:
        conn.execute("CREATE TABLE t(a)")
    assert not isinstance(db.classify_error(clash.value, tmp_path / "p"), CorruptDatabase)
    assert isinstance(db.classify_error(sqlite3.OperationalError("database is locked"),
                                        tmp_path / "p"), LockedDatabase)


HOLDER = """
import sys, time
from quizapp.core.storage import Storage
s = Storage.open(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


def test_reset_is_refused_while_another_instance_holds_the_file(tmp_path):
    path = tmp_path / "progress.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert st.in_use_elsewhere(path)
        with pytest.raises(LockedDatabase, match="another quizapp"):
            backup_and_reset(path)
        assert path.exists() and not list(tmp_path.glob("*.broken-*"))
    finally:
        holder.communicate("\n", timeout=30)
    assert not st.in_use_elsewhere(path)  # the holder is gone: now it may be moved aside
    assert backup_and_reset(path).exists()


# -- D2: a full disk is not damage ---------------------------------------------------------------

def test_disk_full_while_writing_is_its_own_error_and_nothing_is_half_written(tmp_path):
    s = Storage.open(tmp_path / "p.db")
    pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
    s._conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # sqlite's own SQLITE_FULL
    with pytest.raises(st.DiskFull) as err:
        for i in range(200):
            s.record_attempt(_attempt(item_uid=f"q-{i}", response={"text": "x" * 4000}))
    assert "full" in err.value.message and "Retry" in err.value.hint
    assert not isinstance(err.value, CorruptDatabase)
    s._conn.execute("PRAGMA max_page_count = 1000000")  # space again: Retry works
    s.record_attempt(_attempt(item_uid="after"))
    assert s.attempts()[-1].item_uid == "after"


def test_enospc_from_the_system_is_disk_full(tmp_path):
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert isinstance(db.classify_error(exc, tmp_path / "p"), st.DiskFull)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (needs root and a kernel that lets us mount); skipped otherwise."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()[:80]}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(disk: Path) -> None:
    fd = os.open(disk / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_really_full_disk_is_reported_as_full_with_retry(tiny_disk):
    path = tiny_disk / "progress.sqlite3"
    s = Storage.open(path)
    s.record_attempt(_attempt(item_uid="kept"))
    _fill(tiny_disk)
    with pytest.raises(StorageError) as err:
        for i in range(200):
            s.record_attempt(_attempt(item_uid=f"q-{i}", response={"text": "x" * 4000}))
    assert isinstance(err.value, (st.DiskFull, st.DiskIOError)), err.value
    s.close()
    with pytest.raises(StorageError) as err:  # opening again on the full disk
        Storage.open(path).record_attempt(_attempt(response={"text": "y" * 20000}))
    assert not isinstance(err.value, CorruptDatabase)
    (tiny_disk / "ballast").unlink()
    assert "kept" in [a.item_uid for a in Storage.open(path).attempts()]


# -- D4: an attempt and its mistake-book entry are one transaction --------------------------------

KILL_BETWEEN = """
import os, signal, sys
from quizapp.core.bank.loader import load_bank
from quizapp.core.practice import PracticeSession
from quizapp.core.storage import Storage
s = Storage.open(sys.argv[1])
bank = load_bank(sys.argv[2])
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)      # the machine dies right after the attempt
Storage.note_wrong = die
if sys.argv[3] == "practice":
    p = PracticeSession(bank, s, mode="drill", target="conv_output", seed=1)
    p.next_item()
    p.submit({"fields": {"output_size": "-1"}})
else:
    from quizapp.core.exam import ExamSession
    e = ExamSession.start(bank, s, "mini", seed=5)
    e.submit()
"""


@pytest.mark.parametrize("flow", ["practice", "exam"])
def test_kill_9_between_the_attempt_and_the_mistake_book_keeps_both_or_neither(tmp_path, flow):
    path = tmp_path / "p.db"
    r = subprocess.run([sys.executable, "-c", KILL_BETWEEN, str(path), str(BANK), flow],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == -9, r.stderr[-2000:]
    s = Storage.open(path)
    wrong = [a for a in s.attempts() if not a.correct]
    assert len(wrong) == 0 or len(s.open_mistakes()) > 0
    assert wrong == [] and s.open_mistakes() == []  # the whole transaction was lost, not half


# -- C4: a file missing a table -------------------------------------------------------------------

def test_a_missing_table_is_named_at_open(tmp_path):
    path = tmp_path / "p.db"
    Storage.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE mistakes")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptDatabase, match="mistakes is missing"):
        Storage.open(path)


def test_statements_split_like_sqlite():
    script = ("CREATE TABLE a(x TEXT DEFAULT ';');\n-- a comment; with a semicolon\n"
              "CREATE TABLE b(y);")
    parts = db.statements(script)
    assert len(parts) == 2
    mem = sqlite3.connect(":memory:")
    for sql in parts:
        mem.execute(sql)
    assert mem.execute("SELECT x FROM (SELECT 1) LEFT JOIN a").fetchall() == [(None,)]
    assert {r[0] for r in mem.execute("SELECT name FROM sqlite_master")} == {"a", "b"}


# -- D3: two instances in the same mock exam -------------------------------------------------------

def test_two_windows_on_one_exam_grade_the_stored_answers_once(tmp_path):
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.exam import ExamSession
    
    bank = load_bank(BANK)
    path = tmp_path / "p.db"
    clock = lambda: 10_000.0  # noqa: E731
    first = ExamSession.start(bank, Storage.open(path, clock=clock), "mini", seed=5, clock=clock)
    second_storage = Storage.open(path, clock=clock)  # another quizapp on the same file
    second = ExamSession.resume(bank, second_storage, first.exam_id, clock=clock)
    choice = next(i for i, it in enumerate(first.items) if it.type == "single_choice")
    right = [c.correct for c in first.items[choice].question.choices].index(True)
    second.answer(choice, {"choice": right})  # given only in the second window
    third = ExamSession.resume(bank, Storage.open(path, clock=clock), first.exam_id, clock=clock)
    result = first.submit()
    assert result.items[choice].status == "right"  # graded from the file, not from memory
    with pytest.raises(st.ExamClosed):
        second.answer(choice, {"choice": (right + 1) % 4})
    assert second.submitted  # it now knows, and says so instead of accepting more answers
    with pytest.raises(st.ExamClosed, match="already submitted"):
        third.submit()  # a window that has not heard yet: refused, nothing recorded twice
    attempts = second_storage.attempts(mode="exam")
    assert len(attempts) == len(first.items)  # recorded once
    assert all(e.wrong_count == 1 for e in second_storage.open_mistakes())
    assert second_storage.exam_answers(first.exam_id)[choice].response == {"choice": right}
