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
from bisect import bisect_right
from functools import lru_cache
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, fmt_matrix, need_bool,
    need_choice, need_float, register,
)
from solvers.img_edges import check_image

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


Matrix = list[list[Any]]  # the maps are a few pixels wide: plain lists beat NumPy calls here


def _rows(m: Any) -> Matrix:
    """Rows as lists, read-only: lists of lists pass through uncopied."""
    if isinstance(m, np.ndarray):
        return m.tolist()
    return m if type(m) is list and _ONLY_LIST.issuperset(map(type, m)) else [list(r) for r in m]


_ONLY_LIST = frozenset((list,))
_INT_ONLY = frozenset((int,))




def gaussian_smooth(image: Any) -> Matrix:
    """Valid-region 3x3 Gaussian (/16), each value rounded to the nearest integer, halves up.

    >>> gaussian_smooth([[0, 0, 0], [0, 8, 0], [0, 0, 0]])
    [[2]]
    """
    return _gauss([[int(v) for v in row] for row in _rows(image)])


def _gauss(p: Any) -> Matrix:
    """:func:`gaussian_smooth` of rows of ints (lists or tuples, read only)."""
    out = []
    for r in range(len(p) - 2):  # the kernel written out: rows (1,2,1), (2,4,2), (1,2,1)
        a, b, c = p[r], p[r + 1], p[r + 2]
        sums = [(a[j] + 2 * a[j + 1] + a[j + 2]) + 2 * (b[j] + 2 * b[j + 1] + b[j + 2])
                + (c[j] + 2 * c[j + 1] + c[j + 2]) for j in range(len(a) - 2)]
        out.append([(2 * v + 16) // 32 for v in sums])  # floor(v/16 + 1/2): halves up
    return out


def sector_of(gx: float, gy: float) -> int:
    """The 4-sector quantisation of atan2(gy, gx) folded into [0, 180).

    >>> sector_of(5, 0), sector_of(3, 3), sector_of(0, -4), sector_of(-3, 3), sector_of(-5, 1)
    (0, 45, 90, 135, 0)
    """
    key = (gx, gy)  # the same small gradients recur from pixel to pixel and problem to problem
    sector = _SECTOR.get(key)
    if sector is None:
        theta = math.degrees(math.atan2(gy, gx)) % 180.0
        if theta < 22.5 or theta >= 157.5:
            sector = 0
        elif theta < 67.5:
            sector = 45
        else:
            sector = 90 if theta < 112.5 else 135
        if len(_SECTOR) >= 1 << 16:
            _SECTOR.clear()
        _SECTOR[key] = sector
    return sector


_SECTOR: dict[tuple[Any, Any], int] = {}


def non_max_suppression(mag: Any, sectors: Any) -> Matrix:
    """Keep M where it is >= both neighbours along its sector (outside the map = 0), else 0.

    >>> non_max_suppression([[0, 36, 36]], [[0, 0, 0]])
    [[0, 36, 36]]
    """
    return _suppress(_rows(mag), _rows(sectors))


def _suppress(m: Matrix, sec: Matrix) -> Matrix:
    """:func:`non_max_suppression` of lists of rows, on the flat map: a neighbour outside the
    map has index -1, which reads the 0 appended at the end."""
    h, w = len(m), len(m[0])
    flat = [v for row in m for v in row]
    padded = flat + [0]
    table = _pairs(h, w)
    kept = []
    for v, s, pairs in zip(flat, [s for row in sec for s in row], table):
        a, b = pairs[s]
        kept.append(v if v >= padded[a] and v >= padded[b] else 0 * v)
    return [kept[r * w:(r + 1) * w] for r in range(h)]


@lru_cache(maxsize=None)
def _pairs(h: int, w: int) -> tuple[dict[int, tuple[int, int]], ...]:
    """For each pixel (row-major) and sector, the flat indices of the two neighbours compared
    (-1 outside the map)."""
    def index(r: int, c: int) -> int:
        return r * w + c if 0 <= r < h and 0 <= c < w else -1

    return tuple({s: tuple(index(r + dr, c + dc) for dr, dc in NEIGHBOURS[s]) for s in SECTORS}
                 for r in range(h) for c in range(w))


_STEPS = {8: [(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)],
          4: [(-1, 0), (1, 0), (0, -1), (0, 1)]}


def hysteresis(nms: Any, low: float, high: float, connectivity: int = 8, one_step: bool = False) -> Matrix:
    """1 for strong pixels and the weak ones joined to a strong one by a path of weak pixels
    (``one_step``: only weak pixels touching a strong one, for the mistake of that name).

    >>> hysteresis([[50, 0, 0], [0, 20, 0], [0, 0, 20]], 10, 40)
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    """
    return _hysteresis(_rows(nms), low, high, connectivity, one_step)


def _hysteresis(m: Matrix, low: float, high: float, connectivity: int = 8, one_step: bool = False) -> Matrix:
    """:func:`hysteresis` of lists of rows, on the flat map with cached neighbour tables."""
    h, w = len(m), len(m[0])
    flat = [v for row in m for v in row]
    around = _around(h, w, connectivity)
    keep = [1 if v >= high else 0 for v in flat]
    # the weak pixels not yet reached: a set, so a step is one membership test, and the search
    # stops as soon as every weak pixel is kept (or there are none)
    weak = {j for j, v in enumerate(flat) if low <= v < high}
    frontier = [i for i, k in enumerate(keep) if k] if weak else ()
    while frontier:
        nxt = []
        for i in frontier:
            for j in around[i]:
                if j in weak:
                    weak.discard(j)
                    keep[j] = 1
                    nxt.append(j)
        frontier = nxt if weak and not one_step else ()
    return [keep[r * w:(r + 1) * w] for r in range(h)]


@lru_cache(maxsize=None)
def _around(h: int, w: int, connectivity: int) -> tuple[tuple[int, ...], ...]:
    """For each pixel of an h x w map (row-major index), the indices of its 4 or 8 neighbours
    inside the map; 9: its 3 x 3 neighbourhood, itself included."""
    steps = _STEPS[connectivity] if connectivity != 9 else [(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)]
    return tuple(tuple((r + dr) * w + c + dc for dr, dc in steps if 0 <= r + dr < h and 0 <= c + dc < w)
                 for r in range(h) for c in range(w))


def _magnitude(gx: Matrix, gy: Matrix, norm: str) -> Matrix:
    if norm == "l1":
        return [[abs(a) + abs(b) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]
    return [[math.sqrt(a * a + b * b) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]


def _sobel(p: Matrix) -> tuple[Matrix, Matrix]:
    """Valid-region Sobel gx, gy on lists, the kernels written out (rows grow downward)."""
    gx, gy = [], []
    for r in range(len(p) - 2):
        a, b, c = p[r], p[r + 1], p[r + 2]
        gx.append([(a[j + 2] - a[j]) + 2 * (b[j + 2] - b[j]) + (c[j + 2] - c[j]) for j in range(len(a) - 2)])
        gy.append([(c[j] + 2 * c[j + 1] + c[j + 2]) - (a[j] + 2 * a[j + 1] + a[j + 2]) for j in range(len(a) - 2)])
    return gx, gy


@lru_cache(maxsize=256)
def _front(image: tuple[tuple[int, ...], ...], smooth: bool, norm: str) -> tuple[Matrix, ...]:
    """(base, gx, gy, magnitude, sectors, suppressed) of an image; cached because generate()
    computes them to choose the thresholds and solve() needs them again (callers copy nothing:
    the lists are only read)."""
    base = _gauss(image) if smooth else [list(row) for row in image]
    gx, gy = _sobel(base)
    mag = _magnitude(gx, gy, norm)
    sectors = [[sector_of(a, b) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]
    return base, gx, gy, mag, sectors, _suppress(mag, sectors)


def canny_stages(image: Any, smooth: bool, norm: str, low: float, high: float) -> dict[str, Matrix]:
    """Every intermediate map of this module's conventions, as lists of rows."""
    rows = _rows(image)
    if all(_INT_ONLY.issuperset(map(type, row)) for row in rows):
        key = tuple(map(tuple, rows))
    else:
        key = tuple(tuple(int(v) for v in row) for row in rows)
    base, gx, gy, mag, sectors, nms = _front(key, bool(smooth), norm)
    return dict(base=base, gx=gx, gy=gy, mag=mag, sectors=sectors, nms=nms, edges=_hysteresis(nms, low, high))


@lru_cache(maxsize=None)
def _sides(n: int) -> tuple[tuple[tuple[bool, ...], ...], ...]:
    """Every step edge the generator draws on an n x n image, as rows of booleans (cached)."""
    rules = [lambda r, c, k: c >= k, lambda r, c, k: r >= k,
             lambda r, c, k: r + c >= k + n // 2, lambda r, c, k: c - r >= k - n // 2]
    masks = [tuple(tuple(rule(r, c, k) for c in range(n)) for r in range(n))
             for k in range(2, n - 1) for rule in rules]
    return tuple(masks + [tuple(tuple(not v for v in row) for row in m) for m in masks])


def _image(rng: np.random.Generator, n: int, scale: int) -> list[list[int]]:
    """A noisy step edge (vertical, horizontal or diagonal) in grey levels 0..9 (times scale):
    one random draw for the whole image, the rest in plain Python (this runs per attempt)."""
    sides = _flat_sides(n)
    draw = rng.integers(0, 1 << 30, size=n * n + 3).tolist()
    side = sides[draw[0] % len(sides)]
    # a pixel is high or low, plus noise d % 9 - 4 (-4..4) kept when |noise| <= 2 (about 40% of
    # pixels), clamped to 0..9, times scale: looked up by d % 9 on each side of the edge
    on, off = _levels(6 + draw[2] % 4, scale), _levels(draw[1] % 4, scale)
    flat = [on[d % 9] if s else off[d % 9] for s, d in zip(side, draw[3:])]
    return [flat[r * n:(r + 1) * n] for r in range(n)]


@lru_cache(maxsize=None)
def _flat_sides(n: int) -> tuple[tuple[bool, ...], ...]:
    """:func:`_sides` with each mask flattened row-major (cached: _image runs per attempt)."""
    return tuple(tuple(v for row in m for v in row) for m in _sides(n))


@lru_cache(maxsize=None)
def _levels(level: int, scale: int) -> tuple[int, ...]:
    """The grey value of a pixel at ``level`` for each d % 9 of its noise draw."""
    return tuple(min(9, max(0, level + (k - 4 if -2 <= k - 4 <= 2 else 0))) * scale for k in range(9))


def _reach(flat: list[Any], h: int, w: int, high: float) -> list[float]:
    """For each pixel of the flat h x w map (row-major), the largest low threshold at which
    hysteresis still keeps it: the best path from a strong pixel, scored by its smallest value
    (strong pixels: infinity). Spread from the strong pixels with a work list: a pixel is
    revisited only when its score rises, and the scores reach the same unique fixed point as
    relaxing every weak pixel until nothing changes."""
    around = _around(h, w, 8)
    inf = float("inf")
    reach = [inf if v >= high else -inf for v in flat]
    todo = [i for i, x in enumerate(reach) if x == inf]
    while todo:
        i = todo.pop()
        best = reach[i]
        for j in around[i]:
            v = flat[j]
            if 0 < v < high:
                cand = v if v < best else best
                if cand > reach[j]:
                    reach[j] = cand
                    todo.append(j)
    return reach


def _thresholds(rng: np.random.Generator, nms: Matrix) -> tuple[int, int, bool] | None:
    """(low, high, decisive) for this suppressed map: a strong pixel and a weak one joined to it,
    and (decisive) also a weak pixel that hysteresis drops; None if there is no such pair."""
    flat = [v for row in nms for v in row]  # once for the few highs tried below
    vals = sorted({v for v in flat if v > 0})
    if len(vals) < 3:
        return None
    highs = sorted({math.floor(v) for v in vals[len(vals) // 2:]})
    fallback = None
    for k in rng.permutation(len(highs))[:3].tolist():  # a few high thresholds, in random order
        high = highs[k]
        reach = _reach(flat, len(nms), len(nms[0]), high)
        pairs = [(v, x) for v, x in zip(flat, reach) if 0 < v < high]
        if not pairs:  # no weak pixel: no low to offer (and no draw below)
            continue
        most = max([x for _, x in pairs])
        lows = sorted({math.floor(v) for v, _ in pairs if v >= 1})
        # only the lows at or below the best reach are offered (see below), so the rest need no
        # counting: the run counts at the lows kept do not depend on the lows cut off
        lows = lows[:bisect_right(lows, most)]
        # a weak pixel (v, x) is dropped at every low in (x, v]: a run of the sorted lows, marked
        # by +1/-1 at its ends (the lows where some weak pixel is dropped, without a scan per low)
        ends = [0] * (len(lows) + 1)
        for v, x in pairs:
            start, stop = bisect_right(lows, x), bisect_right(lows, v)
            if start < stop:
                ends[start] += 1
                ends[stop] -= 1
        decisive, kept_only = [], []
        dropped = 0
        for low, end in zip(lows, ends):
            dropped += end
            if most >= low:  # some weak pixel is kept (a weak pixel's reach is at most its value)
                (decisive if dropped else kept_only).append(low)
        if decisive:
            return decisive[int(rng.integers(len(decisive)))], high, True
        if kept_only and fallback is None:
            fallback = (kept_only[int(rng.integers(len(kept_only)))], high, False)
    return fallback


def _mat(m: Matrix, norm: str) -> Matrix:
    return [[int(v) for v in row] for row in m] if norm == "l1" else [[float(v) for v in row] for row in m]


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
        norm = r["norms"][int(rng.integers(len(r["norms"])))]  # = rng.choice, without its NumPy overhead
        fallback = None
        for attempt in range(40):
            img = _image(rng, r["size"], r["scale"])
            pick = _thresholds(rng, _front(tuple(map(tuple, img)), r["smooth"], norm)[5])
            if pick is None:
                continue
            low, high, decisive = pick
            params = {"image": img, "smooth": r["smooth"], "norm": norm, "low": low, "high": high}
            if decisive or attempt >= 1:  # prefer problems where hysteresis drops a weak pixel too
                return params
            fallback = fallback or params
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
        return _fields(bool(params["smooth"]), params["norm"] == "l2")

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
        marks = [["S" if v >= high else "W" if v >= low else "." for v in row] for row in st["nms"]]
        steps.append(Step(f"双阈值：≥ {fmt(high)} 为强边缘 S，[{fmt(low)}, {fmt(high)}) 为弱边缘 W。",
                          f"Double threshold: >= {fmt(high)} strong (S), in [{fmt(low)}, {fmt(high)}) weak (W).",
                          "\n".join(" ".join(row) for row in marks)))
        steps.append(Step("滞后连接：保留强边缘，以及经 8 邻接的弱边缘路径连到强边缘的弱像素；得到最终边缘图。",
                          "Hysteresis: keep the strong pixels and every weak pixel joined to a strong one by an "
                          "8-connected path of weak pixels; the final edge map:", _hyst_lines(marks, st["edges"])
                          + fmt_matrix(st["edges"])))
        answer: dict[str, Any] = {}
        if params["smooth"]:
            answer["smoothed"] = [list(row) for row in st["base"]]  # copies: the stages are cached
        answer.update(magnitude=_mat(st["mag"], norm), sector=[list(row) for row in st["sectors"]], nms=_mat(st["nms"], norm),
                      edges=st["edges"])
        return Solution(answer, steps, _mistakes(params, st))


@lru_cache(maxsize=None)
def _fields(smooth: bool, l2: bool) -> tuple[AnswerField, ...]:
    """The answer fields (immutable, so shared between problems)."""
    out = []
    if smooth:
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


def _sector_lines(st: dict[str, Matrix]) -> str:
    out = []
    texts = _SECTOR_TEXT  # "atan2(..) -> theta -> sector" of whole-number gradients, which recur
    for r, (srow, xrow, yrow) in enumerate(zip(st["sectors"], st["gx"], st["gy"])):
        for c, (s, gx, gy) in enumerate(zip(srow, xrow, yrow)):
            key = (gx, gy, s)  # s = sector_of(gx, gy)
            text = texts.get(key) if type(gx) is int and type(gy) is int else None
            if text is None:
                text = f"{_angle_text(gx, gy)} -> {s}"
                if type(gx) is int and type(gy) is int:
                    if len(texts) >= 1 << 16:
                        texts.clear()
                    texts[key] = text
            out.append(f"({r},{c}): {text}")
    return "\n".join(out)


_SECTOR_TEXT: dict[tuple[int, int, int], str] = {}


def _angle_text(gx: Any, gy: Any) -> str:
    """'atan2(gy, gx) -> theta' to one place; remembered for whole-number gradients, which recur
    (a float gradient prints differently from the equal int, so it is not a key)."""
    if type(gx) is not int or type(gy) is not int:
        theta = math.degrees(math.atan2(gy, gx)) % 180.0 if (gx or gy) else 0.0
        return f"atan2({gy}, {gx}) -> {theta:.1f}"
    key = (gx, gy)
    text = _ANGLE_TEXT.get(key)
    if text is None:
        theta = math.degrees(math.atan2(gy, gx)) % 180.0 if (gx or gy) else 0.0
        if len(_ANGLE_TEXT) >= 1 << 16:
            _ANGLE_TEXT.clear()
        text = _ANGLE_TEXT[key] = f"atan2({gy}, {gx}) -> {theta:.1f}"
    return text


_ANGLE_TEXT: dict[tuple[int, int], str] = {}


def _nms_lines(mag: Matrix, sectors: Matrix, d: int | None) -> str:
    h, w = len(mag), len(mag[0])
    flat = [v for row in mag for v in row] + [0]  # index -1: a neighbour outside the map is 0
    shown = [fmt(v, d) for v in flat]
    out = []
    for i, (s, pairs) in enumerate(zip([s for row in sectors for s in row], _pairs(h, w))):
        a, b = pairs[s]
        verdict = "keep" if flat[i] >= max(flat[a], flat[b]) else "-> 0"
        out.append(f"({i // w},{i % w}) {s}: {shown[i]} vs {shown[a]}, {shown[b]} {verdict}")
    return "\n".join(out)


def _hyst_lines(marks: list[list[str]], edges: Matrix) -> str:
    weak = [(r, c) for r, row in enumerate(marks) for c, x in enumerate(row) if x == "W"]
    kept = [f"({r},{c})" for r, c in weak if edges[r][c]]
    dropped = [f"({r},{c})" for r, c in weak if not edges[r][c]]
    text = ""
    if kept:
        text += "W kept: " + ", ".join(kept) + "\n"
    if dropped:
        text += "W dropped: " + ", ".join(dropped) + "\n"
    return text


Y_UP = {0: 0, 45: 135, 90: 90, 135: 45}  # reading y upward mirrors the diagonals
ALONG = {0: 90, 90: 0, 45: 135, 135: 45}  # compared along the edge instead of across it


# The mistakes' names (one immutable Text each, shared by every problem).
LABELS = {
    "no_nms": Text("跳过了非极大值抑制，直接对幅值图做双阈值",
                   "skipped non-maximum suppression and thresholded the raw magnitudes"),
    "y_axis_up": Text("按 y 轴向上理解方向，45° 与 135° 扇区弄反了",
                      "read the angle with y pointing up, swapping the 45 and 135 sectors"),
    "along_edge": Text("沿边缘方向（而不是梯度方向）比较邻居",
                       "compared the neighbours along the edge instead of across it (along the gradient)"),
    "weak_as_strong": Text("所有弱边缘都保留了（没有检查是否连到强边缘）",
                           "kept every weak pixel without checking its connection to a strong one"),
    "weak_dropped": Text("丢掉了所有弱边缘（只保留强边缘）",
                         "dropped every weak pixel (kept only the strong ones)"),
    "one_step_hysteresis": Text("只保留与强边缘直接相邻的弱边缘（没有沿弱边缘链传递）",
                                "kept only weak pixels directly next to a strong one (did not follow chains of weak pixels)"),
    "four_connected": Text("滞后连接用了 4 邻接而不是 8 邻接",
                           "used 4-connectivity instead of 8 in hysteresis"),
    "norm_mixup": Text("L1 与 L2 幅值弄混了",
                       "mixed up the L1 and L2 magnitude"),
}


def _mistakes(params: Mapping[str, Any], st: dict[str, Matrix]) -> list[Mistake]:
    norm, low, high = params["norm"], params["low"], params["high"]
    mag, nms, sectors = st["mag"], st["nms"], st["sectors"]
    swapped = [[Y_UP[s] for s in row] for row in sectors]
    # with no diagonal sector, reading y upward changes nothing: the answer's maps serve
    same = swapped == sectors
    nms_y_up = nms if same else _suppress(mag, swapped)
    nms_along = _suppress(mag, [[ALONG[s] for s in row] for row in sectors])
    other = _magnitude(st["gx"], st["gy"], "l2" if norm == "l1" else "l1")
    return [
        Mistake("no_nms", LABELS["no_nms"],
                {"nms": _mat(mag, norm), "edges": _hysteresis(mag, low, high)}),
        Mistake("y_axis_up", LABELS["y_axis_up"],
                {"sector": swapped, "nms": _mat(nms_y_up, norm),
                 "edges": [list(row) for row in st["edges"]] if same else _hysteresis(nms_y_up, low, high)}),
        Mistake("along_edge", LABELS["along_edge"],
                {"nms": _mat(nms_along, norm), "edges": _hysteresis(nms_along, low, high)}),
        Mistake("weak_as_strong", LABELS["weak_as_strong"],
                {"edges": [[int(v >= low) for v in row] for row in nms]}),
        Mistake("weak_dropped", LABELS["weak_dropped"],
                {"edges": [[int(v >= high) for v in row] for row in nms]}),
        Mistake("one_step_hysteresis", LABELS["one_step_hysteresis"],
                {"edges": _hysteresis(nms, low, high, one_step=True)}),
        Mistake("four_connected", LABELS["four_connected"],
                {"edges": _hysteresis(nms, low, high, connectivity=4)}),
        Mistake("norm_mixup", LABELS["norm_mixup"],
                {"magnitude": _mat(other, "l2" if norm == "l1" else "l1")}),
    ]
