"""The detection pipeline against a reference built from other parts: IoU by rasterised cell
counts, NMS by a suppression mask, and matching as the PASCAL VOC devkit does it."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.det_iou import box_iou
from solvers.det_pipeline import RANGES, pipeline


def masks(boxes, size):
    out = []
    for b in boxes:
        m = np.zeros((size, size), dtype=bool)
        m[b[1]:b[3], b[0]:b[2]] = True
        out.append(m)
    return out


def raster_iou(p, q) -> sp.Rational:
    return sp.Rational(int((p & q).sum()), int((p | q).sum()))


def reference(gt, boxes, scores, nms_thr, match_thr):
    size = max(max(b) for b in gt + boxes) + 1
    dm, gm = masks(boxes, size), masks(gt, size)
    ov = [[raster_iou(d, g) for g in gm] for d in dm]  # detections x ground truths
    best = [max(row) for row in ov]
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    # NMS with a suppression mask
    t = sp.Rational(str(nms_thr))
    suppressed = [False] * len(boxes)
    kept = []
    for i in order:
        if suppressed[i]:
            continue
        kept.append(i)
        for j in range(len(boxes)):
            if j != i and raster_iou(dm[i], dm[j]) > t:
                suppressed[j] = True
    # VOC devkit matching: ovmax / jmax, gt 'detected' flags
    detected = [False] * len(gt)
    tp = fp = 0
    for i in kept:
        jmax = int(np.argmax([float(v) for v in ov[i]]))
        if ov[i][jmax] >= sp.Rational(str(match_thr)) and not detected[jmax]:
            detected[jmax] = True
            tp += 1
        else:
            fp += 1
    return best, [i + 1 for i in kept], sp.Rational(tp, tp + fp), sp.Rational(tp, len(gt))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_pipeline_matches_reference(difficulty):
    for seed in range(200):
        p = make_problem("detection_pipeline", seed, difficulty)
        assert {f.name for f in p.fields} == set(p.answer)
        assert sum(f.points for f in p.fields) == 6
        json.dumps(p.to_dict())
        pr = p.params
        assert len(pr["gt"]) == 2 and 4 <= len(pr["boxes"]) <= 5
        best, kept, prec, rec = reference(pr["gt"], pr["boxes"], pr["scores"], pr["nms_threshold"], pr["match_threshold"])
        assert np.allclose(p.answer["best_iou"], [float(v) for v in best], atol=1e-12)
        assert p.answer["kept"] == kept, seed
        assert sp.Rational(p.exact["precision"]) == prec and sp.Rational(p.exact["recall"]) == rec
        assert len(kept) < len(pr["boxes"])  # NMS removes something in every item


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_generated_problems_keep_their_constraints(difficulty):
    # the generator decides in floats (tested as each box is drawn); checked here exactly
    r = RANGES[difficulty]
    for seed in range(300):
        pr = make_problem("detection_pipeline", seed, difficulty).params
        gt, boxes, t = pr["gt"], pr["boxes"], pr["nms_threshold"]
        assert len(boxes) in r["detections"] and t in r["nms"] and box_iou(gt[0], gt[1]) == 0
        every = boxes + gt
        for i in range(len(every)):
            for j in range(i):
                v = box_iou(every[i], every[j])
                for thr in (t, pr["match_threshold"]):  # no IoU within the gap of a threshold
                    assert abs(v - Fraction(str(thr))) >= Fraction(str(r["gap"])) - Fraction(1, 10 ** 9), seed
        res = pipeline(boxes, pr["scores"], gt, t)
        assert len(res["kept"]) < len(boxes) and 0 < sum(res["flags"]) < len(res["kept"]), seed


def test_worked_example():
    # G1 = [0,0,4,4], G2 = [10,0,14,4].
    # #1 [0,0,4,4] 0.9: IoU with G1 = 1.  #2 [0,0,4,3] 0.8: with G1 12/16 = 0.75, with #1 0.75 > 0.5
    # -> suppressed.  #3 [10,0,14,2] 0.7: with G2 8/16 = 0.5 >= 0.5 -> TP.  #4 [20,20,22,22] 0.6: FP.
    # kept = [1, 3, 4]; TP = 2 -> precision 2/3, recall 2/2 = 1.
    p = solve_params("detection_pipeline", {
        "gt": [[0, 0, 4, 4], [10, 0, 14, 4]],
        "boxes": [[0, 0, 4, 4], [0, 0, 4, 3], [10, 0, 14, 2], [20, 20, 22, 22]],
        "scores": [0.9, 0.8, 0.7, 0.6], "nms_threshold": 0.5})
    assert p.answer == {"best_iou": [1.0, 0.75, 0.5, 0.0], "kept": [1, 3, 4],
                        "precision": pytest.approx(2 / 3), "recall": 1.0}
    ms = {m.id: m.answer for m in p.mistakes}
    # without NMS the duplicate #2 is an FP too: 2 TPs of 4 detections
    assert ms["no_nms"]["precision"] == pytest.approx(0.5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(1, 8), st.integers(1, 8)),
                min_size=1, max_size=6),
       st.sampled_from([0.3, 0.5, 0.7]))
def test_pipeline_properties(raw, thr):
    boxes = [[x, y, x + w, y + h] for x, y, w, h in raw]
    gt = [[0, 0, 8, 8], [12, 12, 20, 20]]
    scores = [round(1 - i / 10, 2) for i in range(len(boxes))]
    res = pipeline(boxes, scores, gt, thr)
    tp = sum(res["flags"])
    assert tp <= len(gt) and tp <= len(res["kept"])  # one-to-one matching
    assert 0 <= res["precision"] <= 1 and 0 <= res["recall"] <= 1
    best, kept, prec, rec = reference(gt, boxes, scores, thr, 0.5)
    assert [i + 1 for i in res["kept"]] == kept and res["precision"] == prec and res["recall"] == rec


@pytest.mark.parametrize("bad, name", [
    ({"gt": [[0, 0, 4, 4]], "boxes": [[0, 0, 4, 4]], "scores": [0.9]}, "nms_threshold"),
    ({"gt": [[4, 0, 0, 4]], "boxes": [[0, 0, 4, 4]], "scores": [0.9], "nms_threshold": 0.5}, "gt"),
    ({"gt": [], "boxes": [[0, 0, 4, 4]], "scores": [0.9], "nms_threshold": 0.5}, "gt"),
    ({"gt": [[0, 0, 4, 4]], "boxes": [[0, 0, 4, 4]], "scores": [], "nms_threshold": 0.5}, "scores"),
    ({"gt": [[0, 0, 4, 4]], "boxes": [[0, 0, 4, 4]], "scores": [0.9], "nms_threshold": 0.5,
      "match_threshold": 2}, "match_threshold"),
])
def test_bad_params(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("detection_pipeline").check_params(bad)
    assert e.value.param == name
