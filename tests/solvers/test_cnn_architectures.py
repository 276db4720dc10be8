"""spp_length and yolo_output: measured on real NumPy tensors built from the definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.cnn_architectures import spp_length, yolo_v1_output

SEEDS = range(250)


def adaptive_max_pool(fmap: np.ndarray, n: int) -> np.ndarray:
    """(C, H, W) -> (C, n, n): bin i spans [floor(i*H/n), ceil((i+1)*H/n)) (PyTorch's adaptive pooling)."""
    C, H, W = fmap.shape
    out = np.empty((C, n, n))
    for i in range(n):
        r0, r1 = (i * H) // n, -(-((i + 1) * H) // n)
        for j in range(n):
            c0, c1 = (j * W) // n, -(-((j + 1) * W) // n)
            out[:, i, j] = fmap[:, r0:r1, c0:c1].max(axis=(1, 2))
    return out


def spp_forward(fmap: np.ndarray, levels) -> np.ndarray:
    return np.concatenate([adaptive_max_pool(fmap, n).reshape(-1) for n in levels])


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_spp_length_by_real_pooling_on_both_map_sizes(difficulty):
    rng = np.random.default_rng(0)
    for seed in SEEDS:
        prob = make_problem("spp_length", seed, difficulty)
        p = prob.params
        C = p["channels"]
        lengths = {spp_forward(rng.random((C, h, h)), p["levels"]).size for h in p["map_sizes"]}
        assert lengths == {prob.answer["length"]}, (seed, p)  # the same for both sizes
        assert prob.answer["bins"] * C == prob.answer["length"]
        assert spp_forward(rng.random((1, p["map_sizes"][0], p["map_sizes"][0])), p["levels"]).size == \
            prob.answer["bins"]


def yolo_tensor(S: int, B: int, C: int) -> np.ndarray:
    """Assemble the output cell by cell: B boxes of (x, y, w, h, conf), then C class scores."""
    cells = []
    for _ in range(S * S):
        boxes = [np.array([0.5, 0.5, 0.2, 0.3, 0.9]) for _ in range(B)]
        classes = np.full(C, 1.0 / C)
        cells.append(np.concatenate(boxes + [classes]))
    return np.stack(cells).reshape(S, S, -1)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_yolo_by_assembling_the_tensor(difficulty):
    for seed in SEEDS:
        prob = make_problem("yolo_output", seed, difficulty)
        p = prob.params
        t = yolo_tensor(p["grid"], p["boxes"], p["classes"])
        assert prob.answer == {"depth": t.shape[2], "total": t.size}, (seed, p)


def test_worked_examples_by_hand():
    # SPP-net: 256 channels, levels 1, 2, 4 -> 1 + 4 + 16 = 21 bins; 256*21 = 5376
    assert solve_params("spp_length", {"channels": 256, "levels": [1, 2, 4]}).answer == {"bins": 21, "length": 5376}
    # YOLOv1 on VOC: 5*2 + 20 = 30; 7*7*30 = 1470
    prob = solve_params("yolo_output", {"grid": 7, "boxes": 2, "classes": 20})
    assert prob.answer == {"depth": 30, "total": 1470}
    wrong = {m.id: m.answer for m in prob.mistakes}
    assert wrong["four_per_box"] == {"depth": 28, "total": 1372}  # 4*2 + 20 = 28; 49*28
    assert wrong["classes_per_box"] == {"depth": 50, "total": 2450}  # 2*(5+20) = 50; 49*50


@settings(max_examples=150, deadline=None)
@given(C=st.integers(1, 1024), levels=st.lists(st.integers(1, 8), min_size=1, max_size=5),
       extra=st.integers(1, 8))
def test_spp_properties(C, levels, extra):
    assert spp_length(C, levels) == C * spp_length(1, levels)  # linear in channels
    assert spp_length(C, levels + [extra]) == spp_length(C, levels) + C * extra * extra


@settings(max_examples=150, deadline=None)
@given(S=st.integers(1, 30), B=st.integers(1, 9), C=st.integers(1, 100))
def test_yolo_properties(S, B, C):
    depth, total = yolo_v1_output(S, B, C)
    assert yolo_v1_output(S, B + 1, C)[0] == depth + 5  # each extra box adds 5 numbers
    assert yolo_v1_output(S, B, C + 1)[0] == depth + 1  # classes are shared by the boxes
    assert total == S * S * depth


@pytest.mark.parametrize("kind, bad, name", [
    ("spp_length", {"levels": [1, 2]}, "channels"),
    ("spp_length", {"channels": 8, "levels": []}, "levels"),
    ("spp_length", {"channels": 8, "levels": [1, 0]}, "levels"),
    ("spp_length", {"channels": 8, "levels": [1, 4], "map_sizes": [0, 8]}, "map_sizes"),  # smaller than n is fine (adaptive bins)
    ("yolo_output", {"boxes": 2, "classes": 20}, "grid"),
    ("yolo_output", {"grid": 7, "boxes": 0, "classes": 20}, "boxes"),
    ("yolo_output", {"grid": 7, "boxes": 2, "classes": "twenty"}, "classes"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name


def test_spp_map_size_mistake_says_what_it_computed():
    k = get_kind("spp_length")
    p = make_problem("spp_length", 0, "easy")
    m = {m.id: m for m in p.mistakes}["used_map_size"]
    C, h = p.params["channels"], p.params["map_sizes"][0]
    assert m.answer == {"length": C * h * h}
    assert "C*H*W" in m.label.en and "C·H·W" in m.label.zh and k.id == "spp_length"
