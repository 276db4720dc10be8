"""backprop_step: the gradients against central finite differences of the loss (no backprop in the
test), the forward pass written out neuron by neuron, and Matt Mazur's published 2-2-2 example."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params

SEEDS = range(150)


def loss_of(p, W1, b1, W2, b2):
    """The loss computed neuron by neuron with math.exp, straight from the statement."""
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    act = sig if p["hidden"] == "sigmoid" else (lambda z: max(z, 0.0))
    h = [act(sum(w * xi for w, xi in zip(row, p["x"])) + b) for row, b in zip(W1, b1)]
    o = [sig(sum(w * hj for w, hj in zip(row, h)) + b) for row, b in zip(W2, b2)]
    if p["loss"] == "bce":
        t = p["t"][0]
        return h, o, -(t * math.log(o[0]) + (1 - t) * math.log(1 - o[0]))
    sq = sum((oi - ti) ** 2 for oi, ti in zip(o, p["t"]))
    return h, o, sq / 2 if p["half"] else sq


def numeric_gradients(p, eps=1e-6):
    base = {k: np.asarray(p[k], dtype=float) for k in ("W1", "b1", "W2", "b2")}
    grads = {}
    for name, arr in base.items():
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            plus, minus = {k: v.copy() for k, v in base.items()}, {k: v.copy() for k, v in base.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            g[idx] = (loss_of(p, **{k: v.tolist() for k, v in plus.items()})[2]
                      - loss_of(p, **{k: v.tolist() for k, v in minus.items()})[2]) / (2 * eps)
        grads[name] = g
    return grads


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_gradients_match_finite_differences(difficulty):
    for seed in SEEDS:
        prob = make_problem("backprop_step", seed, difficulty)
        p, a = prob.params, prob.answer
        h, o, E = loss_of(p, p["W1"], p["b1"], p["W2"], p["b2"])
        assert a["h"] == pytest.approx(h, abs=1e-12) and a["o"] == pytest.approx(o, abs=1e-12)
        assert a["loss"] == pytest.approx(E, abs=1e-12)
        g = numeric_gradients(p)
        assert np.allclose(a["grad_W2"], g["W2"], atol=1e-8), seed
        assert np.allclose(a["grad_W1"], g["W1"], atol=1e-8), seed
        # the bias gradients are the deltas (dz/db = 1)
        assert np.allclose(a["delta2"], g["b2"], atol=1e-8) and np.allclose(a["delta1"], g["b1"], atol=1e-8)
        for k in ("W1", "b1", "W2", "b2"):
            assert np.allclose(a[f"{k}_new"], np.asarray(p[k]) - p["lr"] * g[k], atol=1e-8), (seed, k)


def test_one_step_lowers_the_loss_for_a_small_rate():
    for seed in range(60):
        p = make_problem("backprop_step", seed, "medium").params
        small = solve_params("backprop_step", {**p, "lr": 0.01}).answer
        before = loss_of(p, p["W1"], p["b1"], p["W2"], p["b2"])[2]
        after = loss_of(p, small["W1_new"], small["b1_new"], small["W2_new"], small["b2_new"])[2]
        assert after < before, seed


def test_mazur_worked_example():
    # https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/ (biases shared per
    # layer there; here one per neuron with the same values, which leaves the weight updates equal)
    prob = solve_params("backprop_step", dict(
        x=[0.05, 0.10], t=[0.01, 0.99], W1=[[0.15, 0.20], [0.25, 0.30]], b1=[0.35, 0.35],
        W2=[[0.40, 0.45], [0.50, 0.55]], b2=[0.60, 0.60], hidden="sigmoid", loss="mse", half=True, lr=0.5))
    a = prob.answer
    assert round(a["h"][0], 9) == 0.593269992 and round(a["o"][0], 8) == 0.75136507
    assert round(a["loss"], 9) == 0.298371109
    assert np.round(a["W2_new"], 8).tolist() == [[0.35891648, 0.40866619], [0.51130127, 0.56137012]]
    assert np.round(a["W1_new"], 8).tolist() == [[0.14978072, 0.19956143], [0.24975114, 0.29950229]]
    named = {m.id: m.answer for m in prob.mistakes}
    # the slip Mazur warns about: back-propagating through the already-updated output weights
    assert named["updated_w2_first"]["W1_new"] != a["W1_new"]
    assert named["sign_of_update"]["W2_new"][0][0] == pytest.approx(0.40 + (0.40 - 0.35891648))


def test_cross_entropy_delta_is_o_minus_t():
    prob = solve_params("backprop_step", dict(x=[1, 0], t=[1], W1=[[0, 0], [0, 0]], b1=[0, 0], W2=[[1, 1]],
                                              b2=[0], hidden="sigmoid", loss="bce", lr=1))
    # h = [0.5, 0.5], z2 = 1, o = sigmoid(1); delta2 = o - 1
    assert prob.answer["delta2"][0] == pytest.approx(1 / (1 + math.exp(-1)) - 1)


@pytest.mark.parametrize("bad, name", [
    ({"t": [1]}, "x"),
    ({"x": [1, 2], "W1": [[1, 2, 3]]}, "W1"),
    ({"x": [1, 2], "W1": [[1, 2]], "b1": [0, 0]}, "b1"),
    ({"x": [1, 2], "W1": [[1, 2]], "b1": [0], "W2": [[1], [1]], "b2": [0, 0], "t": [1, 0], "loss": "bce"}, "t"),
    ({"x": [1, 2], "W1": [[1, 2]], "b1": [0], "W2": [[1]], "b2": [0], "t": [1], "loss": "mse", "hidden": "tanh"},
     "hidden"),
    ({"x": [1, 2], "W1": [[1, 2]], "b1": [0], "W2": [[1]], "b2": [0], "t": [1], "loss": "mse", "hidden": "relu",
      "lr": 0}, "lr"),
])
def test_check_params_names_the_bad_parameter(bad, name):
    with pytest.raises(ParamError) as err:
        get_kind("backprop_step").check_params(bad)
    assert err.value.param == name


def _hv(values, places=6):
    """Half up on the decimal value, as a student writes numbers down (independent of solvers)."""
    from decimal import ROUND_HALF_UP, Decimal
    a = np.asarray(values, dtype=float)
    q = [float(Decimal(repr(float(v))).quantize(Decimal("1e-12"), ROUND_HALF_UP).quantize(
        Decimal(1).scaleb(-places), ROUND_HALF_UP)) for v in a.ravel()]
    return np.asarray(q).reshape(a.shape)


def carrying_student(p):
    """Writes every intermediate of the steps to 6 places and carries the written values."""
    x, t = np.asarray(p["x"], float), np.asarray(p["t"], float)
    W1, b1, W2, b2 = (np.asarray(p[k], float) for k in ("W1", "b1", "W2", "b2"))
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z1 = _hv(W1 @ x + b1)
    h = _hv(sig(z1) if p["hidden"] == "sigmoid" else np.maximum(z1, 0))
    o = _hv(sig(_hv(W2 @ h + b2)))
    if p["loss"] == "bce":
        E = float(-np.sum(t * np.log(o) + (1 - t) * np.log(1 - o)))
        d2 = _hv(o - t)
    else:
        E = float(np.sum((o - t) ** 2)) * (0.5 if p["half"] else 1)
        d2 = _hv((1 if p["half"] else 2) * (o - t) * _hv(o * (1 - o)))
    fd = _hv(h * (1 - h)) if p["hidden"] == "sigmoid" else (z1 > 0).astype(float)
    d1 = _hv(_hv(W2.T @ d2) * fd)
    gW2, gW1 = _hv(np.outer(d2, h)), _hv(np.outer(d1, x))
    lr = p["lr"]
    return {"h": h, "o": o, "loss": E, "delta2": d2, "delta1": d1, "grad_W2": gW2, "grad_W1": gW1,
            "W2_new": W2 - lr * gW2, "b2_new": b2 - lr * d2, "W1_new": W1 - lr * gW1, "b1_new": b1 - lr * d1}


def test_a_student_carrying_six_places_is_marked_right():
    from quizapp.core.grading import grade_problem
    from solvers._base import fmt

    def typed(v):
        a = np.asarray(v, dtype=float)
        if a.ndim == 0:
            return fmt(float(a), 4)
        if a.ndim == 1:
            return "[" + ", ".join(fmt(float(x), 4) for x in a) + "]"
        return "[" + ", ".join("[" + ", ".join(fmt(float(x), 4) for x in row) + "]" for row in a) + "]"

    wrong = []
    for d in DIFFICULTIES:
        for seed in range(60):
            prob = make_problem("backprop_step", seed, d)
            grade = grade_problem(prob, {k: typed(v) for k, v in carrying_student(prob.params).items()})
            wrong += [f"{d} {seed} {r.name}: {r.given} vs {r.expected}" for r in grade.fields if not r.correct]
    assert not wrong, wrong[:5]


# ------------------------------------------------------------------ the speed-ups change no number

def test_slips_from_the_shared_values_equal_whole_runs_with_the_slip():
    """solve() works each named slip from its first changed stage on a copy of the right values;
    a whole backprop_step run with the slip (what it did before) gives the same floats."""
    from solvers.train_backprop import OUT, SLIPS, backprop_step

    def whole(p, slip):
        return backprop_step(p["x"], p["t"], p["W1"], p["b1"], p["W2"], p["b2"], hidden=p["hidden"],
                             loss=p["loss"], half=p["half"], lr=p["lr"], slip=slip)

    checked = 0
    for difficulty in DIFFICULTIES:
        for seed in SEEDS:
            prob = make_problem("backprop_step", seed, difficulty)
            p = prob.params
            right = whole(p, "")
            named = {m.id: m.answer for m in get_kind("backprop_step").solve(p).mistakes}
            for slip, wanted in named.items():
                assert slip in SLIPS
                wrong = whole(p, slip)
                differ = {k: wrong[k] for k in OUT if not np.allclose(wrong[k], right[k], rtol=0, atol=1e-12)}
                differ = differ or {"loss": wrong["loss"]}
                assert list(wanted) == list(differ), (seed, difficulty, slip)
                for k, v in differ.items():  # bit for bit (-0.0 shows as 0.0 in answers)
                    assert np.array_equal(np.asarray(wanted[k]) + 0.0, np.asarray(v, dtype=float) + 0.0), (seed, slip, k)
                checked += 1
    assert checked > 2000


def test_carried_rounding_is_half_up():
    """The carried run rounds with _carried6, float steps for half_up(v, 6) away from a tie."""
    from solvers._rounding import half_up
    from solvers.train_backprop import _carried6

    rng = np.random.default_rng(8)
    values = np.concatenate([rng.standard_normal(20000) * s for s in (1e-7, 1e-3, 1, 30, 1e4, 1e8)]).tolist()
    values += [round(v, 7) for v in values[:20000]] + [0.0, -0.0, 0.0000005, -0.0000005, 2.5e-7, 1e13, -3e14,
                                                       0.1234565, -0.1234565]
    for v in values:
        a, b = _carried6(v), half_up(v, 6)
        assert a == b and math.copysign(1, a) == math.copysign(1, b), v


@pytest.mark.parametrize("b2", [-14.0, -20.0, 15.0, 29.0])
def test_cross_entropy_with_an_output_that_rounds_to_0_or_1_is_refused_in_one_sentence(b2):
    # o = sigmoid(z2) written to 6 places is 0 or 1 from |z2| ~ 14.5: ln(0) in the worked steps
    p = {"x": [1, 1], "W1": [[0, 0]], "b1": [0], "W2": [[0]], "b2": [b2], "t": [1], "loss": "bce",
         "hidden": "sigmoid", "lr": 0.5}
    if abs(b2) < 14.5:
        assert solve_params("backprop_step", p).answer["loss"] > 0
    else:
        with pytest.raises(ParamError) as err:
            solve_params("backprop_step", p)
        assert err.value.param == "W2" and "saturates" in str(err.value)
