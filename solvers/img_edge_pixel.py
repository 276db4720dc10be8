"""The response of an edge operator at one pixel: gx, gy, magnitude and gradient direction.

Same conventions as :mod:`solvers.img_edges` (correlation, x right, y down). The direction is
``theta = atan2(gy, gx)`` in degrees, measured from the +x axis (right) towards +y (down), in
the range (-180, 180] (Gonzalez & Woods, eq. 10.2-11, with the image y axis pointing down).
The Roberts cross has diagonal kernels, so for it only g1, g2 and the magnitude are asked.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, need_choice,
    register,
)
from solvers.img_edges import (
    KERNEL_LISTS, KERNELS, NORMS, OPERATOR_NAMES, check_image, direction_degrees, term_sum_lists,
)

OPERATORS = ("sobel", "prewitt", "roberts")

# Named difficulty ranges: operators to draw from, grey-level maximum, norms.
RANGES = {
    "easy": dict(operators=("sobel", "prewitt"), top=9, norms=("l2",)),
    "medium": dict(operators=("sobel", "prewitt", "roberts"), top=9, norms=("l2", "l1")),
    "hard": dict(operators=("sobel", "prewitt", "roberts"), top=255, norms=("l2", "l1")),
}


def pixel_response(window: Any, operator: str) -> tuple[int, int]:
    """(gx, gy) -- or (g1, g2) for Roberts -- of ``operator`` on one window (correlation).

    >>> pixel_response([[1, 2, 3], [4, 5, 6], [7, 8, 9]], "sobel")
    (8, 24)
    """
    k1, k2 = KERNEL_LISTS[operator]
    n = len(k1)
    if type(window) is list and len(window) == n and all(
            type(row) is list and len(row) == n and all(type(v) is int for v in row) for row in window):
        flat = [v for row in window for v in row]  # plain ints: exact sums without NumPy
        return (sum([k * v for k, v in zip([k for row in k1 for k in row], flat)]),
                sum([k * v for k, v in zip([k for row in k2 for k in row], flat)]))
    w = np.asarray(window, dtype=np.int64)
    k1, k2 = KERNELS[operator]
    if w.shape != k1.shape:
        raise ValueError(f"the {operator} window must be {k1.shape[0]}x{k1.shape[1]}, got {w.shape}")
    return int((k1 * w).sum()), int((k2 * w).sum())


def _magnitude(g1: int, g2: int, norm: str) -> int | float:
    """gradient_magnitude(g1, g2, norm).item() for two ints: the squares of responses of grey
    levels 0..255 are exact, so math.sqrt gives NumPy's value."""
    if norm == "l1":
        return abs(g1) + abs(g2)
    return math.sqrt(g1 * g1 + g2 * g2)


def sq(v: int) -> str:
    """'3^2' or '(-3)^2' for a worked step."""
    return f"({v})^2" if v < 0 else f"{v}^2"


@register
class EdgePixel(Kind):
    id = "edge_pixel"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("单个像素的边缘响应", "Edge response at one pixel")
    description = "Sobel/Prewitt/Roberts response at one pixel: gx, gy, magnitude and direction."
    params_help = {
        "operator": "one of sobel, prewitt, roberts",
        "neighbourhood": "the 3x3 window around the pixel (2x2 with the pixel top-left for roberts)",
        "norm": "'l2' for sqrt(gx^2+gy^2) (default) or 'l1' for |gx|+|gy|",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        op = r["operators"][int(rng.integers(len(r["operators"])))]  # = rng.choice, without its overhead
        n = KERNELS[op][0].shape[0]
        while True:
            win = rng.integers(0, r["top"] + 1, size=(n, n)).tolist()
            g1, g2 = pixel_response(win, op)
            # a real edge: both components non-zero, so the direction is well defined and informative
            if g1 != 0 and g2 != 0:
                return {"operator": op, "neighbourhood": win, "norm": r["norms"][int(rng.integers(len(r["norms"])))]}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        op = need_choice(params, "operator", OPERATORS)
        n = KERNELS[op][0].shape[0]
        win = check_image(params, "neighbourhood", n)
        if len(win) != n or len(win[0]) != n:
            raise ParamError("neighbourhood", f"must be {n} x {n} for the {op} operator, "
                             f"got {len(win)} x {len(win[0])}")
        return {"operator": op, "neighbourhood": win, "norm": need_choice(params, "norm", NORMS, default="l2")}

    @staticmethod
    def _names(op: str) -> tuple[str, str]:
        return ("g1", "g2") if op == "roberts" else ("gx", "gy")

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        a, b = self._names(params["operator"])
        l2 = params["norm"] == "l2"
        out = (
            AnswerField(a, Text(a, a), integer=True),
            AnswerField(b, Text(b, b), integer=True),
            AnswerField("magnitude", Text("梯度幅值", "magnitude"), integer=not l2, decimals=2 if l2 else None),
        )
        if params["operator"] != "roberts":
            out += (AnswerField("direction", Text("梯度方向 θ（度）", "direction theta (degrees)"),
                                decimals=1, unit="°"),)
        return out

    def statement(self, params: Mapping[str, Any]) -> Text:
        op, norm = params["operator"], params["norm"]
        a, b = self._names(op)
        k1, k2 = KERNEL_LISTS[op]
        zh_name, en_name = OPERATOR_NAMES[op]
        win = fmt_matrix(params["neighbourhood"])
        mag_zh = f"|{a}|+|{b}|" if norm == "l1" else f"√({a}²+{b}²)（保留 2 位小数）"
        mag_en = f"|{a}| + |{b}|" if norm == "l1" else f"sqrt({a}^2 + {b}^2) (to 2 decimal places)"
        if op == "roberts":
            where_zh, where_en = "所求像素位于下面 2×2 窗口的左上角", "the pixel is the top-left of the 2x2 window below"
            dir_zh, dir_en = "", ""
        else:
            where_zh, where_en = "所求像素位于下面 3×3 邻域的中心", "the pixel is the centre of the 3x3 neighbourhood below"
            dir_zh = ("，以及梯度方向 θ = atan2(gy, gx)（单位为度，从 +x 轴（向右）转向 +y 轴（向下）量取，"
                      "取值范围 (-180°, 180°]，保留 1 位小数）")
            dir_en = (", and the gradient direction theta = atan2(gy, gx) in degrees (measured from "
                      "the +x axis, pointing right, towards the +y axis, pointing down; range "
                      "(-180, 180]; to 1 decimal place)")
        return Text(
            f"用 {zh_name}（{a} = {k1}，{b} = {k2}，按相关计算、不翻转核；"
            f"x 向右、y 向下）计算某像素的 {a}、{b}、梯度幅值 {mag_zh}{dir_zh}。{where_zh}：\n{win}",
            f"Using the {en_name} operator ({a} = {k1}, {b} = {k2}, applied by "
            f"correlation with no kernel flip; x right, y down), find {a}, {b} and the gradient "
            f"magnitude {mag_en}{dir_en} at one pixel; {where_en}:\n{win}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        op, norm = params["operator"], params["norm"]
        a, b = self._names(op)
        k1, k2 = KERNEL_LISTS[op]
        w = [int(v) for row in params["neighbourhood"] for v in row]
        g1, g2 = pixel_response(params["neighbourhood"], op)
        mag = _magnitude(g1, g2, norm)
        other = _magnitude(g1, g2, "l2" if norm == "l1" else "l1")
        steps = [
            Step(f"{a}：核与邻域逐项相乘后求和。", f"{a}: multiply the kernel with the window entry by entry and add.",
                 f"{a} = {term_sum_lists(k1, w)} = {g1}"),
            Step(f"{b}：同理。", f"{b}: likewise.", f"{b} = {term_sum_lists(k2, w)} = {g2}"),
            Step("梯度幅值。", "Gradient magnitude.",
                 f"|{g1}| + |{g2}| = {fmt(mag)}" if norm == "l1"
                 else f"sqrt({sq(g1)} + {sq(g2)}) = sqrt({g1 * g1 + g2 * g2}) = {fmt(mag, 2)}"),
        ]
        answer: dict[str, Any] = {a: g1, b: g2, "magnitude": mag}
        flip: dict[str, Any] = {a: -g1, b: -g2}
        swap: dict[str, Any] = {a: g2, b: g1}
        mistakes = []
        if op != "roberts":
            theta = direction_degrees(g1, g2)
            answer["direction"] = theta
            flip["direction"] = direction_degrees(-g1, -g2)
            swap["direction"] = direction_degrees(g2, g1)
            quadrant = "第二/三象限（gx<0）要加减 180°" if g1 < 0 else "gx>0，atan 即可"
            quadrant_en = "gx < 0, so the angle lies in the left half-plane" if g1 < 0 else "gx > 0"
            steps.append(Step(f"方向 θ = atan2(gy, gx)，注意象限：{quadrant}。",
                              f"Direction theta = atan2(gy, gx), minding the quadrant: {quadrant_en}.",
                              f"theta = atan2({g2}, {g1}) = {fmt(theta, 1)}°"))
            if g1 != 0:
                mistakes.append(Mistake(
                    "atan_no_quadrant", Text("用 atan(gy/gx) 忽略了象限", "used atan(gy/gx) and lost the quadrant"),
                    {"direction": math.degrees(math.atan(g2 / g1))}))
            mistakes += [
                Mistake("radians", Text("方向给成了弧度", "gave the direction in radians"),
                        {"direction": math.radians(theta)}),
            ]
        mistakes = [
            Mistake("kernel_flipped", Text("把核翻转了（按卷积计算），符号相反", "flipped the kernel (convolution): signs reversed"), flip),
            Mistake("swapped_components", Text(f"把 {a} 和 {b} 弄反了", f"swapped {a} and {b}"), swap),
            Mistake("norm_mixed", Text("L1 与 L2 幅值弄混了", "mixed up the L1 and L2 magnitude"), {"magnitude": other}),
        ] + mistakes
        return Solution(answer, steps, mistakes)
