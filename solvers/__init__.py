"""Verified calculation kinds for the course: one module per topic, registered by decorator.

Public API (everything else is a kind module's own business)::

    from solvers import all_kinds, get_kind, make_problem, solve_params
    p = make_problem("conv_output", seed=7, difficulty="easy")
    p.answer  # {'output_size': 30}

A new kind is one new module in this package with a ``@register``-ed :class:`Kind` subclass;
nothing else needs editing: modules are discovered with ``pkgutil`` on first use.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    DIFFICULTIES,
    AnswerField,
    Kind,
    Mistake,
    ParamError,
    Problem,
    Solution,
    Step,
    Text,
    UnknownKind,
    build,
    item_seed,
    register,
    registry,
)

__all__ = [
    "DIFFICULTIES", "AnswerField", "Kind", "Mistake", "ParamError", "Problem", "Solution", "Step",
    "Text", "UnknownKind", "all_kinds", "get_kind", "item_seed", "make_problem", "register",
    "solve_params",
]

_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def all_kinds() -> list[Kind]:
    """Every registered kind, sorted by chapter then id."""
    _load_all()
    return sorted(registry().values(), key=lambda k: (k.chapter, k.topic, k.id))


def get_kind(kind_id: str) -> Kind:
    _load_all()
    try:
        return registry()[kind_id]
    except KeyError:
        close = difflib.get_close_matches(kind_id, list(registry()), n=1)
        raise UnknownKind(kind_id, close[0] if close else None) from None


def make_problem(kind_id: str, seed: int, difficulty: str = "medium") -> Problem:
    """Generate the problem of ``kind_id`` for ``seed`` and ``difficulty``: same inputs, same item."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
    kind = get_kind(kind_id)
    rng = np.random.default_rng(int(seed))
    params = kind.generate(rng, difficulty)
    return build(kind, params, int(seed), difficulty)


def solve_params(kind_id: str, params: Mapping[str, Any]) -> Problem:
    """Solve a user's own parameters (validated by the kind; raises ParamError naming the bad one)."""
    kind = get_kind(kind_id)
    try:
        with np.errstate(all="ignore"):  # an overflow is reported below, not as a warning
            problem = build(kind, kind.check_params(dict(params)), None, None)
    except (ArithmeticError, RecursionError) as exc:  # OverflowError, ZeroDivisionError, decimal's
        raise ParamError("(values)", f"these numbers are too large or too small to compute with "
                                     f"({type(exc).__name__}); try values of a more usual size") from None
    if not _finite(problem.answer):
        raise ParamError("(values)", "these numbers make the answer overflow to infinity or become "
                                     "undefined; try values of a more usual size")
    return problem


def _finite(value: Any) -> bool:
    """No inf or nan anywhere in an answer (numbers, lists, matrices; other values pass)."""
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    try:
        return bool(np.isfinite(np.asarray(value, dtype=float)).all())
    except (TypeError, ValueError):
        return not isinstance(value, (list, tuple)) or all(_finite(v) for v in value)
    except OverflowError:
        return False
