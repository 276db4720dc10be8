"""SGD with momentum, one or two steps: the ``sgd_momentum`` kind.

Convention (Sutskever et al. 2013; cs231n "Momentum update")::

    v <- mu*v - lr*g ;   w <- w + v

PyTorch's ``torch.optim.SGD`` keeps a buffer b <- mu*b + g and steps w <- w - lr*b; from a zero
start the weights agree, but a given nonzero v read as PyTorch's buffer gives different numbers,
so "used PyTorch's convention" is one of this kind's named mistakes.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, Solution, Step, Text, fmt, need_float, register
from solvers._rounding import EXACT_DECIMALS, Exact, exact_decimal
from solvers.opt_updates import (
    asked, check_common, draw_common, draw_vector, grads_text, optional_state, step_fields,
)
from solvers.train_numbers import Draws, num, vec_text

LRS = {"easy": (0.1,), "medium": (0.1, 0.05, 0.5), "hard": (0.01, 0.1, 0.2)}
MUS = {"easy": (0.9,), "medium": (0.9, 0.5, 0.8), "hard": (0.9, 0.95, 0.8)}
NONZERO_V0 = {"easy": 0.0, "medium": 0.5, "hard": 1.0}  # chance of a given starting velocity


@register
class SgdMomentum(Kind):
    id = "sgd_momentum"
    topic = "optimiser"
    chapter = "ch5_optimisation"
    title = Text("动量 SGD", "SGD with momentum")
    description = "One or two steps of SGD with momentum (v = mu*v - lr*g; w = w + v)."
    params_help = {
        "w0": "the starting weights, a list of numbers",
        "grads": "the gradient of each step, a list of 1-3 vectors like [[0.5, -1], [0.2, 0]]",
        "lr": "learning rate > 0",
        "mu": "momentum coefficient in [0, 1)",
        "v0": "starting velocity, a list like w0 (default zeros)",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d = Draws(rng)
        p = draw_common(d, difficulty, LRS)
        p["mu"] = num(d.choice(MUS[difficulty]))
        p["v0"] = None
        if d.below(100) < round(100 * NONZERO_V0[difficulty]):  # the chances are whole percents
            p["v0"] = draw_vector(d, "medium", len(p["w0"]), nonzero=True, span=0.5)
        return p

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        p = check_common(params)
        p["mu"] = num(need_float(params, "mu", minimum=0.0, maximum=0.999))
        p["v0"] = optional_state(params, "v0", len(p["w0"]))
        return p

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return step_fields(params, [("v", "速度 v", "velocity v", 4), ("w", "权重 w", "weights w", 4)])

    def statement(self, params: Mapping[str, Any]) -> Text:
        gz, ge = grads_text(params)
        v0 = params["v0"]
        vz = f"初始速度 v_0 = {vec_text(v0)}" if v0 else "初始速度 v_0 = 0"
        ve = f"the starting velocity is v_0 = {vec_text(v0)}" if v0 else "the starting velocity is v_0 = 0"
        az, ae = asked(params, "速度 v 和权重 w", "the velocity v and the weights w",
                       ("结果保留 4 位小数。", "Give your answers to 4 decimal places."))
        return Text(
            f"用带动量的 SGD 更新权重，约定 v ← μv - ηg，w ← w + v。初始权重 w_0 = {vec_text(params['w0'])}，"
            f"{vz}，学习率 η = {fmt(params['lr'])}，动量 μ = {fmt(params['mu'])}；{gz}。{az}",
            f"Weights are updated by SGD with momentum, with the convention v <- mu*v - lr*g, "
            f"w <- w + v. The starting weights are w_0 = {vec_text(params['w0'])}, {ve}, the learning "
            f"rate is lr = {fmt(params['lr'])} and the momentum is mu = {fmt(params['mu'])}; {ge}. {ae}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        # plain Python floats for the slips (two or three numbers; the same operations as the
        # NumPy form: the same bits), exact decimals for the key
        w0 = [float(x) for x in params["w0"]]
        lr, mu = float(params["lr"]), float(params["mu"])
        grads = [[float(x) for x in g] for g in params["grads"]]
        v0 = [0.0] * len(w0) if params["v0"] is None else [float(x) for x in params["v0"]]
        answer: dict[str, Any] = {}
        steps = []
        v_text, w_text = vec_text(v0, 4), vec_text(w0, 4)
        # exact rational steps: an exact ...5 must not print from a float just below it
        for t, ((v, w), g) in enumerate(zip(_exact_steps(params), params["grads"]), start=1):
            answer[f"v_{t}"], answer[f"w_{t}"] = v, w
            v_new, w_new = vec_text(v, 4), vec_text(w, 4)
            steps.append(Step(f"第 {t} 步：先更新速度 v = μv - ηg。", f"Step {t}: velocity v = mu*v - lr*g.",
                              f"v_{t} = {fmt(mu)}*{v_text} - {fmt(lr)}*{vec_text(g)} = {v_new}"))
            steps.append(Step(f"第 {t} 步：再更新权重 w = w + v。", f"Step {t}: weights w = w + v.",
                              f"w_{t} = {w_text} + {v_new} = {w_new}"))
            v_text, w_text = v_new, w_new
        mistakes = [
            Mistake("pytorch_convention", Text("用了 PyTorch 的约定 v ← μv + g，w ← w - ηv",
                                               "used PyTorch's convention v <- mu*v + g, w <- w - lr*v"),
                    _variant(w0, v0, grads, lambda v, g: mu * v + g, lambda w, v: w - lr * v)),
            Mistake("no_momentum", Text("忘了动量项（普通 SGD）", "left out the momentum term (plain SGD)"),
                    _variant(w0, v0, grads, lambda v, g: -lr * g, lambda w, v: w + v)),
            Mistake("gradient_sign", Text("梯度符号错误（沿梯度方向上升）", "moved up the gradient (sign error)"),
                    _variant(w0, v0, grads, lambda v, g: mu * v + lr * g, lambda w, v: w + v)),
            Mistake("lr_on_velocity", Text("把学习率乘在了整个速度上：v ← μv - g，w ← w + ηv",
                                           "scaled the whole velocity by lr: v <- mu*v - g, w <- w + lr*v"),
                    _variant(w0, v0, grads, lambda v, g: mu * v - g, lambda w, v: w + lr * v)),
        ]
        return Solution(answer, steps, mistakes)


def _exact_steps(params: Mapping[str, Any]) -> list[tuple[list, list]]:
    """(v_t, w_t) of every step in exact arithmetic, as lists of Exact floats: each number read as
    the decimal it prints as, in Decimal with room for every digit (no rounding at 200 digits),
    then the same rationals Fraction arithmetic gives, several times faster."""
    with localcontext(EXACT_DECIMALS):
        lr, mu = exact_decimal(params["lr"]), exact_decimal(params["mu"])
        w = [exact_decimal(x) for x in params["w0"]]
        v = [Decimal(0)] * len(w) if params["v0"] is None else [exact_decimal(x) for x in params["v0"]]
        out = []
        for g in params["grads"]:
            v = [mu * vi - lr * exact_decimal(gi) for vi, gi in zip(v, g)]
            w = [wi + vi for wi, vi in zip(w, v)]
            out.append(([Exact(Fraction(x)) for x in v], [Exact(Fraction(x)) for x in w]))
    return out


def _variant(w0, v0, grads, velocity, position) -> dict[str, Any]:
    """Run a mistaken pair of update rules (on single numbers) and report v_t, w_t like the right answer."""
    out: dict[str, Any] = {}
    v, w = v0, w0
    for t, g in enumerate(grads, start=1):
        v = [velocity(vi, gi) for vi, gi in zip(v, g)]
        w = [position(wi, vi) for wi, vi in zip(w, v)]
        out[f"v_{t}"], out[f"w_{t}"] = v, w
    return out
