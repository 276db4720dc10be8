"""Gradient maps of the first-order edge operators: Sobel, Prewitt and Roberts.

Conventions (stated in every question; Gonzalez & Woods, *Digital Image Processing*, 3.6.4 and
10.2.5)::

    G(r, c) = sum_{i,j} K[i, j] * I(r + i, c + j)        (correlation: the kernel is NOT flipped)

x points right (columns), y points down (rows); gx > 0 where intensity grows to the right and
gy > 0 where it grows downward. Only the valid region is computed (no padding), so an N x N image
gives an (N-2) x (N-2) map for the 3x3 kernels and (N-1) x (N-1) for the 2x2 Roberts cross.
Magnitude: ``l1`` = |gx| + |gy|, ``l2`` = sqrt(gx^2 + gy^2).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    MAX_PIXELS,
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt_matrix, int_matrix,
    need_choice, need_matrix, register,
)

# Kernels as written on the blackboard, applied by correlation.
KERNELS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "sobel": (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
              np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
    "prewitt": (np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]),
                np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])),
    # Roberts cross: G1 = I(r,c) - I(r+1,c+1), G2 = I(r,c+1) - I(r+1,c) (diagonal differences).
    "roberts": (np.array([[1, 0], [0, -1]]), np.array([[0, 1], [-1, 0]])),
}
OPERATOR_NAMES = {"sobel": ("Sobel 算子", "Sobel"), "prewitt": ("Prewitt 算子", "Prewitt"),
                  "roberts": ("Roberts 交叉算子", "Roberts cross")}
NORMS = ("l1", "l2")

# Named difficulty ranges: image sizes, grey-level maximum, norms to draw from, structured image.
RANGES = {
    "easy": dict(size=(4,), top=9, norms=("l1",), structured=True),
    "medium": dict(size=(5,), top=9, norms=("l1", "l2"), structured=False),
    "hard": dict(size=(5, 6), top=255, norms=("l2", "l1"), structured=False),
}
ROBERTS_RANGES = {
    "easy": dict(size=(4,), top=9, norms=("l1",), structured=True),
    "medium": dict(size=(4, 5), top=9, norms=("l1", "l2"), structured=False),
    "hard": dict(size=(5,), top=255, norms=("l2", "l1"), structured=False),
}


def correlate_valid(image: Any, kernel: Any) -> np.ndarray:
    """Valid-region correlation (no kernel flip, no padding) of a 2-D image with a kernel.

    ``out[r, c] = sum_{i,j} kernel[i, j] * image[r + i, c + j]``.

    >>> correlate_valid([[1, 2, 3], [4, 5, 6], [7, 8, 9]], KERNELS["sobel"][0]).tolist()
    [[8]]
    """
    img = np.asarray(image)
    k = np.asarray(kernel)
    if img.ndim != 2 or k.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D, got {img.ndim}-D and {k.ndim}-D")
    kh, kw = k.shape
    h, w = img.shape[0] - kh + 1, img.shape[1] - kw + 1
    if h < 1 or w < 1:
        raise ValueError(f"a {kh}x{kw} kernel does not fit in a {img.shape[0]}x{img.shape[1]} image")
    out = np.zeros((h, w), dtype=np.result_type(img, k))
    for i in range(kh):  # accumulate shifted copies: one term of the sum per kernel entry
        for j in range(kw):
            out += k[i, j] * img[i:i + h, j:j + w]
    return out


def gradient_magnitude(g1: Any, g2: Any, norm: str) -> np.ndarray:
    """|g1| + |g2| (``l1``) or sqrt(g1^2 + g2^2) (``l2``), element-wise.

    >>> gradient_magnitude([3], [-4], "l1").tolist(), gradient_magnitude([3], [-4], "l2").tolist()
    ([7], [5.0])
    """
    a, b = np.asarray(g1), np.asarray(g2)
    if norm == "l1":
        return np.abs(a) + np.abs(b)
    if norm == "l2":
        return np.sqrt(a.astype(float) ** 2 + b.astype(float) ** 2)
    raise ValueError(f"norm must be 'l1' or 'l2', got {norm!r}")


def edge_maps(image: Any, operator: str, norm: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first map, second map, magnitude) of ``operator`` over the valid region of ``image``.

    >>> g1, g2, m = edge_maps([[0, 0, 9], [0, 0, 9], [0, 0, 9]], "sobel", "l1")
    >>> int(g1[0, 0]), int(g2[0, 0]), int(m[0, 0])
    (36, 0, 36)
    """
    k1, k2 = KERNELS[operator]
    img = np.asarray(image, dtype=np.int64)
    g1, g2 = correlate_valid(img, k1), correlate_valid(img, k2)
    return g1, g2, gradient_magnitude(g1, g2, norm)


def random_image(rng: np.random.Generator, size: int, top: int, structured: bool) -> list[list[int]]:
    """A small grey image: a noisy step edge (structured) or uniform noise in 0..top."""
    if not structured:
        return rng.integers(0, top + 1, size=(size, size)).tolist()
    low, high = int(rng.integers(0, 4)), int(rng.integers(6, 10))
    orient = int(rng.integers(0, 4))
    cut = int(rng.integers(1, size))
    rule = [lambda r, c: c >= cut, lambda r, c: r >= cut, lambda r, c: r + c >= cut + 1,
            lambda r, c: c - r >= cut - size // 2][orient]
    flip = rng.random() < 0.5
    # the same draws as one NumPy expression would make, worked in plain Python on a 4 x 4 image
    noise = rng.integers(-1, 2, size=(size, size)).tolist()
    moved = (rng.random((size, size)) < 0.3).tolist()
    return [[min(top, max(0, (high if rule(r, c) != flip else low) + (noise[r][c] if moved[r][c] else 0)))
             for c in range(size)] for r in range(size)]


def check_image(params: Mapping[str, Any], name: str, min_size: int, top: int = 255) -> list[list[int]]:
    """A small integer grey image: whole numbers in 0..top, at least min_size on each side."""
    m = need_matrix(params, name, min_rows=min_size, min_cols=min_size)
    arr = np.asarray(m)
    if arr.size > MAX_PIXELS:  # the generators keep to hand-sized images; solve takes real ones
        raise ParamError(name, f"may have at most {MAX_PIXELS:,} pixels (a bound on work), got "
                               f"{arr.shape[0]} x {arr.shape[1]}")
    if not np.all(arr == np.round(arr)):
        raise ParamError(name, "must contain whole-number grey levels")
    if arr.min() < 0 or arr.max() > top:
        raise ParamError(name, f"grey levels must be between 0 and {top}")
    return arr.astype(int).tolist()


@lru_cache(maxsize=None)
def kernel_text(operator: str, names: tuple[str, str]) -> str:
    k1, k2 = KERNELS[operator]
    return (f"{names[0]} = {k1.tolist()}, {names[1]} = {k2.tolist()}")


KERNEL_LISTS = {op: (k1.tolist(), k2.tolist()) for op, (k1, k2) in KERNELS.items()}


def _correlate_small(img: list[list[int]], kernel: list[list[int]]) -> list[list[int]]:
    """:func:`correlate_valid` of a small int image on plain lists (exact, the same values)."""
    kh, kw = len(kernel), len(kernel[0])
    terms = [(i, j, k) for i, row in enumerate(kernel) for j, k in enumerate(row) if k]
    return [[sum([k * img[r + i][c + j] for i, j, k in terms]) for c in range(len(img[0]) - kw + 1)]
            for r in range(len(img) - kh + 1)]


def _magnitude_small(g1: list[list[int]], g2: list[list[int]], norm: str) -> list[list[Any]]:
    """:func:`gradient_magnitude` on plain lists: the squares of these small ints are exact, so
    math.sqrt gives NumPy's value."""
    if norm == "l1":
        return [[abs(a) + abs(b) for a, b in zip(ra, rb)] for ra, rb in zip(g1, g2)]
    return [[math.sqrt(a * a + b * b) for a, b in zip(ra, rb)] for ra, rb in zip(g1, g2)]


def _small_image(image: Any) -> bool:
    """A generated-size image of plain ints (grey levels 0..255: every square is exact)."""
    return (type(image) is list and len(image) <= 16 and all(type(row) is list and len(row) <= 16
            and all(type(v) is int and 0 <= v <= 255 for v in row) for row in image))


def term_sum_lists(kernel: list[list[int]], window: list[int]) -> str:
    """'(-1)*3 + 1*5 + ...' over the non-zero kernel entries, for a worked step: the kernel as
    rows, the window's pixels in row order."""
    return " + ".join([f"({k})*{v}" if k < 0 else f"{k}*{v}"
                       for k, v in zip([k for row in kernel for k in row], window) if k != 0])


class EdgeMapKind(Kind):
    """Shared body of the three map kinds; subclasses set the operator and names."""

    topic = "image"
    chapter = "ch3_image_processing"
    operator: str = "sobel"
    map_names: tuple[str, str] = ("gx", "gy")
    ranges: dict = RANGES
    params_help = {
        "image": "a small grey image as a matrix of whole numbers 0..255, e.g. [[1,2,3,4],...]",
        "norm": "'l1' for |gx|+|gy| or 'l2' for sqrt(gx^2+gy^2)",
    }

    @property
    def ksize(self) -> int:
        return KERNELS[self.operator][0].shape[0]

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = self.ranges[difficulty]
        size = r["size"][int(rng.integers(len(r["size"])))]  # = rng.choice, without its overhead
        image = random_image(rng, size, r["top"], r["structured"])
        return {"image": image, "norm": r["norms"][int(rng.integers(len(r["norms"])))]}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"image": check_image(params, "image", self.ksize),
                "norm": need_choice(params, "norm", NORMS, default="l2")}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        a, b = self.map_names
        l2 = params["norm"] == "l2"
        return (
            AnswerField(a, Text(f"{a} 图", f"{a} map"), shape="matrix", integer=True),
            AnswerField(b, Text(f"{b} 图", f"{b} map"), shape="matrix", integer=True),
            AnswerField("magnitude", Text("梯度幅值图", "magnitude map"), shape="matrix",
                        integer=not l2, decimals=2 if l2 else None),
        )

    def _conventions(self, params: Mapping[str, Any]) -> Text:
        a, b = self.map_names
        n = len(params["image"])
        out = n - self.ksize + 1
        zh_mag = f"|{a}|+|{b}|" if params["norm"] == "l1" else f"√({a}²+{b}²)，保留 2 位小数"
        en_mag = (f"|{a}| + |{b}|" if params["norm"] == "l1"
                  else f"sqrt({a}^2 + {b}^2), to 2 decimal places")
        if self.operator == "roberts":
            where_zh = f"输出 (i,j) 对应以像素 (i,j) 为左上角的 2×2 窗口，输出为 {out}×{out}"
            where_en = f"output (i,j) uses the 2x2 window whose top-left pixel is (i,j), so the maps are {out}x{out}"
            dir_zh = "两个核分别计算两条对角线方向的差分"
            dir_en = "the two kernels take differences along the two diagonals"
        else:
            where_zh = f"只计算有效区域（不填充），输出为 {out}×{out}"
            where_en = f"only the valid region is computed (no padding), so the maps are {out}x{out}"
            dir_zh = "x 向右、y 向下；灰度向右增大处 gx 为正，向下增大处 gy 为正"
            dir_en = ("x points right and y points down; gx is positive where intensity grows to "
                      "the right, gy where it grows downward")
        return Text(
            f"约定：按相关（correlation，不翻转卷积核）计算；{dir_zh}；{where_zh}；"
            f"幅值取 {zh_mag}。",
            f"Conventions: the kernels are applied by correlation (no kernel flip); {dir_en}; "
            f"{where_en}; the magnitude is {en_mag}.",
        )

    def statement(self, params: Mapping[str, Any]) -> Text:
        zh_name, en_name = OPERATOR_NAMES[self.operator]
        img = fmt_matrix(params["image"])
        kt = kernel_text(self.operator, self.map_names)
        conv = self._conventions(params)
        return Text(
            f"用 {zh_name}（{kt}）对下面的灰度图像求 {self.map_names[0]}、{self.map_names[1]} "
            f"和梯度幅值图。{conv.zh}\n{img}",
            f"Apply the {en_name} operator ({kt}) to the grey image below and give the "
            f"{self.map_names[0]} map, the {self.map_names[1]} map and the gradient magnitude map. "
            f"{conv.en}\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        img = params["image"]
        norm = params["norm"]
        other_norm = "l2" if norm == "l1" else "l1"
        a, b = self.map_names
        k1, k2 = KERNEL_LISTS[self.operator]
        if _small_image(img):
            g1, g2 = _correlate_small(img, k1), _correlate_small(img, k2)
            mag, other = _magnitude_small(g1, g2, norm), _magnitude_small(g1, g2, other_norm)
        else:  # a user's large image: NumPy
            g1a, g2a, maga = edge_maps(np.asarray(img, dtype=np.int64), self.operator, norm)
            g1, g2, mag = g1a.tolist(), g2a.tolist(), maga.tolist()
            other = gradient_magnitude(g1a, g2a, other_norm).tolist()
        ks = len(k1)
        w = [int(v) for row in img[0:ks] for v in row[0:ks]]
        # a 2x2 Roberts window has no centre pixel: name its top-left only
        where_zh = "，中心像素 (1,1)" if ks == 3 else ""
        where_en = ", centre pixel (1,1)" if ks == 3 else ""
        steps = [
            Step("把两个核分别放在每个有效位置上，与对应像素逐项相乘后求和（相关，不翻转核）。",
                 "Slide each kernel over every valid position; multiply entry by entry with the "
                 "pixels under it and add (correlation: the kernel is not flipped).",
                 kernel_text(self.operator, (a, b))),
            Step(f"例如第一个输出位置（窗口左上角为像素 (0,0)，行列从 0 开始{where_zh}）：",
                 f"For example the first output position (window top-left at pixel (0,0), rows and "
                 f"columns counted from 0{where_en}):",
                 f"{a} = {term_sum_lists(k1, w)} = {g1[0][0]};  "
                 f"{b} = {term_sum_lists(k2, w)} = {g2[0][0]}"),
            Step(f"{a} 图：", f"The {a} map:", fmt_matrix(g1)),
            Step(f"{b} 图：", f"The {b} map:", fmt_matrix(g2)),
            Step(*(("梯度幅值 |" + a + "|+|" + b + "|：", "Magnitude |" + a + "| + |" + b + "|:")
                   if norm == "l1" else
                   (f"梯度幅值 √({a}²+{b}²)，保留 2 位小数：", f"Magnitude sqrt({a}^2 + {b}^2), to 2 dp:")),
                 fmt_matrix(mag, 2)),
        ]
        mistakes = [
            Mistake("kernel_flipped",
                    Text("把核翻转了（按卷积计算），符号全部相反", "flipped the kernel (convolution): every sign is reversed"),
                    {a: [[-v for v in row] for row in g1], b: [[-v for v in row] for row in g2]}),
            Mistake("swapped_maps",
                    Text(f"把 {a} 和 {b} 弄反了", f"swapped {a} and {b}"),
                    {a: [list(row) for row in g2], b: [list(row) for row in g1]}),
            Mistake("norm_mixed",
                    Text("L1 与 L2 幅值弄混了", "mixed up the L1 and L2 magnitude"),
                    {"magnitude": int_matrix(other)}),
        ]
        return Solution({a: g1, b: g2, "magnitude": int_matrix(mag)}, steps, mistakes)


@register
class Sobel(EdgeMapKind):
    id = "sobel"
    operator = "sobel"
    title = Text("Sobel 边缘检测", "Sobel edge maps")
    description = "Sobel gx, gy and gradient magnitude over the valid region of a small image."


@register
class Prewitt(EdgeMapKind):
    id = "prewitt"
    operator = "prewitt"
    title = Text("Prewitt 边缘检测", "Prewitt edge maps")
    description = "Prewitt gx, gy and gradient magnitude over the valid region of a small image."


@register
class Roberts(EdgeMapKind):
    id = "roberts"
    operator = "roberts"
    map_names = ("g1", "g2")
    ranges = ROBERTS_RANGES
    title = Text("Roberts 交叉算子", "Roberts cross edge maps")
    description = "Roberts cross responses g1, g2 and magnitude over the valid (N-1)x(N-1) region."
    params_help = {
        "image": "a small grey image as a matrix of whole numbers 0..255, e.g. [[1,2,3],...]",
        "norm": "'l1' for |g1|+|g2| or 'l2' for sqrt(g1^2+g2^2)",
    }


def direction_degrees(gx: float, gy: float) -> float:
    """theta = atan2(gy, gx) in degrees, in (-180, 180]; 0 when gx = gy = 0.

    >>> direction_degrees(-1, 0), direction_degrees(0, 2)
    (180.0, 90.0)
    """
    if gx == 0 and gy == 0:
        return 0.0
    return math.degrees(math.atan2(float(gy) + 0.0, float(gx)))  # +0.0: never -0.0, so 180 not -180

