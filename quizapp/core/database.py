"""The progress file itself: opening and checking it, migrating its schema, naming what is wrong.

:mod:`quizapp.core.storage` reads and writes the rows; this module owns the file. The schema is
versioned with ``PRAGMA user_version`` and migrated forward one step per transaction
(:data:`MIGRATIONS`); a file from a newer quizapp is refused rather than damaged. Every sqlite
failure becomes one of three :class:`StorageError` subclasses with a sentence and a way out
(:func:`backup_and_reset` keeps the bad file beside the new one).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Callable

from quizapp.core.errors import StorageError

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
]
SCHEMA_VERSION = len(MIGRATIONS)


class CorruptDatabase(StorageError):
    title = "Progress file damaged"


class LockedDatabase(StorageError):
    title = "Progress file in use"


class NewerDatabase(StorageError):
    title = "Progress file from a newer quizapp"


def classify_error(exc: sqlite3.Error, path: Path) -> StorageError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return LockedDatabase(
            f"The progress file {path} is locked by another program (is quizapp open in another "
            "terminal?).", hint="Close the other quizapp and try again.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageError(f"The progress file {path} cannot be written ({exc}).",
                            hint="Choose another place with --data-dir DIR.")
    return CorruptDatabase(
        f"The progress file {path} is damaged and cannot be read ({exc}).",
        hint="Keep it as a backup and start a fresh one (quizapp offers this), or use --data-dir.")


def backup_and_reset(path: str | os.PathLike[str], clock: Callable[[], float] = time.time) -> Path:
    """Move a bad database (and its WAL/SHM files) aside; return the backup path.

    The next :meth:`Storage.open` creates a fresh file; nothing is deleted."""
    path = Path(path)
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
        raise StorageError(f"Cannot move the damaged progress file {path} aside ({exc}).",
                           hint="Move or delete it by hand, or use --data-dir DIR.") from None
    return backup


def connect(path: Path, *, timeout: float = 1.0) -> sqlite3.Connection:
    """Open the file (creating and migrating as needed) and return the connection. Raises a
    StorageError subclass, never a bare sqlite3 error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Cannot create the data directory {path.parent} ({exc.strerror}).",
                           hint="Choose another one with --data-dir DIR.") from None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise classify_error(exc, path) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerDatabase(
                f"The progress file {path} was written by a newer quizapp (schema version "
                f"{version}; this one knows up to {SCHEMA_VERSION}).",
                hint="Upgrade quizapp, or keep the file as a backup and start fresh.")
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {ok}")
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a crash or kill -9 of the app (not a power cut).
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn, version)
    except StorageError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise classify_error(exc, path) from None
    return conn


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a file at schema ``version`` up to :data:`SCHEMA_VERSION`."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[target - 1]
        # One transaction per step: a crash mid-migration leaves the previous version intact.
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;")
