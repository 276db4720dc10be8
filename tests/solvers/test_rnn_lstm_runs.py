"""lstm_runs (all of an LSTM problem's runs in lockstep, plain Python around batched NumPy calls)
gives bit for bit the numbers of the plain NumPy forms it replaced: lstm_cell for the right run,
lstm_cell with every shown value rounded by carry() for the carried key, and one stacked cell per
named slip. The kinds' answers, keys and mistakes were compared byte for byte before and after over
12,000 params; this keeps the claim checked on whatever machine runs the tests (a BLAS or a tanh
that rounded differently inside a batch would show here).

Draws (one batch of raw generator output for all of a problem's numbers) draws the same sets as
weights() and draw_vec(), uniformly."""

from __future__ import annotations

import collections
import itertools

import numpy as np
from hypothesis import given, settings, strategies as st

from solvers._rounding import carry
from solvers.act_functions import sigmoid
from solvers.rnn_cells import lstm_cell
from solvers.rnn_lstm_runs import GATES, SLIPS, lstm_runs
from solvers.train_numbers import Draws, EASY_WEIGHTS, weights


def carried_cell(x, h, c, W, b):
    """The carried run as it was written: per-gate products, every shown value rounded to 6 places."""
    hx = np.concatenate([h, x])
    H = len(h)
    stacked = carry(np.concatenate([W[k] @ hx + b[k] for k in GATES]), 6)
    pre = {k: stacked[n * H:(n + 1) * H] for n, k in enumerate(GATES)}
    gates = carry(np.concatenate([sigmoid(pre["f"]), sigmoid(pre["i"]), np.tanh(pre["g"]), sigmoid(pre["o"])]), 6)
    f, i, g, o = (gates[n * H:(n + 1) * H] for n in range(4))
    c_new = carry(f * c + i * g, 6)
    return {"pre": pre, "f": f, "i": i, "g": g, "o": o, "c": c_new, "h": carry(o * np.tanh(c_new), 6)}


def slip_cell(slip, x, h, c, W, b):
    """A named slip as it was written: the four gates as one stacked matrix."""
    H = len(h)
    W_all, b_all = np.vstack([W[k] for k in GATES]), np.concatenate([b[k] for k in GATES])
    p = W_all @ np.concatenate([x, h] if slip == "concat_order" else [h, x]) + b_all
    s = sigmoid(p)
    f0, i0, o = s[:H], s[H:2 * H], s[3 * H:]
    g = s[2 * H:3 * H] if slip == "sigmoid_for_g" else np.tanh(p[2 * H:3 * H])
    f, i = (i0, f0) if slip == "forget_input_swapped" else (f0, i0)
    c_new = (0 if slip == "forgot_c_prev" else f * c) + i * g
    h_new = o * (c_new if slip == "h_without_tanh" else np.tanh(c_new))
    return {"f": f0, "i": i0, "g": g, "o": o, "c": c_new, "h": h_new}


def one_decimal():
    return st.integers(-10, 10).map(lambda k: k / 10)


def number():
    return st.one_of(one_decimal(), st.floats(-5, 5, allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), H=st.integers(1, 3), D=st.integers(1, 3), T=st.integers(1, 3))
def test_runs_are_bit_for_bit_the_numpy_forms(data, H, D, T):
    def vec(n):
        return data.draw(st.lists(number(), min_size=n, max_size=n))

    W = {k: [vec(H + D) for _ in range(H)] for k in GATES}
    b = {k: vec(H) for k in GATES}
    xs, h0, c0 = [vec(D) for _ in range(T)], vec(H), vec(H)
    runs = lstm_runs(W, b, xs, h0, c0, reset=True)
    Wa, ba = ({k: np.asarray(v[k], float) for k in GATES} for v in (W, b))
    h0a, c0a = np.asarray(h0, float), np.asarray(c0, float)
    expect = collections.defaultdict(list)
    h, c = h0a, c0a
    hc, cc = carry(h0a, 6), carry(c0a, 6)
    slip_state = {s: (h0a, c0a) for s in SLIPS}
    for x in np.asarray(xs, float):
        right = lstm_cell(x, h, c, Wa, ba)
        expect["right"].append(right)
        h, c = right["h"], right["c"]
        expect["reset_state"].append(lstm_cell(x, h0a, c0a, Wa, ba))
        shown = carried_cell(x, hc, cc, Wa, ba)
        expect["carried"].append(shown)
        hc, cc = shown["h"], shown["c"]
        for s in SLIPS:
            if s == "concat_order" and H != D:
                continue
            step = slip_cell(s, x, *slip_state[s], Wa, ba)
            expect[s].append(step)
            slip_state[s] = (step["h"], step["c"])
    assert set(runs) == set(expect)
    for name, steps in expect.items():
        for t, (want, got) in enumerate(zip(steps, runs[name], strict=True)):
            for k in ("f", "i", "g", "o", "c", "h"):
                assert np.asarray(want[k], float).tolist() == got[k], (name, t, k)
            if name == "carried":
                assert {k: v.tolist() for k, v in want["pre"].items()} == got["pre"], (name, t)


def test_draws_below_is_uniform():
    d = Draws(np.random.default_rng(11))
    for k in (2, 3, 5, 11, 21, 440):
        n = 2000 * k if k < 100 else 200_000
        counts = collections.Counter(d.below(k) for _ in range(n))
        assert set(counts) == set(range(k))
        expected = n / k
        chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
        assert chi2 < (k - 1) + 6 * (2 * (k - 1)) ** 0.5, (k, chi2)  # far beyond chance for a uniform draw


def test_draws_take_the_sets_weights_takes():
    rng = np.random.default_rng(5)
    d = Draws(np.random.default_rng(6))
    for difficulty, lo, hi in (("easy", -1.0, 1.0), ("easy", -0.5, 0.5), ("medium", -1.0, 1.0), ("hard", -0.5, 0.5)):
        old = {v for _ in range(400) for v in weights(rng, difficulty, 5, lo, hi)}
        new = {v for _ in range(400) for v in d.weights(difficulty, 5, lo, hi)}
        assert old == new and {type(v) for v in old} == {type(v) for v in new}
        if difficulty == "easy":
            assert new == set(EASY_WEIGHTS)


def test_draws_nonzero_is_uniform_over_the_vectors_that_are_not_all_zero():
    d = Draws(np.random.default_rng(3))
    n = 48_000
    counts = collections.Counter(tuple(d.nonzero("easy", 2)) for _ in range(n))
    every = set(itertools.product(EASY_WEIGHTS, repeat=2)) - {(0.0, 0.0)}
    assert set(counts) == every  # each of the 24, and never [0, 0]
    expected = n / len(every)
    assert all(abs(c - expected) < 6 * expected ** 0.5 for c in counts.values()), counts
    assert all(any(d.nonzero("medium", 1)) for _ in range(2000))


def test_carried_floats_is_vec_carried():
    """The worked steps print a run's values with carried_floats (repr of a value already at the
    carried places, no cache); it must give vec_carried's text for any list."""
    from fractions import Fraction

    from solvers._rounding import Exact
    from solvers.train_numbers import carried_floats, vec_carried

    rng = np.random.default_rng(4)
    values = [0.0, -0.0, 1.0, -2.0, 1e-4, -1e-4, 9.9e-5, 0.1 + 0.2, 1e8, 99999999.5, 123456.7, 3, -7,
              Exact(Fraction(1, 800)), Exact(Fraction(-5, 3)),
              # one place more than 6 (an update w - lr * g), ties among them
              0.4839995, -1.0172635, 0.0160005, 0.6901957, -0.9999995, 12345.6789015, 99999999.9999995]
    for scale in (1e-6, 1e-3, 1, 1e3, 1e7, 1e9):
        raw = (rng.standard_normal(3000) * scale).tolist()
        values += raw + [round(v, int(p)) for v, p in zip(raw, rng.integers(0, 9, size=3000))]
    for places in (4, 6, 8):
        for n in range(0, len(values), 7):
            chunk = values[n:n + 7]
            assert carried_floats(chunk, places) == vec_carried(chunk, places), (chunk, places)
