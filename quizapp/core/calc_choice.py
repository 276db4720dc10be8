"""A calculation asked as a single-choice question, its wrong options the ones students reach.

The distractors are the values of the kind's named mistakes (forgot the +1, counted the union
twice, ...), so picking one tells the student which slip they made. When a problem has fewer than
three distinct mistake values for the asked field, the remaining options are *fillers*: the same
kinds of slips (off by one, doubled, halved, a tenth off) applied to the right value or to a
mistake's value, inside the range the answer can take (no negative sizes, no IoU above 1).

The right option must not stand out (the cues test-wise students use):

* **position**: options are shuffled with the item's seed, so each letter is right 1 time in 4;
* **precision**: every option is written with the same number of decimals as the question asks
  (``0.2500``, not ``0.25`` beside ``0.2857``);
* **rank**: where fillers are needed, they go above or below the key so that the right value is
  the smallest, the largest or in the middle about equally often (no "pick the middle one").

Everything is decided by ``seed``: the same problem and seed give the same options anywhere, so a
paper, its key and a resumed exam agree.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from solvers import AnswerField, Mistake, Problem

N_OPTIONS = 4
FULL_PRECISION_DECIMALS = 4  # a field asked at full precision is offered to 4 decimals
_SHAPE_ORDER = {"scalar": 0, "vector": 1, "matrix": 2}


@dataclass(frozen=True)
class Option:
    text: str  # as printed, e.g. "0.2857" or "[1, 2, 3]"
    value: Any  # the number (or list) behind it
    mistakes: tuple["Mistake", ...] = ()  # the named mistakes that give this value
    correct: bool = False


@dataclass(frozen=True)
class ChoiceVersion:
    field: "AnswerField"
    options: tuple[Option, ...]

    @property
    def correct_index(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.correct)


def _decimals(field: "AnswerField") -> int:
    if field.integer:
        return 0
    return FULL_PRECISION_DECIMALS if field.decimals is None else field.decimals


def _number(x: Any, decimals: int) -> str:
    """Exactly ``decimals`` places, rounded half up as by hand (never '-0.00')."""
    try:
        d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, OverflowError):
        return str(x)
    if d == 0:
        d = abs(d)
    return f"{d:f}"


def format_value(field: "AnswerField", value: Any) -> str:
    """A value as an option shows it: same decimals for every option of the field."""
    d = _decimals(field)
    arr = np.asarray(value, dtype=float)
    if field.shape == "matrix" and arr.ndim == 2:
        body = "; ".join(" ".join(_number(v, d) for v in row) for row in arr.tolist())
        text = f"[{body}]"
    elif arr.ndim == 1:
        text = "[" + ", ".join(_number(v, d) for v in arr.tolist()) + "]"
    else:
        text = _number(float(arr), d)
    unit = field.unit.strip()
    return f"{text} {unit}" if unit and unit != "%" else (f"{text}%" if unit == "%" else text)


def _mistake_options(problem: "Problem", field: "AnswerField", key_text: str) -> list[Option]:
    """One option per distinct wrong value the named mistakes give for ``field``."""
    by_text: dict[str, Option] = {}
    for m in problem.mistakes:
        if field.name not in m.answer:
            continue
        value = m.answer[field.name]
        try:
            text = format_value(field, value)
            if not np.all(np.isfinite(np.asarray(value, dtype=float))):
                continue
        except (TypeError, ValueError):
            continue
        if text == key_text:
            continue  # rounds to the right answer: not a distractor
        if text in by_text:
            old = by_text[text]
            by_text[text] = Option(text, old.value, old.mistakes + (m,))
        else:
            by_text[text] = Option(text, value, (m,))
    return list(by_text.values())


def _pick_field(problem: "Problem") -> "AnswerField":
    """The field with the most distinct mistake values (simpler shapes first on a tie)."""
    def score(item: tuple[int, "AnswerField"]) -> tuple[int, int, int]:
        i, f = item
        key_text = format_value(f, problem.answer[f.name])
        return (-min(len(_mistake_options(problem, f, key_text)), N_OPTIONS - 1),
                _SHAPE_ORDER.get(f.shape, 3), i)

    return min(enumerate(problem.fields), key=score)[1]


class _Domain:
    """The range the answer's values live in, read off the key and the mistakes."""

    def __init__(self, values: list[float], integer: bool):
        self.integer = integer
        self.nonneg = all(v >= 0 for v in values)
        self.positive = all(v > 0 for v in values)
        self.unit_interval = self.nonneg and all(v <= 1 for v in values) and not integer

    def ok(self, v: float) -> bool:
        if not math.isfinite(v):
            return False
        if self.positive and v <= 0:
            return False
        if self.nonneg and v < 0:
            return False
        if self.unit_interval and v > 1:
            return False
        return not self.integer or float(v).is_integer()


def _scalar_candidates(bases: list[float], field: "AnswerField") -> list[float]:
    """Slips a student makes, applied to each base value."""
    out = []
    for b in bases:
        if field.integer:
            out += [b + 1, b - 1, b + 2, b - 2, 2 * b, b / 2, b * 1.5, b * 0.75, b + 10, b - 10]
        else:
            unit = 10.0 ** -_decimals(field)
            out += [b * 1.1, b * 0.9, b * 1.2, b * 0.8, b * 2, b / 2, b * 1.5, b * 0.75,
                    b + 10 * unit, b - 10 * unit, b + 100 * unit, b - 100 * unit,
                    b + 0.1, b - 0.1, b + 1, b - 1]  # absolute steps: a key of 0 has no 10% of it
    return out


def _filler_pools(field: "AnswerField", key: Option, mistakes: list[Option]
                  ) -> tuple[list[Option], list[Option]]:
    """Filler values below and above the key, inside the answer's range, none already taken."""
    key_v = float(key.value)
    values = [key_v] + [float(o.value) for o in mistakes]
    domain = _Domain(values, field.integer)
    taken = {key.text} | {o.text for o in mistakes}
    below: dict[str, float] = {}
    above: dict[str, float] = {}
    for v in _scalar_candidates(values, field):
        if field.integer:
            v = float(round(v))
        if not domain.ok(v):
            continue
        text = format_value(field, v)
        if text not in taken:
            (below if v < key_v else above)[text] = v
    return ([Option(t, v) for t, v in below.items()], [Option(t, v) for t, v in above.items()])


def _scalar_distractors(field: "AnswerField", key: Option, mistakes: list[Option],
                        rng: np.random.Generator) -> list[Option]:
    """Three wrong options: real mistakes first (at least two when there are two), placed so
    that the key's rank among the four options is close to a uniformly drawn target."""
    need = N_OPTIONS - 1
    key_v = float(key.value)
    below_m = [o for o in mistakes if float(o.value) < key_v]
    above_m = [o for o in mistakes if float(o.value) >= key_v]
    below_f, above_f = _filler_pools(field, key, mistakes)
    target = int(rng.integers(0, N_OPTIONS))  # how many options lie below the key
    keep_at_least = min(1, len(mistakes))
    best: tuple | None = None
    for b in range(min(len(below_m), need) + 1):
        for a in range(min(len(above_m), need - b) + 1):
            if a + b < keep_at_least:
                continue
            f = need - a - b
            fb = min(max(target - b, 0), f, len(below_f))
            if f - fb > len(above_f):
                fb = min(f - len(above_f), len(below_f))
            if fb < 0 or f - fb > len(above_f):
                continue
            cost = (abs(b + fb - target), -(a + b), float(rng.random()))
            if best is None or cost < best[0]:
                best = (cost, b, a, fb, f - fb)
    if best is None:  # not enough of anything: whatever there is
        pool = mistakes + below_f + above_f
        order = rng.permutation(len(pool)).tolist()
        return [pool[i] for i in order[:need]]
    _, b, a, fb, fa = best
    out: list[Option] = []
    for pool, count in ((below_m, b), (above_m, a), (below_f, fb), (above_f, fa)):
        order = rng.permutation(len(pool)).tolist()
        out += [pool[i] for i in order[:count]]
    return out


def _array_fillers(field: "AnswerField", key: Option, chosen: list[Option], need: int,
                   rng: np.random.Generator) -> list[Option]:
    """Vectors/matrices: one entry of the key or of a mistake's value slipped (±1 or 10% off)."""
    bases = [key] + chosen
    taken = {o.text for o in bases}
    out: list[Option] = []
    for _ in range(40 * need):
        if len(out) >= need:
            break
        base = bases[int(rng.integers(0, len(bases)))]
        arr = np.array(base.value, dtype=float)
        flat = arr.reshape(-1)
        j = int(rng.integers(0, flat.size))
        if field.integer or float(flat[j]).is_integer():
            flat[j] += float(rng.choice([-2, -1, 1, 2]))
        else:
            flat[j] *= float(rng.choice([0.8, 0.9, 1.1, 1.2]))
        text = format_value(field, arr)
        if text not in taken:
            taken.add(text)
            out.append(Option(text, arr.tolist()))
    return out


def choice_version(problem: "Problem", seed: int) -> ChoiceVersion:
    """The problem as a 4-option single-choice question (see the module docstring)."""
    salt = zlib.crc32(problem.kind.encode("utf-8"))
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, salt, 0xC401CE]))
    field = _pick_field(problem)
    key_value = problem.answer[field.name]
    key = Option(format_value(field, key_value), key_value, correct=True)
    mistakes = _mistake_options(problem, field, key.text)
    if field.shape == "scalar":
        chosen = _scalar_distractors(field, key, mistakes, rng)
    else:
        order = rng.permutation(len(mistakes)).tolist()
        chosen = [mistakes[i] for i in order[: N_OPTIONS - 1]]
        chosen += _array_fillers(field, key, chosen, N_OPTIONS - 1 - len(chosen), rng)
    options = [key] + chosen
    order = rng.permutation(len(options)).tolist()
    return ChoiceVersion(field=field, options=tuple(options[i] for i in order))
