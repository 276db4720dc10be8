"""A validated bank, kept between runs: ``paper``, ``worksheet`` and the app load it in a moment.

Validating a big bank costs seconds to minutes (YAML parsing, pydantic, compiling every key-point
phrasing); a bank changes far less often than it is used. The cache holds the validated
:class:`~quizapp.core.bank.loader.Bank` (pickled) under a fingerprint of everything validation
depends on: the content of every bank file, the quizapp version and the source files of the
validation code and the calculation kinds. Change any of them and the bank is validated again.
Only a bank with no problems is kept, so a broken bank is always reported in full.

The cache is the user's own (``QUIZAPP_CACHE_DIR``, else the platform's user cache directory);
anything unreadable in it is ignored and rebuilt, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from quizapp import __version__

_CODE = Path(__file__).resolve().parents[2]  # the quizapp package
_SOLVERS = _CODE.parent / "solvers"


def cache_dir() -> Path:
    env = os.environ.get("QUIZAPP_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "bank"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("quizapp", appauthor=False)) / "bank"


def bank_paths(root: Path) -> list[Path]:
    """Every file whose content validation reads."""
    return sorted(list(root.glob("*.y*ml")) + list((root / "blueprints").glob("*.y*ml")))


def fingerprint(root: Path, check_kinds: bool) -> str | None:
    """The cache key of the bank in ``root`` (``<directory>-<content>``); None when a file
    cannot be read (then the bank is simply validated)."""
    where = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{__version__}|{sys.version_info[:2]}|{check_kinds}".encode())
    try:
        for path in bank_paths(root):
            h.update(b"\0" + path.relative_to(root).as_posix().encode())
            h.update(hashlib.blake2b(path.read_bytes(), digest_size=20).digest())
        code = sorted((_CODE / "core").rglob("*.py")) + sorted(_SOLVERS.glob("*.py"))
        for path in code:
            st = path.stat()
            h.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return f"{where}-{h.hexdigest()}"


def load(key: str) -> Any | None:
    try:
        with open(cache_dir() / f"{key}.pickle", "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a missing, stale or damaged cache is only a miss
        return None


def store(key: str, bank: Any) -> None:
    """Keep ``bank`` under ``key``, replacing older versions of the same directory's bank
    (written whole or not at all; failures are ignored: the cache is only an accelerator)."""
    folder = cache_dir()
    part = folder / f".{key}.{os.getpid()}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part.write_bytes(pickle.dumps(bank, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(part, folder / f"{key}.pickle")
        where = key.split("-", 1)[0]
        for old in folder.glob(f"{where}-*.pickle"):
            if old.name != f"{key}.pickle":
                old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
