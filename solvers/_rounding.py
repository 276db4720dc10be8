"""Rounding as a student does it by hand: half up, on the decimal value, never on a binary float.

Two sources of a wrong last digit, and what this module does about each:

* A value that is exactly ``...5`` in decimal (``0.00125``) is usually stored as a binary float
  just below it (``0.0012499999999999998``), and rounding the float gives ``0.0012``. A kind that
  can reach such values hands its answers over as :class:`Exact` floats: ordinary floats that also
  carry the exact rational value (a ``fractions.Fraction`` from an exact computation), and
  :func:`round_half_up` rounds that. ``tests/solvers/test_rounding.py`` finds, over many seeds of
  every registered kind, any printed key whose float sits just below a half-way point without an
  exact value behind it.
* For plain floats :func:`round_half_up` first drops float noise (15 significant digits, far more
  than any key or carried value shows) and then rounds half up, so ``0.034999999999999996``
  (= 0.1 * 0.35) carried to 6 places reads ``0.035000``, as on a calculator.

:func:`carry` rounds arrays the same way; a kind whose steps show intermediate values to 6 places
computes its *carried* key (``Solution.carried``) from exactly those rounded values, so the steps
and the second accepted key agree by construction.
"""

from __future__ import annotations

import functools
import math
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np

_NOISE = Context(prec=15)  # a double has 15-17 significant digits; keys and carried values use far fewer


class Exact(float):
    """A float that also knows its exact value (``.exact``, a Fraction): rounds without float error.

    Arithmetic on it gives plain floats (the exact value is only for printing the key)."""

    __slots__ = ("exact",)

    def __new__(cls, value: Fraction | int | str) -> "Exact":
        q = Fraction(value)
        self = super().__new__(cls, float(q))
        self.exact = q
        return self

    def __reduce__(self):  # pickles (and deep-copies) with its exact value
        return (Exact, (str(self.exact),))


def exact_values(value: Any) -> Any:
    """Fractions (or nested lists/arrays of them) as :class:`Exact` floats (lists stay lists)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [exact_values(v) for v in value]
    return Exact(value)


def fraction(x: Any) -> Fraction:
    """The exact value of a number as written: ``0.1`` -> 1/10 (its shortest decimal), not the float."""
    if isinstance(x, Exact):
        return x.exact
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    return _float_fraction(float(x))


@functools.lru_cache(maxsize=4096)
def _float_fraction(x: float) -> Fraction:
    # the same few parameters (0.9, 0.1, 0.5, ...) are read again and again; Fraction("0.9") parses
    # its text each time
    return Fraction(repr(x))


def decimal_value(x: Any) -> Decimal:
    """The decimal a student would read: exact when known, else the float without its noise."""
    if isinstance(x, Exact):
        x = x.exact
    if isinstance(x, Fraction):
        return Decimal(x.numerator) / Decimal(x.denominator) if x.denominator != 1 else Decimal(x.numerator)
    if isinstance(x, Decimal):
        return x
    if isinstance(x, (int, np.integer)):
        return Decimal(int(x))
    return _NOISE.create_decimal(repr(float(x)))


def round_half_up(x: Any, decimals: int) -> Decimal:
    """``x`` rounded half up (away from zero at .5) to ``decimals`` places, as a Decimal.

    >>> str(round_half_up(0.0012499999999999998, 4)), str(round_half_up(Exact(Fraction(1, 800)), 4))
    ('0.0013', '0.0013')
    >>> str(round_half_up(-2.5, 0)), str(round_half_up(158.625, 2))
    ('-3', '158.63')
    """
    if isinstance(x, Exact) and x.exact.denominator != 1:
        n, den = x.exact.numerator, x.exact.denominator
        # exact rational rounding: floor(|q| * 10^d + 1/2), sign restored (in integers: the same
        # number as with Fraction arithmetic, several times faster)
        digits = (2 * abs(n) * 10 ** decimals + den) // (2 * den)
        d = Decimal(digits).scaleb(-decimals)
        return -d if n < 0 else d
    if type(x) is not Exact and isinstance(x, (float, int, np.floating, np.integer)) and 0 <= decimals <= 12:
        # fast path, far from a tie: the float's own rounding is the decimal one
        scaled = abs(float(x)) * _POW10[decimals]
        frac = scaled - math.floor(scaled)
        if scaled < 1e13 and abs(frac - 0.5) > 1e-6:
            digits = Decimal(math.floor(scaled + 0.5)).scaleb(-decimals)
            return -digits if x < 0 else digits
    value = decimal_value(x)
    if value.adjusted() + decimals + 3 <= 28:
        return value.quantize(_QUANTUM[decimals] if decimals in _QUANTUM else Decimal(1).scaleb(-decimals),
                              rounding=ROUND_HALF_UP)
    # enough digits for any finite float at these places (the default 28 fail on 1e30 to 4 places)
    wide = Context(prec=value.adjusted() + decimals + 3)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=wide)


_POW10 = [10.0 ** d for d in range(13)]
_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(13)}


def half_up(x: Any, decimals: int) -> float:
    """:func:`round_half_up` as a float (a carried intermediate value)."""
    return float(round_half_up(x, decimals))


def carry(values: Any, decimals: int) -> np.ndarray:
    """An array rounded half up elementwise to ``decimals`` places: what a student writes down
    and carries to the next step."""
    arr = np.asarray(values, dtype=float)
    if arr.size <= 32:  # the usual few values: the same float operations in plain Python, which
        small = _carry_small(arr, decimals)  # is several times faster than eight NumPy calls
        if small is not None:
            return small
    scaled = np.abs(arr) * 10.0 ** decimals
    out = np.copysign(np.floor(scaled + 0.5), arr) / 10.0 ** decimals
    # near a tie (or huge) the float may sit either side of it: decide those in decimal
    near = (np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-6) | (scaled >= 1e13)
    if near.any():
        out[near] = [half_up(v, decimals) for v in arr[near].tolist()]
    return out


def _carry_small(arr: np.ndarray, decimals: int) -> np.ndarray | None:
    """:func:`carry` element by element (bit for bit the same), or None for a non-finite value."""
    p = 10.0 ** decimals
    out = []
    for v in arr.ravel().tolist():
        if not math.isfinite(v):
            return None
        scaled = abs(v) * p
        if scaled >= 1e13 or abs(scaled - math.floor(scaled) - 0.5) <= 1e-6:
            out.append(half_up(v, decimals))
        else:
            out.append(math.copysign(math.floor(scaled + 0.5), v) / p)
    return np.array(out, dtype=float).reshape(arr.shape)


def carry_exact(values: Any, exact: Callable[[int], Fraction], decimals: int) -> np.ndarray:
    """:func:`carry`, except that an element sitting at a rounding tie is rounded from its exact
    value ``exact(i)`` (i its flat index). A sum of products of short decimals can cancel to a float
    just below an exact ...5 (0.18 - 0.2720635 + 0.1 is 0.0079365, but 0.00793649999999999 in floats,
    which :func:`carry` would round down); ``exact`` is only called there, so it may be slow."""
    arr = np.asarray(values, dtype=float)
    out = carry(arr, decimals)
    scaled = np.abs(arr.ravel()) * 10.0 ** decimals
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-6).tolist():
        out.flat[i] = half_up(Exact(exact(i)), decimals)
    return out


def carry_affine(M: Any, v: Any, b: Any, decimals: int) -> np.ndarray:
    """``M @ v + b`` carried to ``decimals`` places, ties decided exactly (see :func:`carry_exact`);
    the numbers are read as the decimals they print as (``fraction``). ``b`` may be None."""
    M, v = np.asarray(M, dtype=float), np.asarray(v, dtype=float)
    value = M @ v if b is None else M @ v + np.asarray(b, dtype=float)

    def exact(i: int) -> Fraction:
        q = sum((fraction(m) * fraction(x) for m, x in zip(M[i].tolist(), v.tolist())), Fraction(0))
        return q if b is None else q + fraction(np.asarray(b, dtype=float)[i])

    return carry_exact(value, exact, decimals)


def carry_list(values: list[float], decimals: int,
               exact: Callable[[int], Fraction] | None = None) -> list[float]:
    """:func:`carry` (or :func:`carry_exact` when ``exact`` is given) for a short list of finite
    floats, as a list: bit for bit the same numbers, without NumPy (a kind that works on two or
    three numbers spends most of its time in NumPy calls otherwise)."""
    p = 10.0 ** decimals
    out = []
    floor, copysign = math.floor, math.copysign
    for i, v in enumerate(values):
        scaled = abs(v) * p
        # the common case first (False for NaN and infinities): the last branch below, checked as it checks
        if scaled < 1e13 and abs(scaled - floor(scaled) - 0.5) > 1e-6:
            out.append(copysign(floor(scaled + 0.5), v) / p)
            continue
        if math.isnan(v):  # as carry(): NaN stays NaN, and an infinity raises an OverflowError
            out.append(v)
        elif math.isinf(scaled):
            out.append(half_up(v, decimals))
        elif abs(scaled - math.floor(scaled) - 0.5) <= 1e-6:  # near a tie: decide in decimal
            out.append(half_up(Exact(exact(i)) if exact is not None else v, decimals))
        elif scaled >= 1e13:
            out.append(half_up(v, decimals))
        else:
            out.append(math.copysign(math.floor(scaled + 0.5), v) / p)
    return out


def exact_affine(row: list[float], v: list[float], b: float) -> Fraction:
    """``row . v + b`` exactly, each number read as the decimal it prints as (see :func:`fraction`):
    the ``exact`` of :func:`carry_list` for one element of a matrix-vector product plus bias."""
    return sum((fraction(m) * fraction(x) for m, x in zip(row, v)), fraction(b))


# Exact decimal arithmetic for keys from a few short decimals (Decimal runs in C; Fraction's gcd
# after every operation made exact keys most of a problem's time): 200 digits hold every digit of
# a few products of floats' shortest decimals, so nothing is rounded; Fraction(result) then gives
# the same rational as Fraction arithmetic would.
EXACT_DECIMALS = Context(prec=200, Emax=MAX_EMAX, Emin=MIN_EMIN)


def exact_decimal(x: Any) -> Decimal:
    """The decimal a number prints as, exactly: 0.1 -> Decimal("0.1") (the reading of :func:`fraction`)."""
    return Decimal(x) if isinstance(x, int) else Decimal(repr(float(x)))


def carry_or_widen(run: Callable[[int], tuple[dict[str, Any], list[Any]]], answer: Mapping[str, Any],
                   places: int = 6, widest: int = 15) -> tuple[dict[str, Any], list[Any]]:
    """``run(places)`` gives the worked steps carrying that many decimals and the answers they
    reach; returns (second accepted key, steps). Normally the steps carry the instructed
    ``places`` and what they reach is the second key. But with a user's tiny numbers, carrying
    6 places can wreck the result (a sqrt(s) that rounds to 0 divides by eps: w = -999 where the
    answer is 0.68): then the steps carry 3 more places at a time, up to ``widest``, until they
    reach the answer, and no second key is offered (the instructed places cannot be followed).
    "Reach" allows 2e-4 of the value (at least 2e-4 absolute): over 3,000 generated problems of
    each kind, carrying 6 places moved a weight by at most 4e-5 (answers are asked to 4 places)."""
    from solvers._base import values_close  # (_base imports this module)

    p = places
    while True:
        carried, steps = run(p)
        if p >= widest or all(values_close(carried[k], answer[k], tol=2e-4) for k in carried if k in answer):
            return (carried if p == places else {}), steps
        p += 3

