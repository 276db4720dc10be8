"""The JSON interchange fields other tools rely on (issue #2) stay exactly as documented."""

from __future__ import annotations

import json

import pytest

from quizapp.cli import main

CONTRACT = {
    "conv_output": ({"input_size", "kernel_size", "padding", "stride", "dilation"}, {"output_size"}),
    "iou": ({"box_a", "box_b"}, {"iou"}),
    "sobel": ({"image", "norm"}, {"gx", "gy", "magnitude"}),
    "otsu": ({"image", "levels"}, {"threshold"}),
    "lstm_step": ({"x", "h_prev", "c_prev", "W_f", "W_i", "W_g", "W_o", "b_f", "b_i", "b_g", "b_o"},
                  {"f", "i", "g", "o", "c", "h"}),
}


@pytest.mark.parametrize("kind", sorted(CONTRACT))
@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_generated_json_has_the_fixed_params_and_answer(kind, difficulty, capsys):
    assert main(["generate", kind, "--count", "3", "--seed", "11", "--difficulty", difficulty,
                 "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    params, answer = CONTRACT[kind]
    for item in items:
        assert set(item) >= {"kind", "seed", "params", "answer", "question", "solution"}
        assert set(item["params"]) == params
        assert set(item["answer"]) == answer
        assert set(item["question"]) == {"zh", "en"}


def test_conventions_of_the_fixed_kinds():
    from solvers import solve_params

    # Sobel by correlation: gx positive where intensity grows to the right, gy downward.
    ramp_right = [[0, 1, 2]] * 3
    p = solve_params("sobel", {"image": ramp_right, "norm": "l1"})
    assert p.answer["gx"] == [[8]] and p.answer["gy"] == [[0]] and p.answer["magnitude"] == [[8]]
    ramp_down = [[0] * 3, [1] * 3, [2] * 3]
    assert solve_params("sobel", {"image": ramp_down, "norm": "l2"}).answer["gy"] == [[8]]
    # Otsu: pixels <= t are background; two clusters 1 and 6 split between them (smallest t).
    t = solve_params("otsu", {"image": [[1, 1, 6], [6, 1, 6]], "levels": 8}).answer["threshold"]
    assert t == 1
    # IoU of corner boxes, continuous coordinates: overlap 1x1 of areas 4 and 4 -> 1/7.
    assert solve_params("iou", {"box_a": [0, 0, 2, 2], "box_b": [1, 1, 3, 3]}).answer["iou"] == pytest.approx(1 / 7)
