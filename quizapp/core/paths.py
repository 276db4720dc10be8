"""Where quizapp keeps the student's data: one small module, one rule.

Order of precedence: an explicit directory (``--data-dir``), then ``QUIZAPP_DATA_DIR``, then the
platform's user data directory (``~/.local/share/quizapp`` on Linux, ``~/Library/Application
Support/quizapp`` on macOS, ``%LOCALAPPDATA%\\quizapp`` on Windows), via platformdirs.
"""

from __future__ import annotations

import os
from pathlib import Path

from quizapp.core.errors import StorageError

APP_NAME = "quizapp"
DB_NAME = "progress.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory (not created)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("QUIZAPP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def ensure_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory, created if needed; a StorageError says so if it cannot be."""
    path = data_dir(override)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the data directory {path} ({exc.strerror or exc}).",
            hint="Choose another one with --data-dir DIR or QUIZAPP_DATA_DIR.") from None
    if not os.access(path, os.W_OK):
        raise StorageError(f"The data directory {path} is not writable.",
                           hint="Choose another one with --data-dir DIR or QUIZAPP_DATA_DIR.")
    return path


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The progress database inside the data directory."""
    return data_dir(override) / DB_NAME
