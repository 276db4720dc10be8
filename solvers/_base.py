"""The contract every calculation kind follows, and the registry that finds them.

A *kind* is one drillable calculation ("conv_output", "iou", "otsu", ...). It lives in its own
module under ``solvers/`` as a subclass of :class:`Kind` decorated with :func:`register`:

* ``generate(rng, difficulty) -> params``: draw exam-sized parameters from named ranges;
* ``check_params(params) -> params``: validate and normalise a user's own parameters, raising
  :class:`ParamError` naming the parameter;
* ``fields(params)``: the answer fields the student must give and how (integer, decimals, shape);
* ``statement(params)``: the question in Chinese and English;
* ``solve(params) -> Solution``: the answer values at full precision, the worked steps and the
  catalogue of common mistakes, each with the wrong value it produces.

Nothing here knows about quizapp, files or terminals. Every problem carries its own integer seed
and is regenerated exactly from ``(kind, seed, difficulty)`` with ``numpy.random.default_rng``;
the global ``random`` module is never used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, ClassVar, Literal, Mapping

import numpy as np

from solvers._params import (  # noqa: F401 - parameter checking, re-exported for the kinds
    MAX_ELEMENTS, MAX_INT, MAX_MAGNITUDE, MAX_PIXELS, ParamError, brief, need, need_bool, need_choice, need_float,
    need_int, need_matrix, need_vector,
)
from solvers._rounding import Exact, round_half_up

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
Shape = Literal["scalar", "vector", "matrix"]


class UnknownKind(KeyError):
    def __init__(self, kind: str, suggestion: str | None = None):
        self.kind = kind
        self.suggestion = suggestion
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"unknown calculation kind '{kind}'.{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


@dataclass(frozen=True)
class Text:
    """A bilingual string: Chinese first (the course's language), English beside it."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class AnswerField:
    """One value the student must give, and how it must be given.

    ``decimals`` is the rounding the statement asks for; the grader accepts anything that rounds
    to the same value (tolerance half a unit in the last asked place). ``integer`` answers must be
    exact. ``points`` weights the field for partial credit in multi-part answers.
    """

    name: str
    label: Text
    shape: Shape = "scalar"
    integer: bool = False
    decimals: int | None = None
    points: float = 1.0
    unit: str = ""

    @property
    def tolerance(self) -> float:
        if self.integer:
            return 0.0
        if self.decimals is None:
            return 1e-6
        return 0.5 * 10.0 ** (-self.decimals) + 1e-9


@dataclass(frozen=True)
class Mistake:
    """A common error, the wrong answer it leads to, and its name for feedback.

    ``answer`` holds the wrong values for (some of) the fields; a student's answer that matches
    them where the right answer does not is reported as this mistake.
    """

    id: str
    label: Text
    answer: Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    """One line of a worked solution: words in both languages, and optionally the formula.

    ``math`` is plain text readable in a terminal, e.g. ``"(32 - 5 + 2*1)/1 + 1 = 30"``.
    """

    zh: str
    en: str
    math: str = ""


@dataclass
class Solution:
    answer: dict[str, Any]
    steps: list[Step]
    mistakes: list[Mistake] = field(default_factory=list)
    exact: dict[str, str] = field(default_factory=dict)  # e.g. {"iou": "7/25"} from SymPy
    # The answer reached by carrying the places the statement instructs through the shown steps
    # (only the fields where it can differ); graded as right too. See solvers/_rounding.py.
    carried: dict[str, Any] = field(default_factory=dict)


@dataclass
class Problem:
    """A complete item: everything a screen, a grader or a printed paper needs."""

    kind: str
    seed: int | None
    difficulty: str | None
    params: dict[str, Any]
    question: Text
    fields: tuple[AnswerField, ...]
    answer: dict[str, Any]
    steps: list[Step]
    mistakes: list[Mistake]
    exact: dict[str, str] = field(default_factory=dict)
    carried: dict[str, Any] = field(default_factory=dict)  # a second accepted key, see Solution

    def to_dict(self) -> dict[str, Any]:
        """The JSON interchange form (see README: `quizapp generate --format json`)."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "difficulty": self.difficulty,
            "params": to_jsonable(self.params),
            "answer": to_jsonable(self.answer),
            "exact": dict(self.exact),
            "carried": to_jsonable(self.carried),
            "fields": [
                {
                    "name": f.name,
                    "label": _text(f.label),
                    "shape": f.shape,
                    "integer": f.integer,
                    "decimals": f.decimals,
                    "points": f.points,
                    "unit": f.unit,
                }
                for f in self.fields
            ],
            "question": _text(self.question),
            "solution": [{"zh": s.zh, "en": s.en, "math": s.math} for s in self.steps],
            "mistakes": [
                {"id": m.id, "label": _text(m.label), "answer": to_jsonable(dict(m.answer))}
                for m in self.mistakes
            ],
        }


def _text(t: Text) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}  # dataclasses.asdict deep-copies: a tenth of to_dict's time


class Kind:
    """Base class of a calculation kind. Subclasses set the class attributes and methods."""

    id: ClassVar[str]
    topic: ClassVar[str]  # e.g. "cnn", "activation", "optimiser", "image", "detection", "rnn"
    chapter: ClassVar[str]  # a chapter id of question_bank/chapters.yaml, e.g. "ch1_cnn"
    title: ClassVar[Text]
    description: ClassVar[str]  # one English line for `quizapp kinds`
    params_help: ClassVar[Mapping[str, str]] = {}  # param name -> what it must be (for `solve`)
    comprehensive: ClassVar[bool] = False  # multi-part item for the comprehensive section

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        raise NotImplementedError

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        raise NotImplementedError

    def statement(self, params: Mapping[str, Any]) -> Text:
        raise NotImplementedError

    def solve(self, params: Mapping[str, Any]) -> Solution:
        raise NotImplementedError


_REGISTRY: dict[str, Kind] = {}


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: add a kind to the registry under ``cls.id``."""
    for attr in ("id", "topic", "chapter", "title", "description"):
        if not hasattr(cls, attr):
            raise TypeError(f"{cls.__name__} must define '{attr}' to be registered")
    if cls.id in _REGISTRY and type(_REGISTRY[cls.id]) is not cls:
        raise ValueError(f"kind id '{cls.id}' registered twice")
    _REGISTRY[cls.id] = cls()
    return cls


def registry() -> dict[str, Kind]:
    return _REGISTRY


def item_seed(base_seed: int, index: int) -> int:
    """The seed of item ``index`` in a batch drawn with ``base_seed`` (stable across machines)."""
    return int(np.random.SeedSequence([int(base_seed), int(index)]).generate_state(1, np.uint32)[0])


def build(kind: Kind, params: dict[str, Any], seed: int | None, difficulty: str | None) -> Problem:
    sol = kind.solve(params)
    fields = tuple(kind.fields(params))
    return Problem(
        kind=kind.id,
        seed=seed,
        difficulty=difficulty,
        params=params,
        question=kind.statement(params),
        fields=fields,
        answer=sol.answer,
        steps=sol.steps,
        mistakes=distinct_mistakes(sol.answer, sol.mistakes, fields, sol.carried),
        exact=sol.exact,
        carried=sol.carried,
    )


def distinct_mistakes(answer: Mapping[str, Any], mistakes: list[Mistake],
                      fields: tuple[AnswerField, ...] = (),
                      carried: Mapping[str, Any] | None = None) -> list[Mistake]:
    """Drop mistakes that, for these numbers, give the right answer anyway (e.g. P=0 makes
    'used P instead of 2P' harmless), judged at the precision the question asks for: a wrong
    value that rounds to the right one would be accepted, so naming it would be wrong. Two
    mistakes giving the same wrong answer are both kept (feedback names both)."""
    tolerance = {f.name: f.tolerance for f in fields}
    keys = (answer, carried) if carried else (answer,)
    kept = []
    for m in mistakes:  # plain loops: this runs for every named mistake of every problem
        # last field first: a slip shows in the fields after it (a final answer, a later time
        # step), so a kept mistake is usually found at once; the order cannot change what is kept
        for k, v in reversed(m.answer.items()):
            tol, relative = tolerance.get(k), k not in tolerance
            # the grader would mark v right (see Solution.carried) unless no key accepts it
            if not any(values_close(v, key[k], tol=tol, relative=relative) for key in keys if k in key):
                kept.append(m)
                break
    return kept


def same_wrong_answer(a: Mistake, b: Mistake) -> bool:
    """Two mistakes that give the same values on the same fields: a student's answer cannot tell
    them apart, so feedback names both."""
    return set(a.answer) == set(b.answer) and all(values_close(a.answer[k], b.answer[k]) for k in a.answer)


def describe_mistakes(mistakes: list[Mistake]) -> Text:
    """The names of the mistakes an answer matches, for feedback: mistakes that give the same
    wrong answer are alternatives ("either A, or B"); different ones were all made ("A; B")."""
    groups: list[list[Mistake]] = []
    for m in mistakes:
        group = next((g for g in groups if same_wrong_answer(g[0], m)), None)
        if group is None:
            groups.append([m])
        else:
            group.append(m)

    def one(group: list[Mistake], lang: str) -> str:
        names = [m.label.get(lang) for m in group]
        if len(names) == 1:
            return names[0]
        if lang == "zh":
            return "或者" + "，或者".join(names)
        return "either " + ", or ".join(names)

    return Text("；".join(one(g, "zh") for g in groups), "; ".join(one(g, "en") for g in groups))


_NUMBER = (int, float, Exact)  # an Exact key (a float that knows its exact value) is a float here


def values_close(a: Any, b: Any, tol: float | None = 1e-9, relative: bool = True) -> bool:
    """Equal within ``tol`` (relative to the size of ``b`` when ``relative``, else absolute)."""
    if tol is None:
        tol, relative = 1e-9, True
    if type(a) in _NUMBER and type(b) in _NUMBER:  # the common case, without NumPy
        return abs(a - b) <= tol * (max(1.0, abs(b)) if relative else 1.0)
    if type(a) is list and type(b) is list and len(a) == len(b):
        # two vectors of numbers, in one pass (this runs for every field of every named mistake);
        # the pass goes on after a pair too far apart, as a non-number later on takes the paths
        # below (whose a == b may see [inf] == [inf] as equal)
        close = True
        for x, y in zip(a, b):
            if type(x) not in _NUMBER or type(y) not in _NUMBER:
                break  # not a vector of numbers: the paths below
            if close and not abs(x - y) <= tol * (max(1.0, abs(y)) if relative else 1.0):
                close = False
        else:
            return close
    if type(a) is list and type(b) is list:
        close = _matrix_close(a, b, tol, relative)  # an image kind's map, without NumPy
        if close is not None:
            return close
    try:
        x = np.asarray(a, dtype=float)
        y = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return a == b
    if x.shape != y.shape:
        return False
    scale = np.maximum(1.0, np.abs(y)) if relative else 1.0
    return bool(np.all(np.abs(x - y) <= tol * scale))


def _matrix_close(a: list, b: list, tol: float, relative: bool) -> bool | None:
    """:func:`values_close` of two lists of rows of ints and floats, element by element as NumPy
    would compare them; None (take the NumPy path) when they are not two such rectangular
    matrices of one shape. Like the vector pass in values_close it never answers early: a
    non-number further on sends both to the NumPy path, whose ``a == b`` fallback may differ."""
    if not a or len(a) != len(b) or type(a[0]) is not list:
        return None
    width = len(a[0])
    close = True
    for ra, rb in zip(a, b):
        if type(ra) is not list or type(rb) is not list or len(ra) != width or len(rb) != width:
            return None
        if ra == rb and _INT_ONLY.issuperset(map(type, ra)):
            continue  # equal whole numbers (never inf or nan): |x - y| = 0, close at any tolerance
        for x, y in zip(ra, rb):
            if type(x) not in _NUMBER or type(y) not in _NUMBER:
                return None
            if close and not abs(x - y) <= tol * (max(1.0, abs(y)) if relative else 1.0):
                close = False  # (written so that a NaN is not close, as in NumPy)
    return close


_INT_ONLY = frozenset((int,))
_PLAIN_SCALARS = (str, int, bool, type(None))


def to_jsonable(value: Any) -> Any:
    """NumPy/SymPy-free plain Python values for JSON."""
    if type(value) in _PLAIN_SCALARS or type(value) is float:
        return value
    if isinstance(value, dict):  # before typing.Mapping, whose isinstance check is slow
        if _STR_ONLY.issuperset(map(type, value)):
            types = set(map(type, value.values()))
            if _FAST_SET.issuperset(types):
                return dict(value)  # the common case: named plain numbers (a mistake's answer)
            if _FAST_OR_LIST.issuperset(types) and _plain_nested(value.values()):
                return dict(value)  # named numbers, vectors and matrices of them, checked in C passes
        # a vector of plain numbers (most answer fields) is taken here as below, without a call
        return {k if type(k) is str else str(k):
                v if type(v) is list and _FAST_SET.issuperset(map(type, v)) else to_jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if _FAST_SET.issuperset(map(type, value)):  # the common case: a vector of plain numbers
            return value if type(value) is list else list(value)  # (shared, not copied: read-only)
        if _plain_rows(value):
            return list(value)  # a matrix of plain numbers: its rows shared as above
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, float):
        return float(value)  # keep floats as floats (an Exact float becomes a plain one)
    if hasattr(value, "is_Number") and getattr(value, "is_Number"):  # a SymPy number
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


_FAST = (int, float, str, bool)
_FAST_SET = frozenset(_FAST)


def _plain_rows(value: list | tuple) -> bool:
    """Every item a list of plain numbers (or strings): two passes in C over a 5 x 5 map."""
    return _LIST_ONLY.issuperset(map(type, value)) and _FAST_SET.issuperset(map(type, chain.from_iterable(value)))


_LIST_ONLY = frozenset((list,))
_FAST_OR_LIST = frozenset((*_FAST, list))


def _plain_nested(values: Any) -> bool:
    """Every list among ``values`` holds plain values or lists of them (a vector, a matrix):
    to_jsonable would give each as it is (a list as it is, a matrix's rows shared)."""
    lists = [v for v in values if type(v) is list]
    inner = set(map(type, chain.from_iterable(lists)))
    if _FAST_SET.issuperset(inner):
        return True
    return _FAST_OR_LIST.issuperset(inner) and _FAST_SET.issuperset(
        map(type, chain.from_iterable(r for v in lists for r in v if type(r) is list)))
_STR_ONLY = frozenset((str,))


# ----------------------------------------------------------------------------------------------
# Small helpers shared by kinds: parameter checking and number formatting.
# ----------------------------------------------------------------------------------------------


def fmt(x: Any, decimals: int | None = None) -> str:
    """A number as a student would write it: integers without '.0', else rounded."""
    if type(x) is int:  # the common case in matrices of grey levels: no float round trip
        return str(x)
    if type(x) is float:  # (not an Exact float, whose exact value may round differently)
        key = (x, decimals)
        text = _FMT_FLOAT.get(key)
        if text is None:
            if len(_FMT_FLOAT) >= _FMT_FLOAT_MAX:
                _FMT_FLOAT.clear()
            text = _FMT_FLOAT[key] = _fmt_number(x, decimals)
        return text
    if isinstance(x, (list, tuple, np.ndarray)):
        return "[" + ", ".join(fmt(v, decimals) for v in x) + "]"
    return _fmt_number(x, decimals)


# fmt of a plain float, remembered: the same values recur from problem to problem (sqrt(20) in
# a magnitude map, a mean of 9 grey levels), and rounding half up in Decimal costs microseconds.
# Equal floats print alike (0.0 and -0.0 both print "0"), so the float is a sound key.
_FMT_FLOAT: dict[tuple[float, int | None], str] = {}
_FMT_FLOAT_MAX = 1 << 16


def _fmt_number(x: Any, decimals: int | None) -> str:
    xf = float(x)
    if xf.is_integer() and abs(xf) < 1e15:
        return str(int(xf))
    if decimals is None:
        return f"{xf:.6g}"
    # Round half up on the decimal value a student sees (158.625 -> 158.63; an exact 0.00125 that
    # the float stores as 0.0012499... -> 0.0013), as by hand: see solvers/_rounding.py.
    s = str(round_half_up(x, decimals))
    return "0" if s.strip("-0.") == "" and decimals > 0 and float(s) == 0 else s


SHOWN_SIDE = 16  # a matrix up to 16 x 16 (every generated one) is printed whole


def fmt_matrix(m: Any, decimals: int | None = None) -> str:
    """A matrix as aligned plain-text rows, for statements and worked steps.

    A larger one (a real image given to ``quizapp solve``) shows its top-left corner, its size and
    where to find every value: a 303 x 384 image is 116,352 numbers no one reads in a terminal."""
    text = _small_matrix_text(m, decimals)
    if text is not None:
        return text
    arr = np.asarray(m)
    big = arr.ndim == 2 and (arr.shape[0] > SHOWN_SIDE or arr.shape[1] > SHOWN_SIDE)
    corner = arr[:8, :10].tolist() if big else arr.tolist()
    rows = [[fmt(v, decimals) for v in row] for row in corner]
    lines = _aligned(rows, big, arr.shape[1] if big else 0)
    if big:
        return lines + (f"\n... ({arr.shape[0]} x {arr.shape[1]}, top-left corner shown; "
                        f"--format json gives every value)")
    return lines


def _aligned(rows: list[list[str]], big: bool, cols: int) -> str:
    width = max(map(len, chain.from_iterable(rows)), default=1)
    end = ("  ..." if big and cols > 10 else "") + " ]"
    return "\n".join(["[ " + "  ".join([c.rjust(width) for c in row]) + end for row in rows])


def _small_matrix_text(m: Any, decimals: int | None) -> str | None:
    """:func:`fmt_matrix` of a generated-size list-of-lists matrix without a NumPy round trip
    (most of the time of printing a 5 x 5 map), or None to take the general path. Only matrices
    of all ints (below 2**53) or all floats qualify: there np.asarray(m).tolist() gives the same
    values back, while a mixed row would turn its ints into floats."""
    if type(m) is not list or not m or len(m) > SHOWN_SIDE or type(m[0]) is not list:
        return None
    cols = len(m[0])
    if not 0 < cols <= SHOWN_SIDE:
        return None
    for row in m:
        if type(row) is not list or len(row) != cols:
            return None
    kinds = set(map(type, chain.from_iterable(m)))
    if kinds == _INT_ONLY:
        top, bottom = max(map(max, m)), min(map(min, m))
        if top >= 2 ** 53 or bottom <= -2 ** 53:
            return None
        # the widest integer is the largest or the smallest; "%5d" is str(v).rjust(5)
        width = max(len(str(top)), len(str(bottom)))
        line = "[ " + "  ".join([f"%{width}d"] * cols) + " ]"
        return "\n".join([line % tuple(row) for row in m])
    if kinds == _FLOAT_ONLY:
        return _aligned([[fmt(v, decimals) for v in row] for row in m], False, 0)
    return None


_FLOAT_ONLY = frozenset((float,))


def int_matrix(m: Any) -> list[list[Any]]:
    """Values that are whole numbers as ints (so JSON and statements show 3, not 3.0)."""
    if type(m) is list and m:  # a map of plain numbers already: what the NumPy round trip gives
        rows = _number_rows(m)
        if rows is not None:
            return rows
    arr = np.asarray(m, dtype=float)
    if arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)) and np.abs(arr).max() < 2 ** 53:
        return arr.astype(np.int64).tolist()  # all whole: one conversion (a real image has 10^5 values)
    return [[int(v) if float(v).is_integer() else float(v) for v in row] for row in arr.tolist()]


def _number_rows(m: list) -> list[list[Any]] | None:
    """:func:`int_matrix` of a rectangular list of lists of plain floats and ints, the ints below
    2**53 in size (so NumPy's float conversion keeps them exact); None for anything else."""
    width = len(m[0]) if type(m[0]) is list else -1
    if width <= 0:
        return None
    out = []
    for row in m:
        if type(row) is not list or len(row) != width:
            return None
        types = set(map(type, row))
        if types == _INT_ONLY:
            if max(row) >= 2 ** 53 or min(row) <= -2 ** 53:
                return None
            out.append(list(row))
        elif _INT_FLOAT.issuperset(types):
            ints = [v for v in row if type(v) is int]
            if ints and (max(ints) >= 2 ** 53 or min(ints) <= -2 ** 53):
                return None
            out.append([v if type(v) is int else int(v) if v.is_integer() else v for v in row])
        else:
            return None
    return out


_INT_FLOAT = frozenset((int, float))


def int_vector(v: Any) -> list[Any]:
    return [int(x) if float(x).is_integer() else float(x) for x in np.asarray(v).tolist()]
