"""3x3 smoothing filters: the mean (box) filter and the 3x3 Gaussian approximation.

Kernels (Gonzalez & Woods, *Digital Image Processing*, 3.5.1)::

    mean     = [[1,1,1],[1,1,1],[1,1,1]] / 9
    gaussian = [[1,2,1],[2,4,2],[1,2,1]] / 16     (weights fall off with distance from the centre)

Both kernels are symmetric, so correlation and convolution agree. Only the valid region is
computed (no padding): an N x N image gives (N-2) x (N-2) outputs; a 3x3 neighbourhood gives the
single smoothed value of its centre pixel.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, Solution, Step, Text, fmt_matrix, need_choice, register,
)
from solvers.img_edges import check_image, correlate_valid

FILTERS = ("mean", "gaussian")
WEIGHTS = {"mean": (np.ones((3, 3), dtype=np.int64), 9),
           "gaussian": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.int64), 16)}
FILTER_NAMES = {"mean": ("均值滤波", "mean (box) filter"), "gaussian": ("高斯滤波", "Gaussian filter")}

# Named difficulty ranges: image size (3 = one pixel's neighbourhood) and grey-level maximum.
RANGES = {
    "easy": dict(size=(3,), top=9),
    "medium": dict(size=(3, 4), top=9),
    "hard": dict(size=(4, 5), top=255),
}


def smooth_valid(image: Any, kind: str) -> np.ndarray:
    """Valid-region 3x3 smoothing of ``image`` with the ``mean`` or ``gaussian`` kernel (floats).

    >>> smooth_valid([[0, 0, 0], [0, 16, 0], [0, 0, 0]], "gaussian").tolist()
    [[4.0]]
    >>> smooth_valid([[1, 2, 3], [4, 5, 6], [7, 8, 9]], "mean").tolist()
    [[5.0]]
    """
    if kind not in WEIGHTS:
        raise ValueError(f"filter must be 'mean' or 'gaussian', got {kind!r}")
    weights, total = WEIGHTS[kind]
    return correlate_valid(np.asarray(image, dtype=np.int64), weights) / total


def weighted_sums(image: Any, kind: str) -> np.ndarray:
    """The integer numerators (weighted sums before the division), for worked steps."""
    return correlate_valid(np.asarray(image, dtype=np.int64), WEIGHTS[kind][0])


def half_up(x: Fraction, places: int = 2) -> str:
    """Round a fraction half away from zero, as on paper (2250/16 = 140.625 -> '140.63')."""
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return str(q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def half_up_matrix(sums: Any, total: int) -> str:
    return fmt_matrix([[_half_up_ratio(int(v), total) for v in row] for row in sums])


@lru_cache(maxsize=1 << 14)
def _half_up_ratio(numerator: int, total: int) -> str:
    """half_up(Fraction(numerator, total)), remembered: the same few hundred sums recur."""
    return half_up(Fraction(numerator, total))


# The kernels written out on plain lists: a generated image is at most 5 x 5 whole numbers, for
# which these exact integer sums are the NumPy ones (and each division the same correctly
# rounded float), at a fraction of the cost of NumPy calls on tiny arrays.
WEIGHT_LISTS = {name: w.tolist() for name, (w, _) in WEIGHTS.items()}


def _sums_small(img: list[list[int]], kind: str) -> list[list[int]]:
    """:func:`weighted_sums` on lists."""
    out = []
    for r in range(len(img) - 2):
        a, b, c = img[r], img[r + 1], img[r + 2]
        if kind == "mean":
            out.append([a[j] + a[j + 1] + a[j + 2] + b[j] + b[j + 1] + b[j + 2] + c[j] + c[j + 1] + c[j + 2]
                        for j in range(len(a) - 2)])
        else:
            out.append([(a[j] + 2 * a[j + 1] + a[j + 2]) + 2 * (b[j] + 2 * b[j + 1] + b[j + 2])
                        + (c[j] + 2 * c[j + 1] + c[j + 2]) for j in range(len(a) - 2)])
    return out


def _small_image(image: Any) -> bool:
    """A generated-size image of plain non-negative ints below 2**40 (every sum exact)."""
    return (type(image) is list and 3 <= len(image) <= 16 and type(image[0]) is list and 3 <= len(image[0]) <= 16
            and all(type(row) is list and len(row) == len(image[0])
                    and all(type(v) is int and 0 <= v < 1 << 40 for v in row) for row in image))


@register
class Smoothing(Kind):
    id = "smoothing"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("均值与高斯平滑", "Mean and Gaussian smoothing")
    description = "3x3 mean or Gaussian smoothing at one pixel or over the valid region of a small image."
    params_help = {
        "filter": "'mean' (all weights 1/9) or 'gaussian' ([[1,2,1],[2,4,2],[1,2,1]]/16)",
        "image": "a 3x3 neighbourhood (one output) or a larger grey image, whole numbers 0..255",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        size = r["size"][int(rng.integers(len(r["size"])))]  # = rng.choice, without its overhead
        img = rng.integers(0, r["top"] + 1, size=(size, size)).tolist()
        if difficulty != "easy" and rng.random() < 0.5:  # an impulse-noise pixel to smooth away
            row = int(rng.integers(1, size - 1))
            img[row][int(rng.integers(1, size - 1))] = r["top"]
        return {"filter": FILTERS[int(rng.integers(len(FILTERS)))], "image": img}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"filter": need_choice(params, "filter", FILTERS), "image": check_image(params, "image", 3)}

    @staticmethod
    def _single(params: Mapping[str, Any]) -> bool:
        return len(params["image"]) == 3 and len(params["image"][0]) == 3

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        if self._single(params):
            return (AnswerField("value", Text("中心像素平滑后的值", "smoothed centre value"), decimals=2),)
        return (AnswerField("output", Text("平滑结果（有效区域）", "smoothed valid region"),
                            shape="matrix", decimals=2),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        zh_name, en_name = FILTER_NAMES[params["filter"]]
        kern = "[[1,1,1],[1,1,1],[1,1,1]]/9" if params["filter"] == "mean" else "[[1,2,1],[2,4,2],[1,2,1]]/16"
        img = fmt_matrix(params["image"])
        if self._single(params):
            return Text(f"用 3×3 {zh_name}（核 {kern}）处理下面 3×3 邻域的中心像素，求其新值（保留 2 位小数）。\n{img}",
                        f"Apply the 3x3 {en_name} (kernel {kern}) to the centre pixel of the 3x3 "
                        f"neighbourhood below. What is its new value (to 2 decimal places)?\n{img}")
        n = len(params["image"]) - 2
        return Text(f"用 3×3 {zh_name}（核 {kern}）对下面的图像做平滑。只计算有效区域（不填充），"
                    f"结果为 {n}×{n}，每个值保留 2 位小数。\n{img}",
                    f"Smooth the image below with the 3x3 {en_name} (kernel {kern}). Compute the valid "
                    f"region only (no padding), a {n}x{n} result, each value to 2 decimal places.\n{img}")

    def solve(self, params: Mapping[str, Any]) -> Solution:
        kind = params["filter"]
        img = params["image"]
        if _small_image(img):
            sums_of = _sums_small
        else:  # a user's large image: NumPy (the same whole-number sums)
            def sums_of(x: Any, how: str) -> list[list[int]]:
                return weighted_sums(x, how).tolist()
        total = WEIGHTS[kind][1]
        sums = sums_of(img, kind)
        other = "gaussian" if kind == "mean" else "mean"
        other_total = WEIGHTS[other][1]
        wrong_div = 9 if kind == "gaussian" else 8
        w = [int(v) for row in img[:3] for v in row[:3]]
        wts = [k for row in WEIGHT_LISTS[kind] for k in row]
        first = " + ".join([f"{v}" if k == 1 else f"{k}*{v}" for k, v in zip(wts, w)])
        steps = [
            Step("把核放在每个位置，像素与权重相乘后求和，再除以权重之和。",
                 "Place the kernel at each position, multiply pixels by the weights, add, then divide "
                 "by the sum of the weights.",
                 f"({first}) / {total} = {sums[0][0]}/{total} = {_half_up_ratio(sums[0][0], total)}"),
        ]
        single = self._single(params)
        if not single:
            steps.append(Step("各位置的加权和：", "The weighted sums at each position:", fmt_matrix(sums)))
            steps.append(Step(f"除以 {total}，保留 2 位小数：", f"Divided by {total}, to 2 dp:", half_up_matrix(sums, total)))
        name = "value" if single else "output"

        def shaped(m: list[list[Any]], divisor: int | None) -> Any:
            if divisor is None:
                return float(m[0][0]) if single else [[float(v) for v in row] for row in m]
            return m[0][0] / divisor if single else [[v / divisor for v in row] for row in m]

        mistakes = [
            Mistake("no_division", Text("忘了除以权重之和", "forgot to divide by the sum of the weights"),
                    {name: shaped(sums, None)}),
            Mistake("wrong_normaliser",
                    Text(f"除以 {wrong_div} 而不是 {total}", f"divided by {wrong_div} instead of {total}"),
                    {name: shaped(sums, wrong_div)}),
            Mistake("other_filter", Text("用错了滤波器（均值/高斯弄混）", "used the other filter (mean vs Gaussian)"),
                    {name: shaped(sums_of(img, other), other_total)}),
        ]
        exact = {"value": str(Fraction(sums[0][0], total))} if single else {}
        return Solution({name: shaped(sums, total)}, steps, mistakes, exact)
