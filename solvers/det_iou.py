"""Intersection over union of two axis-aligned boxes given by their corners.

Convention (PASCAL VOC / COCO evaluation with continuous coordinates; torchvision.ops.box_iou)::

    box = [x1, y1, x2, y2] with x2 > x1, y2 > y1;   area = (x2 - x1) * (y2 - y1)   (no "+1")
    inter = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1))
    IoU = inter / (area_a + area_b - inter)

Boxes that only touch along an edge have IoU 0. Arithmetic is exact (fractions), so the worked
steps and ``Solution.exact`` show the fraction a student gets by hand.
"""

from __future__ import annotations

import functools
import random
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_vector, register,
)

Box = Sequence[Any]

# Named difficulty ranges: coordinate grid step and extent, and how often the boxes are disjoint
# or touch along an edge instead of overlapping.
RANGES = {
    "easy": dict(step=2, extent=12, apart=0.0, max_denominator=20),
    "medium": dict(step=1, extent=16, apart=0.0, max_denominator=None),
    "hard": dict(step=1, extent=24, apart=0.2, max_denominator=None),
}


def exact(x: Any) -> Fraction:
    """A coordinate as an exact fraction (2.5 -> 5/2; floats via their shortest decimal form)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    return _exact_float(float(x))


@functools.lru_cache(maxsize=1024)
def _exact_float(x: float) -> Fraction:  # parsing the decimal is slow; thresholds recur
    return Fraction(repr(x))


def box_area(box: Box, plus_one: bool = False) -> Fraction | int:
    """(x2 - x1) * (y2 - y1), or with the old pixel convention (x2 - x1 + 1) * (y2 - y1 + 1);
    exact (whole-number corners stay ints: exact, and several times faster than Fractions)."""
    x1, y1, x2, y2 = _exact_corners(box)
    e = 1 if plus_one else 0
    return (x2 - x1 + e) * (y2 - y1 + e)


def intersection(a: Box, b: Box, plus_one: bool = False) -> tuple[Fraction | int, Fraction | int]:
    """(width, height) of the overlap of two boxes, each clipped at 0 (exact, as box_area)."""
    ax1, ay1, ax2, ay2 = _exact_corners(a)
    bx1, by1, bx2, by2 = _exact_corners(b)
    e = 1 if plus_one else 0
    w = max(0, min(ax2, bx2) - max(ax1, bx1) + e)
    h = max(0, min(ay2, by2) - max(ay1, by1) + e)
    return w, h


def _exact_corners(box: Box) -> Sequence[Any]:
    return box if type(box[0] + box[1] + box[2] + box[3]) is int else [exact(c) for c in box]  # (see box_iou)


def iou_float(a: Sequence[Any], b: Sequence[Any]) -> float:
    """IoU as a float, for generators' margin tests only (answers use :func:`box_iou`, exact)."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def box_iou(a: Box, b: Box) -> Fraction:
    """Exact IoU of two [x1, y1, x2, y2] boxes.

    >>> str(box_iou([0, 0, 4, 4], [2, 2, 6, 6]))
    '1/7'
    >>> box_iou([0, 0, 2, 2], [2, 0, 4, 2])
    Fraction(0, 1)
    """
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    if ax2 <= ax1 or ay2 <= ay1:
        raise ValueError(f"box a {list(a)} needs x2 > x1 and y2 > y1")
    if bx2 <= bx1 or by2 <= by1:
        raise ValueError(f"box b {list(b)} needs x2 > x1 and y2 > y1")
    # the detection kinds ask for thousands of IoUs of whole-number boxes (generators, NMS, its
    # named mistakes, the matching, the steps): plain int arithmetic, and the few Fractions that
    # come out remembered by (intersection, union). A sum of ints (or bools) is an int; a float,
    # Fraction or NumPy number anywhere makes it another type, which takes the exact path.
    if type(ax1 + ay1 + ax2 + ay2 + bx1 + by1 + bx2 + by2) is not int:
        return _exact_iou(a, b)
    return iou_fraction(*iou_terms(a, b))


def iou_fraction(inter: int, union: int) -> Fraction:
    """inter / union as a Fraction, remembered: the same few recur from problem to problem."""
    return _ratio(inter, union) if inter else _ZERO


def iou_terms(a: Sequence[int], b: Sequence[int]) -> tuple[int, int]:
    """(intersection, union) of two valid whole-number boxes: their IoU unreduced."""
    ax1, ay1, ax2, ay2 = a
    bx1, by1, bx2, by2 = b
    w = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)  # (min/max are slower calls)
    h = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
    inter = w * h if w > 0 and h > 0 else 0
    return inter, (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter


_ZERO = Fraction(0)


@functools.lru_cache(maxsize=4096)
def _ratio(inter: int, union: int) -> Fraction:
    return Fraction(inter, union)


def _exact_iou(a: Box, b: Box) -> Fraction:
    ca, cb = [exact(c) for c in a], [exact(c) for c in b]
    w = max(0, min(ca[2], cb[2]) - max(ca[0], cb[0]))
    h = max(0, min(ca[3], cb[3]) - max(ca[1], cb[1]))
    inter = w * h
    union = (ca[2] - ca[0]) * (ca[3] - ca[1]) + (cb[2] - cb[0]) * (cb[3] - cb[1]) - inter
    return Fraction(inter) / Fraction(union)


def check_box(params: Mapping[str, Any], name: str) -> list[Any]:
    """A user's [x1, y1, x2, y2] box: four finite numbers with x2 > x1 and y2 > y1."""
    v = need_vector(params, name, length=4)
    x1, y1, x2, y2 = v
    if x2 <= x1:
        raise ParamError(name, f"x2 ({fmt(x2)}) must be greater than x1 ({fmt(x1)}); corners are [x1, y1, x2, y2]")
    if y2 <= y1:
        raise ParamError(name, f"y2 ({fmt(y2)}) must be greater than y1 ({fmt(y1)}); corners are [x1, y1, x2, y2]")
    return [int(c) if float(c).is_integer() else float(c) for c in v]


def py_random(rng: np.random.Generator) -> random.Random:
    """A Python generator seeded once from the problem's NumPy one, for the detection kinds'
    rejection loops, which make dozens of scalar draws per candidate: ``rnd.random()`` costs
    ~0.05 us against ~2.5 us for a NumPy scalar draw. Integer seeding and ``random()`` give the
    same numbers on every machine and Python 3.2+, so a seed still draws the same problem
    everywhere. Whole numbers are drawn as ``int(rnd.random() * k)`` (uniform on 0..k-1 up to
    k / 2**53; several times faster than ``randrange``)."""
    return random.Random(int(rng.integers(2 ** 63)))


def random_box(rnd: random.Random, step: int, extent: int, min_side: int = 2) -> list[int]:
    """A box with corners on the grid 0, step, 2*step, ... extent and sides >= min_side."""
    cells = extent // step
    lo = max(1, min_side // step)
    span = max(lo, cells // 2) + 1 - lo
    u = rnd.random
    w, h = lo + int(u() * span), lo + int(u() * span)
    x, y = int(u() * (cells - w + 1)), int(u() * (cells - h + 1))
    return [x * step, y * step, (x + w) * step, (y + h) * step]


def pick(rnd: random.Random, options: Sequence[Any]) -> Any:
    """One of ``options``, uniformly."""
    return options[int(rnd.random() * len(options))]


def distinct_scores(rnd: random.Random, n: int) -> list[int]:
    """``n`` distinct whole numbers from 30..99, uniformly (in draw order)."""
    out: list[int] = []
    while len(out) < n:
        v = 30 + int(rnd.random() * 70)
        if v not in out:
            out.append(v)
    return out


@functools.lru_cache(maxsize=4096)
def fixed4(p: int, q: int) -> str:
    """The value p/q to 4 places, as the answers ask for it (remembered: the same few IoUs and
    precisions recur; the float of p / q is the float of Fraction(p, q), both correctly rounded)."""
    return fmt(p / q, 4)


def fraction_text(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


@register
class IoU(Kind):
    id = "iou"
    topic = "detection"
    chapter = "ch8_detection"
    title = Text("交并比 IoU", "Intersection over union (IoU)")
    description = "IoU of two corner-format boxes (continuous coordinates, no +1)."
    params_help = {
        "box_a": "the first box as [x1, y1, x2, y2] with x2 > x1 and y2 > y1",
        "box_b": "the second box as [x1, y1, x2, y2]",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        apart = rnd.random() < r["apart"]
        touching = apart and rnd.random() < 0.5
        while True:
            a = random_box(rnd, r["step"], r["extent"])
            b = random_box(rnd, r["step"], r["extent"])
            if touching:  # slide b so its left edge lies on a's right edge, rows overlapping
                w = b[2] - b[0]
                b = [a[2], b[1], a[2] + w, b[3]]
                if b[2] > r["extent"] or min(a[3], b[3]) <= max(a[1], b[1]):
                    continue
            w, h = intersection(a, b)
            overlap = w * h > 0
            simple = r["max_denominator"] is None or not overlap or \
                box_iou(a, b).denominator <= r["max_denominator"]
            if overlap != apart and a != b and simple:
                return {"box_a": a, "box_b": b}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"box_a": check_box(params, "box_a"), "box_b": check_box(params, "box_b")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("iou", Text("IoU", "IoU"), decimals=4),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        a, b = params["box_a"], params["box_b"]
        return Text(
            f"两个边界框用左上角和右下角坐标 [x1, y1, x2, y2] 表示：A = {a}，B = {b}。坐标是连续的，"
            f"面积 = (x2-x1)·(y2-y1)（不加 1）。求 A 与 B 的交并比 IoU（保留 4 位小数）。",
            f"Two bounding boxes are given by their corners [x1, y1, x2, y2]: A = {a}, B = {b}. "
            f"Coordinates are continuous and area = (x2-x1)*(y2-y1) (no +1). Find the IoU of A and B "
            f"(to 4 decimal places).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        a, b = params["box_a"], params["box_b"]
        area_a, area_b = box_area(a), box_area(b)
        w, h = intersection(a, b)
        inter = w * h
        union = area_a + area_b - inter
        iou = Fraction(inter, union)  # (whole numbers or Fractions: exact either way)
        f = fraction_text
        steps = [
            Step("两个框的面积。", "The two areas.",
                 f"A: ({fmt(a[2])}-{fmt(a[0])})*({fmt(a[3])}-{fmt(a[1])}) = {f(area_a)};  "
                 f"B: ({fmt(b[2])}-{fmt(b[0])})*({fmt(b[3])}-{fmt(b[1])}) = {f(area_b)}"),
            Step("交集的宽和高（为负则取 0）。", "Width and height of the overlap (0 if negative).",
                 f"w = max(0, min({fmt(a[2])},{fmt(b[2])}) - max({fmt(a[0])},{fmt(b[0])})) = {f(w)};  "
                 f"h = max(0, min({fmt(a[3])},{fmt(b[3])}) - max({fmt(a[1])},{fmt(b[1])})) = {f(h)};  "
                 f"inter = {f(inter)}"),
            Step("并集 = A + B - 交集（交集只算一次）。", "Union = A + B - intersection (count the overlap once).",
                 f"{f(area_a)} + {f(area_b)} - {f(inter)} = {f(union)}"),
            Step("IoU = 交集 / 并集。", "IoU = intersection / union.",
                 f"{f(inter)}/{f(union)} = " + ("" if f"{f(inter)}/{f(union)}" == f(iou) else f"{f(iou)} = ")
                 + fmt(float(iou), 4)),
        ]
        wp, hp = intersection(a, b, plus_one=True)
        inter_p = wp * hp
        mistakes = [
            Mistake("union_double_counted", Text("并集没有减去交集（A+B）", "used A + B as the union (overlap counted twice)"),
                    {"iou": float(inter / (area_a + area_b))}),
            Mistake("over_one_box", Text("用交集除以 A 的面积（而不是并集）", "divided the intersection by A's area, not the union"),
                    {"iou": float(inter / area_a)}),
            Mistake("plus_one_pixel", Text("用了像素 +1 约定", "used the +1 pixel convention"),
                    {"iou": float(inter_p / (box_area(a, True) + box_area(b, True) - inter_p))}),
        ]
        if area_b != area_a:  # equal areas give the same value as dividing by A
            mistakes.append(Mistake("over_other_box", Text("用交集除以 B 的面积（而不是并集）",
                                                           "divided the intersection by B's area, not the union"),
                                    {"iou": float(inter / area_b)}))
        answer = {"iou": float(iou)}
        return Solution(answer, steps, mistakes, {"iou": f(iou)})
