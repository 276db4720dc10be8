"""Average precision of a ranked detection list, and the mean over classes (mAP).

All-point interpolation (PASCAL VOC 2010 onwards; Everingham et al., "The PASCAL Visual Object
Classes Challenge: A Retrospective", IJCV 2015, 4.2)::

    at rank k:  precision_k = TP_k / k,   recall_k = TP_k / N_gt      (TP_k = true positives in the top k)
    p_interp(r) = max { precision_k : recall_k >= r }
    AP = sum over the ranks where recall rises:  (recall_k - recall_{k-1}) * p_interp(recall_k)

Common alternatives that are NOT the asked answer: the VOC2007 11-point average
(mean of p_interp at r = 0, 0.1, ..., 1) and the non-interpolated area (sum of Δrecall times the
raw precision at that rank). mAP = the plain mean of the per-class APs.
"""

from __future__ import annotations

import functools
import math
import random
from fractions import Fraction
from itertools import accumulate
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, brief, need, need_int, register,
)
from solvers.det_iou import fixed4, pick, py_random

# Named difficulty ranges: list length, number of ground-truth objects beyond the TPs found
# (missed objects), and the chance that a detection is a TP.
RANGES = {
    "easy": dict(length=(5, 6), missed=(0, 1), tp_rate=0.6),
    "medium": dict(length=(6, 7, 8), missed=(0, 1, 2), tp_rate=0.55),
    "hard": dict(length=(8, 9, 10), missed=(1, 2, 3), tp_rate=0.5),
}
MAP_RANGES = {
    "easy": dict(classes=2, length=(4, 5), missed=(0, 1), tp_rate=0.6),
    "medium": dict(classes=3, length=(4, 5), missed=(0, 1), tp_rate=0.55),
    "hard": dict(classes=3, length=(5, 6, 7), missed=(0, 1, 2), tp_rate=0.5),
}
CLASS_NAMES = ("猫 cat", "狗 dog", "车 car")


def pr_at_ranks(matches: Sequence[bool], n_gt: int) -> tuple[list[Fraction], list[Fraction]]:
    """Precision and recall after each rank of a TP/FP list (exact).

    >>> [list(map(str, v)) for v in pr_at_ranks([True, False, True], 2)]
    [['1', '1/2', '2/3'], ['1/2', '1/2', '1']]
    """
    c = curve(matches, n_gt)
    return ([Fraction(tp, k) for k, tp in enumerate(c.tps, start=1)],
            [Fraction(tp, n_gt) for tp in c.tps])


class Curve(NamedTuple):
    """A ranking's precision-recall curve in whole numbers, and its three APs (exact).

    Precision at rank k (1-based) is ``tps[k-1] / k``, recall ``tps[k-1] / n_gt``; ``interp[k-1]``
    is p_interp there as (numerator, denominator), a precision at this rank or a later one."""

    tps: tuple[int, ...]
    interp: tuple[tuple[int, int], ...]
    all_point: Fraction
    eleven_point: Fraction
    uninterpolated: Fraction


def curve(matches: Sequence[bool], n_gt: int) -> Curve:
    if n_gt < 1:
        raise ValueError(f"the number of ground-truth objects must be at least 1, got {n_gt}")
    if sum(matches) > n_gt:
        raise ValueError(f"{sum(matches)} true positives but only {n_gt} ground-truth objects")
    return _curve(tuple(bool(h) for h in matches), n_gt)


@functools.lru_cache(maxsize=1024)
def _curve(matches: tuple[bool, ...], n_gt: int) -> Curve:
    # remembered: the answer, the steps and each named mistake ask for the same ranking. Whole
    # numbers throughout (a Fraction sum or comparison costs microseconds): precisions compare by
    # cross products, and each AP is one sum over a common denominator, made a Fraction once.
    tps = tuple(accumulate(map(int, matches)))
    n = len(tps)
    interp: list[tuple[int, int]] = [(0, 1)] * n
    best = (0, 1)
    for k in range(n - 1, -1, -1):
        tp, rank = tps[k], k + 1
        if tp * best[1] > best[0] * rank:  # tp/rank > best
            best = (tp, rank)
        interp[k] = best
    common = math.lcm(*range(1, n + 1)) if n <= 24 else math.prod(range(1, n + 1))  # every rank divides it
    all_point = sum(interp[k][0] * (common // interp[k][1]) for k in range(n) if matches[k])
    raw = sum(tps[k] * (common // (k + 1)) for k in range(n) if matches[k])
    # recall never falls, so the ranks with recall >= i/10 are a suffix and their best precision
    # is the interpolated precision where it starts; recall tp/N_gt >= i/10 is 10*tp >= i*N_gt
    eleven, k = 0, 0
    for i in range(11):  # the first rank reaching recall i/10 only moves down as i grows
        while k < n and 10 * tps[k] < i * n_gt:
            k += 1
        if k == n:
            break
        eleven += interp[k][0] * (common // interp[k][1])
    return Curve(tps, tuple(interp), Fraction(all_point, common * n_gt), Fraction(eleven, common * 11),
                 Fraction(raw, common * n_gt))


def interpolated(prec: Sequence[Fraction]) -> list[Fraction]:
    """p_interp at each rank: the best precision at this rank or any later one."""
    out, best = [], Fraction(0)
    for p in reversed(prec):
        best = max(best, p)
        out.append(best)
    return out[::-1]


def ap_all_point(matches: Sequence[bool], n_gt: int) -> Fraction:
    """All-point interpolated AP (VOC 2010+): recall rises by 1/N_gt exactly at the TP ranks, so
    AP is the sum of p_interp at the TP ranks over N_gt.

    >>> str(ap_all_point([True, False, True, False], 3))
    '5/9'
    """
    return curve(matches, n_gt).all_point


def ap_eleven_point(matches: Sequence[bool], n_gt: int) -> Fraction:
    """VOC2007 11-point AP: mean of max precision at recall >= 0, 0.1, ..., 1."""
    return curve(matches, n_gt).eleven_point


def ap_uninterpolated(matches: Sequence[bool], n_gt: int) -> Fraction:
    """Area under the raw (zig-zag) precision-recall steps: sum of precision at TP ranks / N_gt."""
    return curve(matches, n_gt).uninterpolated


def random_ranking(rnd: random.Random, length: int, tp_rate: float, missed: int,
                   min_tps: int = 1) -> tuple[list[str], int]:
    """A TP/FP list with at least ``min_tps`` TPs and an FP ranked above the last TP (so the
    interpolation matters), and N_gt = TPs + missed objects."""
    u = rnd.random
    while True:
        hits = [u() < tp_rate for _ in range(length)]
        tps = sum(hits)
        if tps >= min_tps and not all(hits[:_last(hits)]):
            return ["TP" if h else "FP" for h in hits], tps + missed


def _last(hits: list[bool]) -> int:
    """The index of the last TP (0 when there is none: the test above needs no FP then)."""
    for k in range(len(hits) - 1, -1, -1):
        if hits[k]:
            return k
    return 0


def check_matches(raw: Any, name: str) -> list[str]:
    """A ranked list of 'TP'/'FP' (also accepts 1/0 and true/false)."""
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ParamError(name, "must be a non-empty ranked list of TP/FP marks, e.g. [\"TP\", \"FP\", \"TP\"]")
    out = []
    for v in raw:
        s = str(v).strip().upper()
        if s in ("TP", "1", "TRUE"):
            out.append("TP")
        elif s in ("FP", "0", "FALSE"):
            out.append("FP")
        else:
            raise ParamError(name, f"each entry must be TP or FP, got {brief(v)}")
    return out


def hits(matches: Sequence[str]) -> list[bool]:
    return [m == "TP" for m in matches]


def _show(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)


@functools.lru_cache(maxsize=4096)
def _both(p: int, q: int) -> str:
    """p/q as '2/3 = 0.6667', or just '1' for a whole number (remembered: k/10 recurs)."""
    g = math.gcd(p, q)
    p, q = p // g, q // g
    return str(p) if q == 1 else f"{p}/{q} = {fixed4(p, q)}"


def ap_steps(matches: Sequence[str], n_gt: int, label: str = "") -> list[Step]:
    """Worked steps: the rank table, then the sum over the TP ranks."""
    h = hits(matches)
    c = curve(h, n_gt)
    table = "\n".join(f"rank {k + 1}: {m}  P = {_both(tp, k + 1)}  R = {_both(tp, n_gt)}"
                      f"  p_interp = {fixed4(*ip)}"
                      for k, (m, tp, ip) in enumerate(zip(matches, c.tps, c.interp)))
    terms = " + ".join(fixed4(*c.interp[k]) for k, x in enumerate(h) if x)
    ap = c.all_point
    return [
        Step(f"{label}逐个排名累计 TP，P = TP/k，R = TP/N_gt（N_gt = {n_gt}）；p_interp = 该排名及之后的最大精确率。",
             f"{label}Accumulate TPs down the ranking: P = TP/k, R = TP/N_gt (N_gt = {n_gt}); p_interp = the "
             f"largest precision at this rank or below.", table),
        Step(f"{label}召回率只在 TP 处上升 1/{n_gt}，AP = Σ ΔR·p_interp。",
             f"{label}Recall rises by 1/{n_gt} at each TP, so AP = sum of delta-R * p_interp.",
             f"AP = ({terms}) / {n_gt} = {_show(ap)} = {fixed4(ap.numerator, ap.denominator)}"),
    ]


@register
class AveragePrecision(Kind):
    id = "average_precision"
    topic = "detection"
    chapter = "ch8_detection"
    title = Text("平均精度 AP", "Average precision (AP)")
    description = "Precision/recall at each rank and all-point interpolated AP of a TP/FP ranking."
    params_help = {
        "matches": "the detections sorted by score, each TP or FP, e.g. [\"TP\",\"FP\",\"TP\"]",
        "n_gt": "the number of ground-truth objects (>= the number of TPs)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        rnd = py_random(rng)
        matches, n_gt = random_ranking(rnd, pick(rnd, r["length"]), r["tp_rate"], pick(rnd, r["missed"]), min_tps=2)
        return {"matches": matches, "n_gt": n_gt}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        matches = check_matches(need(params, "matches"), "matches")
        n_gt = need_int(params, "n_gt", minimum=1)
        if matches.count("TP") > n_gt:
            raise ParamError("n_gt", f"is {n_gt}, fewer than the {matches.count('TP')} TPs in the list")
        return {"matches": matches, "n_gt": n_gt}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (
            AnswerField("precision", Text("各排名的精确率", "precision at each rank"), shape="vector", decimals=4),
            AnswerField("recall", Text("各排名的召回率", "recall at each rank"), shape="vector", decimals=4),
            AnswerField("ap", Text("AP", "AP"), decimals=4),
        )

    def statement(self, params: Mapping[str, Any]) -> Text:
        ranked = ", ".join(f"{k + 1}:{m}" for k, m in enumerate(params["matches"]))
        n = params["n_gt"]
        return Text(
            f"某类别共有 {n} 个真实目标。检测结果按置信度从高到低排列，每个已标为 TP 或 FP：{ranked}。"
            f"求每个排名处的精确率和召回率，并用全点插值（VOC2010 起的做法：p_interp(r) 为召回率 ≥ r 处的最大精确率，"
            f"对召回率积分）求 AP，均保留 4 位小数。",
            f"A class has {n} ground-truth objects. The detections, sorted by confidence from high to "
            f"low, are marked TP or FP: {ranked}. Give the precision and recall at each rank, and the "
            f"AP with all-point interpolation (as in VOC2010 onwards: p_interp(r) is the largest "
            f"precision at any recall >= r, integrated over recall), each to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        matches, n_gt = params["matches"], params["n_gt"]
        h = hits(matches)
        c = curve(h, n_gt)
        ap = c.all_point
        tps = max(1, sum(h))
        # (the float of tp / k is the float of Fraction(tp, k): both are correctly rounded)
        prec = [tp / k for k, tp in enumerate(c.tps, start=1)]
        mistakes = [
            Mistake("eleven_point", _LABELS["eleven_point"], {"ap": float(c.eleven_point)}),
            Mistake("not_interpolated", _LABELS["not_interpolated_raw"], {"ap": float(c.uninterpolated)}),
            Mistake("divided_by_tps", _LABELS["divided_by_tps"], {"ap": float(ap * n_gt / tps)}),
            Mistake("recall_over_detections", _LABELS["recall_over_detections"], {"recall": prec}),
        ]
        answer = {"precision": prec, "recall": [tp / n_gt for tp in c.tps], "ap": float(ap)}
        return Solution(answer, ap_steps(matches, n_gt), mistakes,
                        {"ap": _show(ap)})


# the named mistakes' labels, made once (a frozen dataclass costs a microsecond to build)
_LABELS = {
    "eleven_point": Text("用了 11 点插值（VOC2007）", "used 11-point interpolation (VOC2007)"),
    "not_interpolated_raw": Text("没有插值，直接用各 TP 处的原始精确率", "did not interpolate (raw precision at each TP)"),
    "divided_by_tps": Text("除以检出的 TP 数而不是真实目标数", "divided by the TPs found instead of the ground-truth count"),
    "recall_over_detections": Text("召回率除以了检测数 k（那是精确率）", "divided recall by the rank k (that is precision)"),
    "not_interpolated": Text("没有插值", "did not interpolate"),
    "weighted_mean": Text("按真实目标数加权平均（mAP 是简单平均）",
                          "weighted the mean by ground-truth counts (mAP is a plain mean)"),
}


@register
class MeanAP(Kind):
    id = "map"
    topic = "detection"
    chapter = "ch8_detection"
    title = Text("平均精度均值 mAP", "Mean average precision (mAP)")
    description = "AP of each of 2-3 classes (all-point interpolation) and their mean, the mAP."
    params_help = {
        "matches": "one ranked TP/FP list per class, e.g. [[\"TP\",\"FP\"],[\"FP\",\"TP\"]]",
        "n_gt": "the number of ground-truth objects of each class, e.g. [2, 3]",
        "classes": "optional class names",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = MAP_RANGES[difficulty]
        rnd = py_random(rng)
        lists, counts = [], []
        for _ in range(r["classes"]):
            m, n = random_ranking(rnd, pick(rnd, r["length"]), r["tp_rate"], pick(rnd, r["missed"]))
            lists.append(m)
            counts.append(n)
        return {"matches": lists, "n_gt": counts, "classes": list(CLASS_NAMES[:r["classes"]])}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        raw = need(params, "matches")
        if not isinstance(raw, (list, tuple)) or not raw or not all(isinstance(x, (list, tuple, str)) for x in raw):
            raise ParamError("matches", "must be one ranked TP/FP list per class, e.g. [[\"TP\",\"FP\"],[\"TP\"]]")
        lists = [check_matches(x, "matches") for x in raw]
        counts_raw = need(params, "n_gt")
        if not isinstance(counts_raw, (list, tuple)) or len(counts_raw) != len(lists):
            raise ParamError("n_gt", f"must give {len(lists)} ground-truth counts, one per class")
        counts = [need_int({"n_gt": c}, "n_gt", minimum=1) for c in counts_raw]
        for k, (m, n) in enumerate(zip(lists, counts)):
            if m.count("TP") > n:
                raise ParamError("n_gt", f"class {k + 1} has {m.count('TP')} TPs but only {n} ground-truth objects")
        names = params.get("classes") or [f"class {k + 1}" for k in range(len(lists))]
        if not isinstance(names, (list, tuple)) or len(names) != len(lists):
            raise ParamError("classes", f"must list {len(lists)} class names")
        return {"matches": lists, "n_gt": counts, "classes": [str(c) for c in names]}

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return (AnswerField("ap", Text("各类 AP", "AP of each class"), shape="vector", decimals=4),
                AnswerField("map", Text("mAP", "mAP"), decimals=4))

    def statement(self, params: Mapping[str, Any]) -> Text:
        lines = "\n".join(f"{c}: N_gt = {n}; " + ", ".join(f"{k + 1}:{m}" for k, m in enumerate(ms))
                          for c, n, ms in zip(params["classes"], params["n_gt"], params["matches"]))
        return Text(
            f"检测器在 {len(params['classes'])} 个类别上的结果如下（每类按置信度从高到低排列，标为 TP 或 FP；N_gt 为该类真实目标数）：\n"
            f"{lines}\n用全点插值（VOC2010 起）求各类 AP（按上面类别的顺序）和 mAP（各类 AP 的算术平均），保留 4 位小数。",
            f"A detector's results on {len(params['classes'])} classes are below (each class sorted by "
            f"confidence from high to low, marked TP or FP; N_gt = that class's ground-truth count):\n"
            f"{lines}\nUsing all-point interpolation (VOC2010 onwards), find each class's AP (in the order "
            f"listed) and the mAP (the mean of the class APs), to 4 decimal places.",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        lists, counts, names = params["matches"], params["n_gt"], params["classes"]
        curves = [curve(hits(m), n) for m, n in zip(lists, counts)]
        aps = [c.all_point for c in curves]
        mean = sum(aps, Fraction(0)) / len(aps)
        steps: list[Step] = []
        for name, m, n in zip(names, lists, counts):
            steps += ap_steps(m, n, label=f"[{name}] ")
        steps.append(Step("mAP = 各类 AP 的平均。", "mAP = the mean of the class APs.",
                          f"({' + '.join(fixed4(a.numerator, a.denominator) for a in aps)}) / {len(aps)} = "
                          f"{fixed4(mean.numerator, mean.denominator)}"))
        eleven = [c.eleven_point for c in curves]
        raw = [c.uninterpolated for c in curves]
        weighted = sum((a * n for a, n in zip(aps, counts)), Fraction(0)) / sum(counts)
        mistakes = [
            Mistake("eleven_point", _LABELS["eleven_point"],
                    {"ap": [float(a) for a in eleven], "map": float(sum(eleven) / len(eleven))}),
            Mistake("not_interpolated", _LABELS["not_interpolated"],
                    {"ap": [float(a) for a in raw], "map": float(sum(raw) / len(raw))}),
            Mistake("weighted_mean", _LABELS["weighted_mean"], {"map": float(weighted)}),
        ]
        answer = {"ap": [float(a) for a in aps], "map": float(mean)}
        return Solution(answer, steps, mistakes, {"map": _show(mean)})
