"""Gradient clipping by the global norm against an independent NumPy computation (one
concatenated vector, np.linalg.norm) over many seeds, plus the textbook example and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import DIFFICULTIES, ParamError, get_kind, make_problem, solve_params
from solvers.opt_grad_clip import clip_by_global_norm


def reference(grads, max_norm):
    """PyTorch's clip_grad_norm_ without its 1e-6: concatenate, norm, one coefficient clamped to 1."""
    flat = np.concatenate([np.asarray(g, dtype=float) for g in grads])
    total = np.linalg.norm(flat)
    coef = min(1.0, max_norm / total)
    return total, coef, [np.asarray(g, dtype=float) * coef for g in grads]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_matches_the_concatenated_norm(difficulty):
    clipped_some = unclipped = 0
    for seed in range(300):
        p = make_problem("grad_clip", seed, difficulty)
        grads, c = p.params["grads"], p.params["max_norm"]
        total, coef, want = reference(grads, c)
        assert np.isclose(p.answer["norm"], total) and np.isclose(p.answer["scale"], coef)
        for i, w in enumerate(want):
            assert np.allclose(p.answer[f"clipped_{i + 1}"], w)
        # the clipped gradients never exceed the cap and keep the direction
        after = np.linalg.norm(np.concatenate([p.answer[f"clipped_{i + 1}"] for i in range(len(grads))]))
        assert after <= c + 1e-9
        clipped_some += total > c
        unclipped += total <= c
        if difficulty != "hard":
            assert float(total).is_integer()  # whole norms keep easy/medium a hand calculation
    assert clipped_some > 200
    if difficulty != "easy":
        assert unclipped > 5  # the "no clipping needed" case is drawn too


def test_textbook_example():
    # Goodfellow, Bengio & Courville, Deep Learning 10.11.1: if ||g|| > v, g <- g v / ||g||.
    # g = (3, 4) has norm 5; with v = 1 it becomes (0.6, 0.8).
    p = solve_params("grad_clip", {"grads": [[3, 4]], "max_norm": 1})
    assert p.answer["norm"] == 5 and p.answer["scale"] == 0.2
    assert np.allclose(p.answer["clipped_1"], [0.6, 0.8])


def test_global_norm_differs_from_clipping_each_tensor():
    # [3] and [4]: global norm 5, cap 2.5 -> scale 0.5 for both: [1.5] and [-2];
    # clipping each separately would cut [3] to [2.5] and [-4] to [-2.5].
    p = solve_params("grad_clip", {"grads": [[3], [-4]], "max_norm": 2.5})
    assert p.answer["clipped_1"] == [1.5] and p.answer["clipped_2"] == [-2.0]
    ms = {m.id: m.answer for m in p.mistakes}
    assert ms["per_tensor"] == {"clipped_1": [2.5], "clipped_2": [-2.5]}
    assert ms["inverted_scale"]["scale"] == 2.0


def test_under_the_cap_nothing_changes():
    p = solve_params("grad_clip", {"grads": [[1, -2], [2]], "max_norm": 4})
    assert p.answer == {"norm": 3.0, "scale": 1.0, "clipped_1": [1.0, -2.0], "clipped_2": [2.0]}
    ids = [m.id for m in p.mistakes]
    assert "always_rescale" in ids and "per_tensor" not in ids  # harmless here, so not named


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(-20, 20), min_size=1, max_size=4), min_size=1, max_size=4),
       st.floats(0.1, 50))
def test_clipping_invariants(grads, c):
    if not any(x for g in grads for x in g):
        return
    norm, scale, clipped = clip_by_global_norm(grads, c)
    new = np.linalg.norm(np.concatenate([np.asarray(g) for g in clipped]))
    assert np.isclose(new, min(norm, c))
    assert 0 < scale <= 1


@pytest.mark.parametrize("bad, name", [
    ({"grads": [[0, 0]], "max_norm": 1}, "grads"),
    ({"grads": [3, 4], "max_norm": 1}, "grads"),
    ({"grads": [[3, "x"]], "max_norm": 1}, "grads"),
    ({"grads": [[1]] * 5, "max_norm": 1}, "grads"),
    ({"grads": [[3, 4]], "max_norm": 0}, "max_norm"),
    ({"grads": [[3, 4]], "max_norm": -2}, "max_norm"),
    ({"grads": [[3, 4]]}, "max_norm"),
    ({"max_norm": 1}, "grads"),
])
def test_bad_params_name_the_parameter(bad, name):
    with pytest.raises(ParamError) as e:
        get_kind("grad_clip").check_params(bad)
    assert e.value.param == name
    assert len(str(e.value)) < 160
