"""Bilinear interpolation: the value at a fractional point, and resizing a small image.

Conventions (stated in every question)::

    pixel (row r, column c) sits at the point x = c, y = r  (x to the right, y downward)
    f(x, y) with x0 = floor(x), a = x - x0, y0 = floor(y), b = y - y0:
        f = (1-a)(1-b) f[y0][x0] + a(1-b) f[y0][x0+1] + (1-a) b f[y0+1][x0] + a b f[y0+1][x0+1]
    resize n -> m along each axis, output index i reads the input at
        align_corners = True :  src = i * (n - 1) / (m - 1)         (corner pixels line up)
        align_corners = False:  src = (i + 0.5) * n / m - 0.5, clamped to [0, n - 1]
                                (pixel centres line up; PyTorch / OpenCV / scikit-image default)

Arithmetic is exact (fractions); only the final values are rounded.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, need_bool, need_choice,
    need_float, need_int, register,
)
from solvers.img_edges import check_image

DECIMALS = 2
MODES = ("point", "resize")
# Named difficulty ranges: what is asked, image size, resize pairs (n, m).
RANGES = {
    "easy": dict(mode="point", size=2, top=9),
    "medium": dict(mode="point", size=4, top=9),
    # (2 -> 3 is left out: clamping makes both align_corners conventions give the same image)
    "hard": dict(mode="resize", pairs=((2, 4), (3, 4), (3, 5), (2, 5), (3, 2)), top=9),
}


def bilinear_at(image: Any, x: Fraction, y: Fraction) -> Fraction:
    """The bilinear value at (x, y), exact; x is the column, y the row.

    >>> bilinear_at([[91, 210], [162, 95]], Fraction(1, 2), Fraction(1, 5))
    Fraction(1461, 10)
    """
    return _bilinear(_rows(image), x, y)


def _rows(image: Any) -> list[list[int]]:
    """The image as lists of ints (a list of lists of ints passes through: read-only)."""
    if type(image) is list and all(type(row) is list and _INT_ONLY.issuperset(map(type, row)) for row in image):
        return image
    return [[int(v) for v in row] for row in np.asarray(image).tolist()]


_INT_ONLY = frozenset((int,))


def _bilinear(img: list[list[int]], x: Fraction, y: Fraction) -> Fraction:
    """The formula in whole numbers: with x = X/D and y = Y/E, a = A/D and b = B/E, and the
    value is one fraction over D*E (the same exact value, one Fraction instead of fifteen)."""
    h, w = len(img), len(img[0])
    x0 = min(math.floor(x), w - 2) if w > 1 else 0
    y0 = min(math.floor(y), h - 2) if h > 1 else 0
    x1, y1 = min(x0 + 1, w - 1), min(y0 + 1, h - 1)
    d, e = x.denominator, y.denominator
    a, b = x.numerator - x0 * d, y.numerator - y0 * e
    return Fraction((d - a) * (e - b) * img[y0][x0] + a * (e - b) * img[y0][x1]
                    + (d - a) * b * img[y1][x0] + a * b * img[y1][x1], d * e)


def source_coords(n: int, m: int, align_corners: bool) -> list[Fraction]:
    """Where each of the m output positions reads the n-long input.

    >>> [str(s) for s in source_coords(2, 4, False)], [str(s) for s in source_coords(2, 3, True)]
    (['0', '1/4', '3/4', '1'], ['0', '1/2', '1'])
    """
    if align_corners:
        return [Fraction(i * (n - 1), m - 1) if m > 1 else Fraction(0) for i in range(m)]
    # (i + 1/2) * n/m - 1/2 = ((2i + 1) n - m) / 2m, clamped to [0, n - 1]
    return [Fraction(min(max((2 * i + 1) * n - m, 0), (n - 1) * 2 * m), 2 * m) for i in range(m)]


def resize(image: Any, m: int, align_corners: bool) -> list[list[Fraction]]:
    """Bilinear resize to m x m, exact. Every source coordinate is k/D for one denominator D
    ((m-1) or 2m), so the sums are done in integers over D^2 and made a fraction once per pixel.

    >>> [[str(v) for v in row] for row in resize([[0, 4], [8, 12]], 3, True)]
    [['0', '2', '4'], ['4', '6', '8'], ['8', '10', '12']]
    """
    img = [[int(v) for v in row] for row in np.asarray(image).tolist()]
    n = len(img)
    if align_corners:
        d = max(m - 1, 1)
        nums = [i * (n - 1) for i in range(m)]
    else:
        d = 2 * m
        nums = [min(max((2 * i + 1) * n - m, 0), (n - 1) * d) for i in range(m)]
    cells = []
    for k in nums:  # (index of the left/upper pixel, weight numerator of the right/lower one)
        i0 = min(k // d, n - 2) if n > 1 else 0
        cells.append((i0, k - i0 * d))
    out = []
    for y0, b in cells:
        row0, row1 = img[y0], img[min(y0 + 1, n - 1)]
        out.append([Fraction((d - a) * (d - b) * row0[x0] + a * (d - b) * row0[min(x0 + 1, n - 1)]
                             + (d - a) * b * row1[x0] + a * b * row1[min(x0 + 1, n - 1)], d * d)
                    for x0, a in cells])
    return out


def nearest_at(image: Any, x: Fraction, y: Fraction) -> int:
    """Nearest-neighbour value (halves round up), for the 'used nearest' mistake."""
    img = _rows(image)
    # floor(v + 1/2) = (2 num + den) // (2 den) for v = num/den
    r = min((2 * y.numerator + y.denominator) // (2 * y.denominator), len(img) - 1)
    c = min((2 * x.numerator + x.denominator) // (2 * x.denominator), len(img[0]) - 1)
    return img[r][c]


def _frac(v: Any) -> Fraction:
    return Fraction(repr(float(v))) if not isinstance(v, int) else Fraction(v)


def _f(x: Fraction) -> str:
    """A fraction as a student writes it: 3/4 -> 0.75, 2/3 stays 2/3 (remembered: the same
    weights and coordinates recur)."""
    key = (x.numerator, x.denominator)  # (hashing the pair is cheaper than hashing a Fraction)
    text = _F_TEXT.get(key)
    if text is None:
        if len(_F_TEXT) >= 1 << 16:
            _F_TEXT.clear()
        text = _F_TEXT[key] = _f_text(x)
    return text


_F_TEXT: dict[tuple[int, int], str] = {}


def _f_text(x: Fraction) -> str:
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    exact = Decimal(x.numerator) / Decimal(x.denominator)  # terminates: every digit shown
    return fmt(exact) if exact == exact.to_integral_value() else format(exact.normalize(), "f")


@register
class Bilinear(Kind):
    id = "bilinear"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("双线性插值", "Bilinear interpolation")
    description = "Bilinear value at a fractional point, or a bilinear resize with align_corners stated."
    params_help = {
        "image": "a small grey image, whole numbers 0..255, at least 2x2",
        "mode": "point (value at x, y) or resize (to an m x m image)",
        "x": "point mode: the column coordinate, 0 <= x <= width-1",
        "y": "point mode: the row coordinate, 0 <= y <= height-1",
        "size": "resize mode: the output side m (2..8)",
        "align_corners": "resize mode: true (corners line up) or false (pixel centres line up)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        if r["mode"] == "point":
            n = r["size"]
            while True:
                img = rng.integers(0, r["top"] + 1, size=(n, n)).tolist()
                x = int(rng.integers(1, 10 * (n - 1))) / 10
                y = int(rng.integers(1, 10 * (n - 1))) / 10
                if x % 1 == 0 or y % 1 == 0 or x == y:
                    continue
                value, wrongs = _point_values(img, _frac(x), _frac(y))
                wrong = {round(v, 2) for v in wrongs.values() if abs(v - float(value)) > 0.006}
                if len(wrong) >= 2:  # at least two named mistakes really show
                    return {"image": img, "mode": "point", "x": x, "y": y}
        n, m = r["pairs"][int(rng.integers(len(r["pairs"])))]
        while True:
            img = rng.integers(0, r["top"] + 1, size=(n, n)).tolist()
            if len({v for row in img for v in row}) >= 3:
                return {"image": img, "mode": "resize", "size": m, "align_corners": bool(rng.random() < 0.5)}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        img = check_image(params, "image", 2)
        h, w = len(img), len(img[0])
        mode = need_choice(params, "mode", MODES, default="point")
        if mode == "point":
            x = need_float(params, "x", minimum=0.0, maximum=w - 1)
            y = need_float(params, "y", minimum=0.0, maximum=h - 1)
            num = (lambda v: int(v) if v.is_integer() else v)
            return {"image": img, "mode": mode, "x": num(x), "y": num(y)}
        if h != w:
            raise ParamError("image", f"must be square to resize, got {h} x {w}")
        return {"image": img, "mode": mode, "size": need_int(params, "size", minimum=2, maximum=8),
                "align_corners": need_bool(params, "align_corners", default=False)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        if params["mode"] == "point":
            return (AnswerField("value", Text("插值结果", "interpolated value"), decimals=DECIMALS),)
        return (AnswerField("output", Text("缩放后的图像", "resized image"), shape="matrix", decimals=DECIMALS),)

    def statement(self, params: Mapping[str, Any]) -> Text:
        img = fmt_matrix(params["image"])
        conv_zh = "像素 (行 r, 列 c) 位于点 x = c、y = r（x 向右、y 向下，从 0 开始）"
        conv_en = "pixel (row r, column c) sits at the point x = c, y = r (x to the right, y downward, from 0)"
        if params["mode"] == "point":
            x, y = fmt(params["x"]), fmt(params["y"])
            return Text(
                f"对下面的灰度图像做双线性插值，{conv_zh}。求点 (x, y) = ({x}, {y}) 处的值，保留 {DECIMALS} 位小数"
                f"（中间过程用精确值）。\n{img}",
                f"Interpolate the grey image below bilinearly; {conv_en}. Find the value at (x, y) = ({x}, {y}) "
                f"to {DECIMALS} decimal places (keep exact values in between).\n{img}",
            )
        n, m = len(params["image"]), params["size"]
        if params["align_corners"]:
            rule_zh, rule_en = (f"align_corners = True：输出下标 i 对应输入坐标 i·(n-1)/(m-1)（四角像素对齐）",
                                f"align_corners = True: output index i reads the input at i*(n-1)/(m-1) (the corner pixels line up)")
        else:
            rule_zh, rule_en = (f"align_corners = False：输出下标 i 对应输入坐标 (i+0.5)·n/m - 0.5，超出 [0, n-1] 的截到边界（像素中心对齐）",
                                f"align_corners = False: output index i reads the input at (i+0.5)*n/m - 0.5, clamped to [0, n-1] (pixel centres line up)")
        return Text(
            f"用双线性插值把下面 {n}×{n} 的图像缩放为 {m}×{m}，{conv_zh}。行和列都按 {rule_zh}（n = {n}，m = {m}）。"
            f"求缩放后的图像，每个值保留 {DECIMALS} 位小数（中间过程用精确分数）。\n{img}",
            f"Resize the {n}x{n} image below to {m}x{m} by bilinear interpolation; {conv_en}. Rows and columns "
            f"both use {rule_en} (n = {n}, m = {m}). Give the resized image, each value to {DECIMALS} decimal "
            f"places (keep exact fractions in between).\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        img = _rows(params["image"])
        if params["mode"] == "point":
            return self._solve_point(img, _frac(params["x"]), _frac(params["y"]))
        return self._solve_resize(img, params["size"], params["align_corners"])

    def _solve_point(self, img: list[list[int]], x: Fraction, y: Fraction) -> Solution:
        h, w = len(img), len(img[0])
        x0, y0 = min(math.floor(x), w - 2), min(math.floor(y), h - 2)
        f00, f01, f10, f11 = img[y0][x0], img[y0][x0 + 1], img[y0 + 1][x0], img[y0 + 1][x0 + 1]
        # each shown fraction built once from whole numbers over D (x = X/D) or E (y = Y/E)
        d, e = x.denominator, y.denominator
        an, bn = x.numerator - x0 * d, y.numerator - y0 * e
        a, b = Fraction(an, d), Fraction(bn, e)
        top, bottom = Fraction((d - an) * f00 + an * f01, d), Fraction((d - an) * f10 + an * f11, d)
        value = Fraction((e - bn) * ((d - an) * f00 + an * f01) + bn * ((d - an) * f10 + an * f11), d * e)
        steps = [
            Step("找出包围该点的 4 个像素（x 为列、y 为行）及小数部分 a、b。",
                 "Find the 4 pixels around the point (x is the column, y the row) and the fractions a, b.",
                 f"x0 = {x0}, a = {_f(x)} - {x0} = {_f(a)};  y0 = {y0}, b = {_f(y)} - {y0} = {_f(b)};  "
                 f"f({y0},{x0}) = {f00}, f({y0},{x0 + 1}) = {f01}, f({y0 + 1},{x0}) = {f10}, f({y0 + 1},{x0 + 1}) = {f11}"),
            Step("先沿 x 方向在上下两行各做一次线性插值：", "First interpolate along x on the upper and lower rows:",
                 f"top = {_f(Fraction(d - an, d))}*{f00} + {_f(a)}*{f01} = {_f(top)};  "
                 f"bottom = {_f(Fraction(d - an, d))}*{f10} + {_f(a)}*{f11} = {_f(bottom)}"),
            Step("再沿 y 方向插值：", "Then interpolate along y:",
                 f"f = {_f(Fraction(e - bn, e))}*{_f(top)} + {_f(b)}*{_f(bottom)} = {_f(value)} ≈ {fmt(float(value), DECIMALS)}"),
        ]
        _, wrong = _point_values(img, x, y)
        mistakes = [
            Mistake("swapped_xy", Text("把 x 和 y 弄反了（x 当成了行）", "swapped x and y (took x as the row)"),
                    {"value": wrong["swapped_xy"]}) if "swapped_xy" in wrong else None,
            Mistake("weights_reversed", Text("权重用反了（离得近的像素反而给了小权重）",
                                             "reversed the weights (the nearer pixel got the smaller weight)"),
                    {"value": wrong["weights_reversed"]}),
            Mistake("nearest", Text("用了最近邻而不是双线性插值", "used the nearest pixel instead of bilinear interpolation"),
                    {"value": wrong["nearest"]}),
        ]
        return Solution({"value": float(value)}, steps, [m for m in mistakes if m is not None],
                        exact={"value": str(value)} if value.denominator != 1 else {})

    def _solve_resize(self, img: list[list[int]], m: int, align_corners: bool) -> Solution:
        n = len(img)
        coords = source_coords(n, m, align_corners)
        out = resize(img, m, align_corners)
        formula = f"i*({n}-1)/({m}-1)" if align_corners else f"(i+0.5)*{n}/{m} - 0.5, clamped to [0, {n - 1}]"
        steps = [
            Step("每个输出下标在输入中的坐标（行列相同）：", "The input coordinate of each output index (same for rows and columns):",
                 f"src(i) = {formula}:  " + ", ".join(f"i={i}: {_f(s)}" for i, s in enumerate(coords))),
        ]
        lines = []
        for i, y in enumerate(coords):
            for j, x in enumerate(coords):
                lines.append(f"({i},{j}): f(x={_f(x)}, y={_f(y)}) = {_f(out[i][j])}")
        steps.append(Step("对每个输出像素在对应坐标处做双线性插值：", "Interpolate bilinearly at each output pixel's coordinates:",
                          "\n".join(lines)))
        values = [[float(v) for v in row] for row in out]
        steps.append(Step(f"缩放后的图像（保留 {DECIMALS} 位小数）：", f"The resized image (to {DECIMALS} decimal places):",
                          fmt_matrix(values, DECIMALS)))
        other = resize(img, m, not align_corners)
        near = [[nearest_at(img, x, y) for x in coords] for y in coords]
        mistakes = [
            Mistake("align_corners_mixup", Text("align_corners 的两种约定弄混了", "mixed up the two align_corners conventions"),
                    {"output": [[float(v) for v in row] for row in other]}),
            Mistake("nearest", Text("用了最近邻而不是双线性插值", "used the nearest pixel instead of bilinear interpolation"),
                    {"output": [[float(v) for v in row] for row in near]}),
        ]
        return Solution({"output": values}, steps, mistakes)


def _point_values(img: list[list[int]], x: Fraction, y: Fraction) -> tuple[Fraction, dict[str, float]]:
    """The exact value at (x, y) and the value of each named mistake (swapped_xy only when the
    swapped point lies in the image): what generate() screens and solve() names."""
    h, w = len(img), len(img[0])
    x0, y0 = min(math.floor(x), w - 2), min(math.floor(y), h - 2)
    wrong = {}
    if max(x, y) <= min(h, w) - 1:
        wrong["swapped_xy"] = float(_bilinear(img, y, x))
    # the point x0 + 1 - a = 2 x0 + 1 - x (and so for y): the weights of the two sides swapped
    mirrored_x = Fraction((2 * x0 + 1) * x.denominator - x.numerator, x.denominator)
    mirrored_y = Fraction((2 * y0 + 1) * y.denominator - y.numerator, y.denominator)
    wrong["weights_reversed"] = float(_bilinear(img, mirrored_x, mirrored_y))
    wrong["nearest"] = float(nearest_at(img, x, y))
    return _bilinear(img, x, y), wrong
