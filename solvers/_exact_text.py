"""Exact forms as text (``Solution.exact``, e.g. ``"7/25"``, ``"exp(1)/(1 + exp(1))"``) without SymPy.

Building and printing a SymPy expression cost 3-6 ms per problem, most of the time of the kinds
that state one; these forms are written directly from ``fractions.Fraction`` values. They read as
the grader's expression syntax (``^`` for powers, ``sqrt``, ``exp``, ``log``, ``tanh``) and as
SymPy's (``sympify`` takes ``^``), which ``tests/solvers/test_rounding.py`` uses to check keys.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable

from solvers._rounding import fraction


def q(x: Any) -> str:
    """An exact rational: ``0.1`` -> ``1/10``, ``2.0`` -> ``2``."""
    return str(fraction(x))


def atom(x: Any) -> str:
    """A rational as a factor: negative or fractional values in brackets."""
    v = fraction(x)
    return str(v) if v >= 0 and v.denominator == 1 else f"({v})"


def qlist(values: Iterable[Any]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def exp_of(x: Any) -> str:
    v = fraction(x)
    return "1" if v == 0 else f"exp({v})"


def sigmoid_of(x: Any) -> str:
    """s(x) = 1/(1 + exp(-x))."""
    return f"1/(1 + {exp_of(-fraction(x))})"


def sigmoid_slope_of(x: Any) -> str:
    """s'(x) = exp(-x)/(1 + exp(-x))^2."""
    e = exp_of(-fraction(x))
    return f"{e}/(1 + {e})^2"


def sqrt_of(x: Fraction) -> str:
    return f"sqrt({x})"
