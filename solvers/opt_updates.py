"""Optimiser update rules (pure functions) and the parts the optimiser kinds share.

Conventions (each stated in its kind's statement)::

    SGD + momentum (Sutskever et al. 2013; cs231n):  v <- mu*v - lr*g ;  w <- w + v
        (PyTorch writes v <- mu*v + g ; w <- w - lr*v: the same steps from v = 0, different
         numbers from a nonzero v.)
    RMSProp (Hinton, Coursera lecture 6e):  s <- rho*s + (1-rho)*g^2 ;  w <- w - lr*g/(sqrt(s)+eps)
    Adam (Kingma & Ba 2015, Algorithm 1):   m <- b1*m + (1-b1)*g ;  v <- b2*v + (1-b2)*g^2 ;
        m_hat = m/(1-b1^t) ; v_hat = v/(1-b2^t) ;  w <- w - lr*m_hat/(sqrt(v_hat)+eps)

The gradients of each step are given (as in exam questions), so no loss function is needed.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Mapping, Sequence

import numpy as np

from solvers._base import AnswerField, ParamError, Text, fmt, need, need_float, need_vector
from solvers.train_numbers import EASY_WEIGHTS, Draws, num, to_plain, vec_text

Vec = np.ndarray


def eps_text(eps: float) -> str:
    """``1e-8`` as a student writes it (Python's ``1e-08`` has a stray zero)."""
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", fmt(eps)).replace("e+", "e")


def momentum_steps(w0: Any, grads: Sequence[Any], lr: float, mu: float, v0: Any = None) -> list[tuple[Vec, Vec]]:
    """(v_t, w_t) for each step of SGD with momentum, v <- mu*v - lr*g ; w <- w + v.

    >>> [(v.tolist(), w.tolist()) for v, w in momentum_steps([1.0], [[1.0], [1.0]], 0.1, 0.9)]
    [([-0.1], [0.9]), ([-0.19], [0.71])]
    """
    w = np.asarray(w0, dtype=float)
    v = np.zeros_like(w) if v0 is None else np.asarray(v0, dtype=float)
    out = []
    for g in grads:
        v = mu * v - lr * np.asarray(g, dtype=float)
        w = w + v
        out.append((v, w))
    return out


def rmsprop_steps(w0: Any, grads: Sequence[Any], lr: float, rho: float, eps: float = 1e-8,
                  s0: Any = None) -> list[tuple[Vec, Vec]]:
    """(s_t, w_t) for each RMSProp step.

    >>> s, w = rmsprop_steps([1.0], [[1.0]], 0.1, 0.9, eps=0.0)[0]
    >>> round(float(s[0]), 4), round(float(w[0]), 4)
    (0.1, 0.6838)
    """
    w = np.asarray(w0, dtype=float)
    s = np.zeros_like(w) if s0 is None else np.asarray(s0, dtype=float)
    out = []
    for g in grads:
        g = np.asarray(g, dtype=float)
        s = rho * s + (1 - rho) * g ** 2
        w = w - lr * g / (np.sqrt(s) + eps)
        out.append((s, w))
    return out


def adam_steps(w0: Any, grads: Sequence[Any], lr: float, beta1: float = 0.9, beta2: float = 0.999,
               eps: float = 1e-8, bias_correction: bool = True) -> list[tuple[Vec, Vec, Vec]]:
    """(m_t, v_t, w_t) for each Adam step from m = v = 0 (t counts from 1).

    >>> m, v, w = adam_steps([0.0], [[2.0]], 0.1, eps=0.0)[0]
    >>> round(float(m[0]), 4), round(float(v[0]), 4), round(float(w[0]), 4)
    (0.2, 0.004, -0.1)
    """
    w = np.asarray(w0, dtype=float)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    out = []
    for t, g in enumerate(grads, start=1):
        g = np.asarray(g, dtype=float)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        if bias_correction:
            m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        else:
            m_hat, v_hat = m, v
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append((m, v, w))
    return out


# ----------------------------------------------------------------------------------------------
# What the three optimiser kinds share: weights, per-step gradients, a learning rate.
# ----------------------------------------------------------------------------------------------

SHAPES = {"easy": dict(dim=(1, 2), steps=(1,)), "medium": dict(dim=(2,), steps=(1, 2)),
          "hard": dict(dim=(2, 3), steps=(2,))}


def draw_vector(d: Draws, difficulty: str, dim: int, *, nonzero: bool = False, span: float = 2.0) -> list[float]:
    """Weights or gradients: {-1, -0.5, 0.5, 1, (0)} at easy, one decimal in [-span, span] otherwise,
    each uniformly (from one batch of draws: rng.integers cost more than the rest of the drawing)."""
    pool = (_EASY_NONZERO if nonzero else _EASY) if difficulty == "easy" else _tenths(round(span * 10), nonzero)
    return [d.choice(pool) for _ in range(dim)]


_EASY = [num(v) for v in EASY_WEIGHTS]
_EASY_NONZERO = [v for v in _EASY if v != 0]


@functools.lru_cache(maxsize=None)
def _tenths(top: int, nonzero: bool) -> list:
    """k/10 for k in [-top, top] (0 left out if ``nonzero``) as to_plain writes them: 1 not 1.0."""
    return to_plain(np.array([k for k in range(-top, top + 1) if not (nonzero and k == 0)]) / 10)


def draw_common(d: Draws, difficulty: str, lrs: Mapping[str, tuple]) -> dict[str, Any]:
    shape = SHAPES[difficulty]
    dim, steps = d.choice(shape["dim"]), d.choice(shape["steps"])
    return {"w0": draw_vector(d, difficulty, dim),
            "grads": [draw_vector(d, difficulty, dim, nonzero=True) for _ in range(steps)],
            "lr": num(d.choice(lrs[difficulty]))}


def check_common(params: Mapping[str, Any]) -> dict[str, Any]:
    w0 = need_vector(params, "w0")
    raw = need(params, "grads")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ParamError("grads", "must be a list of 1 to 3 gradient vectors, one per step, e.g. [[0.5, -1]]")
    if not isinstance(raw[0], (list, tuple)):
        raw = [raw]  # one step given as a plain vector
    if len(raw) > 3:
        raise ParamError("grads", f"at most 3 steps, got {len(raw)}")
    grads = [need_vector({"grads": g}, "grads", length=len(w0)) for g in raw]
    return {"w0": [num(v) for v in w0], "grads": [[num(v) for v in g] for g in grads],
            "lr": num(need_float(params, "lr", minimum=1e-12, maximum=10.0))}


def optional_state(params: Mapping[str, Any], name: str, dim: int, *, minimum: float | None = None) -> list | None:
    if name not in params or params[name] is None:
        return None
    v = need_vector(params, name, length=dim)
    if minimum is not None and any(x < minimum for x in v):
        raise ParamError(name, f"must be >= {minimum} in every component")
    return [num(x) for x in v]


def step_fields(params: Mapping[str, Any], spec: Sequence[tuple[str, str, str, int]]) -> tuple[AnswerField, ...]:
    """One vector field per (name, zh, en, decimals) per step: ``v_1, w_1, v_2, w_2``."""
    out = []
    for t in range(1, len(params["grads"]) + 1):
        for name, zh, en, decimals in spec:
            out.append(AnswerField(f"{name}_{t}", Text(f"第 {t} 步后的{zh}", f"{en} after step {t}"),
                                   shape="vector", decimals=decimals))
    return tuple(out)


def grads_text(params: Mapping[str, Any]) -> tuple[str, str]:
    gs = params["grads"]
    zh = "；".join(f"第 {t} 步梯度 g_{t} = {vec_text(g)}" for t, g in enumerate(gs, start=1))
    en = "; ".join(f"step {t} gradient g_{t} = {vec_text(g)}" for t, g in enumerate(gs, start=1))
    return zh, en


def asked(params: Mapping[str, Any], names_zh: str, names_en: str, decimals_note: tuple[str, str]) -> tuple[str, str]:
    T = len(params["grads"])
    gap = " " if names_zh[:1].isascii() else ""  # "之后的 m、v" but "之后的速度 v"
    zh = (f"求每一步之后的{gap}{names_zh}（共 {T} 步）。" if T > 1 else f"求这一步之后的{gap}{names_zh}。") + decimals_note[0]
    en = f"Find {names_en} after {'each of the ' + str(T) + ' steps' if T > 1 else 'the step'}. {decimals_note[1]}"
    return zh, en


def flat(answer: dict[str, Any], name: str, t: int, value: Vec) -> None:
    answer[f"{name}_{t}"] = np.asarray(value, dtype=float).tolist()

