"""Keys that match a careful hand calculation (issue #11, "Keys off by rounding").

1. The printed key is the exact value rounded half up: recomputed here in exact rational
   arithmetic (``fractions``) for the kinds whose answers are rational, and from the SymPy exact
   form (``Solution.exact``, evaluated to 40 digits) for every kind that gives one. On the landed
   code 35 of 13,500 keys were one digit off (an exact ...5 stored as a float just below it).
2. A student who carries the instructed places through the shown steps is marked right: each
   kind's carrying is re-done here independently (``Decimal`` half-up at every shown value), and
   the answer that student writes is graded. On the landed code 41 fields rejected such answers;
   adam, gru_step, rnn_step and rnn_sequence followed later (see REJECTED_BEFORE).

``QUIZAPP_ROUNDING_SEEDS`` changes the number of seeds per difficulty (default 40).
"""

from __future__ import annotations

import math
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest

from quizapp.core.grading import expected_text, grade_problem
from solvers import DIFFICULTIES, all_kinds, item_seed, make_problem

N = int(os.environ.get("QUIZAPP_ROUNDING_SEEDS", "40"))
BASE = 11_13_2026


def problems(kind: str):
    for d in DIFFICULTIES:
        for i in range(N):
            yield make_problem(kind, item_seed(BASE, i), d)


def F(x) -> Fraction:
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def key_of(q: Fraction, places: int) -> str:
    """Exact half-up rounding of a rational, as text."""
    scaled = abs(q) * 10 ** places + Fraction(1, 2)
    d = Decimal(scaled.numerator // scaled.denominator).scaleb(-places)
    return str(-d if q < 0 and d else d)


def same_number(a: str, b: str) -> bool:
    return Decimal(a) == Decimal(b)


def printed(problem, name):
    f = next(f for f in problem.fields if f.name == name)
    return expected_text(f, problem.answer[name]), f.decimals


def vector_text(text: str) -> list[str]:
    return [t.strip() for t in text.strip("[]").split(",")]


# ---------------------------------------------------------------------------------------------
# 1. Exact keys
# ---------------------------------------------------------------------------------------------

def exact_momentum(p):
    lr, mu = F(p["lr"]), F(p["mu"])
    w = [F(x) for x in p["w0"]]
    v = [Fraction(0)] * len(w) if p["v0"] is None else [F(x) for x in p["v0"]]
    out = {}
    for t, g in enumerate(p["grads"], start=1):
        v = [mu * vi - lr * F(gi) for vi, gi in zip(v, g)]
        w = [wi + vi for wi, vi in zip(w, v)]
        out[f"v_{t}"], out[f"w_{t}"] = v, w
    return out


def exact_penalty(p):
    w, g, lam, lr = [F(x) for x in p["w"]], [F(x) for x in p["grad"]], F(p["lam"]), F(p["lr"])
    return {"l1": lam * sum(abs(x) for x in w), "l2": lam / 2 * sum(x * x for x in w),
            "w_new": [wi - lr * (gi + lam * wi) for wi, gi in zip(w, g)]}


def exact_vanishing_bound(p):
    return {"bound": math.prod(abs(F(x)) for x in p["w"]) / Fraction(4) ** len(p["w"])}


EXACT = {"sgd_momentum": exact_momentum, "weight_penalty": exact_penalty,
         "sigmoid_vanishing": exact_vanishing_bound}


@pytest.mark.parametrize("kind", sorted(EXACT))
def test_printed_keys_are_the_exact_values_rounded_half_up(kind):
    wrong = []
    for problem in problems(kind):
        for name, q in EXACT[kind](problem.params).items():
            text, places = printed(problem, name)
            want = [key_of(x, places) for x in q] if isinstance(q, list) else [key_of(q, places)]
            got = vector_text(text) if isinstance(q, list) else [text]
            if not all(same_number(a, b) for a, b in zip(got, want)):
                wrong.append(f"{problem.difficulty} seed {problem.seed} {name}: printed {got}, exact {want}")
    assert not wrong, f"{len(wrong)} keys off by rounding, e.g. {wrong[:3]}"


def _sympy_values(text: str):
    import sympy as sp

    value = sp.sympify(text)
    items = value if isinstance(value, (list, tuple)) else [value]
    return [sp.Float(sp.N(v, 40), 40) for v in items], isinstance(value, (list, tuple))


@pytest.mark.parametrize("kind", [k.id for k in all_kinds()])
def test_keys_agree_with_the_exact_form_where_a_kind_gives_one(kind):
    """Every registered kind (new ones too) that states an exact form prints it rounded half up."""
    checked, wrong = 0, []
    for problem in problems(kind):
        fields = {f.name: f for f in problem.fields}
        for name, text in problem.exact.items():
            f = fields.get(name)
            if f is None or f.shape == "matrix" or f.integer or f.decimals is None:
                continue
            values, is_list = _sympy_values(text)
            want = [str(Decimal(str(v)).quantize(Decimal(1).scaleb(-f.decimals), ROUND_HALF_UP))
                    for v in values]
            shown = expected_text(f, problem.answer[name])
            got = vector_text(shown) if is_list else [shown]
            checked += 1
            if len(got) != len(want) or not all(same_number(a, b) for a, b in zip(got, want)):
                wrong.append(f"{problem.difficulty} seed {problem.seed} {name}: printed {got}, exact {want}")
    assert not wrong, f"{len(wrong)} of {checked} keys differ from the exact value, e.g. {wrong[:3]}"


# ---------------------------------------------------------------------------------------------
# 2. A student carrying the instructed places through the shown steps
# ---------------------------------------------------------------------------------------------

def hu(x, places: int) -> float:
    """Half up to ``places`` as a student writes it (float noise below 15 digits ignored)."""
    d = Decimal(repr(float(x))).quantize(Decimal("1e-12"), ROUND_HALF_UP) if abs(x) < 1e3 else Decimal(repr(float(x)))
    return float(d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def hv(values, places: int) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    return np.array([hu(v, places) for v in a.ravel()]).reshape(a.shape)


def sig(x):
    return 1 / (1 + np.exp(-x))


def student_rmsprop(p):
    lr, rho, eps = p["lr"], p["rho"], p["eps"]
    w = hv(p["w0"], 6)
    s = np.zeros_like(w) if p["s0"] is None else hv(p["s0"], 6)
    out = {}
    for t, g in enumerate(p["grads"], start=1):
        g = np.asarray(g, float)
        s = hv(rho * s + (1 - rho) * g * g, 6)
        w_calc = w - lr * g / (hv(np.sqrt(s), 6) + eps)
        out[f"s_{t}"], out[f"w_{t}"] = hv(s, 6), hv(w_calc, 4)
        w = hv(w_calc, 6)
    return out


def student_batchnorm(p):
    x = np.asarray(p["x"], float)
    g, b = np.asarray(p["gamma"], float), np.asarray(p["beta"], float)
    mean, var = x.mean(axis=0), x.var(axis=0)
    root = hv(np.sqrt(var + p["eps"]), 6)
    x_hat = (x - mean) / root
    return {"mean": hv(mean, 4), "var": hv(var, 4), "x_hat": hv(x_hat, 4), "y": hv(g * hv(x_hat, 6) + b, 4)}


def student_lstm(p, xs, h, c, *, from_written: bool):
    W = {k: np.asarray(p[f"W_{k}"], float) for k in "figo"}
    b = {k: np.asarray(p[f"b_{k}"], float) for k in "figo"}
    h, c = hv(h, 6), hv(c, 6)
    out = []
    for x in xs:
        hx = np.concatenate([h, np.asarray(x, float)])
        z = {k: hv(W[k] @ hx + b[k], 6) for k in "figo"}
        calc = {"f": sig(z["f"]), "i": sig(z["i"]), "g": np.tanh(z["g"]), "o": sig(z["o"])}
        six = {k: hv(v, 6) for k, v in calc.items()}
        calc["c"] = six["f"] * c + six["i"] * six["g"]
        six["c"] = hv(calc["c"], 6)
        calc["h"] = six["o"] * np.tanh(six["c"])
        six["h"] = hv(calc["h"], 6)
        out.append({k: hv(six[k] if from_written else calc[k], 4) for k in calc})
        h, c = six["h"], six["c"]
    return out


def student_lstm_step(p, from_written=False):
    return student_lstm(p, [p["x"]], p["h_prev"], p["c_prev"], from_written=from_written)[0]


def student_lstm_sequence(p, from_written=False):
    steps = student_lstm(p, p["xs"], p["h0"], p["c0"], from_written=from_written)
    return {f"{k}_{t}": v for t, s in enumerate(steps, start=1) for k, v in s.items()}


def student_vanishing(p):
    z, w = np.asarray(p["z"], float), np.asarray(p["w"], float)
    s6 = hv(sig(z), 6)
    d6 = hv(s6 * (1 - s6), 6)
    bound = math.prod(abs(F(x)) for x in p["w"]) / Fraction(4) ** len(p["w"])
    return {"product": hu(float(np.prod(w * d6)), 6), "bound": float(key_of(bound, 6))}


def student_softmax(p):
    z = np.asarray(p["logits"], float)
    e6 = hv(np.exp(z), 6)
    total = e6.sum()
    return {"probs": hv(e6 / total, 4), "loss": hu(math.log(total) - z[p["target"] - 1], 4)}


# The students below also note every value they write down (``written``): the worked steps must
# show exactly those values, so a student can follow them line by line.

def student_adam(p, written=None):
    """m, v, m_hat, v_hat and w written to 6 places as the steps show them; sqrt(v_hat) is not
    shown, so it is taken from the written v_hat unrounded."""
    written = [] if written is None else written
    lr, b1, b2, eps = p["lr"], p["beta1"], p["beta2"], p["eps"]
    w = hv(p["w0"], 6)
    m = v = np.zeros_like(w)
    out = {}
    for t, g in enumerate(p["grads"], start=1):
        g = np.asarray(g, float)
        m, v = hv(b1 * m + (1 - b1) * g, 6), hv(b2 * v + (1 - b2) * g * g, 6)
        m_hat, v_hat = hv(m / (1 - b1 ** t), 6), hv(v / (1 - b2 ** t), 6)
        w_calc = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[f"m_{t}"], out[f"v_{t}"], out[f"w_{t}"] = hv(m, 4), v, hv(w_calc, 4)
        w = hv(w_calc, 6)
        written += [m, v, m_hat, v_hat, w]
    return out


def student_gru(p, from_written=False, written=None):
    written = [] if written is None else written
    W = {k: np.asarray(p[f"W_{k}"], float) for k in "rzh"}
    b = {k: np.asarray(p[f"b_{k}"], float) for k in "rzh"}
    x, h = hv(p["x"], 6), hv(p["h_prev"], 6)
    hx = np.concatenate([h, x])
    pre = {k: hv(W[k] @ hx + b[k], 6) for k in "rz"}
    calc = {"r": sig(pre["r"]), "z": sig(pre["z"])}
    six = {k: hv(v, 6) for k, v in calc.items()}
    rhx = np.concatenate([hv(six["r"] * h, 6), x])
    pre["h"] = hv(W["h"] @ rhx + b["h"], 6)
    calc["h_tilde"] = np.tanh(pre["h"])
    six["h_tilde"] = hv(calc["h_tilde"], 6)
    calc["h"] = (1 - six["z"]) * h + six["z"] * six["h_tilde"]
    six["h"] = hv(calc["h"], 6)
    written += [hx, rhx, *pre.values(), *six.values()]
    return {k: hv(six[k] if from_written else calc[k], 4) for k in calc}


def student_rnn_step(p, written=None):
    """a is asked to 4 places and its parts are shown to 4 places; h = tanh of the written a."""
    written = [] if written is None else written
    W_xh, W_hh = np.asarray(p["W_xh"], float), np.asarray(p["W_hh"], float)
    wx, wh = hv(W_xh @ np.asarray(p["x"], float), 4), hv(W_hh @ np.asarray(p["h_prev"], float), 4)
    a = hv(wx + wh + p["b"], 4)
    h = hv(np.tanh(a), 4)
    written += [wx, wh, a, h]
    return {"a": a, "h": h}


def student_rnn_sequence(p, from_written=False, written=None):
    written = [] if written is None else written
    W_xh, W_hh, b = (np.asarray(p[k], float) for k in ("W_xh", "W_hh", "b"))
    h = hv(p["h0"], 6)
    out = {}
    for t, x in enumerate(p["xs"], start=1):
        a = hv(W_xh @ np.asarray(x, float) + W_hh @ h + b, 6)
        calc = np.tanh(a)
        h = hv(calc, 6)
        out[f"h_{t}"] = hv(h if from_written else calc, 4)
        written += [a, h]
    return out


def student_grad_clip(p):
    """The norm and the scale carried to 6 places; the clipped values from the written scale."""
    grads, c = p["grads"], p["max_norm"]
    norm = math.sqrt(sum(x * x for g in grads for x in g))
    scale = c / hu(norm, 6) if norm > c else 1.0
    out = {"norm": hu(norm, 4), "scale": hu(scale, 4)}
    out.update({f"clipped_{i + 1}": hv(hu(scale, 6) * np.asarray(g, float), 4) for i, g in enumerate(grads)})
    return out


def student_anchors(p):
    """w = s/sqrt(r), h = s*sqrt(r) with sqrt(r) carried to 6 places, as the statement asks."""
    sizes = [p["base_size"] * s for s in p["sizes"]] if p.get("base_size") else p["sizes"]
    roots = [hu(math.sqrt(r), 6) for r in p["ratios"]]
    count = None  # a whole number, no carrying: the key's
    return {"count": count, "widths": [hu(s / q, 2) for s in sizes for q in roots],
            "heights": [hu(s * q, 2) for s in sizes for q in roots]}


STUDENTS = {
    "rmsprop": student_rmsprop, "batchnorm_forward": student_batchnorm,
    "lstm_step": student_lstm_step, "lstm_sequence": student_lstm_sequence,
    "sigmoid_vanishing": student_vanishing, "softmax_cross_entropy": student_softmax,
    "adam": student_adam, "gru_step": student_gru, "rnn_step": student_rnn_step,
    "rnn_sequence": student_rnn_sequence, "grad_clip": student_grad_clip, "rpn_anchors": student_anchors,
}


def _as_typed(value) -> str:
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return repr(float(a))
    if a.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in a) + "]"
    return f"{a.shape[0]}x{a.shape[1]}: " + "; ".join(" ".join(repr(float(v)) for v in r) for r in a)


def _rejected(problem, answers) -> list[str]:
    answers = {k: problem.answer[k] if v is None else v for k, v in answers.items()}
    grade = grade_problem(problem, {k: _as_typed(v) for k, v in answers.items()})
    assert not grade.malformed, grade.message
    return [f"{problem.difficulty} seed {problem.seed} {r.name}: typed {r.given}, key {r.expected}"
            for r in grade.fields if not r.correct]


@pytest.mark.parametrize("kind", sorted(STUDENTS))
def test_a_student_carrying_the_instructed_places_is_marked_right(kind):
    wrong = [w for problem in problems(kind) for w in _rejected(problem, STUDENTS[kind](problem.params))]
    assert not wrong, f"{len(wrong)} fields reject a student who carries 6 places, e.g. {wrong[:3]}"


@pytest.mark.parametrize("kind", ["lstm_step", "lstm_sequence", "gru_step", "rnn_sequence"])
def test_rounding_the_written_six_place_values_is_right_too(kind):
    """The 4-place answer may be rounded from the 6-place value written in the steps."""
    wrong = [w for problem in problems(kind)
             for w in _rejected(problem, STUDENTS[kind](problem.params, from_written=True))]
    assert not wrong, f"{len(wrong)} fields, e.g. {wrong[:3]}"


# The keys of adam, gru_step, rnn_step and rnn_sequence came from unrounded intermediates while
# their steps showed 6-place (rnn_step: 4-place) ones. Over 3,000 problems of each (1,000 seeds per
# difficulty from BASE) the landed code rejected such a student in adam 32 problems, gru_step 18
# (91 when the 4-place answer is rounded from the written 6-place value), rnn_sequence 14 (54);
# these problems (generated then; the generators have changed since) are some of them, so this test
# fails on that code whatever N is. grad_clip (carry
# the scale to 6 places) and rpn_anchors (sqrt(r) to 6 places) rejected such a student in 1 and 10
# of 300 problems (100 seeds per difficulty).
REJECTED_BEFORE = [  # (kind, params, the 4-place answer rounded from the written 6-place value)
    ("grad_clip", {"grads": [[-1, -9], [6, 8], [-4]], "max_norm": 8.5}, False),
    ("rpn_anchors", {"sizes": [8, 16, 32], "ratios": [0.5, 1, 2], "base_size": 32, "image_size": [390, 1688],
                     "stride": 32}, False),
    ("adam", {"w0": [0.1, -1.5], "grads": [[1, 1.3], [-1.3, -0.3]], "lr": 0.1, "beta1": 0.9, "beta2": 0.999,
              "eps": 1e-08}, False),
    ("gru_step", {"x": [-0.5], "h_prev": [-0.5], "W_r": [[0, 1]], "W_z": [[1, 0.5]], "W_h": [[0, 0]], "b_r": [-0.5],
                  "b_z": [-0.5], "b_h": [0]}, False),
    ("gru_step", {"x": [-0.1, -0.4], "h_prev": [0.3, 0.6], "W_r": [[-0.5, -0.7, 0, 0.6], [-0.9, 1, 0.8, -0.5]],
                  "W_z": [[0.8, 0.1, 0.9, 0], [0.8, 0.6, 0.7, 0.1]], "W_h": [[0.7, -0.1, 0.4, 0.3], [0.1, -0.4, -0.4, -0.8]],
                  "b_r": [0.1, 0], "b_z": [-0.2, 0.3], "b_h": [0.3, -0.4]}, False),
    ("gru_step", {"x": [1], "h_prev": [-1], "W_r": [[0.5, -1]], "W_z": [[-0.5, -1]], "W_h": [[-0.5, -1]], "b_r": [0],
                  "b_z": [0], "b_h": [0]}, True),
    ("rnn_sequence", {"xs": [[1], [-0.5]], "h0": [-1], "W_xh": [[0.5]], "W_hh": [[-0.5]], "b": [1]}, False),
    ("rnn_sequence", {"xs": [[0.4], [-0.4], [-1]], "h0": [-0.4], "W_xh": [[-0.4]], "W_hh": [[0.1]], "b": [0]}, False),
    ("rnn_sequence", {"xs": [[-0.1], [-0.8]], "h0": [-0.8, -1], "W_xh": [[0.4], [0]], "W_hh": [[-0.3, 0], [-0.8, -0.3]],
                      "b": [0.4, -0.5]}, True),
]


@pytest.mark.parametrize("kind, params, from_written", REJECTED_BEFORE)
def test_problems_that_once_rejected_a_carrying_student(kind, params, from_written):
    from solvers import solve_params

    problem = solve_params(kind, params)
    student = STUDENTS[kind](problem.params, **({"from_written": True} if from_written else {}))
    assert not _rejected(problem, student)


def test_rnn_step_carries_the_shown_pre_activation_for_numbers_a_user_brings():
    # W_hh h_prev = [0.58325, 0.00575] is shown as [0.5833, 0.0058] (half up from the exact value,
    # though the float of 0.00575 sits below it), so a = [0.6108, 0.2493] and h = tanh of that:
    # [0.5447, 0.2443], where the unrounded a gives [0.5447, 0.2442]
    from solvers import solve_params

    problem = solve_params("rnn_step", {"x": [-0.145], "h_prev": [0.589, 0.872], "W_xh": [[0.5], [-0.3]],
                                        "W_hh": [[0.25, 0.5], [0.75, -0.5]], "b": [0.1, 0.2]})
    assert "W_hh h_prev = [0.5833, 0.0058]" in [s.math for s in problem.steps]
    assert not _rejected(problem, {"a": [0.6108, 0.2493], "h": [0.5447, 0.2443]})
    assert not _rejected(problem, {"a": [0.6108, 0.2492], "h": [0.5447, 0.2442]})  # the exact key
    assert make_problem("rnn_step", 1, "hard").carried == {}  # generated numbers: nothing to carry


_TOKEN = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.mark.parametrize("kind", ["adam", "gru_step", "rnn_step", "rnn_sequence"])
def test_the_steps_show_every_value_the_carrying_student_writes(kind):
    """Steps and carried key agree by construction: each value the student writes is in the steps."""
    missing = []
    for problem in problems(kind):
        written: list = []
        STUDENTS[kind](problem.params, written=written)
        shown = {Decimal(t) for s in problem.steps for t in _TOKEN.findall(s.math)}
        for value in np.concatenate([np.ravel(w) for w in written]).tolist():
            if Decimal(repr(value)).normalize() not in {d.normalize() for d in shown} and value != 0:
                missing.append(f"{problem.difficulty} seed {problem.seed}: {value}")
    assert not missing, f"{len(missing)} written values not in the steps, e.g. {missing[:3]}"


def test_carry_decides_a_tie_on_the_exact_value():
    from solvers._rounding import carry, carry_affine

    # 0.6*0.3 - 0.5*0.544127 + 0.1 = 0.0079365 exactly; the float sits just below the tie
    value = 0.6 * 0.3 + -0.5 * 0.544127 + 0.1
    assert carry([value], 6)[0] == 0.007936  # the float alone rounds down
    assert carry_affine([[0.6, -0.5]], [0.3, 0.544127], [0.1], 6).tolist() == [0.007937]
    assert carry_affine([[0.75, -0.5]], [0.589, 0.872], None, 4).tolist() == [0.0058]
    assert carry_affine([[0.5, 0.25]], [0.1, 0.2], None, 4).tolist() == [0.1]  # no tie: the float
