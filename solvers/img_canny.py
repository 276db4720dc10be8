"""Canny edge detection on a small image, stage by stage.

J. Canny, "A computational approach to edge detection", IEEE TPAMI 8(6), 1986; the stages as
taught (Gonzalez & Woods, *Digital Image Processing*, 10.2.6), with every convention fixed::

    1. (hard) Gaussian smoothing: [[1,2,1],[2,4,2],[1,2,1]]/16, valid region, rounded half up
    2. Sobel gx, gy by correlation over the valid region (x right, y DOWN), magnitude
       |gx|+|gy| (l1) or sqrt(gx^2+gy^2) (l2)
    3. theta = atan2(gy, gx) folded into [0, 180); sector 0 for [0, 22.5) and [157.5, 180),
       45 for [22.5, 67.5), 90 for [67.5, 112.5), 135 for [112.5, 157.5)
    4. non-maximum suppression: compare with the two neighbours along the gradient
       (0: left/right, 90: up/down, 45: up-left/down-right, 135: up-right/down-left, since y
       points down); keep M if M >= both (ties kept), else 0; outside the map counts as 0
    5. double threshold: strong if M >= high, weak if low <= M < high
    6. hysteresis: a weak pixel is kept iff an 8-connected path of weak pixels joins it to a strong one
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, int_matrix, need_bool,
    need_choice, need_float, register,
)
from solvers.img_edges import KERNELS, check_image, correlate_valid

GAUSS = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.int64)
SECTORS = (0, 45, 90, 135)
# neighbours (dr, dc) compared in each sector, rows growing downward
NEIGHBOURS = {0: ((0, -1), (0, 1)), 45: ((-1, -1), (1, 1)), 90: ((-1, 0), (1, 0)), 135: ((-1, 1), (1, -1))}
NEIGHBOUR_NAMES = {0: ("左、右", "left and right"), 45: ("左上、右下", "up-left and down-right"),
                   90: ("上、下", "up and down"), 135: ("右上、左下", "up-right and down-left")}
DECIMALS = 2
# Named difficulty ranges: image side, smoothing first, magnitude norms, grey-level scale.
RANGES = {
    "easy": dict(size=5, smooth=False, norms=("l1",), scale=1),
    "medium": dict(size=6, smooth=False, norms=("l1", "l2"), scale=1),
    "hard": dict(size=7, smooth=True, norms=("l2", "l1"), scale=4),
}


def gaussian_smooth(image: Any) -> np.ndarray:
    """Valid-region 3x3 Gaussian (/16), each value rounded to the nearest integer, halves up.

    >>> gaussian_smooth([[0, 0, 0], [0, 8, 0], [0, 0, 0]]).tolist()
    [[2]]
    """
    sums = correlate_valid(np.asarray(image, dtype=np.int64), GAUSS)
    return (2 * sums + 16) // 32  # floor(sums/16 + 1/2) in integers: halves go up


def sector_of(gx: float, gy: float) -> int:
    """The 4-sector quantisation of atan2(gy, gx) folded into [0, 180).

    >>> sector_of(5, 0), sector_of(3, 3), sector_of(0, -4), sector_of(-3, 3), sector_of(-5, 1)
    (0, 45, 90, 135, 0)
    """
    theta = math.degrees(math.atan2(gy, gx)) % 180.0
    if theta < 22.5 or theta >= 157.5:
        return 0
    if theta < 67.5:
        return 45
    return 90 if theta < 112.5 else 135


def non_max_suppression(mag: np.ndarray, sectors: np.ndarray, neighbours: Mapping[int, Any] = NEIGHBOURS) -> np.ndarray:
    """Keep M where it is >= both neighbours along its sector (outside the map = 0), else 0."""
    h, w = mag.shape
    out = np.zeros_like(mag)
    for r in range(h):
        for c in range(w):
            vals = [mag[r + dr, c + dc] if 0 <= r + dr < h and 0 <= c + dc < w else 0
                    for dr, dc in neighbours[int(sectors[r, c])]]
            if mag[r, c] >= max(vals):
                out[r, c] = mag[r, c]
    return out


def hysteresis(nms: np.ndarray, low: float, high: float, connectivity: int = 8, one_step: bool = False) -> np.ndarray:
    """1 for strong pixels and the weak ones joined to a strong one by a path of weak pixels."""
    strong = nms >= high
    weak = (nms >= low) & ~strong
    keep = strong.copy()
    steps = ([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)] if connectivity == 8
             else [(-1, 0), (1, 0), (0, -1), (0, 1)])
    frontier = list(zip(*np.nonzero(strong)))
    h, w = nms.shape
    while frontier:
        nxt = []
        for r, c in frontier:
            for dr, dc in steps:
                rr, cc = r + dr, c + dc
                if 0 <= rr < h and 0 <= cc < w and weak[rr, cc] and not keep[rr, cc]:
                    keep[rr, cc] = True
                    nxt.append((rr, cc))
        frontier = [] if one_step else nxt
    return keep.astype(int)


def canny_stages(image: Any, smooth: bool, norm: str, low: float, high: float) -> dict[str, np.ndarray]:
    """Every intermediate map of :mod:`img_canny`'s conventions."""
    img = np.asarray(image, dtype=np.int64)
    base = gaussian_smooth(img) if smooth else img
    gx, gy = correlate_valid(base, KERNELS["sobel"][0]), correlate_valid(base, KERNELS["sobel"][1])
    mag = np.abs(gx) + np.abs(gy) if norm == "l1" else np.sqrt(gx.astype(float) ** 2 + gy ** 2)
    sectors = np.array([[sector_of(a, b) for a, b in zip(ra, rb)] for ra, rb in zip(gx.tolist(), gy.tolist())])
    nms = non_max_suppression(mag, sectors)
    return dict(base=base, gx=gx, gy=gy, mag=mag, sectors=sectors, nms=nms, edges=hysteresis(nms, low, high))


def _image(rng: np.random.Generator, n: int, scale: int) -> np.ndarray:
    """A noisy step edge (vertical, horizontal or diagonal) in grey levels 0..9 (times scale)."""
    r, c = np.mgrid[0:n, 0:n]
    cut = int(rng.integers(2, n - 1))
    side = [c >= cut, r >= cut, r + c >= cut + n // 2, c - r >= cut - n // 2][int(rng.integers(4))]
    if rng.random() < 0.5:
        side = ~side
    low, high = int(rng.integers(0, 4)), int(rng.integers(6, 10))
    img = np.where(side, high, low) + rng.integers(-2, 3, size=(n, n)) * (rng.random((n, n)) < 0.4)
    return np.clip(img, 0, 9) * scale


def _mat(m: np.ndarray, norm: str) -> list[list[Any]]:
    return int_matrix(m) if norm == "l1" else [[float(v) for v in row] for row in np.asarray(m, dtype=float)]


@register
class Canny(Kind):
    id = "canny"
    topic = "image"
    chapter = "ch3_image_processing"
    title = Text("Canny 边缘检测（逐步）", "Canny edge detection step by step")
    description = "Canny by hand: (Gaussian,) Sobel magnitude, 4 sectors, NMS, double threshold, hysteresis."
    params_help = {
        "image": "a small grey image, whole numbers 0..255, at least 5x5 (7x7 with smoothing)",
        "smooth": "true to apply the 3x3 Gaussian [[1,2,1],[2,4,2],[1,2,1]]/16 first (default false)",
        "norm": "'l1' for |gx|+|gy| or 'l2' for sqrt(gx^2+gy^2)",
        "low": "the low threshold (weak edges: low <= M < high)",
        "high": "the high threshold (strong edges: M >= high), greater than low",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        norm = str(rng.choice(r["norms"]))
        fallback = None
        for attempt in range(60):
            img = _image(rng, r["size"], r["scale"])
            st = canny_stages(img, r["smooth"], norm, 1, 1)
            vals = np.unique(st["nms"][st["nms"] > 0])
            if len(vals) < 3:
                continue
            j = int(rng.integers(len(vals) // 2, len(vals)))
            i = int(rng.integers(0, j))
            high, low = math.floor(vals[j]), math.floor(vals[i])
            if low < 1 or low >= high:
                continue
            params = {"image": img.astype(int).tolist(), "smooth": r["smooth"], "norm": norm, "low": low, "high": high}
            nms = st["nms"]
            weak = (nms >= low) & (nms < high)
            edges = hysteresis(nms, low, high)
            kept_weak, dropped_weak = (weak & (edges == 1)).any(), (weak & (edges == 0)).any()
            fallback = fallback or params
            if kept_weak and (dropped_weak or attempt > 20):  # hysteresis decides something
                return params
        if fallback is None:  # practically unreachable: a plain step edge with fixed thresholds
            img = np.where(np.mgrid[0:r["size"], 0:r["size"]][1] >= 2, 9, 0) * r["scale"]
            fallback = {"image": img.tolist(), "smooth": r["smooth"], "norm": norm, "low": 1, "high": 2}
        return fallback

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        smooth = need_bool(params, "smooth", default=False)
        img = check_image(params, "image", 7 if smooth else 5)
        low = need_float(params, "low", minimum=0.0)
        high = need_float(params, "high", minimum=0.0)
        if high <= low:
            raise ParamError("high", f"must be greater than low ({fmt(low)}), got {fmt(high)}")
        num = (lambda v: int(v) if float(v).is_integer() else v)
        return {"image": img, "smooth": smooth, "norm": need_choice(params, "norm", ("l1", "l2"), default="l1"),
                "low": num(low), "high": num(high)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        l2 = params["norm"] == "l2"
        out = []
        if params["smooth"]:
            out.append(AnswerField("smoothed", Text("平滑后的图像", "smoothed image"), shape="matrix", integer=True))
        out += [
            AnswerField("magnitude", Text("梯度幅值图", "magnitude map"), shape="matrix",
                        integer=not l2, decimals=DECIMALS if l2 else None),
            AnswerField("sector", Text("方向扇区图（0/45/90/135）", "sector map (0/45/90/135)"), shape="matrix", integer=True),
            AnswerField("nms", Text("非极大值抑制后的幅值图", "magnitudes after non-maximum suppression"), shape="matrix",
                        integer=not l2, decimals=DECIMALS if l2 else None),
            AnswerField("edges", Text("最终边缘图（1 为边缘）", "final edge map (1 = edge)"), shape="matrix", integer=True,
                        points=2.0),
        ]
        return tuple(out)

    def statement(self, params: Mapping[str, Any]) -> Text:
        img = fmt_matrix(params["image"])
        n = len(params["image"])
        m = n - 2 - (2 if params["smooth"] else 0)
        lo, hi = fmt(params["low"]), fmt(params["high"])
        if params["norm"] == "l1":
            mag_zh, mag_en = "M = |gx|+|gy|", "M = |gx| + |gy|"
        else:
            mag_zh, mag_en = f"M = √(gx²+gy²)（保留 {DECIMALS} 位小数）", f"M = sqrt(gx^2 + gy^2) (to {DECIMALS} decimal places)"
        sm_zh = sm_en = ""
        if params["smooth"]:
            sm_zh = (f"(0) 先用高斯核 [[1,2,1],[2,4,2],[1,2,1]]/16 平滑（只算有效区域，得 {n - 2}×{n - 2}，"
                     f"每个值四舍五入到整数，.5 进位）；")
            sm_en = (f"(0) first smooth with the Gaussian [[1,2,1],[2,4,2],[1,2,1]]/16 (valid region only, giving "
                     f"{n - 2}x{n - 2}; round each value to the nearest integer, halves up); ")
        return Text(
            f"对下面的灰度图像做 Canny 边缘检测，按以下约定逐步计算（行列从 0 开始，x 向右、y 向下）：{sm_zh}"
            f"(1) 用 Sobel 核 gx = [[-1,0,1],[-2,0,2],[-1,0,1]]、gy = [[-1,-2,-1],[0,0,0],[1,2,1]] 按相关"
            f"（不翻转）计算有效区域，得到 {m}×{m} 的图，幅值 {mag_zh}；"
            f"(2) 方向 θ = atan2(gy, gx) 折算到 [0°,180°)，量化为 4 个扇区：[0,22.5) 与 [157.5,180) 为 0，"
            f"[22.5,67.5) 为 45，[67.5,112.5) 为 90，[112.5,157.5) 为 135；"
            f"(3) 非极大值抑制：沿梯度方向比较两个邻居（0：左右；90：上下；45：左上与右下；135：右上与左下），"
            f"M 不小于两个邻居则保留（相等也保留，用未舍入的值比较），否则置 0；图外的邻居按 0 计；"
            f"(4) 双阈值 low = {lo}、high = {hi}：M ≥ high 为强边缘，low ≤ M < high 为弱边缘；"
            f"(5) 滞后连接：弱边缘只有通过弱边缘像素组成的 8 邻接路径连到强边缘时才保留。"
            f"求幅值图、扇区图、抑制后的幅值图和最终边缘图（边缘为 1，其余为 0）"
            f"{'，以及平滑后的图像' if params['smooth'] else ''}。\n{img}",
            f"Run Canny edge detection on the grey image below, stage by stage, with these conventions "
            f"(rows and columns from 0; x points right, y points down): {sm_en}"
            f"(1) apply the Sobel kernels gx = [[-1,0,1],[-2,0,2],[-1,0,1]] and gy = [[-1,-2,-1],[0,0,0],[1,2,1]] "
            f"by correlation (no flip) over the valid region, giving {m}x{m} maps, magnitude {mag_en}; "
            f"(2) fold theta = atan2(gy, gx) into [0, 180) degrees and quantise it to 4 sectors: 0 for "
            f"[0, 22.5) and [157.5, 180), 45 for [22.5, 67.5), 90 for [67.5, 112.5), 135 for [112.5, 157.5); "
            f"(3) non-maximum suppression: compare M with its two neighbours along the gradient (0: left and "
            f"right; 90: up and down; 45: up-left and down-right; 135: up-right and down-left); keep M if it is "
            f">= both (ties kept; compare unrounded values), else set it to 0; a neighbour outside the map counts as 0; "
            f"(4) double threshold low = {lo}, high = {hi}: M >= high is strong, low <= M < high is weak; "
            f"(5) hysteresis: a weak pixel is kept only if an 8-connected path of weak pixels joins it to a "
            f"strong one. Give the magnitude map, the sector map, the magnitudes after suppression and the "
            f"final edge map (1 for an edge, else 0){', and the smoothed image' if params['smooth'] else ''}.\n{img}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        norm, low, high = params["norm"], params["low"], params["high"]
        st = canny_stages(params["image"], params["smooth"], norm, low, high)
        d = None if norm == "l1" else DECIMALS
        steps = []
        if params["smooth"]:
            steps.append(Step("高斯平滑（有效区域，÷16 后四舍五入）：", "Gaussian smoothing (valid region, /16, rounded):",
                              fmt_matrix(st["base"])))
        steps += [
            Step("Sobel gx（有效区域）：", "Sobel gx (valid region):", fmt_matrix(st["gx"])),
            Step("Sobel gy（有效区域）：", "Sobel gy (valid region):", fmt_matrix(st["gy"])),
            Step("梯度幅值 M：", "Gradient magnitude M:", fmt_matrix(st["mag"], d)),
            Step("方向扇区（θ = atan2(gy, gx) 折算到 [0,180) 后量化）：",
                 "Sectors (theta = atan2(gy, gx) folded into [0, 180), then quantised):",
                 _sector_lines(st) + "\n" + fmt_matrix(st["sectors"])),
            Step("非极大值抑制：与梯度方向上的两个邻居比较（图外按 0）。",
                 "Non-maximum suppression: compare with the two neighbours along the gradient (0 outside the map).",
                 _nms_lines(st["mag"], st["sectors"], d) + "\n" + fmt_matrix(st["nms"], d)),
        ]
        strong = st["nms"] >= high
        weak = (st["nms"] >= low) & ~strong
        marks = np.where(strong, "S", np.where(weak, "W", "."))
        steps.append(Step(f"双阈值：≥ {fmt(high)} 为强边缘 S，[{fmt(low)}, {fmt(high)}) 为弱边缘 W。",
                          f"Double threshold: >= {fmt(high)} strong (S), in [{fmt(low)}, {fmt(high)}) weak (W).",
                          "\n".join(" ".join(row) for row in marks.tolist())))
        steps.append(Step("滞后连接：保留强边缘，以及经 8 邻接的弱边缘路径连到强边缘的弱像素；得到最终边缘图。",
                          "Hysteresis: keep the strong pixels and every weak pixel joined to a strong one by an "
                          "8-connected path of weak pixels; the final edge map:", _hyst_lines(weak, st["edges"])
                          + fmt_matrix(st["edges"])))
        answer: dict[str, Any] = {}
        if params["smooth"]:
            answer["smoothed"] = int_matrix(st["base"])
        answer.update(magnitude=_mat(st["mag"], norm), sector=int_matrix(st["sectors"]),
                      nms=_mat(st["nms"], norm), edges=int_matrix(st["edges"]))
        return Solution(answer, steps, _mistakes(params, st))


def _sector_lines(st: dict[str, np.ndarray]) -> str:
    out = []
    for (r, c), s in np.ndenumerate(st["sectors"]):
        gx, gy = int(st["gx"][r, c]), int(st["gy"][r, c])
        theta = math.degrees(math.atan2(gy, gx)) % 180.0 if (gx or gy) else 0.0
        out.append(f"({r},{c}): atan2({gy}, {gx}) -> {theta:.1f} -> {int(s)}")
    return "\n".join(out)


def _nms_lines(mag: np.ndarray, sectors: np.ndarray, d: int | None) -> str:
    h, w = mag.shape
    out = []
    for (r, c), s in np.ndenumerate(sectors):
        vals = [fmt(mag[r + dr, c + dc], d) if 0 <= r + dr < h and 0 <= c + dc < w else "0"
                for dr, dc in NEIGHBOURS[int(s)]]
        m = mag[r, c]
        nb = [mag[r + dr, c + dc] if 0 <= r + dr < h and 0 <= c + dc < w else 0 for dr, dc in NEIGHBOURS[int(s)]]
        verdict = "keep" if m >= max(nb) else "-> 0"
        out.append(f"({r},{c}) {int(s)}: {fmt(m, d)} vs {vals[0]}, {vals[1]} {verdict}")
    return "\n".join(out)


def _hyst_lines(weak: np.ndarray, edges: np.ndarray) -> str:
    kept = [f"({r},{c})" for r, c in zip(*np.nonzero(weak & (edges == 1)))]
    dropped = [f"({r},{c})" for r, c in zip(*np.nonzero(weak & (edges == 0)))]
    text = ""
    if kept:
        text += "W kept: " + ", ".join(kept) + "\n"
    if dropped:
        text += "W dropped: " + ", ".join(dropped) + "\n"
    return text


def _mistakes(params: Mapping[str, Any], st: dict[str, np.ndarray]) -> list[Mistake]:
    norm, low, high = params["norm"], params["low"], params["high"]
    mag, nms, sectors = st["mag"], st["nms"], st["sectors"]
    y_up = {0: 0, 45: 135, 90: 90, 135: 45}  # reading y upward mirrors the diagonals
    swapped = np.vectorize(y_up.get)(sectors)
    nms_y_up = non_max_suppression(mag, swapped)
    along = {0: 90, 90: 0, 45: 135, 135: 45}  # compared along the edge instead of across it
    nms_along = non_max_suppression(mag, np.vectorize(along.get)(sectors))
    other = np.sqrt(st["gx"].astype(float) ** 2 + st["gy"] ** 2) if norm == "l1" else np.abs(st["gx"]) + np.abs(st["gy"])
    out = [
        Mistake("no_nms", Text("跳过了非极大值抑制，直接对幅值图做双阈值", "skipped non-maximum suppression and thresholded the raw magnitudes"),
                {"nms": _mat(mag, norm), "edges": int_matrix(hysteresis(mag, low, high))}),
        Mistake("y_axis_up", Text("按 y 轴向上理解方向，45° 与 135° 扇区弄反了", "read the angle with y pointing up, swapping the 45 and 135 sectors"),
                {"sector": int_matrix(swapped), "nms": _mat(nms_y_up, norm), "edges": int_matrix(hysteresis(nms_y_up, low, high))}),
        Mistake("along_edge", Text("沿边缘方向（而不是梯度方向）比较邻居", "compared the neighbours along the edge instead of across it (along the gradient)"),
                {"nms": _mat(nms_along, norm), "edges": int_matrix(hysteresis(nms_along, low, high))}),
        Mistake("weak_as_strong", Text("所有弱边缘都保留了（没有检查是否连到强边缘）", "kept every weak pixel without checking its connection to a strong one"),
                {"edges": int_matrix((nms >= low).astype(int))}),
        Mistake("weak_dropped", Text("丢掉了所有弱边缘（只保留强边缘）", "dropped every weak pixel (kept only the strong ones)"),
                {"edges": int_matrix((nms >= high).astype(int))}),
        Mistake("one_step_hysteresis", Text("只保留与强边缘直接相邻的弱边缘（没有沿弱边缘链传递）",
                                            "kept only weak pixels directly next to a strong one (did not follow chains of weak pixels)"),
                {"edges": int_matrix(hysteresis(nms, low, high, one_step=True))}),
        Mistake("four_connected", Text("滞后连接用了 4 邻接而不是 8 邻接", "used 4-connectivity instead of 8 in hysteresis"),
                {"edges": int_matrix(hysteresis(nms, low, high, connectivity=4))}),
        Mistake("norm_mixup", Text("L1 与 L2 幅值弄混了", "mixed up the L1 and L2 magnitude"),
                {"magnitude": _mat(other, "l2") if norm == "l1" else int_matrix(other)}),
    ]
    return out
