"""A bounded description of any value, for error messages: "a list of 9 items", never the list.

A message that repeats a bad value whole can be megabytes long (a pasted list) or never end (a
YAML alias bomb, whose repr expands every alias). Short scalars are shown as they are.
"""

from __future__ import annotations

import re
from typing import Any

SHOWN_CHARS = 40


def summarise(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``'abc'``, ``3.5``, ``a number of 400 digits``, ``a list of 9 items``, ``a mapping of 3
    keys``, ``a text of 5000 characters starting 'abc...'``."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = len(str(abs(value))) if value.bit_length() < 20_000 else None
        if digits is not None and digits <= 24:
            return str(value)
        return f"a number of {digits or 'over 6000'} digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"a text of {len(value)} characters starting {value[:limit // 2]!r}…"
    if isinstance(value, (list, tuple, set, frozenset)):
        n = len(value)
        return f"a list of {n} item{'s' if n != 1 else ''}"
    if isinstance(value, dict):
        n = len(value)
        return f"a mapping of {n} key{'s' if n != 1 else ''}"
    return f"a {type(value).__name__}"


def clip(text: str, limit: int = 300) -> str:
    """Cut a finished message to ``limit`` characters (a last guard on anything quoted)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LONG_WORD = re.compile(r"\S{201,}")  # longer than any sensible file path


def bounded(text: str, limit: int = 1000) -> str:
    """A message made safe to show: every run of more than 200 characters without a space (a
    pasted value, a 5,000-digit number) is cut to its start and its length, and the whole to
    ``limit``. The last guard where messages reach the student (CLI, TUI), whoever wrote them."""
    text = _LONG_WORD.sub(lambda m: f"{m.group()[:40]}… ({len(m.group()):,} characters)", str(text))
    return clip(text, limit)
