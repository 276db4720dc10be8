"""The student's progress, kept in one SQLite file (stdlib ``sqlite3``, WAL journal).

Every answer is written the moment it is given, in its own transaction, so closing the terminal or
``kill -9`` loses nothing that was on screen. The schema is versioned with ``PRAGMA user_version``
and migrated forward step by step; a file from a newer quizapp is refused rather than damaged
(both in :mod:`quizapp.core.database`, which owns the file; this module reads and writes rows).

A database that cannot be used raises one of three :class:`StorageError` subclasses, each with one
sentence for the student and a way out (:func:`backup_and_reset` keeps the bad file beside the new
one): :class:`CorruptDatabase`, :class:`LockedDatabase`, :class:`NewerDatabase`.

Exam timing: an exam stores the seconds of its limit ``used`` and the wall time ``seen_at`` they
were saved (see :mod:`quizapp.core.exam` for the rule). The clock keeps running while the app is
closed, as in a real exam hall; an exam whose time ran out while closed is submitted with the
answers it had when the app starts again. ``deadline`` is kept for exams started before.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from contextlib import contextmanager

# The file (schema, migrations, errors, backups) is quizapp.core.database; its public names are
# importable from here as before.
from quizapp.core.database import (  # noqa: F401
    MIGRATIONS, SCHEMA_VERSION, CorruptDatabase, DiskFull, DiskIOError, FileHold, LockedDatabase,
    NewerDatabase, backup_and_reset, classify_error as _classify, connect, in_use_elsewhere,
)
from quizapp.core.errors import InputError, StorageError  # noqa: F401


class ExamClosed(InputError):
    """The exam was submitted (possibly by another quizapp on the same file): no more writes."""

    title = "Exam already submitted"


@dataclass
class Attempt:
    """One graded answer (practice, drill, review or exam)."""

    at: float
    mode: str
    item_uid: str
    chapter: str
    type: str
    score: float
    correct: bool
    response: dict[str, Any]
    question_id: str | None = None
    kind: str | None = None
    difficulty: str | None = None
    topics: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    seconds: float | None = None
    exam_id: int | None = None
    id: int | None = None


@dataclass
class ExamRow:
    id: int
    blueprint: str
    seed: int
    minutes: int
    code: str
    started_at: float
    deadline: float
    submitted_at: float | None
    submit_reason: str | None
    score: float | None
    total: float | None
    current: int
    used: float | None = None
    seen_at: float | None = None


@dataclass
class ExamAnswer:
    position: int
    item_uid: str
    response: dict[str, Any] | None
    flagged: bool
    seconds: float


@dataclass
class MistakeEntry:
    key: str
    question_id: str | None
    kind: str | None
    difficulty: str | None
    chapter: str
    wrong_count: int
    first_wrong_at: float
    last_wrong_at: float
    last_mistakes: list[str]
    cleared_at: float | None


class Storage:
    """The progress database. Every write method is one committed transaction, unless it runs
    inside :meth:`transaction`, which makes several writes one (all or nothing)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Callable[[], float],
                 hold: FileHold | None = None):
        self._conn = conn
        self.path = path
        self.clock = clock
        self._hold = hold
        self._lock = threading.RLock()
        self._depth = 0

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time,
             timeout: float = 1.0) -> "Storage":
        """Open (creating and migrating as needed; see :func:`quizapp.core.database.connect`).
        Raises a StorageError subclass, never a bare sqlite3 error."""
        path = Path(path)
        conn, hold = connect(path, timeout=timeout)
        return cls(conn, path, clock, hold)

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    def close(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass
        if self._hold is not None:
            self._hold.release()

    # -- plumbing ----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Storage"]:
        """Make every write inside one transaction: all are kept or none is (a kill -9 between
        an attempt and its mistake-book entry can no longer keep one without the other). Reads
        inside see the file as it is under the write lock, so re-read state here before acting
        on it. Nests: an inner ``transaction()`` joins the outer one.

        Usage (this is the helper for any new write that belongs with an attempt)::

            with storage.transaction():
                storage.record_attempt(a)
                storage.note_wrong(...)
        """
        with self._tx():
            yield self

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._depth:  # joined to the enclosing transaction
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _classify(exc, self.path) from None
            self._depth = 1
            try:
                yield self._conn
            except BaseException as exc:
                self._depth = 0
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:  # sqlite may already have rolled back (disk full)
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise _classify(exc, self.path) from None
                raise
            self._depth = 0
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise _classify(exc, self.path) from None

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise _classify(exc, self.path) from None

    # -- settings ----------------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self._tx() as c:
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))

    # -- attempts ----------------------------------------------------------------------------------

    _ATTEMPT_COLS = ("at, mode, item_uid, question_id, kind, chapter, type, difficulty, topics, "
                     "score, correct, response, mistakes, seconds, exam_id")

    def record_attempt(self, a: Attempt) -> int:
        with self._tx() as c:
            return self._insert_attempt(c, a)

    def _insert_attempt(self, c: sqlite3.Connection, a: Attempt) -> int:
        cur = c.execute(
            f"INSERT INTO attempts({self._ATTEMPT_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a.at, a.mode, a.item_uid, a.question_id, a.kind, a.chapter, a.type, a.difficulty,
             json.dumps(list(a.topics)), float(a.score), int(bool(a.correct)),
             json.dumps(a.response, ensure_ascii=False), json.dumps(list(a.mistakes)),
             a.seconds, a.exam_id))
        a.id = int(cur.lastrowid)
        self._review_memory(c, a)
        return a.id

    # -- the memory model (quizapp.core.plan.memory owns its tables) --------------------------------

    @staticmethod
    def _review_memory(c: sqlite3.Connection, a: Attempt) -> None:
        """The attempt's FSRS cards, updated in the attempt's own transaction."""
        from quizapp.core.plan.memory import review_attempt

        review_attempt(c, a)

    def memory_cards(self) -> dict:
        """Every FSRS card by key (attempts from before the memory model are replayed first)."""
        from quizapp.core.plan.memory import read_cards, replay, replayed_through

        last = self._query("SELECT MAX(id) FROM attempts")[0][0] or 0
        if replayed_through(self._conn) < last:
            with self._tx() as c:
                replay(c)
        try:
            return read_cards(self._conn)
        except sqlite3.Error as exc:
            raise _classify(exc, self.path) from None

    def attempts(self, *, mode: str | None = None, exam_id: int | None = None) -> list[Attempt]:
        """Every attempt, oldest first (optionally of one mode or one exam)."""
        where, args = [], []
        if mode is not None:
            where.append("mode = ?")
            args.append(mode)
        if exam_id is not None:
            where.append("exam_id = ?")
            args.append(exam_id)
        sql = f"SELECT id, {self._ATTEMPT_COLS} FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._query(sql + " ORDER BY at, id", tuple(args))
        return [Attempt(id=r[0], at=r[1], mode=r[2], item_uid=r[3], question_id=r[4], kind=r[5],
                        chapter=r[6], type=r[7], difficulty=r[8], topics=json.loads(r[9]),
                        score=r[10], correct=bool(r[11]), response=json.loads(r[12]),
                        mistakes=json.loads(r[13]), seconds=r[14], exam_id=r[15]) for r in rows]

    # -- exams ---------------------------------------------------------------------------------------

    def create_exam(self, *, blueprint: str, seed: int, minutes: int, code: str,
                    started_at: float, deadline: float, item_uids: list[str]) -> int:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO exams(blueprint, seed, minutes, code, started_at, deadline, used, "
                "seen_at) VALUES (?,?,?,?,?,?,0,?)",
                (blueprint, int(seed), int(minutes), code, started_at, deadline, started_at))
            exam_id = int(cur.lastrowid)
            c.executemany("INSERT INTO exam_answers(exam_id, position, item_uid) VALUES (?,?,?)",
                          [(exam_id, i, uid) for i, uid in enumerate(item_uids)])
        return exam_id

    _EXAM_COLS = ("id, blueprint, seed, minutes, code, started_at, deadline, submitted_at, "
                  "submit_reason, score, total, current, used, seen_at")

    def exam(self, exam_id: int) -> ExamRow:
        rows = self._query(f"SELECT {self._EXAM_COLS} FROM exams WHERE id = ?", (exam_id,))
        if not rows:
            raise StorageError(f"There is no exam number {exam_id} in {self.path}.")
        return ExamRow(*rows[0])

    def open_exam(self) -> ExamRow | None:
        """The most recent exam not yet submitted, if any."""
        rows = self._query(f"SELECT {self._EXAM_COLS} FROM exams WHERE submitted_at IS NULL "
                           "ORDER BY id DESC LIMIT 1")
        return ExamRow(*rows[0]) if rows else None

    def exams(self) -> list[ExamRow]:
        return [ExamRow(*r) for r in self._query(f"SELECT {self._EXAM_COLS} FROM exams ORDER BY id")]

    def exam_answers(self, exam_id: int) -> list[ExamAnswer]:
        rows = self._query("SELECT position, item_uid, response, flagged, seconds FROM exam_answers "
                           "WHERE exam_id = ? ORDER BY position", (exam_id,))
        return [ExamAnswer(r[0], r[1], json.loads(r[2]) if r[2] is not None else None,
                           bool(r[3]), float(r[4])) for r in rows]

    # Every write to an exam re-reads, under the write lock, whether it is still open: another
    # quizapp on the same file may have submitted it meanwhile (then ExamClosed, nothing written).

    def _require_open_exam(self, c: sqlite3.Connection, exam_id: int) -> None:
        row = c.execute("SELECT submitted_at FROM exams WHERE id = ?", (exam_id,)).fetchone()
        if row is None:
            raise StorageError(f"There is no exam number {exam_id} in {self.path}.")
        if row[0] is not None:
            raise ExamClosed("This exam has already been submitted (perhaps in another quizapp "
                             "window); answers can no longer change.",
                             hint="Its result is under Progress.")

    def _exam_write(self, exam_id: int, sql: str, args: tuple) -> None:
        with self._tx() as c:
            self._require_open_exam(c, exam_id)
            c.execute(sql, args)

    def save_exam_answer(self, exam_id: int, position: int, response: dict[str, Any] | None) -> None:
        self._exam_write(exam_id, "UPDATE exam_answers SET response = ?, updated_at = ? "
                         "WHERE exam_id = ? AND position = ?",
                         (None if response is None else json.dumps(response, ensure_ascii=False),
                          self.clock(), exam_id, position))

    def set_exam_flag(self, exam_id: int, position: int, flagged: bool) -> None:
        self._exam_write(exam_id, "UPDATE exam_answers SET flagged = ? WHERE exam_id = ? "
                         "AND position = ?", (int(flagged), exam_id, position))

    def add_exam_seconds(self, exam_id: int, position: int, seconds: float) -> None:
        self._exam_write(exam_id, "UPDATE exam_answers SET seconds = seconds + ? WHERE exam_id = ? "
                         "AND position = ?", (max(0.0, float(seconds)), exam_id, position))

    def save_exam_clock(self, exam_id: int, used: float, seen_at: float) -> None:
        """Seconds of the limit used, as of wall time ``seen_at`` (and the deadline that implies,
        for older readers)."""
        self._exam_write(exam_id, "UPDATE exams SET used = ?, seen_at = ?, "
                         "deadline = ? + 60.0 * minutes - ? WHERE id = ?",
                         (float(used), float(seen_at), float(seen_at), float(used), exam_id))

    def set_exam_current(self, exam_id: int, position: int) -> None:
        self._exam_write(exam_id, "UPDATE exams SET current = ? WHERE id = ?", (position, exam_id))

    def finish_exam(self, exam_id: int, *, submitted_at: float, reason: str, score: float,
                    total: float, attempts: list[Attempt]) -> None:
        """Mark the exam submitted and record its graded answers, all in one transaction.
        Raises :class:`ExamClosed` (writing nothing) if it was already submitted."""
        with self._tx() as c:
            self._require_open_exam(c, exam_id)
            c.execute("UPDATE exams SET submitted_at = ?, submit_reason = ?, score = ?, total = ? "
                      "WHERE id = ?", (submitted_at, reason, score, total, exam_id))
            for a in attempts:
                a.exam_id = exam_id
                self._insert_attempt(c, a)

    # -- marking written answers after an exam (quizapp.core.exam_marking) ----------------------

    def exam_marks(self, exam_id: int) -> dict[tuple[int, int], tuple[list[bool], bool]]:
        """(position, part) -> (the student's ticks, confirmed)."""
        rows = self._query("SELECT position, part, ticks, done FROM exam_marks WHERE exam_id = ?",
                           (exam_id,))
        return {(r[0], r[1]): ([bool(t) for t in json.loads(r[2])], bool(r[3])) for r in rows}

    def save_exam_marks(self, exam_id: int, position: int, part: int, ticks: list[bool],
                        done: bool) -> None:
        with self._tx() as c:
            c.execute("INSERT INTO exam_marks(exam_id, position, part, ticks, done, marked_at) "
                      "VALUES (?,?,?,?,?,?) ON CONFLICT(exam_id, position, part) DO UPDATE SET "
                      "ticks = excluded.ticks, done = excluded.done, marked_at = excluded.marked_at",
                      (exam_id, position, part, json.dumps([bool(t) for t in ticks]), int(done),
                       self.clock()))

    def remark_exam_item(self, exam_id: int, item_uid: str, *, score: float, correct: bool,
                         self_marked: dict[str, list[bool]], exam_score: float) -> None:
        """A marked item's new score in its exam attempt, and the exam's new total."""
        with self._tx() as c:
            c.execute("UPDATE attempts SET score = ?, correct = ?, self_marked = ? "
                      "WHERE exam_id = ? AND item_uid = ?",
                      (float(score), int(correct), json.dumps(self_marked), exam_id, item_uid))
            c.execute("UPDATE exams SET score = ? WHERE id = ?", (float(exam_score), exam_id))
            self._rebuild_memory(c, exam_id, item_uid)

    @staticmethod
    def _rebuild_memory(c: sqlite3.Connection, exam_id: int, item_uid: str) -> None:
        """The item's FSRS cards as if the marked score had been known at submit."""
        from quizapp.core.plan.memory import card_keys, rebuild

        rows = c.execute("SELECT question_id, kind, difficulty FROM attempts "
                         "WHERE exam_id = ? AND item_uid = ?", (exam_id, item_uid)).fetchall()
        rebuild(c, {k for q, kind, d in rows
                    for k in card_keys({"question_id": q, "kind": kind, "difficulty": d})})

    def self_marked(self, exam_id: int) -> dict[str, dict[str, list[bool]]]:
        """item uid -> the key points its student ticked, by part, for one exam's attempts."""
        rows = self._query("SELECT item_uid, self_marked FROM attempts WHERE exam_id = ? "
                           "AND self_marked IS NOT NULL", (exam_id,))
        return {r[0]: json.loads(r[1]) for r in rows}

    # -- the mistake book ----------------------------------------------------------------------------

    def note_wrong(self, *, key: str, question_id: str | None, kind: str | None,
                   difficulty: str | None, chapter: str, mistakes: list[str], at: float) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO mistakes(key, question_id, kind, difficulty, chapter, wrong_count, "
                "first_wrong_at, last_wrong_at, last_mistakes) VALUES (?,?,?,?,?,1,?,?,?) "
                "ON CONFLICT(key) DO UPDATE SET wrong_count = wrong_count + 1, "
                "last_wrong_at = excluded.last_wrong_at, last_mistakes = excluded.last_mistakes, "
                "cleared_at = NULL",
                (key, question_id, kind, difficulty, chapter, at, at, json.dumps(mistakes)))

    def clear_mistake(self, key: str, at: float) -> None:
        with self._tx() as c:
            c.execute("UPDATE mistakes SET cleared_at = ? WHERE key = ?", (at, key))

    def open_mistakes(self) -> list[MistakeEntry]:
        """Mistakes not yet put right, oldest first."""
        rows = self._query(
            "SELECT key, question_id, kind, difficulty, chapter, wrong_count, first_wrong_at, "
            "last_wrong_at, last_mistakes, cleared_at FROM mistakes WHERE cleared_at IS NULL "
            "ORDER BY last_wrong_at, key")
        return [MistakeEntry(*r[:8], json.loads(r[8]), r[9]) for r in rows]
