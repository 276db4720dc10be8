"""Adam, one or two steps with bias correction: the ``adam`` kind.

Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1 (m_0 = v_0 = 0,
t counted from 1)::

    m <- b1*m + (1-b1)*g          v <- b2*v + (1-b2)*g^2
    m_hat = m / (1 - b1^t)        v_hat = v / (1 - b2^t)
    w <- w - lr * m_hat / (sqrt(v_hat) + eps)

On the first step m_hat = g and v_hat = g^2, so every weight moves by lr (times sign(g)): the
reason bias correction matters, and a quick check of any hand computation.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import (
    AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_float, register,
)
from solvers._rounding import carry_list, carry_or_widen, fraction
from solvers.opt_updates import asked, eps_text, check_common, draw_common, grads_text, step_fields
from solvers.train_numbers import Draws, num, vec_carried, vec_rounded, vec_text

LRS = {"easy": (0.1,), "medium": (0.1, 0.01, 0.001), "hard": (0.01, 0.001, 0.1, 0.05)}
BETAS = {"easy": ((0.9, 0.999),), "medium": ((0.9, 0.999),), "hard": ((0.9, 0.999), (0.8, 0.99), (0.5, 0.9))}
EPS = 1e-8


@register
class Adam(Kind):
    id = "adam"
    topic = "optimiser"
    chapter = "ch5_optimisation"
    title = Text("Adam 更新", "Adam update")
    description = "One or two Adam steps with bias correction (Kingma & Ba 2015)."
    params_help = {
        "w0": "the starting weights, a list of numbers",
        "grads": "the gradient of each step, a list of 1-3 vectors like [[0.5, -1], [0.2, 0.3]]",
        "lr": "learning rate > 0",
        "beta1": "decay of the first moment, in [0, 1) (default 0.9)",
        "beta2": "decay of the second moment, in [0, 1) (default 0.999)",
        "eps": "epsilon added to sqrt(v_hat), >= 0 (default 1e-8)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d = Draws(rng)
        p = draw_common(d, difficulty, LRS)
        b1, b2 = d.choice(BETAS[difficulty])
        p.update(beta1=b1, beta2=b2, eps=EPS)
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = check_common(params)
        p["beta1"] = num(need_float(params, "beta1", minimum=0.0, maximum=0.9999, default=0.9))
        p["beta2"] = num(need_float(params, "beta2", minimum=0.0, maximum=0.9999, default=0.999))
        p["eps"] = num(need_float(params, "eps", minimum=0.0, maximum=1.0, default=EPS))
        if p["eps"] == 0 and any(v == 0 for v in p["grads"][0]):
            raise ParamError("eps", "must be > 0 when a first-step gradient component is 0 (0/0)")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return step_fields(params, [("m", "一阶矩 m", "first moment m", 4),
                                    ("v", "二阶矩 v", "second moment v", 6),
                                    ("w", "权重 w", "weights w", 4)])

    def statement(self, params: Mapping[str, Any]) -> Text:
        gz, ge = grads_text(params)
        b1, b2, lr = (fmt(params[k]) for k in ("beta1", "beta2", "lr"))
        eps = eps_text(params["eps"])
        az, ae = asked(params, "m、v（未做偏差修正的值）和权重 w", "m, v (before bias correction) and the weights w",
                       ("m、w 保留 4 位小数，v 保留 6 位小数（中间的 m̂ 与下一步要用的 w 至少保留 6 位小数）。",
                        "Give m and w to 4 decimal places and v to 6 (carry m_hat, and any w used in a later "
                        "step, to at least 6 decimal places)."))
        return Text(
            f"用 Adam（Kingma & Ba 2015，带偏差修正）更新权重，逐元素运算：m ← β₁m + (1-β₁)g，"
            f"v ← β₂v + (1-β₂)g²，m̂ = m/(1-β₁^t)，v̂ = v/(1-β₂^t)，w ← w - η·m̂/(√v̂ + ε)，t 从 1 开始，"
            f"m_0 = v_0 = 0。初始权重 w_0 = {vec_text(params['w0'])}，η = {lr}，β₁ = {b1}，β₂ = {b2}，"
            f"ε = {eps}；{gz}。{az}",
            f"Weights are updated by Adam (Kingma & Ba 2015, with bias correction), elementwise: "
            f"m <- b1*m + (1-b1)*g, v <- b2*v + (1-b2)*g^2, m_hat = m/(1-b1^t), v_hat = v/(1-b2^t), "
            f"w <- w - lr*m_hat/(sqrt(v_hat) + eps), with t counted from 1 and m_0 = v_0 = 0. The starting "
            f"weights are w_0 = {vec_text(params['w0'])}, lr = {lr}, b1 = {b1}, b2 = {b2}, eps = {eps}; "
            f"{ge}. {ae}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        # plain Python floats, not NumPy: two or three numbers per vector, where each NumPy call
        # costs more than the arithmetic (the same IEEE operations in the same order: same bits)
        w0 = [float(x) for x in params["w0"]]
        lr, b1, b2, eps = (float(params[k]) for k in ("lr", "beta1", "beta2", "eps"))
        grads = [[float(x) for x in g] for g in params["grads"]]
        answer: dict[str, Any] = {}
        for t, (m, v, w) in enumerate(_adam(w0, grads, lr, b1, b2, eps), start=1):
            answer[f"m_{t}"], answer[f"v_{t}"], answer[f"w_{t}"] = m, v, w
        # the steps as a student carries them (every shown value to 6 places, the next computed from
        # the shown one; sqrt(v_hat) is not shown, so it is taken of the shown v_hat), and the second
        # accepted key from them: from unrounded values 1% of keys rejected such a student (measured)
        carried, steps = carry_or_widen(lambda places: self._carried_steps(params, places), answer)
        mistakes = [
            Mistake("no_bias_correction", Text("忘了偏差修正", "forgot the bias correction"),
                    _answers(_adam(w0, grads, lr, b1, b2, eps, bias_correction=False))),
            Mistake("v_hat_not_sqrt", Text("除以 v̂ 而不是 √v̂", "divided by v_hat instead of sqrt(v_hat)"),
                    _answers(_adam(w0, grads, lr, b1, b2, eps, sqrt=False))),
            Mistake("step_count_not_advanced", Text("偏差修正一直用 t = 1", "kept t = 1 in the bias correction"),
                    _answers(_adam(w0, grads, lr, b1, b2, eps, frozen_t=True))),
            Mistake("gradient_sign", Text("沿梯度方向上升（符号错误）", "moved up the gradient (sign error)"),
                    _answers(_adam(w0, grads, -lr, b1, b2, eps))),
        ]
        return Solution(answer, steps, mistakes, carried=carried)

    @staticmethod
    def _carried_steps(params: Mapping[str, Any], places: int) -> tuple[dict[str, Any], list[Step]]:
        """The worked steps carrying ``places`` decimals, and the answers they reach."""
        w0 = [float(x) for x in params["w0"]]
        lr, b1, b2, eps = (float(params[k]) for k in ("lr", "beta1", "beta2", "eps"))
        grads = [[float(x) for x in g] for g in params["grads"]]
        carried: dict[str, Any] = {}
        steps = []
        zeros = [0.0] * len(w0)
        m_prev, v_prev, w_prev = zeros, zeros, carry_list(w0, places)
        # each value as the steps write it: all 6 places where rounding changed it, short where exact
        m_text, v_text, w_text = vec_carried(m_prev, places), vec_text(v_prev, places), vec_rounded(w_prev, w0, places)
        fb1, fb2 = fraction(b1), fraction(b2)
        for t, g in enumerate(grads, start=1):
            c1, c2 = 1 - b1 ** t, 1 - b2 ** t
            g2 = [x * x for x in g]
            m_raw = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m_prev, g)]
            v_raw = [b2 * vi + (1 - b2) * gi for vi, gi in zip(v_prev, g2)]
            # (a rounding tie is decided on the exact decimal value, not on the float next to it)
            m = carry_list(m_raw, places, lambda i: _mix(fb1, m_prev[i], g[i]))
            v = carry_list(v_raw, places, lambda i: _mix(fb2, v_prev[i], fraction(g[i]) ** 2))
            m_hat_raw = [mi / c1 for mi in m]
            m_hat = carry_list(m_hat_raw, places, lambda i: fraction(m[i]) / (1 - fb1 ** t))
            v_hat = carry_list([vi / c2 for vi in v], places, lambda i: fraction(v[i]) / (1 - fb2 ** t))
            w_raw = [wi - lr * mi / (math.sqrt(vi) + eps) for wi, mi, vi in zip(w_prev, m_hat, v_hat)]
            w = carry_list(w_raw, places)
            carried[f"m_{t}"], carried[f"v_{t}"], carried[f"w_{t}"] = m, v, w
            m_hat_text, v_hat_text = vec_rounded(m_hat, m_hat_raw, places), vec_text(v_hat, places)
            new_texts = vec_rounded(m, m_raw, places), vec_text(v, places), vec_rounded(w, w_raw, places)
            steps += [
                Step(f"第 {t} 步：一阶矩（梯度的滑动平均）。", f"Step {t}: first moment (running mean of g).",
                     f"m_{t} = {fmt(b1)}*{m_text} + {fmt(1 - b1)}*{vec_text(g)} = {new_texts[0]}"),
                Step(f"第 {t} 步：二阶矩（g² 的滑动平均）。", f"Step {t}: second moment (running mean of g^2).",
                     f"v_{t} = {fmt(b2)}*{v_text} + {fmt(1 - b2)}*{vec_text(g2)} = {new_texts[1]}"),
                Step(f"第 {t} 步：偏差修正（除以 1-β^t）。", f"Step {t}: bias correction (divide by 1 - beta^t).",
                     f"m_hat = m_{t}/{fmt(c1)} = {m_hat_text};  v_hat = v_{t}/{fmt(c2)} = {v_hat_text}"),
                Step(f"第 {t} 步：更新权重。", f"Step {t}: update the weights.",
                     f"w_{t} = {w_text} - {fmt(lr)}*{m_hat_text}/sqrt({v_hat_text}) = {new_texts[2]}"),
            ]
            m_prev, v_prev, w_prev = m, v, w
            m_text, v_text, w_text = new_texts
        return carried, steps


def _mix(beta: Fraction, old: float, new: Any) -> Fraction:
    """beta*old + (1 - beta)*new exactly, the numbers read as the decimals they print as."""
    return beta * fraction(old) + (1 - beta) * fraction(new)


def _adam(w0: list[float], grads: list[list[float]], lr: float, b1: float, b2: float, eps: float, *,
          bias_correction: bool = True, sqrt: bool = True, frozen_t: bool = False) -> list[tuple[list, list, list]]:
    """(m_t, v_t, w_t) of each step as lists (opt_updates.adam_steps, bit for bit, without NumPy),
    or with one slip: no bias correction, no square root on v_hat, or the step counter stuck at 1."""
    w, m, v = w0, [0.0] * len(w0), [0.0] * len(w0)
    out = []
    for t, g in enumerate(grads, start=1):
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * (gi * gi) for vi, gi in zip(v, g)]
        tt = 1 if frozen_t else t
        c1, c2 = (1 - b1 ** tt, 1 - b2 ** tt) if bias_correction else (None, None)
        m_hat = [mi / c1 for mi in m] if bias_correction else m
        v_hat = [vi / c2 for vi in v] if bias_correction else v
        w = [wi - lr * mh / ((math.sqrt(vh) if sqrt else vh) + eps) for wi, mh, vh in zip(w, m_hat, v_hat)]
        out.append((m, v, w))
    return out


def _answers(trace) -> dict[str, Any]:
    # m and v are right in every variant but the sign slip's w
    return {f"w_{t}": w for t, (m, v, w) in enumerate(trace, start=1)}
