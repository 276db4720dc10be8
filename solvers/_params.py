"""Checking a user's own parameters (``quizapp solve``): one sentence naming the parameter.

Every ``need_*`` helper reads one parameter, refuses what the maths cannot use and says why in a
:class:`ParamError` naming it, never echoing a bad value whole (:func:`brief`). Beyond the limits
each kind states, a few bounds hold for every kind, so that no value a user can type reaches the
maths as an overflow, a hang or a traceback:

* whole numbers are at most ``MAX_INT`` unless the kind says otherwise;
* real numbers are 0 or between ``1/MAX_MAGNITUDE`` and ``MAX_MAGNITUDE`` in size (``1e999``,
  ``Infinity``, a 400-digit integer and ``1e-320`` are refused with a sentence);
* a vector or matrix has at most ``MAX_ELEMENTS`` numbers (a bound on work: 2000 x 2000), an
  image at most ``MAX_PIXELS`` (the image kinds check it; their generators stay hand-sized).
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

import numpy as np

MAX_INT = 10 ** 9
MAX_MAGNITUDE = 1e12
MAX_ELEMENTS = 4_000_000
MAX_PIXELS = 1_000_000  # an image `solve` takes (a 1000 x 1000 photo answers in about a second)


class ParamError(ValueError):
    """A parameter given to ``solve`` is missing or invalid; the message names it."""

    def __init__(self, param: str, message: str):
        self.param = param
        # a kind may put the bad value in its sentence: never let it run on (a 400-digit number,
        # a pasted matrix); long words are cut, and the sentence as a whole
        message = _LONG_WORD.sub(lambda m: m.group()[:30] + "...", message)
        if len(message) > 300:
            message = message[:297] + "..."
        super().__init__(f"parameter '{brief_name(param)}': {message}")


_LONG_WORD = re.compile(r"\S{41,}")


def brief_name(name: str) -> str:
    return name if len(name) <= 40 else name[:37] + "..."



def brief(value: Any) -> str:
    """A bad value named in an error message without echoing it whole: a list of a million
    entries is "a list of 1000000 items", a long text or number is cut to 40 characters."""
    if isinstance(value, (list, tuple, dict)):
        kind = "list" if not isinstance(value, dict) else "mapping"
        return f"a {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def need(params: Mapping[str, Any], name: str) -> Any:
    if name not in params:
        raise ParamError(name, "is missing")
    return params[name]


def _magnitude_error(value: float) -> str | None:
    if not math.isfinite(value):
        return "must be a finite number"
    if value != 0 and not (1 / MAX_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE):
        return f"must be 0 or between {1 / MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g} in size"
    return None


def need_int(params: Mapping[str, Any], name: str, *, minimum: int | None = None,
             maximum: int | None = None, default: int | None = None) -> int:
    if name not in params and default is not None:
        return default
    raw = need(params, name)
    try:
        if isinstance(raw, bool):
            raise ValueError
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ParamError(name, f"must be a whole number of at most {maximum or MAX_INT}, got {brief(raw)}")
        if isinstance(raw, str) and len(raw.strip()) > 30:
            raise ParamError(name, f"must be a whole number of at most {maximum or MAX_INT}, got {brief(raw)}")
        value = int(raw)
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        if isinstance(raw, str) and raw.strip() != str(value):
            raise ValueError
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ParamError):
            raise
        raise ParamError(name, f"must be a whole number, got {brief(raw)}") from None
    if minimum is not None and value < minimum:
        raise ParamError(name, f"must be at least {minimum}, got {brief(value)}")
    limit = MAX_INT if maximum is None else maximum
    if value > limit:
        why = "" if maximum is not None else " (a bound on the work a calculation may take)"
        raise ParamError(name, f"must be at most {limit}{why}, got {brief(value)}")
    if value < -MAX_INT:
        raise ParamError(name, f"must be at least {-MAX_INT}, got {brief(value)}")
    return value


def need_float(params: Mapping[str, Any], name: str, *, minimum: float | None = None,
               maximum: float | None = None, default: float | None = None) -> float:
    if name not in params and default is not None:
        return default
    raw = need(params, name)
    try:
        if isinstance(raw, bool) or (isinstance(raw, str) and len(raw) > 40):
            raise ValueError
        value = float(raw)
    except (TypeError, ValueError):
        raise ParamError(name, f"must be a number, got {brief(raw)}") from None
    except OverflowError:  # a 400-digit integer
        value = math.inf
    problem = _magnitude_error(value)
    if problem:
        raise ParamError(name, f"{problem}, got {brief(raw)}")
    if minimum is not None and value < minimum:
        raise ParamError(name, f"must be at least {minimum}, got {brief(value)}")
    if maximum is not None and value > maximum:
        raise ParamError(name, f"must be at most {maximum}, got {brief(value)}")
    return value


def _numbers(name: str, raw: Any, what: str) -> np.ndarray:
    """``raw`` as a float array, or a ParamError: not numbers, too many, or out of range."""
    if _count(raw) > MAX_ELEMENTS:
        raise ParamError(name, f"may hold at most {MAX_ELEMENTS:,} numbers (a bound on work), got more")
    try:
        if isinstance(raw, (str, bytes, dict)):
            raise ValueError
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ParamError(name, f"must be {what}, got {brief(raw)}") from None
    except OverflowError:  # an integer too large for a float
        raise ParamError(name, f"must contain numbers between {-MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}") from None
    finite = np.isfinite(arr)
    if not finite.all():
        raise ParamError(name, "must contain only finite numbers")
    size = np.abs(arr)
    if np.any((size > MAX_MAGNITUDE) | ((size < 1 / MAX_MAGNITUDE) & (size > 0))):
        raise ParamError(name, f"must contain numbers that are 0 or between {1 / MAX_MAGNITUDE:g} "
                               f"and {MAX_MAGNITUDE:g} in size")
    return arr


def _count(raw: Any, limit: int = MAX_ELEMENTS + 1) -> int:
    """How many leaves a nested list has, stopping early past ``limit`` (cheap on huge input)."""
    if not isinstance(raw, (list, tuple)):
        return 1
    total = 0
    for item in raw:
        total += _count(item, limit - total) if isinstance(item, (list, tuple)) else 1
        if total >= limit:
            return total
    return total


def need_bool(params: Mapping[str, Any], name: str, default: bool | None = None) -> bool:
    """A yes/no parameter: true/false, 1/0, "yes"/"no"."""
    if name not in params and default is not None:
        return default
    raw = need(params, name)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return raw.strip().lower() in ("true", "yes", "1")
    raise ParamError(name, f"must be true or false, got {brief(raw)}")


def need_choice(params: Mapping[str, Any], name: str, choices: tuple[str, ...],
                default: str | None = None) -> str:
    if name not in params and default is not None:
        return default
    raw = need(params, name)
    if raw not in choices:
        raise ParamError(name, f"must be one of {', '.join(choices)}, got {brief(raw)}")
    return raw


def need_vector(params: Mapping[str, Any], name: str, *, length: int | None = None) -> list[float]:
    raw = need(params, name)
    arr = _numbers(name, raw, "a list of numbers")
    if arr.ndim != 1 or arr.size == 0:
        raise ParamError(name, f"must be a non-empty list of numbers, got {brief(raw)}")
    if length is not None and arr.size != length:
        raise ParamError(name, f"must have {length} numbers, got {arr.size}")
    return arr.tolist()


def need_matrix(params: Mapping[str, Any], name: str, *, rows: int | None = None,
                cols: int | None = None, min_rows: int = 1, min_cols: int = 1) -> list[list[float]]:
    raw = need(params, name)
    shape_hint = "a rectangular matrix of numbers, e.g. [[1,2],[3,4]]"
    arr = _numbers(name, raw, shape_hint)
    if arr.ndim != 2:
        raise ParamError(name, f"must be {shape_hint}")
    r, c = arr.shape
    if (rows is not None and r != rows) or (cols is not None and c != cols):
        want = f"{rows if rows is not None else 'any'} x {cols if cols is not None else 'any'}"
        raise ParamError(name, f"must be {want}, got {r} x {c}")
    if r < min_rows or c < min_cols:
        raise ParamError(name, f"must be at least {min_rows} x {min_cols}, got {r} x {c}")
    return arr.tolist()
