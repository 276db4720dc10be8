"""transfer_params: counted on NumPy tensors laid out like a PyTorch state_dict, each tensor
flagged trainable, frozen or buffer the way requires_grad and register_buffer would."""

from __future__ import annotations

import pytest
import numpy as np

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(300)


def module_tensors(layers, freeze, new_classes):
    """(name, tensor, kind) for every tensor; kind is 'param' or 'buffer'; frozen rows flagged."""
    rows = [*layers[:-1], {"type": "fc", "in": layers[-1]["in"], "out": new_classes}]
    out = []
    for i, L in enumerate(rows):
        grad = i >= freeze
        if L["type"] == "conv":
            out.append((f"{i}.weight", np.empty((L["out"], L["in"], L["kernel"], L["kernel"])), grad))
            if L["bias"]:
                out.append((f"{i}.bias", np.empty(L["out"]), grad))
        elif L["type"] == "bn":
            out += [(f"{i}.weight", np.empty(L["channels"]), grad), (f"{i}.bias", np.empty(L["channels"]), grad),
                    (f"{i}.running_mean", np.empty(L["channels"]), None),
                    (f"{i}.running_var", np.empty(L["channels"]), None)]
        elif L["type"] == "fc":
            out += [(f"{i}.weight", np.empty((L["out"], L["in"])), grad), (f"{i}.bias", np.empty(L["out"]), grad)]
    return out


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_counts_match_flagged_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("transfer_params", seed, difficulty)
        p = prob.params
        ts = module_tensors(p["layers"], p["freeze"], p["new_classes"])
        head = [t for n, t, _ in ts if n.startswith(f"{len(p['layers']) - 1}.")]
        assert prob.answer == {
            "new_head": sum(t.size for t in head),
            "trainable": sum(t.size for _, t, g in ts if g is True),
            "frozen": sum(t.size for _, t, g in ts if g is False),
            "buffers": sum(t.size for _, t, g in ts if g is None)}, (seed, p)


def test_hand_example():
    # conv 3x3 3->8 no bias (216), BN 8 (16 + 16 stats), pool, fc 128->10 head replaced by 128->2 (258);
    # freeze rows 1-2: frozen 216 + 16 = 232, trainable 258, stats 16
    layers = [{"type": "conv", "in": 3, "out": 8, "kernel": 3, "bias": False}, {"type": "bn", "channels": 8},
              {"type": "pool"}, {"type": "fc", "in": 128, "out": 10}]
    prob = solve_params("transfer_params", {"layers": layers, "freeze": 2, "new_classes": 2})
    assert prob.answer == {"new_head": 258, "trainable": 258, "frozen": 232, "buffers": 16}
    named = {m.id: m.answer for m in prob.mistakes}
    assert named["stats_as_parameters"] == {"trainable": 258, "frozen": 248}
    assert named["kept_old_head"]["new_head"] == 1290


@pytest.mark.parametrize("bad, name", [
    ({"freeze": 1, "new_classes": 2}, "layers"),
    ({"layers": [{"type": "conv", "in": 3, "out": 8, "kernel": 3}, {"type": "bn", "channels": 4},
                 {"type": "fc", "in": 8, "out": 2}], "freeze": 1, "new_classes": 2}, "layers[2]"),
    ({"layers": [{"type": "fc", "in": 8, "out": 4}, {"type": "fc", "in": 5, "out": 2}], "freeze": 1,
      "new_classes": 2}, "layers[2]"),
    ({"layers": [{"type": "fc", "in": 8, "out": 4}, {"type": "pool"}], "freeze": 1, "new_classes": 2}, "layers"),
    ({"layers": [{"type": "fc", "in": 8, "out": 4}, {"type": "fc", "in": 4, "out": 2}], "freeze": 2,
      "new_classes": 2}, "freeze"),
    ({"layers": [{"type": "attention"}], "freeze": 0, "new_classes": 2}, "layers"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("transfer_params").check_params(bad)
    assert err.value.param == name
