"""A whole detection evaluation by hand: IoU with the ground truth, NMS, then precision and recall.

Steps (the PASCAL VOC protocol, Everingham et al., IJCV 2010, 4.4)::

    1. for each detection, its IoU with the best-overlapping ground-truth box
    2. greedy NMS at the NMS threshold (IoU > threshold suppresses; see solvers.det_nms)
    3. the kept detections, highest score first, are matched to ground truth: a detection is a TP
       if its best-overlapping ground truth has IoU >= the match threshold and is not already
       matched; otherwise it is an FP (a duplicate of a matched object is an FP)
       precision = TP / kept,  recall = TP / number of ground-truth boxes

Boxes are [x1, y1, x2, y2] corners with continuous coordinates (area without +1).
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need, need_float, register,
)
from solvers.det_iou import (
    box_area, box_iou, check_box, distinct_scores, exact, fraction_text, intersection, iou_float, pick, py_random,
    random_box,
)
from solvers.det_nms import (
    box_table, by_score, check_scored_boxes, exact_ious, greedy_nms, iou_4, jitter,
    nms_mistakes, nms_trace, score_order, score_rank,
)

# Named difficulty ranges: detections per scene, jitter of the good boxes, smallest gap between
# any IoU and a threshold (so rounding never decides), thresholds.
RANGES = {
    "easy": dict(detections=(4,), jitter=1, gap=0.05, nms=(0.5,)),
    "medium": dict(detections=(4, 5), jitter=2, gap=0.04, nms=(0.5,)),
    "hard": dict(detections=(5,), jitter=2, gap=0.03, nms=(0.4, 0.5, 0.6)),
}
MATCH_THRESHOLD = 0.5
GT_TRIES = 4  # scenes drawn around one pair of ground-truth boxes before a new pair
BOX_TRIES = 3  # draws of one detection before the scene is dropped


def best_overlaps(boxes: Sequence, gt: Sequence,
                  table: Sequence[Sequence[Fraction]] | None = None) -> list[tuple[Fraction, int]]:
    """For each detection, (best IoU, 0-based index of that ground truth; lower index on ties).
    ``table`` (each detection's IoU with each ground truth) saves working it out again."""
    out = []
    for row in ([[box_iou(b, g) for g in gt] for b in boxes] if table is None else table):
        best, j = row[0], 0
        for k in range(1, len(row)):
            v = row[k]
            if v.numerator * best.denominator > best.numerator * v.denominator:  # v > best, as integers
                best, j = v, k
        out.append((best, j))
    return out


def _at_least(v: Fraction, t: Fraction) -> bool:
    return v.numerator * t.denominator >= t.numerator * v.denominator  # v >= t, as integers


def match_detections(boxes: Sequence, scores: Sequence[float], kept: Sequence[int], gt: Sequence,
                     threshold: float = MATCH_THRESHOLD,
                     best: Sequence[tuple[Fraction, int]] | None = None) -> list[bool]:
    """VOC matching of the kept detections (0-based), in descending score order: TP flags.

    >>> match_detections([[0, 0, 4, 4], [0, 0, 4, 3]], [0.9, 0.8], [0, 1], [[0, 0, 4, 4]])
    [True, False]
    """
    thr = exact(threshold)
    matched: set[int] = set()
    flags = []
    rank = score_rank(scores)
    for i in sorted(kept, key=rank.__getitem__):
        iou, j = best_overlaps([boxes[i]], gt)[0] if best is None else best[i]
        hit = j not in matched and _at_least(iou, thr)
        if hit:
            matched.add(j)
        flags.append(hit)
    return flags


def pipeline(boxes: Sequence, scores: Sequence[float], gt: Sequence, nms_threshold: float,
             match_threshold: float = MATCH_THRESHOLD) -> dict[str, Any]:
    """Every intermediate result of the three steps (exact)."""
    table = [[box_iou(b, g) for g in gt] for b in boxes]
    best = best_overlaps(boxes, gt, table)
    ious, rel = exact_ious(boxes, nms_threshold)  # once: NMS here, its steps and named mistakes
    kept = greedy_nms(boxes, scores, nms_threshold, rel=rel)
    flags = match_detections(boxes, scores, kept, gt, match_threshold, best=best)
    tp = sum(flags)
    return {"table": table, "best": best, "kept": kept, "flags": flags, "ious": ious, "rel": rel,
            "precision": Fraction(tp, len(kept)), "recall": Fraction(tp, len(gt))}


def _clear(box: Sequence[int], others: Sequence[Sequence[int]], thresholds: Sequence[float],
           gap: float) -> list[float] | None:
    """The IoUs (in floats) of whole-number ``box`` with each of ``others``, or None as soon as one
    lies within ``gap`` of a threshold (the rejection loop's hot spot: plain arithmetic, no calls)."""
    ax1, ay1, ax2, ay2 = box
    area = (ax2 - ax1) * (ay2 - ay1)
    row = []
    for bx1, by1, bx2, by2 in others:
        w = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)  # (min/max are slower calls)
        h = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
        if w > 0 and h > 0:  # an IoU of 0 is far from every threshold used here
            inter = w * h
            v = inter / (area + (bx2 - bx1) * (by2 - by1) - inter)
            for t in thresholds:
                if -gap < v - t < gap:
                    return None
            row.append(v)
        else:
            row.append(0.0)
    return row


def _float_accepts(fm: list[list[float]], n_gt: int, scores: Sequence[float], nms_thr: float) -> bool:
    """The generator's acceptance test on float IoUs (``fm`` over the ground truth, then the
    detections): NMS suppresses something, and the matching has at least one TP and one FP."""
    kept: list[int] = []
    for i in score_order(scores):
        row = fm[n_gt + i]
        for k in kept:
            if row[n_gt + k] > nms_thr:
                break
        else:
            kept.append(i)
    if len(kept) == len(scores):
        return False
    matched: set[int] = set()
    tp = 0
    for i in kept:  # already in descending score order
        row = fm[n_gt + i]
        j = 0
        for k in range(1, n_gt):  # the best ground truth, the first one on a tie
            if row[k] > row[j]:
                j = k
        if row[j] >= MATCH_THRESHOLD and j not in matched:
            matched.add(j)
            tp += 1
    return 0 < tp < len(kept)


_FIELDS = (
    AnswerField("best_iou", Text("(1) 每个检测框与最佳真实框的 IoU", "(1) each detection's IoU with its best ground truth"),
                shape="vector", decimals=4, points=2),
    AnswerField("kept", Text("(2) NMS 后保留的框（按得分从高到低）", "(2) boxes kept by NMS (highest score first)"),
                shape="vector", integer=True, points=2),
    AnswerField("precision", Text("(3) 精确率", "(3) precision"), decimals=4, points=1),
    AnswerField("recall", Text("(3) 召回率", "(3) recall"), decimals=4, points=1),
)
# the named mistakes' labels, made once (a frozen dataclass costs a microsecond to build)
_LABELS = {
    "union_double_counted": Text("IoU 的并集没有减去交集", "IoU with A + B as the union"),
    "no_nms": Text("没有先做 NMS 就统计", "counted before NMS"),
    "no_one_to_one": Text("同一真实框被匹配了多次", "let one ground truth match several boxes"),
    "precision_recall_swapped": Text("精确率与召回率弄反了", "swapped precision and recall"),
}


@register
class DetectionPipeline(Kind):
    id = "detection_pipeline"
    topic = "detection"
    chapter = "ch8_detection"
    comprehensive = True
    title = Text("检测评估综合题：IoU、NMS、精确率与召回率", "Detection evaluation: IoU, NMS, precision and recall")
    description = "IoU with the ground truth, NMS, then precision and recall at IoU >= 0.5 (multi-part)."
    params_help = {
        "gt": "the ground-truth boxes, e.g. [[0,0,10,10],[20,20,30,30]]",
        "boxes": "the detected boxes [x1, y1, x2, y2]",
        "scores": "one confidence score per detection",
        "nms_threshold": "NMS IoU threshold, e.g. 0.5 (IoU above it suppresses)",
        "match_threshold": "IoU a detection needs to count as a true positive (default 0.5)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        while True:
            gt: list[list[int]] = []
            while len(gt) < 2:
                g = random_box(rnd, 1, 30, min_side=6)
                if all(iou_float(g, o) == 0 for o in gt):
                    gt.append(g)
            # a few scenes around the same two objects before drawing new ones: most candidates
            # fail on one IoU near a threshold, and the objects cost as many draws as the boxes
            for _ in range(GT_TRIES):
                params = self._scene(rnd, r, gt)
                if params is not None:
                    return params

    @staticmethod
    def _scene(rnd: random.Random, r: Mapping[str, Any], gt: list[list[int]]) -> dict[str, Any] | None:
        """Detections around ``gt`` that make a good question, or None."""
        u, gap, jit = rnd.random, r["gap"], r["jitter"]
        nms_thr = pick(rnd, r["nms"])
        thresholds = (nms_thr,) if nms_thr == MATCH_THRESHOLD else (nms_thr, MATCH_THRESHOLD)
        n = pick(rnd, r["detections"])
        # two hits on object 1 (one a duplicate), one on object 2, the rest stray or sloppy; no
        # IoU within the gap of a threshold (judged in floats: a margin, not a tie, is asked),
        # tested as each box is drawn: a box that fails is drawn again a few times, and most
        # scenes then pass (dropping the whole scene at the first fault took 7-9 scenes a problem)
        every, fm = list(gt), [[1.0, 0.0], [0.0, 1.0]]  # the boxes drawn so far and their IoUs
        for k in range(n):
            for _ in range(BOX_TRIES):
                d = (jitter(rnd, gt[0], jit) if k == 0 else jitter(rnd, gt[0], jit + 1) if k == 1
                     else jitter(rnd, gt[1], jit + 1) if k == 2
                     else jitter(rnd, gt[int(u() * 2)], 4) if u() < 0.5
                     else random_box(rnd, 1, 30, min_side=3))
                row = _clear(d, every, thresholds, gap)
                if row is not None:
                    for j, v in enumerate(row):
                        fm[j].append(v)
                    fm.append(row + [1.0])
                    every.append(d)
                    break
            else:
                return None
        scores = [v / 100 for v in distinct_scores(rnd, n)]
        # every IoU is at least the gap from both thresholds, and distinct IoUs of these small
        # whole-number boxes (unions below 2,500) differ by far more than a float's rounding, so
        # the float pipeline decides exactly as the exact one (tests/solvers/test_det_pipeline.py
        # checks the accepted problems exactly)
        if not _float_accepts(fm, 2, scores, nms_thr):
            return None
        # the table order: the boxes with their scores shuffled together (the test above depends
        # on the pairs, not their order)
        order = list(range(n))
        rnd.shuffle(order)
        return {"gt": gt, "boxes": [every[2 + i] for i in order], "scores": [scores[i] for i in order],
                "nms_threshold": nms_thr, "match_threshold": MATCH_THRESHOLD}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw_gt = need(params, "gt")
        if not isinstance(raw_gt, (list, tuple)) or not raw_gt:
            raise ParamError("gt", "must be a list of at least one [x1, y1, x2, y2] box")
        gt = []
        for i, g in enumerate(raw_gt):
            try:
                gt.append(check_box({"gt": g}, "gt"))
            except ParamError as e:
                raise ParamError("gt", f"box {i + 1}: {str(e).split(': ', 1)[1]}") from None
        boxes, scores = check_scored_boxes(params, min_boxes=1)
        return {"gt": gt, "boxes": boxes, "scores": scores,
                "nms_threshold": need_float(params, "nms_threshold", minimum=0.0, maximum=1.0),
                "match_threshold": need_float(params, "match_threshold", minimum=0.0, maximum=1.0,
                                              default=MATCH_THRESHOLD)}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return _FIELDS

    def statement(self, params: Mapping[str, Any]) -> Text:
        gt = "  ".join(f"G{j + 1} = {g}" for j, g in enumerate(params["gt"]))
        t = box_table(params["boxes"], params["scores"])
        nt, mt = fmt(params["nms_threshold"]), fmt(params["match_threshold"])
        return Text(
            f"一幅图中有 {len(params['gt'])} 个真实框：{gt}。检测器输出下列检测框（同一类别，"
            f"[x1, y1, x2, y2]，连续坐标，面积不加 1）：\n{t}\n"
            f"(1) 按表中顺序求每个检测框与其重叠最大的真实框的 IoU（保留 4 位小数）；\n"
            f"(2) 用 IoU 阈值 {nt} 做贪心 NMS（IoU 大于 {nt} 才抑制），按得分从高到低写出保留框的编号；\n"
            f"(3) 对保留的框按得分从高到低与真实框匹配：与其重叠最大的真实框 IoU ≥ {mt} 且该真实框尚未被匹配则为 TP，"
            f"否则为 FP。求精确率和召回率（保留 4 位小数）。",
            f"An image has {len(params['gt'])} ground-truth boxes: {gt}. A detector outputs the boxes "
            f"below (one class, [x1, y1, x2, y2], continuous coordinates, area without +1):\n{t}\n"
            f"(1) In table order, give each detection's IoU with the ground-truth box it overlaps most "
            f"(4 decimal places).\n(2) Apply greedy NMS at IoU threshold {nt} (only IoU above {nt} "
            f"suppresses) and list the kept boxes, highest score first.\n(3) Match the kept boxes, "
            f"highest score first: a box is a TP if the ground truth it overlaps most has IoU >= {mt} "
            f"and is not matched yet, otherwise an FP. Give the precision and recall (4 decimal places).",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        gt, boxes, scores = params["gt"], params["boxes"], params["scores"]
        nt, mt = params["nms_threshold"], params["match_threshold"]
        res = pipeline(boxes, scores, gt, nt, mt)
        kept_1 = by_score(res["kept"], scores)
        best_4 = [iou_4(v) for v, _ in res["best"]]  # each shown twice
        steps = [Step("(1) 每个检测框与各真实框的 IoU，取最大者。", "(1) IoU of each detection with each ground truth; take the largest.",
                      "\n".join(f"#{i + 1}: " + ", ".join(f"G{j + 1}: {fraction_text(v)}" for j, v in enumerate(row))
                                + f"  -> best G{res['best'][i][1] + 1}, {best_4[i]}"
                                for i, row in enumerate(res["table"])))]
        steps += nms_trace(boxes, scores, nt, ious=res["ious"], rel=res["rel"], prefix="(2) ")
        lines = [f"#{i + 1}: best G{res['best'][i][1] + 1}, IoU {best_4[i]} -> {'TP' if f else 'FP'}"
                 for i, f in zip([k - 1 for k in kept_1], res["flags"])]
        tp = sum(res["flags"])
        steps += [
            Step("(3) 按得分从高到低匹配；已被匹配的真实框不能再匹配（重复检测为 FP）。",
                 "(3) Match in descending score; a ground truth already matched cannot match again "
                 "(a duplicate is an FP).", "\n".join(lines)),
            Step("精确率 = TP/保留框数，召回率 = TP/真实框数。", "Precision = TP / kept boxes, recall = TP / ground-truth boxes.",
                 f"P = {tp}/{len(kept_1)} = {fmt(float(res['precision']), 4)},  R = {tp}/{len(gt)} = {fmt(float(res['recall']), 4)}"),
        ]
        # the same matching without NMS: duplicates now count as FPs
        all_idx = list(range(len(boxes)))
        flags_all = match_detections(boxes, scores, all_idx, gt, mt, best=res["best"])
        # counting every kept box with IoU >= threshold as a TP (no one-to-one matching)
        thr = exact(mt)
        loose = sum(_at_least(res["best"][i][0], thr) for i in res["kept"])
        # (a float of a quotient of whole numbers is the float of that Fraction, and the largest
        # float is the float of the largest value: no Fraction needed for the value shown)
        mistakes = [
            Mistake("union_double_counted", _LABELS["union_double_counted"],
                    {"best_iou": [max(float(self._double(b, g)) for g in gt) for b in boxes]}),
            Mistake("no_nms", _LABELS["no_nms"],
                    {"precision": sum(flags_all) / len(boxes), "recall": sum(flags_all) / len(gt)}),
            Mistake("no_one_to_one", _LABELS["no_one_to_one"],
                    {"precision": loose / len(kept_1), "recall": loose / len(gt)}),
            Mistake("precision_recall_swapped", _LABELS["precision_recall_swapped"],
                    {"precision": float(res["recall"]), "recall": float(res["precision"])}),
        ] + nms_mistakes(boxes, scores, nt, rel=res["rel"])
        answer = {"best_iou": [float(v) for v, _ in res["best"]], "kept": kept_1,
                  "precision": float(res["precision"]), "recall": float(res["recall"])}
        exact_form = {"precision": fraction_text(res["precision"]), "recall": fraction_text(res["recall"])}
        return Solution(answer, steps, mistakes, exact_form)

    @staticmethod
    def _double(a: Sequence, b: Sequence) -> Fraction | float:
        """IoU with A + B as the union: exact, or for whole-number boxes the float of it."""
        ax1, ay1, ax2, ay2 = a
        bx1, by1, bx2, by2 = b
        if type(ax1 + ay1 + ax2 + ay2 + bx1 + by1 + bx2 + by2) is int:  # whole numbers (see box_iou)
            w = (ax2 if ax2 < bx2 else bx2) - (ax1 if ax1 > bx1 else bx1)
            h = (ay2 if ay2 < by2 else by2) - (ay1 if ay1 > by1 else by1)
            return (w * h if w > 0 and h > 0 else 0) / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1))
        w, h = intersection(a, b)
        return w * h / (box_area(a) + box_area(b))
