"""RPN anchors checked by laying every anchor out on the feature-map grid (torchvision's recipe:
cell anchors from h_ratio = sqrt(r), w_ratio = 1/h_ratio, shifted to each position) and
counting them, over many seeds; plus the Faster R-CNN paper's numbers and bad input."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import solvers.det_anchors as det_anchors
from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params


def all_anchors(fh: int, fw: int, stride: int, sizes, ratios) -> np.ndarray:
    """Every anchor as [x1, y1, x2, y2] (torchvision AnchorGenerator, without its rounding)."""
    scales = np.asarray(sizes, dtype=float)
    h_ratios = np.sqrt(np.asarray(ratios, dtype=float))
    w_ratios = 1 / h_ratios
    ws = (scales[:, None] * w_ratios[None, :]).ravel()
    hs = (scales[:, None] * h_ratios[None, :]).ravel()
    cell = np.stack([-ws, -hs, ws, hs], axis=1) / 2
    sy, sx = np.meshgrid(np.arange(fh) * stride, np.arange(fw) * stride, indexing="ij")
    shifts = np.stack([sx.ravel(), sy.ravel(), sx.ravel(), sy.ravel()], axis=1)
    return (shifts[:, None, :] + cell[None, :, :]).reshape(-1, 4)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_count_and_shapes_match_the_laid_out_anchors(difficulty):
    for seed in range(150):
        p = make_problem("rpn_anchors", seed, difficulty)
        q = p.params
        sizes = [q.get("base_size", 1) * s for s in q["sizes"]]
        if "feature_size" in q:
            fh, fw = q["feature_size"]
            stride = 16
        else:
            (H, W), stride = q["image_size"], q["stride"]
            fh, fw = int(np.floor(H / stride)), int(np.floor(W / stride))
        boxes = all_anchors(fh, fw, stride, sizes, q["ratios"])
        assert p.answer["count"] == len(boxes)
        k = len(sizes) * len(q["ratios"])
        first = boxes[:k]  # the anchors of the first position, in the stated order
        assert np.allclose(p.answer["widths"], first[:, 2] - first[:, 0])
        assert np.allclose(p.answer["heights"], first[:, 3] - first[:, 1])
        w, h = np.array(p.answer["widths"]), np.array(p.answer["heights"])
        assert np.allclose(w * h, np.repeat(np.square(sizes), len(q["ratios"])))  # area s^2
        assert np.allclose(h / w, np.tile(q["ratios"], len(sizes)))  # ratio = height / width


def test_faster_rcnn_paper_numbers():
    # Ren et al. 2015, 3.1.1 and 3.3: 3 scales (128^2, 256^2, 512^2 areas) x 3 ratios -> k = 9;
    # a ~60 x 40 feature map of a ~1000 x 600 image holds 60*40*9 = 21,600 anchors ("~20000").
    p = solve_params("rpn_anchors", {"feature_size": [40, 60], "sizes": [128, 256, 512], "ratios": [0.5, 1, 2]})
    assert p.answer["count"] == 21600
    # 128 at ratio 0.5: 128/sqrt(0.5) = 181.02 wide, 90.51 high (torchvision's cell anchor
    # [-91, -45, 91, 45] is this box rounded)
    assert np.allclose(p.answer["widths"][:3], [181.019336, 128, 90.509668])
    assert np.allclose(p.answer["heights"][:3], [90.509668, 128, 181.019336])
    # the same backbone's real map of a 600 x 1000 image: floor(600/16) x floor(1000/16) = 37 x 62
    q = solve_params("rpn_anchors", {"image_size": [600, 1000], "stride": 16, "sizes": [128, 256, 512],
                                     "ratios": [0.5, 1, 2]})
    assert q.answer["count"] == 37 * 62 * 9
    ms = {m.id: m.answer for m in q.mistakes}
    assert ms["ceil_not_floor"]["count"] == 38 * 63 * 9
    assert ms["forgot_ratios"]["count"] == 37 * 62 * 3
    assert ms["image_not_map"]["count"] == 600 * 1000 * 9


def test_base_size_times_scales():
    # py-faster-rcnn: base 16, scales 8, 16, 32 give sizes 128, 256, 512
    p = solve_params("rpn_anchors", {"feature_size": [2, 3], "base_size": 16, "sizes": [8, 16, 32], "ratios": [1]})
    assert p.answer == {"count": 18, "widths": [128.0, 256.0, 512.0], "heights": [128.0, 256.0, 512.0]}
    assert {m.id for m in p.mistakes} >= {"forgot_base_size", "forgot_sizes"}


def test_docstring_examples():
    assert doctest.testmod(det_anchors).failed == 0


@pytest.mark.parametrize("bad, name", [
    ({"sizes": [128], "ratios": [1]}, "feature_size"),
    ({"feature_size": [3], "sizes": [128], "ratios": [1]}, "feature_size"),
    ({"feature_size": [3, 0], "sizes": [128], "ratios": [1]}, "feature_size"),
    ({"feature_size": [3, 4], "sizes": [-1], "ratios": [1]}, "sizes"),
    ({"feature_size": [3, 4], "sizes": [128], "ratios": [0]}, "ratios"),
    ({"feature_size": [3, 4], "ratios": [1]}, "sizes"),
    ({"image_size": [600, 800], "sizes": [128], "ratios": [1]}, "stride"),
    ({"image_size": [8, 800], "stride": 16, "sizes": [128], "ratios": [1]}, "image_size"),
    ({"feature_size": [3, 4], "sizes": [2], "ratios": [1], "base_size": 0}, "base_size"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("rpn_anchors").check_params(bad)
    assert e.value.param == name
