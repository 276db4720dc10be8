"""RMSProp, one or two steps: the ``rmsprop`` kind.

Hinton, Srivastava & Swersky, *Neural Networks for Machine Learning*, lecture 6e (2012); the same
rule as PyTorch ``RMSprop`` with ``alpha = rho`` (PyTorch adds eps outside the square root too)::

    s <- rho*s + (1 - rho)*g^2 ;   w <- w - lr*g / (sqrt(s) + eps)
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_float, register
from solvers._rounding import carry_list, carry_or_widen
from solvers.opt_updates import (
    asked, check_common, eps_text, draw_common, grads_text, optional_state, step_fields,
)
from solvers.train_numbers import Draws, num, vec_carried, vec_text

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
        d = Draws(rng)
        p = draw_common(d, difficulty, LRS)
        p["rho"] = num(d.choice(RHOS[difficulty]))
        p["eps"] = EPS
        s0 = d.choice(S0[difficulty])
        p["s0"] = None if s0 is None else [num(s0)] * len(p["w0"])
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = check_common(params)
        p["rho"] = num(need_float(params, "rho", minimum=0.0, maximum=0.9999))
        p["eps"] = num(need_float(params, "eps", minimum=0.0, maximum=1.0, default=EPS))
        p["s0"] = optional_state(params, "s0", len(p["w0"]), minimum=0.0)
        s0 = p["s0"] or [0] * len(p["w0"])
        if p["eps"] == 0 and any(v == 0 and s == 0 for v, s in zip(p["grads"][0], s0)):
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
        # plain Python floats, not NumPy: two or three numbers per vector, where each NumPy call
        # costs more than the arithmetic (the same IEEE operations in the same order: same bits)
        w0 = [float(x) for x in params["w0"]]
        lr, rho, eps = float(params["lr"]), float(params["rho"]), float(params["eps"])
        grads = [[float(x) for x in g] for g in params["grads"]]
        s0 = [0.0] * len(w0) if params["s0"] is None else [float(x) for x in params["s0"]]
        answer: dict[str, Any] = {}
        for t, (s, w) in enumerate(_rmsprop(w0, s0, grads, lr, rho, eps), start=1):
            answer[f"s_{t}"], answer[f"w_{t}"] = s, w
        # the steps as a student carries them (6 places), and the second accepted key from them
        carried, steps = carry_or_widen(lambda places: self._carried_steps(params, places), answer)
        mistakes = [
            Mistake("forgot_sqrt", Text("除以 s 而不是 √s", "divided by s instead of sqrt(s)"),
                    _rmsprop(w0, s0, grads, lr, rho, eps, root=False, keys=True)),
            Mistake("no_one_minus_rho", Text("g² 前面漏了 (1-ρ)", "left out the (1 - rho) on g^2"),
                    _rmsprop(w0, s0, grads, lr, rho, eps, new_share=1.0, keys=True)),
            Mistake("rho_swapped", Text("ρ 与 1-ρ 用反了", "swapped rho and 1 - rho"),
                    _rmsprop(w0, s0, grads, lr, 1 - rho, eps, new_share=rho, keys=True)),
            Mistake("gradient_sign", Text("沿梯度方向上升（符号错误）", "moved up the gradient (sign error)"),
                    _rmsprop(w0, s0, grads, -lr, rho, eps, keys=True)),
        ]
        return Solution(answer, steps, mistakes, carried=carried)

    @staticmethod
    def _carried_steps(params: Mapping[str, Any], places: int) -> tuple[dict[str, Any], list[Step]]:
        """The worked steps carrying ``places`` decimals, and the answers they reach."""
        w0 = [float(x) for x in params["w0"]]
        lr, rho, eps = float(params["lr"]), float(params["rho"]), float(params["eps"])
        grads = [[float(x) for x in g] for g in params["grads"]]
        s0 = [0.0] * len(w0) if params["s0"] is None else [float(x) for x in params["s0"]]
        carried: dict[str, Any] = {}
        steps = []
        s_prev, w_prev = carry_list(s0, places), carry_list(w0, places)
        for t, g in enumerate(grads, start=1):
            g2 = [x * x for x in g]
            s = carry_list([rho * si + (1 - rho) * gi for si, gi in zip(s_prev, g2)], places)
            root = carry_list([math.sqrt(si) for si in s], places)
            w = carry_list([_update(wi, lr * gi, ri + eps) for wi, gi, ri in zip(w_prev, g, root)], places)
            carried[f"s_{t}"], carried[f"w_{t}"] = s, w
            steps.append(Step(f"第 {t} 步：更新梯度平方的滑动平均。", f"Step {t}: running mean of the squared gradient.",
                              f"s_{t} = {fmt(rho)}*{vec_carried(s_prev, places)} + {fmt(1 - rho)}*{vec_text(g2)} "
                              f"= {vec_text(s, places)}"))
            steps.append(Step(f"第 {t} 步：按 √s 缩放步长。", f"Step {t}: scale the step by sqrt(s).",
                              f"sqrt(s_{t}) = {vec_carried(root, places)};  w_{t} = {vec_carried(w_prev, places)} - "
                              f"{fmt(lr)}*{vec_text(g)}/sqrt(s_{t}) = {vec_carried(w, places)}"))
            s_prev, w_prev = s, w
        return carried, steps


def _rmsprop(w0: list[float], s0: list[float], grads: list[list[float]], lr: float, rho: float, eps: float, *,
             root: bool = True, new_share: float | None = None, keys: bool = False) -> Any:
    """(s_t, w_t) of each step as lists (opt_updates.rmsprop_steps, bit for bit, without NumPy), or
    with one slip: s not square-rooted, or ``new_share`` on g^2 instead of 1 - rho. With ``keys``,
    a mistake's answer: {"s_1": ..., "w_1": ...} with a division by zero as 0/0 -> 0, x/0 -> +-1e9."""
    share = 1 - rho if new_share is None else new_share
    s, w = s0, w0
    out: Any = {} if keys else []
    for t, g in enumerate(grads, start=1):
        s = [rho * si + share * (gi * gi) for si, gi in zip(s, g)]
        w = [_update(wi, lr * gi, (math.sqrt(si) if root else si) + eps) for wi, gi, si in zip(w, g, s)]
        if keys:
            out[f"s_{t}"], out[f"w_{t}"] = s, [_finite(x) for x in w]
        else:
            out.append((s, w))
    return out


def _update(w: float, step: float, scale: float) -> float:
    """w - step/scale, with NumPy's IEEE results where scale is 0 (Python would raise)."""
    if scale == 0:
        q = math.nan if step == 0 or math.isnan(step) else math.copysign(math.inf, step)
        return w - q
    return w - step / scale


def _finite(x: float) -> float:
    """np.nan_to_num(x, nan=0.0, posinf=1e9, neginf=-1e9) for one float."""
    if math.isnan(x):
        return 0.0
    if math.isinf(x):
        return 1e9 if x > 0 else -1e9
    return x
