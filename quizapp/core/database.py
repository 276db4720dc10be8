"""The progress file itself: opening and checking it, migrating its schema, naming what is wrong.

:mod:`quizapp.core.storage` reads and writes the rows; this module owns the file. The schema is
versioned with ``PRAGMA user_version`` and migrated forward one step per transaction
(:data:`MIGRATIONS`); a file from a newer quizapp is refused rather than damaged. Every sqlite
failure becomes one of three :class:`StorageError` subclasses with a sentence and a way out
(:func:`backup_and_reset` keeps the bad file beside the new one).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable

from quizapp.core.errors import StorageError

try:  # POSIX advisory locks; absent on Windows, where the reset guard is sqlite's own locking
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

# Each entry moves the schema from version i to i + 1. Never edit a released entry: append one.
MIGRATIONS: list[str] = [
    # 0 -> 1: attempts, exams, per-question exam answers, the mistake book, settings.
    """
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        at          REAL    NOT NULL,
        mode        TEXT    NOT NULL,          -- practice | drill | review | exam
        item_uid    TEXT    NOT NULL,
        question_id TEXT,                      -- bank id; NULL for a pure drill
        kind        TEXT,                      -- solver kind of a calculation
        chapter     TEXT    NOT NULL,
        type        TEXT    NOT NULL,
        difficulty  TEXT,
        topics      TEXT    NOT NULL DEFAULT '[]',
        score       REAL    NOT NULL,          -- 0..1 of the item's points
        correct     INTEGER NOT NULL,
        response    TEXT    NOT NULL,          -- JSON, as given
        mistakes    TEXT    NOT NULL DEFAULT '[]',
        seconds     REAL,
        exam_id     INTEGER REFERENCES exams(id)
    );
    CREATE INDEX attempts_by_chapter ON attempts(chapter, at);
    CREATE INDEX attempts_by_kind ON attempts(kind, at);
    CREATE TABLE exams (
        id            INTEGER PRIMARY KEY,
        blueprint     TEXT    NOT NULL,
        seed          INTEGER NOT NULL,
        minutes       INTEGER NOT NULL,
        code          TEXT    NOT NULL,
        started_at    REAL    NOT NULL,
        deadline      REAL    NOT NULL,        -- wall clock: time runs while the app is closed
        submitted_at  REAL,
        submit_reason TEXT,                    -- student | time
        score         REAL,
        total         REAL,
        current       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE exam_answers (
        exam_id    INTEGER NOT NULL REFERENCES exams(id),
        position   INTEGER NOT NULL,
        item_uid   TEXT    NOT NULL,
        response   TEXT,                       -- JSON; NULL while unanswered
        flagged    INTEGER NOT NULL DEFAULT 0,
        seconds    REAL    NOT NULL DEFAULT 0,
        updated_at REAL,
        PRIMARY KEY (exam_id, position)
    );
    CREATE TABLE mistakes (
        key            TEXT PRIMARY KEY,       -- question id, or drill:<kind>:<difficulty>
        question_id    TEXT,
        kind           TEXT,
        difficulty     TEXT,
        chapter        TEXT    NOT NULL,
        wrong_count    INTEGER NOT NULL DEFAULT 1,
        first_wrong_at REAL    NOT NULL,
        last_wrong_at  REAL    NOT NULL,
        last_mistakes  TEXT    NOT NULL DEFAULT '[]',
        cleared_at     REAL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 1 -> 2: the exam clock counts time used (monotonic while the app runs, wall time while it
    # is closed, never a negative step), so setting the system clock back adds no time.
    """
    ALTER TABLE exams ADD COLUMN used REAL;     -- seconds of the limit used up to seen_at
                                                -- (NULL: an exam started before; see deadline)
    ALTER TABLE exams ADD COLUMN seen_at REAL;  -- wall clock when `used` was last saved
    """,
    # 2 -> 3: the memory model (quizapp.core.plan.memory): one FSRS card per bank item and per
    # calculation kind and difficulty, updated in the transaction that records each attempt.
    # Existing attempts are replayed into it on first use (memory_replay marks how far).
    """
    CREATE TABLE memory_cards (
        key         TEXT PRIMARY KEY,           -- q:<question id> | skill:<kind>:<difficulty>
        card        TEXT    NOT NULL,           -- fsrs.Card.to_json()
        reviews     INTEGER NOT NULL DEFAULT 0,
        last_rating INTEGER,                    -- fsrs.Rating of the latest review
        updated_at  REAL    NOT NULL
    );
    CREATE TABLE memory_replay (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        through INTEGER NOT NULL                -- every attempt with id <= through is in the cards
    );
    """,
    # 3 -> 4: marking written answers after an exam (quizapp.core.exam_marking). The student's
    # ticks for each written part, saved when given; attempts record which points were
    # self-marked (NULL: everything in it was marked by the machine).
    """
    CREATE TABLE exam_marks (
        exam_id   INTEGER NOT NULL REFERENCES exams(id),
        position  INTEGER NOT NULL,
        part      INTEGER NOT NULL,             -- 0: a short-answer item; n: part n of an item
        ticks     TEXT    NOT NULL,             -- JSON list of booleans, one per key point
        done      INTEGER NOT NULL DEFAULT 0,   -- 1 once the student confirmed the marking
        marked_at REAL    NOT NULL,
        PRIMARY KEY (exam_id, position, part)
    );
    ALTER TABLE attempts ADD COLUMN self_marked TEXT;  -- JSON {part: [ticks]} ticked by the student
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class CorruptDatabase(StorageError):
    """Only a file that fails sqlite's integrity check (or is not a database at all) is damaged."""

    title = "Progress file damaged"


class LockedDatabase(StorageError):
    title = "Progress file in use"


class NewerDatabase(StorageError):
    title = "Progress file from a newer quizapp"


class DiskFull(StorageError):
    """The disk is full: the file is fine, so never offer to replace it; free space and retry."""

    title = "Disk full"


class DiskIOError(StorageError):
    """The system could not read or write the file (a failing disk, a vanished network share)."""

    title = "Cannot read or write the progress file"


# sqlite primary result codes (https://sqlite.org/rescode.html): the code, not the message text,
# says what went wrong; the text is only a fallback for errors raised without a code.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _PERM, _NOTADB = (
    5, 6, 8, 10, 11, 13, 14, 3, 26)


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def classify_error(exc: BaseException, path: Path) -> StorageError:
    """The sentence for a sqlite (or OS) failure on ``path``. Only a damaged file is
    :class:`CorruptDatabase`; "table already exists", "locked", "disk full" and I/O errors are
    not damage and must never lead to the file being moved aside."""
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return _disk_full(path)
        return DiskIOError(f"The progress file {path} could not be read or written "
                           f"({exc.strerror or type(exc).__name__}).",
                           hint="Check the disk, then press Retry.")
    code = _primary_code(exc)
    text = str(exc).lower()
    if code in (_BUSY, _LOCKED) or (code is None and ("locked" in text or "busy" in text)):
        return LockedDatabase(
            f"The progress file {path} is locked by another program (is quizapp open in another "
            "terminal?).", hint="Close the other quizapp and try again.")
    if code == _FULL or (code is None and "disk is full" in text):
        return _disk_full(path)
    if code == _IOERR or (code is None and "disk i/o error" in text):
        return DiskIOError(f"The progress file {path} could not be read or written (disk I/O "
                           "error).", hint="Check the disk, then press Retry.")
    if code in (_READONLY, _CANTOPEN, _PERM) or (code is None and (
            "readonly" in text or "read-only" in text or "unable to open" in text)):
        return StorageError(f"The progress file {path} cannot be written ({_short(exc)}).",
                            hint="Choose another place with --data-dir DIR.")
    if code in (_CORRUPT, _NOTADB) or (code is None and (
            "malformed" in text or "not a database" in text or "integrity check" in text)):
        return CorruptDatabase(
            f"The progress file {path} is damaged and cannot be read ({_short(exc)}).",
            hint="Keep it as a backup and start a fresh one (quizapp offers this), or use "
                 "--data-dir.")
    # Anything else (a schema clash, a bug) is not evidence of damage: say it, offer Retry.
    return StorageError(f"The progress file {path} could not be used ({_short(exc)}).",
                        hint="Press Retry; if it persists, report it (the file is left as it is).")


def _disk_full(path: Path) -> DiskFull:
    return DiskFull(f"The disk holding the progress file {path} is full; nothing was lost, but "
                    "quizapp cannot save until there is space.",
                    hint="Free some disk space, then press Retry.")


def _short(exc: BaseException, limit: int = 160) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "…"


# -- who else has the file open --------------------------------------------------------------------
# Every quizapp holds a shared advisory lock on "<file>.lock" while it has the database open;
# moving the file aside needs the exclusive lock. So a reset can never pull the database from
# under another running instance (D1 of issue 13), even when sqlite itself reports no lock.

def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class FileHold:
    """A shared (or exclusive) advisory lock on the database's lock file; ``release()`` ends it.
    Where ``fcntl`` is missing (Windows) it holds nothing and every probe says "free"."""

    def __init__(self, path: Path, *, exclusive: bool = False):
        self._fd: int | None = None
        if fcntl is None:
            return
        try:
            fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # an unwritable directory is reported by sqlite with its own sentence
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise LockedDatabase(
                f"The progress file {path} is open in another quizapp.",
                hint="Close the other quizapp first; nothing was changed.") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


def in_use_elsewhere(path: str | os.PathLike[str]) -> bool:
    """True while another quizapp (another connection of this one included) holds the file."""
    try:
        FileHold(Path(path), exclusive=True).release()
    except LockedDatabase:
        return True
    return False


def backup_and_reset(path: str | os.PathLike[str], clock: Callable[[], float] = time.time) -> Path:
    """Move a bad database (and its WAL/SHM files) aside; return the backup path.

    Refused (:class:`LockedDatabase`) while any quizapp holds the file. The next
    :meth:`Storage.open` creates a fresh file; nothing is deleted."""
    path = Path(path)
    hold = FileHold(path, exclusive=True)
    try:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(clock()))
        backup = path.with_name(f"{path.name}.broken-{stamp}")
        n = 1
        while backup.exists():
            n += 1
            backup = path.with_name(f"{path.name}.broken-{stamp}-{n}")
        try:
            if path.exists():
                path.replace(backup)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.replace(backup.with_name(backup.name + suffix))
        except OSError as exc:
            raise StorageError(f"Cannot move the damaged progress file {path} aside ({exc.strerror}).",
                               hint="Move or delete it by hand, or use --data-dir DIR.") from None
    finally:
        hold.release()
    return backup


def connect(path: Path, *, timeout: float = 1.0) -> tuple[sqlite3.Connection, FileHold]:
    """Open the file (creating and migrating as needed); return the connection and this
    instance's hold on the file (release it after closing). Raises a StorageError subclass,
    never a bare sqlite3 error.

    sqlite answers some lock conflicts at once, without waiting on its busy timeout (switching a
    new file to WAL while another instance creates it; a reader asking to write while another
    writes): those are tried again until ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _connect_once(path, timeout=timeout)
        except LockedDatabase:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _connect_once(path: Path, *, timeout: float) -> tuple[sqlite3.Connection, FileHold]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Cannot create the data directory {path.parent} ({exc.strerror}).",
                           hint="Choose another one with --data-dir DIR.") from None
    hold = FileHold(path)
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        hold.release()
        raise classify_error(exc, path) from None
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise CorruptDatabase(
                f"The progress file {path} is damaged: sqlite's integrity check failed "
                f"({_short(ok)}).",
                hint="Keep it as a backup and start a fresh one (quizapp offers this), or use "
                     "--data-dir.")
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a crash or kill -9 of the app (not a power cut).
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn, path)
        check_tables(conn, path)
    except StorageError:
        conn.close()
        hold.release()
        raise
    except (sqlite3.Error, OSError) as exc:
        conn.close()
        hold.release()
        raise classify_error(exc, path) from None
    return conn, hold


def _newer(path: Path, version: int) -> NewerDatabase:
    return NewerDatabase(
        f"The progress file {path} was written by a newer quizapp (schema version "
        f"{version}; this one knows up to {SCHEMA_VERSION}).",
        hint="Upgrade quizapp, or keep the file as a backup and start fresh.")


def statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite decides where one ends, so a ';' in a
    string, a comment or a trigger body does not split it)."""
    out, buf = [], ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \n\t;"):
        out.append(buf.strip())
    return out


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> None:
    """Bring the file up to :data:`SCHEMA_VERSION`, one step per transaction.

    Each step takes the write lock first and only then reads the version, so two instances
    opening a new data directory at once migrate it once: the second waits, sees the new version
    and does nothing (it used to fail on "table already exists" and call the file damaged). A
    crash mid-step leaves the previous version intact."""
    path = path or Path("?")
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _newer(path, version)
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            for sql in statements(MIGRATIONS[version]):
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def expected_tables() -> set[str]:
    """Every table the migrations create (read from a scratch in-memory database)."""
    mem = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            for sql in statements(script):
                mem.execute(sql)
        return {r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        mem.close()


def check_tables(conn: sqlite3.Connection, path: Path) -> None:
    """A file at the current version that lacks a table was damaged (by hand or by a tool):
    say so at open, rather than failing on the home screen's first query."""
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(expected_tables() - have)
    if missing:
        raise CorruptDatabase(
            f"The progress file {path} is damaged: its table{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing[:5])} {'are' if len(missing) > 1 else 'is'} missing.",
            hint="Keep it as a backup and start a fresh one (quizapp offers this), or use "
                 "--data-dir.")
