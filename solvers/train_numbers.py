"""Hand-workable numbers for the activation, training, optimiser and recurrent kinds.

Not a kind: the small shared vocabulary those modules use to draw exam-sized numbers (weights
from {-1, -0.5, 0, 0.5, 1} at easy, one decimal at medium/hard) and to print vectors and matrices
in plain text inside statements and worked steps.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Sequence

import numpy as np

from solvers._base import fmt
from solvers._rounding import round_half_up

EASY_WEIGHTS = (-1.0, -0.5, 0.0, 0.5, 1.0)
_EASY_ARRAY = np.array(EASY_WEIGHTS)


def num(x: Any) -> int | float:
    """A plain Python number for JSON params: ``2`` not ``2.0``, ``0.3`` not ``0.30000000000000004``."""
    xf = round(float(x), 10)
    return int(xf) if xf.is_integer() else xf


def pick(rng: np.random.Generator, options: Sequence[Any]) -> Any:
    """``rng.choice(options)``: the same draw from the same seed (choice draws
    ``rng.integers(len(options))``), without turning the options into an array (choice costs
    several times as much), and the option itself, not a NumPy scalar."""
    return options[int(rng.integers(len(options)))]


def picks(rng: np.random.Generator, options: Sequence[Any], size: int) -> np.ndarray:
    """``rng.choice(options, size=size)``, the same draws (see :func:`pick`), as the same array."""
    return np.asarray(options)[rng.integers(len(options), size=size)]


def one_decimal(rng: np.random.Generator, lo: float, hi: float, *, nonzero: bool = False) -> float:
    """A number with (at most) one decimal drawn uniformly from [lo, hi]."""
    while True:
        v = num(int(rng.integers(round(lo * 10), round(hi * 10) + 1)) / 10)
        if not (nonzero and v == 0):
            return v


def weights(rng: np.random.Generator, difficulty: str, shape: int | tuple[int, ...],
            lo: float = -1.0, hi: float = 1.0) -> Any:
    """Weights: from {-1, -0.5, 0, 0.5, 1} at easy, one decimal in [lo, hi] otherwise (as lists)."""
    if difficulty == "easy":  # the draw rng.choice(EASY_WEIGHTS, size=shape) makes, without its overhead
        arr = _EASY_ARRAY[rng.integers(len(EASY_WEIGHTS), size=shape)]
    else:
        arr = rng.integers(round(lo * 10), round(hi * 10) + 1, size=shape) / 10
    if arr.ndim == 0:
        return to_plain(arr)
    # k/10 and the easy weights are already what to_plain's rounding to 10 places gives (checked
    # for |k| <= 100,000): skip the NumPy rounding, which was a third of this (hot) function
    return _plain_list(arr.tolist())


class Draws:
    """Exact uniform draws from a generator, taken from its bit generator's raw 64-bit outputs in
    one batch: ``rng.integers`` and ``rng.choice`` cost 15-25 us a call whatever the size (most
    of the time of drawing a recurrent or backprop problem's ~40 numbers), a batch of raw outputs
    about 5 us and each draw below a fraction of a microsecond. The same seed gives the same
    draws everywhere: the raw stream of NumPy's bit generators is fixed across versions."""

    def __init__(self, rng: np.random.Generator, batch: int = 64):
        self._bits = rng.bit_generator
        self._batch = batch
        self._raw: list[int] = []

    def below(self, k: int) -> int:
        """Uniform in [0, k): a raw value mod k, drawing again in the rare case (k in 2**64) that
        it falls in the top 2**64 % k values, which would favour the small results."""
        limit = _TWO_64 - _TWO_64 % k
        while True:
            if not self._raw:
                self._raw = self._bits.random_raw(self._batch).tolist()[::-1]
            r = self._raw.pop()
            if r < limit:
                return r % k

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.below(len(options))]

    def weights(self, difficulty: str, n: int, lo: float = -1.0, hi: float = 1.0) -> list:
        """n values as :func:`weights` draws them (the same sets, uniformly)."""
        options = _options(difficulty, lo, hi)
        return [options[self.below(len(options))] for _ in range(n)]

    def nonzero(self, difficulty: str, n: int, lo: float = -1.0, hi: float = 1.0) -> list:
        """A vector of n values, uniform over those that are not all zero (as redrawing them would give)."""
        zero_first = _zero_first(difficulty, lo, hi)  # digit 0 stands for the value 0
        k = len(zero_first)
        code = 1 + self.below(k ** n - 1)  # any vector of n digits but the all-zero one
        out = []
        for _ in range(n):
            code, digit = divmod(code, k)
            out.append(zero_first[digit])
        return out


_TWO_64 = 1 << 64


@functools.lru_cache(maxsize=32)
def _options(difficulty: str, lo: float, hi: float) -> tuple:
    if difficulty == "easy":
        return tuple(_plain_list(list(EASY_WEIGHTS)))
    return tuple(_plain_list([k / 10 for k in range(round(lo * 10), round(hi * 10) + 1)]))


@functools.lru_cache(maxsize=32)
def _zero_first(difficulty: str, lo: float, hi: float) -> tuple:
    return tuple(sorted(_options(difficulty, lo, hi), key=lambda v: v != 0))


def to_plain(arr: Any) -> Any:
    """Nested lists of plain numbers (ints where whole) from an array."""
    a = np.round(np.asarray(arr, dtype=float), 10)
    if a.ndim == 0:
        return num(a)
    return _plain_list(a.tolist())


def _plain_list(values: list) -> list:
    return [_plain_list(v) if isinstance(v, list) else (int(v) if v.is_integer() else v) for v in values]


def dec(x: Any, decimals: int | None = None) -> str:
    """Like ``fmt``, but a value that is not whole keeps its decimals: 1e-7 to 4 places is
    ``0.0000`` (rounded, visibly), never a bare ``0`` that reads as exactly zero."""
    xf = float(x)
    if decimals is None or xf.is_integer():
        return fmt(xf, decimals)
    if type(x) is float and 0 < decimals <= 6:
        # round_half_up's own fast path (a plain float far from a tie), its Decimal text written
        # with integers: the same digits, a third of the time (worked steps print hundreds)
        scaled = abs(xf) * _POW10[decimals]
        if scaled < 1e13 and abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
            whole, part = divmod(math.floor(scaled + 0.5), _INT10[decimals])
            return f"{'-' if xf < 0 and (whole or part) else ''}{whole}.{part:0{decimals}d}"
    # half up from the exact value, like fmt and the key; 'f' never writes an exponent (str() of a
    # Decimal at more than 6 places does: 1E-9), and writes the same digits at 6 places or fewer
    s = format(round_half_up(x, decimals), "f")
    return s[1:] if s.startswith("-") and float(s) == 0 else s


_INT10 = [10 ** p for p in range(7)]


def vec_text(v: Sequence[float], decimals: int | None = None) -> str:
    """``[0.5, -1]``: a vector as a student writes it."""
    if decimals is None:  # given numbers (a statement's parameters): few distinct ones, remembered
        return "[" + ", ".join([_given(float(x)) for x in _elements(v)]) + "]"
    return "[" + ", ".join(dec(x, decimals) for x in _elements(v)) + "]"


@functools.lru_cache(maxsize=4096)
def _given(xf: float) -> str:
    return fmt(xf, None)  # = dec(xf, None)


def carried(x: Any, places: int = 6) -> str:
    """An intermediate value to ``places`` decimals, but an exact short value stays short:
    ``0.2`` (not ``0.200000``), ``0.331812`` (rounded, all places shown)."""
    if type(x) is float:  # a plain float (not an Exact, whose text may differ): remembered
        return _carried_float(x, places)
    return _carried(x, places)


@functools.lru_cache(maxsize=4096)
def _carried_float(x: float, places: int) -> str:
    # worked steps print the same carried values again and again (a gate, then in c = f*c + i*g)
    return _carried(x, places)


def _carried(x: Any, places: int) -> str:
    if type(x) is float and 0 < places <= 10 and 1e-4 <= abs(x) < _REPR_BELOW[places]:
        # a value already at <= places decimals (a carried one) prints as its shortest repr: it
        # is the double nearest that decimal, which has at most 14 digits here, so the rounding
        # below (to 15 digits, then half up) gives the same digits; repr has no exponent here
        s = repr(x)
        if len(s) - s.index(".") - 1 <= places:
            s = s[:-2] if s.endswith(".0") else s
            return "0" if s == "-0" else s
    xf = float(x)
    if abs(xf - round(xf, places)) < 1e-12:  # exact at this many places: drop the trailing zeros
        s = format(round_half_up(x, places), "f")  # (no exponent, see dec)
        short = s.rstrip("0").rstrip(".") if "." in s else s
        return "0" if short in ("", "-0") else short
    return dec(x, places)


_REPR_BELOW = [10.0 ** (14 - p) for p in range(11)]


def carried_floats(values: list, places: int = 6) -> str:
    """:func:`vec_carried` of a list, for values that are mostly new (a run's carried numbers):
    the short form of a float at <= places decimals straight from its repr, as :func:`_carried`
    finds it, without the cache (whose miss costs more than this); anything else via carried()."""
    below = _REPR_BELOW[places] if 0 < places <= 10 else 0.0
    out = []
    for x in values:
        if type(x) is float and 1e-4 <= abs(x) < below:
            s = repr(x)
            n = len(s) - s.index(".") - 1
            if n <= places:
                out.append(s[:-2] if s.endswith(".0") else s)
                continue
            if n == places + 1 and places <= 6 and s[-1] != "5":
                # one place more (w - lr * g of carried values), not a tie: the repr's decimal
                # rounded to `places`, which is what dec() gives (its float rounding decides the
                # same way at least 0.1 unit from a tie; exact ties are left to it)
                whole, part = divmod(int(s[:-1].replace(".", "").lstrip("-")) + (s[-1] > "5"), _INT10[places])
                out.append(f"{'-' if x < 0 and (whole or part) else ''}{whole}.{part:0{places}d}")
                continue
        out.append(carried(x, places))
    return "[" + ", ".join(out) + "]"


def vec_carried(v: Sequence[float], places: int = 6) -> str:
    """``[0.2, 0.331812]``: a vector of intermediate values, see :func:`carried`."""
    return "[" + ", ".join(carried(x, places) for x in _elements(v)) + "]"


def vec_rounded(rounded: Sequence[float], unrounded: Sequence[float], places: int = 6) -> str:
    """A carried vector (``rounded`` = ``unrounded`` rounded to ``places``) as the steps write it:
    all places where rounding changed a value (``0.733020``), short where it was exact (``1.01``),
    just as :func:`vec_carried` writes the unrounded vector, but from the rounded numbers (a tie
    may have been decided on the exact value, see solvers/_rounding.carry_exact)."""
    if type(rounded) is not list or type(unrounded) is not list:  # (lists of numbers as they are: faster)
        rounded, unrounded = _elements(rounded), _elements(unrounded)
    return "[" + ", ".join([rounded_text(r, u, places) for r, u in zip(rounded, unrounded)]) + "]"


def rounded_text(rounded: float, unrounded: float, places: int = 6) -> str:
    """One value of :func:`vec_rounded`: every place shown if rounding changed it (a whole one
    too: -2.5e-9 rounds to 0.000000, not 0), else short."""
    if abs(unrounded - rounded) < 1e-12:
        return carried(rounded, places)
    if float(rounded).is_integer():
        return f"{abs(rounded) if rounded == 0 else rounded:.{places}f}"
    if type(rounded) is float and places <= 6 and abs(rounded) < 1e8:
        scaled = abs(rounded) * _POW10[places]
        if abs(scaled - round(scaled)) < 1e-3:  # already at `places` decimals (a carried value):
            return f"{rounded:.{places}f}"  # its double prints those digits, as dec would, faster
    return dec(rounded, places)


_POW10 = [10.0 ** p for p in range(7)]


def _elements(v: Any) -> list:
    """The numbers of a vector in order; a list keeps its elements (an Exact float stays exact)."""
    if type(v) is list and _PLAIN_SET.issuperset(map(type, v)):
        return list(v)  # (the common case, checked in C; subclasses such as bool take the line below)
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v):
        return list(v)
    return np.asarray(v, dtype=float).ravel().tolist()


def mat_text(m: Any, decimals: int | None = None) -> str:
    """``[[0.5, -1], [0, 1]]``: a matrix row by row, the same form ``quizapp solve`` accepts."""
    if type(m) is list and all(type(row) is list and all(type(v) in _PLAIN for v in row) for row in m):
        # rows of plain numbers: dec() takes each as a float, as the NumPy form below does
        return "[" + ", ".join(vec_text(row, decimals) for row in m) + "]"
    return "[" + ", ".join(vec_text(row, decimals) for row in np.asarray(m, dtype=float)) + "]"


_PLAIN = (int, float)
_PLAIN_SET = frozenset(_PLAIN)


def a_or_an(n: int, capital: bool = False) -> str:
    """The English article for a number read aloud: "an 8x8 map", "an 11x11 grid", "a 16x16 map"."""
    d = str(abs(int(n)))
    an = d[0] == "8" or d in ("11", "18") or (len(d) == 5 and d[:2] in ("11", "18"))
    word = "an" if an else "a"
    return word.capitalize() if capital else word
