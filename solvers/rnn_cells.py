"""Recurrent cells (pure functions) and the parameter handling the recurrent kinds share.

Vanilla RNN (Elman 1990; Goodfellow et al., *Deep Learning*, 10.2)::

    h_t = tanh(W_xh x_t + W_hh h_(t-1) + b)

LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000; the notation of
Olah, "Understanding LSTM Networks"): every gate matrix acts on the concatenation [h_(t-1); x_t]::

    f = s(W_f [h; x] + b_f)   i = s(W_i [h; x] + b_i)   g = tanh(W_g [h; x] + b_g)   o = s(W_o [h; x] + b_o)
    c_t = f * c_(t-1) + i * g          h_t = o * tanh(c_t)          (* is elementwise)

GRU (the form of Chung et al. 2014 and most lecture notes; Cho et al. 2014, d2l and PyTorch swap
the roles of z and 1 - z)::

    r = s(W_r [h; x] + b_r)   z = s(W_z [h; x] + b_z)   h~ = tanh(W_h [r*h; x] + b_h)
    h_t = (1 - z) * h_(t-1) + z * h~
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import ParamError, need_matrix, need_vector
from solvers.act_functions import sigmoid
from solvers.train_numbers import Draws, mat_text, num, to_plain, vec_text, weights

GATES = ("f", "i", "g", "o")

# Intermediate values in the worked steps carry 6 places, and statements ask the student to do the
# same: gates rounded to 4 places change the 4-place state in 10-25% of items (measured).
CARRY = 6
CARRY_ZH = "（中间结果至少保留 6 位小数）"
CARRY_EN = " (carry at least 6 decimal places in between)"


def rnn_cell(x: Any, h_prev: Any, W_xh: Any, W_hh: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activation a and new state h = tanh(a) of a vanilla RNN.

    >>> a, h = rnn_cell([1.0], [0.0], [[0.5]], [[1.0]], [0.0])
    >>> a.tolist(), round(float(h[0]), 4)
    ([0.5], 0.4621)
    """
    a = np.asarray(W_xh, float) @ np.asarray(x, float) + np.asarray(W_hh, float) @ np.asarray(h_prev, float) \
        + np.asarray(b, float)
    return a, np.tanh(a)


def lstm_cell(x: Any, h_prev: Any, c_prev: Any, W: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """One LSTM step. ``W[k]`` is H x (H+D) acting on [h_prev; x]; returns f, i, g, o, c, h.

    >>> out = lstm_cell([1.0], [0.0], [0.0], {k: [[0.0, 0.0]] for k in "figo"}, {k: [0.0] for k in "figo"})
    >>> [round(float(out[k][0]), 4) for k in ("f", "i", "g", "o", "c", "h")]
    [0.5, 0.5, 0.0, 0.5, 0.0, 0.0]
    """
    hx = np.concatenate([np.asarray(h_prev, float), np.asarray(x, float)])
    pre = {k: np.asarray(W[k], float) @ hx + np.asarray(b[k], float) for k in GATES}
    f, i, o = sigmoid(pre["f"]), sigmoid(pre["i"]), sigmoid(pre["o"])
    g = np.tanh(pre["g"])
    c = f * np.asarray(c_prev, float) + i * g
    return {"f": f, "i": i, "g": g, "o": o, "c": c, "h": o * np.tanh(c)}


def gru_cell(x: Any, h_prev: Any, W: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """One GRU step (h = (1-z)*h_prev + z*h~, Chung et al. 2014). ``W[k]`` is H x (H+D); returns r, z, h_tilde, h.

    >>> out = gru_cell([0.0], [1.0], {k: [[0.0, 0.0]] for k in "rzh"}, {k: [0.0] for k in "rzh"})
    >>> [float(out[k][0]) for k in ("r", "z", "h_tilde", "h")]
    [0.5, 0.5, 0.0, 0.5]
    """
    h = np.asarray(h_prev, float)
    x = np.asarray(x, float)
    hx = np.concatenate([h, x])
    r = sigmoid(np.asarray(W["r"], float) @ hx + np.asarray(b["r"], float))
    z = sigmoid(np.asarray(W["z"], float) @ hx + np.asarray(b["z"], float))
    h_tilde = np.tanh(np.asarray(W["h"], float) @ np.concatenate([r * h, x]) + np.asarray(b["h"], float))
    return {"r": r, "z": z, "h_tilde": h_tilde, "h": (1 - z) * h + z * h_tilde}


# ----------------------------------------------------------------------------------------------
# Shared parameter handling: sizes per difficulty, drawing, checking shapes, printing.
# ----------------------------------------------------------------------------------------------

def draw_vec(rng: np.random.Generator, difficulty: str, n: int, *, nonzero: bool = False) -> list:
    while True:
        v = weights(rng, difficulty, n)
        if not nonzero or any(v):
            return v


def draw_gated(rng: np.random.Generator, difficulty: str, H: int, D: int, names: str) -> dict[str, Any]:
    """Gate matrices W_<k> (H x (H+D)) and biases b_<k> for each letter of ``names``."""
    p: dict[str, Any] = {}
    for k in names:
        p[f"W_{k}"] = weights(rng, difficulty, (H, H + D))
    for k in names:
        p[f"b_{k}"] = weights(rng, difficulty, H, lo=-0.5, hi=0.5) if difficulty != "easy" else \
            [num(v) for v in rng.choice((-0.5, 0.0, 0.5), size=H)]
    return p


def draws_gated(d: Draws, difficulty: str, H: int, D: int, names: str) -> dict[str, Any]:
    """:func:`draw_gated` from one batch of draws (:class:`~solvers.train_numbers.Draws`): the same sets, uniformly."""
    p: dict[str, Any] = {}
    for k in names:
        p[f"W_{k}"] = [d.weights(difficulty, H + D) for _ in range(H)]
    for k in names:
        p[f"b_{k}"] = d.weights(difficulty, H, lo=-0.5, hi=0.5) if difficulty != "easy" else \
            [d.choice((-0.5, 0, 0.5)) for _ in range(H)]
    return p


def check_vec(params: Mapping[str, Any], name: str, length: int | None = None, limit: float = 100.0) -> list:
    v = need_vector(params, name, length=length)
    if any(abs(x) > limit for x in v):
        raise ParamError(name, f"values must lie in [-{limit:g}, {limit:g}]")
    return [num(x) for x in v]


def check_gated(params: Mapping[str, Any], names: str, H: int, D: int) -> dict[str, Any]:
    """W_<k> must be H x (H+D) to act on [h_prev; x]; b_<k> must have H entries."""
    p: dict[str, Any] = {}
    for k in names:
        name = f"W_{k}"
        raw = np.asarray(params.get(name, []), dtype=object)
        try:
            p[name] = to_plain(need_matrix(params, name, rows=H, cols=H + D))
        except ParamError as err:
            got = f"got {raw.shape[0]} x {raw.shape[1]}" if raw.ndim == 2 else "got something that is not a matrix"
            raise ParamError(name, f"must be {H} x {H + D} to act on [h_prev; x] (hidden size {H}, input "
                                   f"size {D}), {got}") from err
    for k in names:
        p[f"b_{k}"] = check_vec(params, f"b_{k}", length=H)
    return p


def gated_text(params: Mapping[str, Any], names: str) -> str:
    mats = "; ".join(f"W_{k} = {mat_text(params[f'W_{k}'])}" for k in names)
    biases = "; ".join(f"b_{k} = {vec_text(params[f'b_{k}'])}" for k in names)
    return f"{mats}; {biases}"


def sequence_text(xs: list) -> str:
    return ", ".join(f"x_{t} = {vec_text(x)}" for t, x in enumerate(xs, start=1))
