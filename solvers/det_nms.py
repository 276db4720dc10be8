"""Greedy non-maximum suppression (NMS) of scored boxes of one class.

Algorithm (Neubeck & Van Gool 2006; as in torchvision.ops.nms and the R-CNN family)::

    sort the boxes by score, highest first (equal scores: lower index first)
    repeat: keep the highest remaining box; remove every remaining box whose IoU with it is
            GREATER than the threshold (IoU equal to the threshold is kept)

Boxes are 1-based as printed in the question; the answer lists the kept boxes in descending
score order. IoU follows :mod:`solvers.det_iou` (continuous corners, no +1).
"""

from __future__ import annotations

import functools
import random
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_float, register,
)
from solvers.det_iou import (
    box_iou, check_box, distinct_scores, exact, fixed4, iou_float, iou_fraction, iou_terms, pick, py_random,
)

# Named difficulty ranges: number of objects (clusters), boxes, thresholds, and the smallest gap
# allowed between any pair's IoU and the threshold (0 at hard allows an exact tie, which the
# stated "> suppresses" rule decides), and how many of the named mistakes must give a wrong answer.
RANGES = {
    "easy": dict(objects=(2,), boxes=(4, 5), thresholds=(0.5,), gap=0.05, ties=False, wrong=1),
    "medium": dict(objects=(2, 3), boxes=(5, 6), thresholds=(0.3, 0.5, 0.6), gap=0.03, ties=False, wrong=2),
    "hard": dict(objects=(2, 3), boxes=(6, 7), thresholds=(0.4, 0.5, 0.6), gap=0.02, ties=True, wrong=2),
}


def score_order(scores: Sequence[float]) -> list[int]:
    """0-based indices by descending score, equal scores by ascending index."""
    return list(_score_order(tuple(scores)))


@functools.lru_cache(maxsize=256)  # NMS, its mistakes, the steps and the matching all ask again
def _score_order(scores: tuple) -> tuple[int, ...]:
    # floats order short decimals exactly as their exact values do (equal decimals, equal floats)
    return tuple(sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i)))


_ONE = Fraction(1)


def iou_matrix(boxes: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
    """Exact pairwise IoU of all boxes (computed once; NMS and its mistakes reuse it)."""
    n = len(boxes)
    m = [[_ONE] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            m[i][j] = m[j][i] = box_iou(boxes[i], boxes[j])
    return m


def float_iou_matrix(boxes: Sequence[Sequence[int]]) -> list[list[float]]:
    """Pairwise IoU in floats, for generators' rejection loops on whole-number boxes: each IoU is a
    fraction with a small denominator, so its float is the nearest double (a threshold like 0.4
    when equal to 2/5), and distinct IoUs stay distinct and in order; every NMS decision taken
    on this matrix against the float threshold is the one the exact matrix gives. (The values of
    :func:`iou_float`, written out: this is the generators' inner loop.)"""
    n = len(boxes)
    fm = [[1.0] * n for _ in range(n)]
    for i, (ax1, ay1, ax2, ay2) in enumerate(boxes):
        area = (ax2 - ax1) * (ay2 - ay1)
        row = fm[i]
        for j in range(i):
            bx1, by1, bx2, by2 = boxes[j]
            w = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)  # (min/max are slower calls)
            h = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
            if w <= 0 or h <= 0:
                row[j] = fm[j][i] = 0.0
            else:
                inter = w * h
                row[j] = fm[j][i] = inter / (area + (bx2 - bx1) * (by2 - by1) - inter)
    return fm


def relation(m: list[list[Any]], threshold: float) -> list[list[int]]:
    """sign(IoU - threshold) for every pair of the matrix, worked out once: NMS, its named
    mistakes and the worked steps all ask the same questions of it. A float matrix (see
    float_iou_matrix) is compared with the float threshold; an exact one exactly, as whole
    numbers (IoU p/q against t = a/b is p*b against a*q: no Fraction comparison)."""
    if m and type(m[0][0]) is float:
        t = float(threshold)
        return [[(v > t) - (v < t) for v in row] for row in m]
    t = exact(threshold)
    tn, td = t.numerator, t.denominator
    n = len(m)
    out = [[0] * n for _ in range(n)]
    for i in range(n):  # the matrix is symmetric: each pair once
        row = m[i]
        for j in range(i + 1):
            v = row[j]
            x, y = v.numerator * td, tn * v.denominator
            out[i][j] = out[j][i] = (x > y) - (x < y)
    return out


def exact_ious(boxes: Sequence[Sequence[Any]], threshold: float) -> tuple[list[list[Fraction]], list[list[int]]]:
    """:func:`iou_matrix` and its :func:`relation` to ``threshold`` in one pass. Whole-number
    boxes (every generated problem) compare each IoU's unreduced intersection and union with the
    threshold as whole numbers: no Fraction is compared or even looked into."""
    if not all(type(x1 + y1 + x2 + y2) is int for x1, y1, x2, y2 in boxes):  # (see box_iou)
        m = iou_matrix(boxes)
        return m, relation(m, threshold)
    for x1, y1, x2, y2 in boxes:
        if x2 <= x1 or y2 <= y1:
            raise ValueError(f"box {[x1, y1, x2, y2]} needs x2 > x1 and y2 > y1")
    t = exact(threshold)
    tn, td = t.numerator, t.denominator
    n = len(boxes)
    m = [[_ONE] * n for _ in range(n)]
    rel = [[(td > tn) - (td < tn)] * n for _ in range(n)]  # an IoU of 1 on the diagonal
    for i in range(n):
        for j in range(i):
            inter, union = iou_terms(boxes[i], boxes[j])
            m[i][j] = m[j][i] = iou_fraction(inter, union)
            x, y = inter * td, tn * union
            rel[i][j] = rel[j][i] = (x > y) - (x < y)
    return m, rel


def greedy_nms(boxes: Sequence[Sequence[Any]], scores: Sequence[float], threshold: float,
               suppress_equal: bool = False, order: Sequence[int] | None = None,
               ious: list[list[Fraction]] | None = None, rel: list[list[int]] | None = None) -> list[int]:
    """0-based indices kept by greedy NMS, in processing order (descending score by default).

    A box is suppressed by a KEPT box when IoU > threshold (>= with ``suppress_equal``).
    ``ious`` and ``rel`` (its :func:`relation` to the threshold) save working them out again.

    >>> greedy_nms([[0, 0, 4, 4], [0, 0, 4, 3], [10, 10, 12, 12]], [0.9, 0.8, 0.7], 0.5)
    [0, 2]
    """
    if len(boxes) != len(scores):
        raise ValueError(f"{len(boxes)} boxes but {len(scores)} scores")
    if rel is None:
        rel = relation(iou_matrix(boxes) if ious is None else ious, threshold)
    limit = 0 if suppress_equal else 1  # kept while every sign against a kept box is below it
    kept: list[int] = []
    for i in (score_order(scores) if order is None else order):
        ri = rel[i]
        for k in kept:
            if ri[k] >= limit:
                break
        else:
            kept.append(i)
    return kept


def jitter(rnd: random.Random, box: list[int], amount: int) -> list[int]:
    """A nearby box: each corner moved by up to ``amount``, keeping a positive size."""
    span, u = 2 * amount + 1, rnd.random
    x1, y1, x2, y2 = box[0] - amount, box[1] - amount, box[2] - amount, box[3] - amount
    while True:
        a, b, c, d = x1 + int(u() * span), y1 + int(u() * span), x2 + int(u() * span), y2 + int(u() * span)
        if c - a >= 2 and d - b >= 2 and a >= 0 and b >= 0:
            return [a, b, c, d]


def random_scene(rnd: random.Random, n_objects: int, n_boxes: int) -> tuple[list, list]:
    """Boxes clustered around ``n_objects`` objects on a 0..40 grid, with distinct 2-dp scores."""
    objects: list[list[int]] = []
    u = rnd.random
    while len(objects) < n_objects:
        w, h = 6 + int(u() * 7), 6 + int(u() * 7)
        x, y = int(u() * (40 - w)), int(u() * (40 - h))
        cand = [x, y, x + w, y + h]
        if all(iou_float(cand, o) == 0 for o in objects):  # no overlap: 0.0 exactly, as the exact IoU
            objects.append(cand)
    boxes = [jitter(rnd, objects[i % n_objects], 2) for i in range(n_boxes)]
    rnd.shuffle(boxes)
    return boxes, [s / 100 for s in distinct_scores(rnd, n_boxes)]


def check_scored_boxes(params: Mapping[str, Any], box_name: str = "boxes", score_name: str = "scores",
                       min_boxes: int = 1) -> tuple[list, list]:
    raw = need(params, box_name)
    if not isinstance(raw, (list, tuple)) or len(raw) < min_boxes:
        raise ParamError(box_name, f"must be a list of at least {min_boxes} [x1, y1, x2, y2] boxes")
    boxes = []
    for i, b in enumerate(raw):
        try:
            boxes.append(check_box({box_name: b}, box_name))
        except ParamError as e:
            raise ParamError(box_name, f"box {i + 1}: {str(e).split(': ', 1)[1]}") from None
    raw_s = need(params, score_name)
    if not isinstance(raw_s, (list, tuple)) or len(raw_s) != len(boxes):
        raise ParamError(score_name, f"must be a list of {len(boxes)} numbers, one per box")
    scores = [need_float({score_name: s}, score_name) for s in raw_s]
    return boxes, scores


def box_table(boxes: Sequence, scores: Sequence[float]) -> str:
    lines = ["#   x1  y1  x2  y2   score"]
    for i, (b, s) in enumerate(zip(boxes, scores)):
        x1, y1, x2, y2 = b
        if type(x1 + y1 + x2 + y2) is int:  # whole numbers (as box_iou tells them): fmt is str
            cells = "%4d%4d%4d%4d" % (x1, y1, x2, y2)
        else:
            cells = "".join(f"{fmt(c):>4}" for c in b)
        lines.append(f"{i + 1:<3}{cells}   {fmt(s)}")
    return "\n".join(lines)


def nms_trace(boxes: Sequence, scores: Sequence[float], threshold: float,
              ious: list[list[Fraction]] | None = None, rel: list[list[int]] | None = None,
              prefix: str = "") -> list[Step]:
    """Worked steps of greedy NMS: the score order, then each box kept or suppressed and why.
    ``ious`` (exact) and ``rel`` (its :func:`relation` to the threshold) save working them out
    again; ``prefix`` starts each step's words (e.g. a part number "(2) ")."""
    order = score_order(scores)
    if ious is None:
        ious = iou_matrix(boxes)
    if rel is None:
        rel = relation(ious, threshold)
    t = fmt(threshold)
    steps = [Step(prefix + "按得分从高到低排序。", prefix + "Sort by score, highest first.",
                  " > ".join(f"#{i + 1}({fmt(scores[i])})" for i in order))]
    kept: list[int] = []
    for i in order:
        if not kept:
            kept.append(i)
            steps.append(Step(f"{prefix}框 #{i + 1}：得分最高，直接保留。", f"{prefix}Box #{i + 1}: the highest score; kept."))
            continue
        mi, ri = ious[i], rel[i]
        over = [k for k in kept if ri[k] > 0]
        detail = ", ".join(f"IoU(#{i + 1},#{k + 1}) = {iou_text(mi[k])}" for k in kept if mi[k].numerator) or \
            ", ".join(f"IoU(#{i + 1},#{k + 1}) = 0" for k in kept)  # formulas need no language
        if over:
            steps.append(Step(f"{prefix}框 #{i + 1}：与已保留的 #{over[0] + 1} 的 IoU > {t}，抑制。",
                              f"{prefix}Box #{i + 1}: IoU with kept #{over[0] + 1} is above {t}; suppressed.",
                              detail))
        else:
            kept.append(i)
            steps.append(Step(f"{prefix}框 #{i + 1}：与所有已保留框的 IoU 都不超过 {t}，保留。",
                              f"{prefix}Box #{i + 1}: no IoU with a kept box exceeds {t}; kept.", detail))
    return steps


def iou_text(v: Fraction) -> str:
    """'2/5 = 0.4000': an IoU exact and to 4 places, as the worked steps show it."""
    return _iou_text(v.numerator, v.denominator)


@functools.lru_cache(maxsize=4096)
def _iou_text(p: int, q: int) -> str:  # remembered: the same few IoUs recur in steps and problems
    return f"{p}/{q} = {fixed4(p, q)}" if q != 1 else f"{p} = {fixed4(p, q)}"


def iou_4(v: Fraction) -> str:
    """An IoU to 4 places, as the answers ask for it."""
    return fixed4(v.numerator, v.denominator)


def by_score(indices: Sequence[int], scores: Sequence[float]) -> list[int]:
    """1-based indices listed in descending score order."""
    rank = score_rank(scores)
    return [i + 1 for i in sorted(indices, key=rank.__getitem__)]


def score_rank(scores: Sequence[float]) -> dict[int, int]:
    """Each 0-based index's place in :func:`score_order` (a shared dict: read it, do not change it)."""
    return _score_rank(tuple(scores))


@functools.lru_cache(maxsize=256)
def _score_rank(scores: tuple) -> dict[int, int]:
    return {i: r for r, i in enumerate(_score_order(scores))}


def nms_mistakes(boxes: Sequence, scores: Sequence[float], threshold: float, field: str = "kept",
                 ious: list[list[Fraction]] | None = None, rel: list[list[int]] | None = None) -> list[Mistake]:
    order = score_order(scores)
    if rel is None:
        rel = relation(iou_matrix(boxes) if ious is None else ious, threshold)
    # non-greedy: a box is dropped if ANY higher-scoring box overlaps it, even a suppressed one
    all_pairs = [i for r, i in enumerate(order)
                 if all(rel[i][k] <= 0 for k in order[:r])]
    return [
        Mistake("kept_lower_score", _LABELS["kept_lower_score"],
                {field: by_score(greedy_nms(boxes, scores, threshold, order=order[::-1], rel=rel), scores)}),
        Mistake("not_sorted", _LABELS["not_sorted"],
                {field: by_score(greedy_nms(boxes, scores, threshold, order=list(range(len(boxes))), rel=rel), scores)}),
        Mistake("equal_suppresses", _LABELS["equal_suppresses"],
                {field: by_score(greedy_nms(boxes, scores, threshold, suppress_equal=True, rel=rel), scores)}),
        Mistake("suppressed_by_suppressed", _LABELS["suppressed_by_suppressed"], {field: [i + 1 for i in all_pairs]}),
    ]


# the named mistakes' labels, made once (a frozen dataclass costs a microsecond to build)
_LABELS = {
    "kept_lower_score": Text("从低分开始处理，保留了低分框", "processed from the lowest score (kept the weaker boxes)"),
    "not_sorted": Text("没有按得分排序，直接按编号处理", "forgot to sort: processed the boxes in index order"),
    "equal_suppresses": Text("IoU 等于阈值时也抑制了（应为大于才抑制）",
                             "suppressed at IoU equal to the threshold (only > suppresses)"),
    "suppressed_by_suppressed": Text("被已抑制的框再次抑制（只有保留的框才能抑制别人）",
                                     "let suppressed boxes suppress others (only kept boxes do)"),
}


_FIELDS = (AnswerField("kept", Text("保留的框（编号，按得分从高到低）", "kept boxes (numbers, highest score first)"),
                       shape="vector", integer=True),)


@register
class NMS(Kind):
    id = "nms"
    topic = "detection"
    chapter = "ch8_detection"
    title = Text("非极大值抑制 NMS", "Non-maximum suppression (NMS)")
    description = "Greedy NMS of 4-7 scored boxes of one class at an IoU threshold."
    params_help = {
        "boxes": "a list of [x1, y1, x2, y2] boxes, e.g. [[0,0,4,4],[1,1,5,5]]",
        "scores": "one confidence score per box",
        "iou_threshold": "IoU above which a lower-scoring box is suppressed, e.g. 0.5",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        while True:
            n_obj = pick(rnd, r["objects"])
            boxes, scores = random_scene(rnd, n_obj, pick(rnd, r["boxes"]))
            thr = pick(rnd, r["thresholds"])
            # hand-friendly: no IoU so close to the threshold that rounding would decide (a float
            # margin test first; exact IoUs only for a near pair that may be a tie, and for a keeper)
            fm = float_iou_matrix(boxes)
            gap = r["gap"]
            near = [(a, boxes[j]) for i, a in enumerate(boxes) for j, v in enumerate(fm[i][:i]) if -gap < v - thr < gap]
            if not near or r["ties"] and all(box_iou(a, b) == exact(thr) for a, b in near):
                rel = relation(fm, thr)  # the float matrix decides as the exact one would (see float_iou_matrix)
                kept = by_score(greedy_nms(boxes, scores, thr, rel=rel), scores)
                wrong = sum(x.answer["kept"] != kept for x in nms_mistakes(boxes, scores, thr, rel=rel))
                if len(kept) < len(boxes) and wrong >= r["wrong"]:  # something is suppressed
                    return {"boxes": boxes, "scores": scores, "iou_threshold": thr}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        boxes, scores = check_scored_boxes(params, min_boxes=1)
        thr = need_float(params, "iou_threshold", minimum=0.0, maximum=1.0)
        return {"boxes": boxes, "scores": scores, "iou_threshold": thr}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _FIELDS

    def statement(self, params: Mapping[str, Any]) -> Text:
        t = box_table(params["boxes"], params["scores"])
        thr = fmt(params["iou_threshold"])
        return Text(
            f"同一类别的检测框如下（[x1, y1, x2, y2]，连续坐标，面积不加 1）。用贪心 NMS，IoU 阈值为 {thr}："
            f"与已保留框的 IoU 大于 {thr} 的框被抑制（等于阈值不抑制）。按得分从高到低写出保留框的编号"
            f"（编号从 1 开始，即表中的编号）。\n{t}",
            f"The detections of one class are below ([x1, y1, x2, y2], continuous coordinates, area "
            f"without +1). Apply greedy NMS with IoU threshold {thr}: a box whose IoU with a kept box "
            f"is greater than {thr} is suppressed (equal to the threshold is not). List the numbers "
            f"of the kept boxes (1-based, as in the table) from the highest score down.\n{t}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        boxes, scores, thr = params["boxes"], params["scores"], params["iou_threshold"]
        m, rel = exact_ious(boxes, thr)  # once, for the answer, the steps and every mistake
        kept = [i + 1 for i in greedy_nms(boxes, scores, thr, rel=rel)]
        steps = nms_trace(boxes, scores, thr, ious=m, rel=rel)
        steps.append(Step("保留的框（按得分从高到低）：", "Kept boxes, highest score first:", str(kept)))
        return Solution({"kept": kept}, steps, nms_mistakes(boxes, scores, thr, rel=rel))

