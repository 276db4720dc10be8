"""The LMS and flash-card face: the bank and the engine's calculation kinds as Moodle XML, GIFT,
an Anki package or a QTI 2.1 content package.

Like the worksheet, this package calls the core and decides no rule: which items go in is
:func:`quizapp.core.export_set.export_items`; answers, tolerances and mistakes come from the
engine. Each format module turns items into its file; :func:`export` writes the file atomically
(a temporary file in the target folder, renamed at the end), so a failed export leaves nothing.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from quizapp.core.errors import OutputError

# format -> (module, usual file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "moodle": ("moodle", ".xml"),
    "anki": ("anki", ".apkg"),
    "gift": ("gift", ".txt"),  # Moodle's GIFT import picks .txt files
    "qti": ("qti", ".zip"),
}


@dataclass
class Exported:
    path: Path
    questions: int  # items exported (a comprehensive item counts once)
    warnings: list[str]


def export(fmt: str, items, bank, out: str | Path, lang: str = "both") -> Exported:
    """Write ``items`` in format ``fmt`` to ``out``; returns what was written and what the format
    could not carry (one warning per item type or kind and reason)."""
    from quizapp.export.common import Context
    from quizapp.export.html import Style

    module = importlib.import_module(f"quizapp.export.{FORMATS[fmt][0]}")
    ctx = Context(style=Style(lang, multilang=fmt in ("moodle", "gift")),
                  chapters={c.id: c.title for c in bank.chapters})
    path = Path(out)
    atomic_write(path, lambda tmp: module.write(items, ctx, tmp))
    return Exported(path, len(items), ctx.warnings(fmt))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | Path) -> None:
    """Fail before any work when ``path`` plainly cannot be written (a folder, a missing or
    read-only folder); :func:`atomic_write` still catches what only the write reveals."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name, e.g. {path / 'quizapp-export'}.")
    if not parent.is_dir():
        raise OutputError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"Cannot write {path}: the folder {parent} is not writable.")


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it over ``path``;
    on any failure the temporary file is removed and ``path`` is left as it was."""
    check_writable(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=parent)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc} (check that the folder "
                          "exists and is writable).") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the result is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
