"""separable_params and bottleneck_params: counted on NumPy tensors shaped as PyTorch stores them."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(300)


def conv(c_out, c_in_per_group, k, bias):
    """nn.Conv2d parameters: weight (C_out, C_in/groups, k, k) and bias (C_out,)."""
    return [np.empty((c_out, c_in_per_group, k, k))] + ([np.empty(c_out)] if bias else [])


def size(tensors):
    return sum(t.size for t in tensors)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_separable_counts_real_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("separable_params", seed, difficulty)
        p = prob.params
        Ci, Co, F, b = p["in_channels"], p["out_channels"], p["kernel_size"], p["bias"]
        std = size(conv(Co, Ci, F, b))
        dw = size(conv(Ci, 1, F, b))  # groups = C_in: each kernel sees one channel
        pw = size(conv(Co, Ci, 1, b))
        assert prob.answer["standard"] == std and prob.answer["depthwise"] == dw and prob.answer["pointwise"] == pw
        assert prob.answer["ratio"] == pytest.approx((dw + pw) / std, abs=1e-12)
        assert Fraction(prob.exact["ratio"]) == Fraction(dw + pw, std)


def test_separable_conv_really_factorises_a_standard_one():
    # the depthwise-then-pointwise kernel equals a standard kernel W[o, c] = pw[o, c] * dw[c]:
    # the separable layer is a (restricted) standard conv with far fewer numbers
    rng = np.random.default_rng(0)
    Ci, Co, F = 3, 5, 3
    dw, pw = rng.normal(size=(Ci, F, F)), rng.normal(size=(Co, Ci))
    x = rng.normal(size=(Ci, 6, 6))
    from numpy.lib.stride_tricks import sliding_window_view
    win = sliding_window_view(x, (F, F), axis=(1, 2))  # (Ci, 4, 4, F, F)
    sep = np.einsum("oc,cijkl->oij", pw, np.einsum("cijkl,ckl->cijkl", win, dw))
    std = np.einsum("cijkl,ockl->oij", win, pw[:, :, None, None] * dw[None])
    assert np.allclose(sep, std)
    a = solve_params("separable_params", dict(in_channels=Ci, out_channels=Co, kernel_size=F)).answer
    assert (a["depthwise"], a["pointwise"], a["standard"]) == (dw.size, pw.size, std.shape[0] * Ci * F * F)


def test_mobilenet_example():
    # MobileNets sec. 3.1: ratio 1/N + 1/D_K^2; 3x3 from 512 to 512: 1/512 + 1/9 = 0.1131
    prob = solve_params("separable_params", dict(in_channels=512, out_channels=512, kernel_size=3))
    assert prob.answer["standard"] == 2359296 and prob.answer["depthwise"] == 4608
    assert prob.answer["pointwise"] == 262144 and round(prob.answer["ratio"], 4) == 0.1131
    biased = solve_params("separable_params", dict(in_channels=4, out_channels=8, kernel_size=3, bias=True))
    named = {m.id: m.answer for m in biased.mistakes}
    assert named["forgot_pointwise_bias"]["pointwise"] == 32


def bottleneck_state_dict(Ci, m):
    """torchvision.models.resnet.Bottleneck(Ci, m, downsample=conv1x1+BN when Ci != 4m)."""
    out = 4 * m
    sd = {"conv1.weight": np.empty((m, Ci, 1, 1)), "conv2.weight": np.empty((m, m, 3, 3)),
          "conv3.weight": np.empty((out, m, 1, 1))}
    bns = {"bn1": m, "bn2": m, "bn3": out}
    if Ci != out:
        sd["downsample.0.weight"] = np.empty((out, Ci, 1, 1))
        bns["downsample.1"] = out
    for name, c in bns.items():
        sd |= {f"{name}.weight": np.empty(c), f"{name}.bias": np.empty(c), f"{name}.running_mean": np.empty(c),
               f"{name}.running_var": np.empty(c), f"{name}.num_batches_tracked": np.empty(())}
    return sd


def learnable(sd, where=lambda n: True):
    return sum(t.size for n, t in sd.items() if where(n) and not ("running" in n or "num_batches" in n))


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_bottleneck_counts_real_tensors(difficulty):
    for seed in SEEDS:
        prob = make_problem("bottleneck_params", seed, difficulty)
        Ci, m = prob.params["in_channels"], prob.params["mid_channels"]
        sd = bottleneck_state_dict(Ci, m)
        assert prob.answer == {
            "convs": learnable(sd, lambda n: n.startswith("conv")),
            "bn": learnable(sd, lambda n: n.startswith("bn")),
            "shortcut": learnable(sd, lambda n: n.startswith("downsample")),
            "total": learnable(sd)}, (seed, Ci, m)


def test_resnet50_layer1_numbers():
    # torchvision resnet50: layer1[0] has 75,008 parameters, layer1[1] and [2] 70,400 each
    # (layer1 in all 215,808)
    first = solve_params("bottleneck_params", dict(in_channels=64, mid_channels=64)).answer
    rest = solve_params("bottleneck_params", dict(in_channels=256, mid_channels=64)).answer
    assert first["total"] == 75008 and rest["total"] == 70400 and rest["shortcut"] == 0
    assert first["total"] + 2 * rest["total"] == 215808


@pytest.mark.parametrize("kind, bad, name", [
    ("separable_params", {"in_channels": 3, "kernel_size": 3}, "out_channels"),
    ("separable_params", {"in_channels": 3, "out_channels": 4, "kernel_size": 0}, "kernel_size"),
    ("separable_params", {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "bias": "sometimes"}, "bias"),
    ("bottleneck_params", {"in_channels": 64}, "mid_channels"),
    ("bottleneck_params", {"in_channels": -1, "mid_channels": 4}, "in_channels"),
])
def test_check_params_names_the_bad_parameter(kind, bad, name):
    with pytest.raises(ParamError) as err:
        get_kind(kind).check_params(bad)
    assert err.value.param == name
