"""RMSProp, one or two steps: the ``rmsprop`` kind.

Hinton, Srivastava & Swersky, *Neural Networks for Machine Learning*, lecture 6e (2012); the same
rule as PyTorch ``RMSprop`` with ``alpha = rho`` (PyTorch adds eps outside the square root too)::

    s <- rho*s + (1 - rho)*g^2 ;   w <- w - lr*g / (sqrt(s) + eps)
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_float, register
from solvers._rounding import carry
from solvers.opt_updates import (
    asked, check_common, eps_text, draw_common, flat, grads_text, optional_state, pick, rmsprop_steps, step_fields,
)
from solvers.train_numbers import num, vec_carried, vec_text

LRS = {"easy": (0.1,), "medium": (0.1, 0.01, 0.05), "hard": (0.01, 0.001, 0.1)}
RHOS = {"easy": (0.9,), "medium": (0.9, 0.99, 0.8), "hard": (0.9, 0.99, 0.95)}
S0 = {"easy": (None,), "medium": (None,), "hard": (None, 0.1, 0.5, 1)}  # starting mean square
EPS = 1e-8


@register
class RmsProp(Kind):
    id = "rmsprop"
    topic = "optimiser"
    chapter = "ch5_optimisation"
    title = Text("RMSProp 更新", "RMSProp update")
    description = "One or two RMSProp steps: s = rho*s + (1-rho)*g^2; w -= lr*g/(sqrt(s)+eps)."
    params_help = {
        "w0": "the starting weights, a list of numbers",
        "grads": "the gradient of each step, a list of 1-3 vectors like [[0.5, -1], [0.2, 0.3]]",
        "lr": "learning rate > 0",
        "rho": "decay rate of the mean square, in [0, 1)",
        "eps": "epsilon added to sqrt(s), >= 0 (default 1e-8)",
        "s0": "starting mean square, a list like w0 of numbers >= 0 (default zeros)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        p = draw_common(rng, difficulty, LRS)
        p["rho"] = pick(rng, RHOS[difficulty])
        p["eps"] = EPS
        s0 = S0[difficulty][int(rng.integers(len(S0[difficulty])))]
        p["s0"] = None if s0 is None else [num(s0)] * len(p["w0"])
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = check_common(params)
        p["rho"] = num(need_float(params, "rho", minimum=0.0, maximum=0.9999))
        p["eps"] = num(need_float(params, "eps", minimum=0.0, maximum=1.0, default=EPS))
        p["s0"] = optional_state(params, "s0", len(p["w0"]), minimum=0.0)
        if p["eps"] == 0 and p["s0"] is None and any(v == 0 for v in p["grads"][0]):
            raise ParamError("eps", "must be > 0 when a gradient component is 0 and s starts at 0 (0/0)")
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return step_fields(params, [("s", "均方累积 s", "mean square s", 6), ("w", "权重 w", "weights w", 4)])

    def statement(self, params: Mapping[str, Any]) -> Text:
        gz, ge = grads_text(params)
        s0 = params["s0"]
        sz = f"初始 s_0 = {vec_text(s0)}" if s0 else "初始 s_0 = 0"
        se = f"the starting mean square is s_0 = {vec_text(s0)}" if s0 else "s starts at s_0 = 0"
        az, ae = asked(params, "s 和权重 w", "s and the weights w",
                       ("s 保留 6 位小数，w 保留 4 位小数（中间的 √s 与下一步要用的 w 至少保留 6 位小数）。",
                        "Give s to 6 decimal places and w to 4 decimal places (carry sqrt(s), and any w "
                        "used in a later step, to at least 6 decimal places)."))
        return Text(
            f"用 RMSProp 更新权重（逐元素运算）：s ← ρs + (1-ρ)g²，w ← w - ηg/(√s + ε)。初始权重 "
            f"w_0 = {vec_text(params['w0'])}，{sz}，学习率 η = {fmt(params['lr'])}，ρ = {fmt(params['rho'])}，"
            f"ε = {eps_text(params['eps'])}；{gz}。{az}",
            f"Weights are updated by RMSProp (elementwise): s <- rho*s + (1-rho)*g^2, "
            f"w <- w - lr*g/(sqrt(s) + eps). The starting weights are w_0 = {vec_text(params['w0'])}, {se}, "
            f"lr = {fmt(params['lr'])}, rho = {fmt(params['rho'])}, eps = {eps_text(params['eps'])}; {ge}. {ae}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        w0 = np.asarray(params["w0"], dtype=float)
        lr, rho, eps, grads = float(params["lr"]), float(params["rho"]), float(params["eps"]), params["grads"]
        s0 = np.zeros_like(w0) if params["s0"] is None else np.asarray(params["s0"], dtype=float)
        answer: dict[str, Any] = {}
        carried: dict[str, Any] = {}
        steps = []
        for t, (s, w) in enumerate(rmsprop_steps(w0, grads, lr, rho, eps, s0), start=1):
            flat(answer, "s", t, s)
            flat(answer, "w", t, w)
        # the steps as a student carries them (6 places), and the second accepted key from them
        s_prev, w_prev = carry(s0, 6), carry(w0, 6)
        for t, g in enumerate(grads, start=1):
            g = np.asarray(g, dtype=float)
            s = carry(rho * s_prev + (1 - rho) * g ** 2, 6)
            root = carry(np.sqrt(s), 6)
            w = carry(w_prev - lr * g / (root + eps), 6)
            flat(carried, "s", t, s)
            flat(carried, "w", t, w)
            steps.append(Step(f"第 {t} 步：更新梯度平方的滑动平均。", f"Step {t}: running mean of the squared gradient.",
                              f"s_{t} = {fmt(rho)}*{vec_carried(s_prev, 6)} + {fmt(1 - rho)}*{vec_text(g ** 2)} "
                              f"= {vec_text(s, 6)}"))
            steps.append(Step(f"第 {t} 步：按 √s 缩放步长。", f"Step {t}: scale the step by sqrt(s).",
                              f"sqrt(s_{t}) = {vec_carried(root, 6)};  w_{t} = {vec_carried(w_prev, 6)} - "
                              f"{fmt(lr)}*{vec_text(g)}/sqrt(s_{t}) = {vec_carried(w, 6)}"))
            s_prev, w_prev = s, w
        mistakes = [
            Mistake("forgot_sqrt", Text("除以 s 而不是 √s", "divided by s instead of sqrt(s)"),
                    _variant(w0, s0, grads, lambda s, g: rho * s + (1 - rho) * g ** 2,
                             lambda w, s, g: w - lr * g / (s + eps))),
            Mistake("no_one_minus_rho", Text("g² 前面漏了 (1-ρ)", "left out the (1 - rho) on g^2"),
                    _variant(w0, s0, grads, lambda s, g: rho * s + g ** 2,
                             lambda w, s, g: w - lr * g / (np.sqrt(s) + eps))),
            Mistake("rho_swapped", Text("ρ 与 1-ρ 用反了", "swapped rho and 1 - rho"),
                    _variant(w0, s0, grads, lambda s, g: (1 - rho) * s + rho * g ** 2,
                             lambda w, s, g: w - lr * g / (np.sqrt(s) + eps))),
            Mistake("gradient_sign", Text("沿梯度方向上升（符号错误）", "moved up the gradient (sign error)"),
                    _variant(w0, s0, grads, lambda s, g: rho * s + (1 - rho) * g ** 2,
                             lambda w, s, g: w + lr * g / (np.sqrt(s) + eps))),
        ]
        return Solution(answer, steps, mistakes, carried=carried)


def _variant(w0, s0, grads, mean_square, update) -> dict[str, Any]:
    out: dict[str, Any] = {}
    s, w = s0, w0
    with np.errstate(divide="ignore", invalid="ignore"):
        for t, g in enumerate(grads, start=1):
            g = np.asarray(g, dtype=float)
            s = mean_square(s, g)
            w = update(w, s, g)
            flat(out, "s", t, s)
            flat(out, "w", t, np.nan_to_num(w, nan=0.0, posinf=1e9, neginf=-1e9))
    return out

