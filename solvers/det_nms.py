"""Greedy non-maximum suppression (NMS) of scored boxes of one class.

Algorithm (Neubeck & Van Gool 2006; as in torchvision.ops.nms and the R-CNN family)::

    sort the boxes by score, highest first (equal scores: lower index first)
    repeat: keep the highest remaining box; remove every remaining box whose IoU with it is
            GREATER than the threshold (IoU equal to the threshold is kept)

Boxes are 1-based as printed in the question; the answer lists the kept boxes in descending
score order. IoU follows :mod:`solvers.det_iou` (continuous corners, no +1).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_float, register,
)
from solvers.det_iou import box_iou, check_box, distinct_scores, exact, fraction_text, iou_float, pick

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
    # floats order short decimals exactly as their exact values do (equal decimals, equal floats)
    return sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))


def iou_matrix(boxes: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
    """Exact pairwise IoU of all boxes (computed once; NMS and its mistakes reuse it)."""
    n = len(boxes)
    m = [[Fraction(1)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            m[i][j] = m[j][i] = box_iou(boxes[i], boxes[j])
    return m


def float_iou_matrix(boxes: Sequence[Sequence[Any]]) -> list[list[float]]:
    """Pairwise IoU in floats, for generators' rejection loops on whole-number boxes: each IoU is a
    fraction with a small denominator, so its float is the nearest double (a threshold like 0.4
    when equal to 2/5), and distinct IoUs stay distinct and in order; every NMS decision taken
    on this matrix against the float threshold is the one the exact matrix gives."""
    n = len(boxes)
    m = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            m[i][j] = m[j][i] = iou_float(boxes[i], boxes[j])
    return m


def threshold_for(m: list[list[Any]], threshold: float) -> Any:
    """The threshold in the matrix's arithmetic: a float for a float matrix, else exact."""
    return float(threshold) if m and type(m[0][0]) is float else exact(threshold)


def greedy_nms(boxes: Sequence[Sequence[Any]], scores: Sequence[float], threshold: float,
               suppress_equal: bool = False, order: Sequence[int] | None = None,
               ious: list[list[Fraction]] | None = None) -> list[int]:
    """0-based indices kept by greedy NMS, in processing order (descending score by default).

    A box is suppressed by a KEPT box when IoU > threshold (>= with ``suppress_equal``).

    >>> greedy_nms([[0, 0, 4, 4], [0, 0, 4, 3], [10, 10, 12, 12]], [0.9, 0.8, 0.7], 0.5)
    [0, 2]
    """
    if len(boxes) != len(scores):
        raise ValueError(f"{len(boxes)} boxes but {len(scores)} scores")
    m = iou_matrix(boxes) if ious is None else ious
    thr = threshold_for(m, threshold)
    kept: list[int] = []
    for i in (score_order(scores) if order is None else order):
        if all(m[i][k] < thr or (m[i][k] == thr and not suppress_equal) for k in kept):
            kept.append(i)
    return kept


def jitter(rng: np.random.Generator, box: list[int], amount: int) -> list[int]:
    """A nearby box: each corner moved by up to ``amount``, keeping a positive size."""
    while True:
        b = [c + int(rng.integers(-amount, amount + 1)) for c in box]
        if b[2] - b[0] >= 2 and b[3] - b[1] >= 2 and min(b) >= 0:
            return b


def random_scene(rng: np.random.Generator, n_objects: int, n_boxes: int) -> tuple[list, list]:
    """Boxes clustered around ``n_objects`` objects on a 0..40 grid, with distinct 2-dp scores."""
    objects = []
    while len(objects) < n_objects:
        w, h = int(rng.integers(6, 13)), int(rng.integers(6, 13))
        x, y = int(rng.integers(0, 40 - w)), int(rng.integers(0, 40 - h))
        cand = [x, y, x + w, y + h]
        if all(iou_float(cand, o) == 0 for o in objects):  # no overlap: 0.0 exactly, as the exact IoU
            objects.append(cand)
    boxes = [jitter(rng, objects[i % n_objects], 2) for i in range(n_boxes)]
    order = rng.permutation(n_boxes)
    boxes = [boxes[i] for i in order]
    scores = sorted(distinct_scores(rng, n_boxes), reverse=True)
    rng.shuffle(scores)
    return boxes, [s / 100 for s in scores]


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
    lines += [f"{i + 1:<3}" + "".join(f"{fmt(c):>4}" for c in b) + f"   {fmt(s)}" for i, (b, s) in enumerate(zip(boxes, scores))]
    return "\n".join(lines)


def nms_trace(boxes: Sequence, scores: Sequence[float], threshold: float) -> list[Step]:
    """Worked steps of greedy NMS: the score order, then each box kept or suppressed and why."""
    order = score_order(scores)
    thr = exact(threshold)
    steps = [Step("按得分从高到低排序。", "Sort by score, highest first.",
                  " > ".join(f"#{i + 1}({fmt(scores[i])})" for i in order))]
    kept: list[int] = []
    for i in order:
        ious = {k: box_iou(boxes[i], boxes[k]) for k in kept}
        over = [k for k, v in ious.items() if v > thr]
        detail = ", ".join(f"IoU(#{i + 1},#{k + 1}) = {fraction_text(v)} = {fmt(float(v), 4)}"
                           for k, v in ious.items() if v > 0) or \
            ", ".join(f"IoU(#{i + 1},#{k + 1}) = 0" for k in kept)  # formulas need no language
        if not kept:
            kept.append(i)
            steps.append(Step(f"框 #{i + 1}：得分最高，直接保留。", f"Box #{i + 1}: the highest score; kept."))
            continue
        if over:
            steps.append(Step(f"框 #{i + 1}：与已保留的 #{over[0] + 1} 的 IoU > {fmt(threshold)}，抑制。",
                              f"Box #{i + 1}: IoU with kept #{over[0] + 1} is above {fmt(threshold)}; suppressed.",
                              detail))
        else:
            kept.append(i)
            steps.append(Step(f"框 #{i + 1}：与所有已保留框的 IoU 都不超过 {fmt(threshold)}，保留。",
                              f"Box #{i + 1}: no IoU with a kept box exceeds {fmt(threshold)}; kept.", detail))
    return steps


def by_score(indices: Sequence[int], scores: Sequence[float]) -> list[int]:
    """1-based indices listed in descending score order."""
    rank = {i: r for r, i in enumerate(score_order(scores))}
    return [i + 1 for i in sorted(indices, key=rank.__getitem__)]


def nms_mistakes(boxes: Sequence, scores: Sequence[float], threshold: float, field: str = "kept",
                 ious: list[list[Fraction]] | None = None) -> list[Mistake]:
    order = score_order(scores)
    m = iou_matrix(boxes) if ious is None else ious
    thr = threshold_for(m, threshold)
    # non-greedy: a box is dropped if ANY higher-scoring box overlaps it, even a suppressed one
    all_pairs = [i for r, i in enumerate(order)
                 if all(m[i][k] <= thr for k in order[:r])]
    return [
        Mistake("kept_lower_score", Text("从低分开始处理，保留了低分框", "processed from the lowest score (kept the weaker boxes)"),
                {field: by_score(greedy_nms(boxes, scores, threshold, order=order[::-1], ious=m), scores)}),
        Mistake("not_sorted", Text("没有按得分排序，直接按编号处理", "forgot to sort: processed the boxes in index order"),
                {field: by_score(greedy_nms(boxes, scores, threshold, order=list(range(len(boxes))), ious=m), scores)}),
        Mistake("equal_suppresses", Text("IoU 等于阈值时也抑制了（应为大于才抑制）",
                                         "suppressed at IoU equal to the threshold (only > suppresses)"),
                {field: by_score(greedy_nms(boxes, scores, threshold, suppress_equal=True, ious=m), scores)}),
        Mistake("suppressed_by_suppressed", Text("被已抑制的框再次抑制（只有保留的框才能抑制别人）",
                                                 "let suppressed boxes suppress others (only kept boxes do)"),
                {field: [i + 1 for i in all_pairs]}),
    ]


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
        while True:
            n_obj = int(pick(rng, r["objects"]))
            boxes, scores = random_scene(rng, n_obj, int(pick(rng, r["boxes"])))
            thr = float(pick(rng, r["thresholds"]))
            t = Fraction(str(thr))
            # hand-friendly: no IoU so close to the threshold that rounding would decide (a float
            # margin test first; exact IoUs only for a near pair that may be a tie, and for a keeper)
            fm = float_iou_matrix(boxes)
            near = [(a, b) for i, a in enumerate(boxes) for j, b in enumerate(boxes[:i]) if abs(fm[i][j] - thr) < r["gap"]]
            if all(r["ties"] and box_iou(a, b) == t for a, b in near):
                m = fm  # the float matrix decides as the exact one would (see float_iou_matrix)
                kept = by_score(greedy_nms(boxes, scores, thr, ious=m), scores)
                wrong = sum(x.answer["kept"] != kept for x in nms_mistakes(boxes, scores, thr, ious=m))
                if len(kept) < len(boxes) and wrong >= r["wrong"]:  # something is suppressed
                    return {"boxes": boxes, "scores": scores, "iou_threshold": thr}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        boxes, scores = check_scored_boxes(params, min_boxes=1)
        thr = need_float(params, "iou_threshold", minimum=0.0, maximum=1.0)
        return {"boxes": boxes, "scores": scores, "iou_threshold": thr}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("kept", Text("保留的框（编号，按得分从高到低）", "kept boxes (numbers, highest score first)"),
                            shape="vector", integer=True),)

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
        m = iou_matrix(boxes)  # once, for the answer and every mistake
        kept = [i + 1 for i in greedy_nms(boxes, scores, thr, ious=m)]
        steps = nms_trace(boxes, scores, thr)
        steps.append(Step("保留的框（按得分从高到低）：", "Kept boxes, highest score first:", str(kept)))
        return Solution({"kept": kept}, steps, nms_mistakes(boxes, scores, thr, ious=m))

