"""rnn_params: counted on NumPy tensors laid out as PyTorch's state_dict names them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.rnn_params import GATES

SEEDS = range(300)


def state_dict(cell, D, H, L, bidirectional, biases):
    """The tensors of torch.nn.LSTM/GRU/RNN (docs: weight_ih_l{k}{_reverse}: (G*H, I), weight_hh:
    (G*H, H), bias_ih / bias_hh: (G*H,)); 'one' keeps a single bias vector, 'none' has none."""
    G = GATES[cell]
    out = {}
    for k in range(L):
        I = D if k == 0 else H * (2 if bidirectional else 1)
        for sfx in ("", "_reverse") if bidirectional else ("",):
            out[f"weight_ih_l{k}{sfx}"] = np.empty((G * H, I))
            out[f"weight_hh_l{k}{sfx}"] = np.empty((G * H, H))
            names = {"two": ("bias_ih", "bias_hh"), "one": ("bias",), "none": ()}[biases]
            for n in names:
                out[f"{n}_l{k}{sfx}"] = np.empty(G * H)
    return out


def layer_sizes(sd, k):
    return sum(t.size for n, t in sd.items() if re.search(rf"_l{k}(_reverse)?$", n))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_counts_match_the_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("rnn_params", seed, difficulty)
        p = prob.params
        sd = state_dict(p["cell"], p["input_size"], p["hidden_size"], p["num_layers"], p["bidirectional"],
                        p["biases"])
        assert prob.answer["layer_1"] == layer_sizes(sd, 0), (seed, p)
        if p["num_layers"] > 1:
            assert prob.answer["layer_2"] == layer_sizes(sd, 1), (seed, p)
            assert prob.answer["total"] == sum(t.size for t in sd.values()), (seed, p)


def test_pytorch_documented_example():
    # torch.nn.LSTM docs: rnn = nn.LSTM(10, 20, 2); sum(p.numel() ...) = 5920
    prob = solve_params("rnn_params", dict(cell="lstm", input_size=10, hidden_size=20, num_layers=2))
    assert prob.answer == {"layer_1": 2560, "layer_2": 3360, "total": 5920}
    named = {m.id: m.answer for m in prob.mistakes}
    assert named["forgot_gates"]["total"] == 5920 // 4
    assert named["bias_once"]["total"] == 5920 - 160
    # a bidirectional 1-layer GRU(3, 2): 2 * (3*2*(3+2) + 2*6) = 84
    assert solve_params("rnn_params", dict(cell="gru", input_size=3, hidden_size=2, bidirectional=True)
                        ).answer == {"layer_1": 84}


def test_every_difficulty_draws_both_multi_layer_and_bidirectional():
    hard = [make_problem("rnn_params", s, "hard").params for s in range(60)]
    assert any(p["bidirectional"] for p in hard) and any(not p["bidirectional"] for p in hard)
    assert all(p["num_layers"] > 1 for p in hard)


def test_statement_says_the_bias_convention():
    for b, word in (("two", "b_ih and b_hh"), ("one", "single bias"), ("none", "no biases")):
        p = solve_params("rnn_params", dict(cell="lstm", input_size=4, hidden_size=3, biases=b))
        assert word in p.question.en


@pytest.mark.parametrize("bad, name", [
    ({"input_size": 3, "hidden_size": 2}, "cell"),
    ({"cell": "transformer", "input_size": 3, "hidden_size": 2}, "cell"),
    ({"cell": "gru", "input_size": 0, "hidden_size": 2}, "input_size"),
    ({"cell": "gru", "input_size": 3, "hidden_size": 2, "num_layers": 9}, "num_layers"),
    ({"cell": "gru", "input_size": 3, "hidden_size": 2, "biases": "three"}, "biases"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("rnn_params").check_params(bad)
    assert err.value.param == name
