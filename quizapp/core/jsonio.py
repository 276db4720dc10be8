"""JSON text of a generated problem, fast: ``quizapp generate --format json`` writes one per item.

orjson writes the same text as ``json.dumps(value, ensure_ascii=False, indent=2)`` for the values
a problem holds (strings, floats by their shortest repr, ints, lists, dicts), 5-10 times faster;
serialising was a third of the time of making an ``lstm_step`` problem. An integer past 64 bits
(``solve`` with huge numbers) is beyond orjson, so such an item goes through ``json`` instead.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ModuleNotFoundError:  # pragma: no cover - a dependency; json is the fallback
    orjson = None


def dumps_item(value: Any) -> str:
    """``value`` as indented JSON text (2 spaces, non-ASCII kept), as ``json.dumps`` would write it."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError:  # an int past 64 bits, or a type orjson does not take
            pass
    return json.dumps(value, ensure_ascii=False, indent=2)
