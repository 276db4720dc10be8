"""One step of backpropagation and gradient descent through a tiny fully connected network.

Layout (rows = neurons of the layer, columns = inputs): z1 = W1 x + b1, h = f(z1) with f the
sigmoid or ReLU; z2 = W2 h + b2, o = sigmoid(z2). Losses (Rumelhart, Hinton & Williams 1986;
Nielsen, *Neural networks and deep learning*, ch. 2, equations BP1-BP4)::

    MSE:  E = 1/2 sum (o - t)^2   (or sum (o - t)^2, as the statement says)
          delta2 = (o - t) * o(1 - o)              [times 2 without the 1/2]
    BCE:  E = -[t ln o + (1 - t) ln(1 - o)]        (one sigmoid output)
          delta2 = o - t                           (the sigmoid's derivative cancels)
    delta1 = (W2^T delta2) * f'(z1)                with the weights from BEFORE the update
    dE/dW2 = delta2 h^T,  dE/db2 = delta2,  dE/dW1 = delta1 x^T,  dE/db1 = delta1
    W <- W - eta * dE/dW  (biases likewise)

Matt Mazur's "A step by step backpropagation example" (2015; 2-2-2, sigmoid, 1/2 MSE, eta 0.5)
gives E = 0.298371109 and the new w5 = 0.35891648, w1 = 0.149780716 (tests reproduce it).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, ParamError, Solution, Step, Text, fmt, need_bool, need_choice, need_float, register
from solvers._rounding import half_up
from solvers.rnn_cells import CARRY, check_vec
from solvers.train_numbers import Draws, carried_floats, mat_text, num, vec_text

# Named difficulty ranges: sizes (D, H, O), hidden activations, losses, learning rates.
RANGES = {
    "easy": dict(sizes=((2, 2, 1),), hidden=("sigmoid",), loss=("mse",), lr=(0.5, 1), half=(True,)),
    "medium": dict(sizes=((2, 2, 1),), hidden=("sigmoid", "relu"), loss=("mse", "bce"), lr=(0.1, 0.5, 1),
                   half=(True, False)),
    "hard": dict(sizes=((2, 2, 2), (2, 3, 1)), hidden=("sigmoid", "relu"), loss=("mse", "bce"), lr=(0.1, 0.5),
                 half=(True, False)),
}
OUT = ("h", "o", "loss", "delta2", "delta1", "grad_W2", "grad_W1", "W2_new", "b2_new", "W1_new", "b1_new")
LABELS = {
    "h": ("隐藏层输出 h", "hidden outputs h"), "o": ("网络输出 o", "outputs o"), "loss": ("损失 E", "loss E"),
    "delta2": ("输出层误差项 δ2", "output deltas delta2"), "delta1": ("隐藏层误差项 δ1", "hidden deltas delta1"),
    "grad_W2": ("∂E/∂W2", "dE/dW2"), "grad_W1": ("∂E/∂W1", "dE/dW1"),
    "W2_new": ("更新后的 W2", "updated W2"), "b2_new": ("更新后的 b2", "updated b2"),
    "W1_new": ("更新后的 W1", "updated W1"), "b1_new": ("更新后的 b1", "updated b1"),
}
SHAPES = {"h": "vector", "o": "vector", "loss": "scalar", "delta2": "vector", "delta1": "vector",
          "grad_W2": "matrix", "grad_W1": "matrix", "W2_new": "matrix", "b2_new": "vector",
          "W1_new": "matrix", "b1_new": "vector"}
POINTS = {"h": 1.0, "o": 1.0, "loss": 1.0, "delta2": 1.5, "delta1": 1.5, "grad_W2": 1.0, "grad_W1": 1.0,
          "W2_new": 1.0, "b2_new": 0.5, "W1_new": 1.0, "b1_new": 0.5}

# the same for every problem: made once (frozen dataclasses, safe to share)
FIELDS = tuple(AnswerField(k, Text(*LABELS[k]), shape=SHAPES[k], decimals=4, points=POINTS[k]) for k in OUT)
NONZERO_TENTHS = tuple(num(k / 10) for k in range(-10, 11) if k)


def _sig(z: float) -> float:
    e = math.exp(-abs(z))  # no overflow for large |z|
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def _mv(M: list, v: list) -> list:
    return [sum(m * x for m, x in zip(row, v)) for row in M]


def _outer(a: list, b: list) -> list:
    return [[x * y for y in b] for x in a]


def _keep(v: Any) -> Any:
    return v


def backprop_step(x, t, W1, b1, W2, b2, *, hidden: str = "sigmoid", loss: str = "mse", half: bool = True,
                  lr: float = 0.5, slip: str = "", r: Callable[[float], float] = _keep) -> dict[str, Any]:
    """Forward pass, deltas, gradients and the updated parameters, as (nested) lists of floats.

    ``slip`` reproduces a named student mistake ("" = the right computation); ``r`` is applied to
    every number the worked steps write down (``r`` = half up to 6 places gives the carried key).
    Plain Python: for these 2-3 neuron layers it is several times faster than NumPy.

    >>> out = backprop_step([1.0], [1.0], [[0.0]], [0.0], [[0.0]], [0.0], lr=1.0)
    >>> out["o"][0], out["delta2"][0], out["b2_new"][0]
    (0.5, -0.125, 0.125)
    """
    def R(v: Any) -> Any:  # r on every number of a vector or matrix
        if type(v) is list:
            return [[r(a) for a in row] for row in v] if v and type(v[0]) is list else [r(a) for a in v]
        return r(v)

    v = _inputs(x, t, W1, b1, W2, b2, hidden=hidden, loss=loss, half=half, lr=lr)
    v["R"] = _keep if r is _keep else R  # the exact run writes nothing down
    _forward(v)
    for stage in _STAGES:
        stage(v, slip)
    return {k: v[k] for k in _RESULT}


_RESULT = ("z1", "h", "z2", "o", "loss", "o_t", "sig_d", "back", "f_d", "delta2", "delta1", "grad_W2", "grad_W1",
           "W2_new", "b2_new", "W1_new", "b1_new")


def _inputs(x, t, W1, b1, W2, b2, *, hidden: str, loss: str, half: bool, lr: float) -> dict[str, Any]:
    # "loss" is the loss's value once worked out; "mse" says which loss it is
    return {"x": [float(a) for a in x], "t": [float(a) for a in t], "b1": [float(a) for a in b1],
            "b2": [float(a) for a in b2], "W1": [[float(a) for a in row] for row in W1],
            "W2": [[float(a) for a in row] for row in W2], "hidden": hidden, "mse": loss == "mse", "half": half,
            "lr": lr}


# The computation as stages, each reading what it needs from one dict and adding its results. A
# named slip changes the work from one stage on (see _FIRST_CHANGED), so solve() runs the right
# computation once and each slip from its first changed stage only, on a copy of the right values:
# the same operations on the same numbers as a whole run with that slip, so the same floats.

def _forward(v: dict[str, Any]) -> None:
    R, x, hidden = v["R"], v["x"], v["hidden"]
    z1 = v["z1"] = R([a + b for a, b in zip(_mv(v["W1"], x), v["b1"])])
    h = v["h"] = R([_sig(z) if hidden == "sigmoid" else max(z, 0.0) for z in z1])
    z2 = v["z2"] = R([a + b for a, b in zip(_mv(v["W2"], h), v["b2"])])
    v["o"] = R([_sig(z) for z in z2])
    v["o_t"] = [a - b for a, b in zip(v["o"], v["t"])]


def _loss(v: dict[str, Any], slip: str) -> None:
    v["scale"] = scale = 1.0 if (v["half"] != (slip == "half_convention")) else 2.0  # dE/do = scale * (o - t)
    if v["mse"]:
        v["loss"] = sum(d * d for d in v["o_t"]) * (0.5 if scale == 1.0 else 1.0)
    else:
        v["loss"] = -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(v["o"], v["t"]))


def _sig_d(v: dict[str, Any], slip: str) -> None:
    R = v["R"]
    if v["mse"] and slip == "derivative_of_z":
        v["sig_d"] = R([z * (1 - z) for z in v["z2"]])
    else:
        v["sig_d"] = R([a * (1 - a) for a in v["o"]])


def _delta2(v: dict[str, Any], slip: str) -> None:
    R, o_t, sig_d, scale = v["R"], v["o_t"], v["sig_d"], v["scale"]
    if v["mse"]:
        v["delta2"] = R([scale * d if slip == "no_derivative" else scale * d * s for d, s in zip(o_t, sig_d)])
    else:
        v["delta2"] = R([d * s for d, s in zip(o_t, sig_d)] if slip == "bce_extra_derivative" else o_t)


def _grad_W2(v: dict[str, Any], slip: str) -> None:
    v["grad_W2"] = v["R"](_outer(v["delta2"], v["h"]))


def _f_d(v: dict[str, Any], slip: str) -> None:
    if v["hidden"] == "sigmoid":
        v["f_d"] = v["R"]([z * (1 - z) for z in v["z1"]] if slip == "derivative_of_z" else [a * (1 - a) for a in v["h"]])
    else:
        v["f_d"] = [1.0 if z > 0 else 0.0 for z in v["z1"]]


def _back(v: dict[str, Any], slip: str) -> None:
    W2, gW2, delta2, lr = v["W2"], v["grad_W2"], v["delta2"], v["lr"]
    W2_used = [[w - lr * g for w, g in zip(wr, gr)] for wr, gr in zip(W2, gW2)] if slip == "updated_w2_first" else W2
    v["back"] = v["R"]([sum(W2_used[i][j] * delta2[i] for i in range(len(delta2))) for j in range(len(v["h"]))])


def _delta1(v: dict[str, Any], slip: str) -> None:
    back = v["back"]
    v["delta1"] = v["R"](back if slip == "no_derivative" else [a * b for a, b in zip(back, v["f_d"])])


def _grad_W1(v: dict[str, Any], slip: str) -> None:
    x, delta1 = v["x"], v["delta1"]
    v["grad_W1"] = v["R"](_outer(x, delta1) if slip == "outer_transposed" else _outer(delta1, x))


def _update(v: dict[str, Any], slip: str) -> None:
    step = v["lr"] if slip == "sign_of_update" else -v["lr"]
    v["W2_new"] = [[p + step * g + 0.0 for p, g in zip(pr, gr)] for pr, gr in zip(v["W2"], v["grad_W2"])]
    v["b2_new"] = [p + step * g + 0.0 for p, g in zip(v["b2"], v["delta2"])]
    v["W1_new"] = [[p + step * g + 0.0 for p, g in zip(pr, gr)] for pr, gr in zip(v["W1"], v["grad_W1"])]
    v["b1_new"] = [p + step * g + 0.0 for p, g in zip(v["b1"], v["delta1"])]


_STAGES = (_loss, _sig_d, _delta2, _grad_W2, _f_d, _back, _delta1, _grad_W1, _update)
_FIRST_CHANGED = {"half_convention": _loss, "derivative_of_z": _sig_d, "no_derivative": _delta2,
                  "bce_extra_derivative": _delta2, "updated_w2_first": _back, "outer_transposed": _grad_W1,
                  "sign_of_update": _update}


SLIPS = {
    "no_derivative": ("误差项忘了乘激活函数的导数", "left the activation derivative out of the deltas"),
    "derivative_of_z": ("sigmoid 的导数用了 z(1−z)，应为 σ(z)(1−σ(z))", "took the sigmoid's derivative as z(1-z) "
                        "instead of s(z)(1-s(z))"),
    "updated_w2_first": ("先更新了 W2，再用新的 W2 计算隐藏层误差项", "updated W2 first and back-propagated "
                         "through the new W2"),
    "sign_of_update": ("更新方向反了：W + η·梯度", "moved up the gradient: W + eta * gradient"),
    "half_convention": ("MSE 的 1/2 约定用错了（梯度差 2 倍）", "used the other MSE convention (1/2 or not), "
                        "off by a factor 2"),
    "bce_extra_derivative": ("交叉熵输出层又乘了 sigmoid 导数（应直接 δ = o − t）",
                             "multiplied by the sigmoid derivative again under cross-entropy (delta = o - t)"),
    "outer_transposed": ("∂E/∂W1 写成了 x·δ1ᵀ（转置了）", "wrote dE/dW1 as x delta1^T (transposed)"),
}


def _plain(v: Any) -> Any:
    # + 0.0 turns the -0.0 of a dead ReLU unit's gradient into 0.0 (a field is a number, a
    # vector or a matrix: written out for those, a third faster than recursing)
    if type(v) is list:
        if v and type(v[0]) is list:
            return [[float(a) + 0.0 for a in row] for row in v]
        return [float(a) + 0.0 for a in v]
    return float(v) + 0.0


def _carried6(v: float) -> float:
    """``half_up(v, 6)`` (a shown value), by the same float steps round_half_up takes far from a
    tie; a tie, a huge value or a non-number goes to half_up itself."""
    scaled = abs(v) * 1e6
    if scaled < 1e13 and abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
        d = math.floor(scaled + 0.5) / 1e6  # = float(Decimal(floor(scaled + 0.5)).scaleb(-6)): both
        return -d if v < 0 < d else d  # the double nearest that decimal (and Decimal's -0 is 0)
    return half_up(v, CARRY)


@register
class BackpropStep(Kind):
    id = "backprop_step"
    topic = "gradient"
    chapter = "ch5_optimisation"
    title = Text("反向传播一步（小型全连接网络）", "One backpropagation step (tiny MLP)")
    description = "Forward pass, deltas, gradients and one gradient-descent update of a 2-2-1 / 2-2-2 MLP."
    comprehensive = True
    params_help = {
        "x": "the input, a list of D numbers",
        "t": "the target, a list of O numbers (O = 1 for bce)",
        "W1": "H x D hidden weights (row j = weights into hidden neuron j)",
        "b1": "the H hidden biases", "W2": "O x H output weights", "b2": "the O output biases",
        "hidden": "hidden activation: sigmoid or relu", "loss": "mse (sigmoid outputs) or bce (one sigmoid output)",
        "half": "for mse: true for E = 1/2 sum (o-t)^2, false for sum (o-t)^2 (default true)",
        "lr": "learning rate eta > 0",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        d = Draws(rng)  # one batch of draws: rng.integers costs 15-25 us a call
        D, H, O = d.choice(r["sizes"])
        hidden, loss = d.choice(r["hidden"]), "mse" if O > 1 else d.choice(r["loss"])
        while True:
            x = [d.choice(NONZERO_TENTHS) for _ in range(D)]  # one decimal in [-1, 1], none zero
            p = dict(x=x, W1=[d.weights(difficulty, D) for _ in range(H)], b1=d.weights(difficulty, H, -0.5, 0.5),
                     W2=[d.weights(difficulty, H) for _ in range(O)], b2=d.weights(difficulty, O, -0.5, 0.5))
            z1 = [sum(w * a for w, a in zip(row, x)) + b for row, b in zip(p["W1"], p["b1"])]
            # ReLU needs z1 away from its kink, and at least one live unit (else nothing flows back)
            if hidden == "relu" and (any(abs(z) < 0.05 for z in z1) or all(z < 0 for z in z1)):
                continue
            if any(w for row in p["W2"] for w in row) and any(w for row in p["W1"] for w in row):
                break
        t = [d.below(2) if loss == "bce" or difficulty == "easy" else num((1 + d.below(9)) / 10) for _ in range(O)]
        return dict(p, t=[num(v) for v in t], hidden=hidden, loss=loss, half=bool(d.choice(r["half"])),
                    lr=num(d.choice(r["lr"])))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        x = check_vec(params, "x")
        if len(x) > 4:
            raise ParamError("x", f"has {len(x)} inputs; give at most 4")
        W1 = self._mat(params, "W1", cols=len(x))
        H = len(W1)
        b1 = check_vec(params, "b1", length=H)
        W2 = self._mat(params, "W2", cols=H)
        O = len(W2)
        b2 = check_vec(params, "b2", length=O)
        t = check_vec(params, "t", length=O)
        loss = need_choice(params, "loss", ("mse", "bce"))
        if loss == "bce" and (O != 1 or not 0 <= t[0] <= 1):
            raise ParamError("t", "with bce the network has one output and t lies in [0, 1]")
        p = dict(x=x, W1=W1, b1=b1, W2=W2, b2=b2, t=t, hidden=need_choice(params, "hidden", ("sigmoid", "relu")),
                 loss=loss, half=need_bool(params, "half", default=True),
                 lr=num(need_float(params, "lr", minimum=1e-6, maximum=100)))
        if loss == "bce":
            z1 = [sum(w * a for w, a in zip(row, x)) + b for row, b in zip(W1, b1)]
            h = [_sig(z) if p["hidden"] == "sigmoid" else max(z, 0.0) for z in z1]
            z2 = sum(w * a for w, a in zip(W2[0], h)) + b2[0]
            # o written to 6 places must not be 0 or 1 (beyond |z2| ~ 14.5), or ln(o) or ln(1 - o)
            # of the worked steps is not a number (it was a ValueError traceback)
            shown = _inputs(x, t, W1, b1, W2, b2, hidden=p["hidden"], loss=loss, half=p["half"], lr=p["lr"])
            shown["R"] = lambda vec: [_carried6(a) for a in vec]
            _forward(shown)
            if abs(z2) > 30 or not 0.0 < shown["o"][0] < 1.0:
                raise ParamError("W2", f"the output saturates (z2 = {z2:.4g}), so the cross-entropy cannot be "
                                 f"worked by hand; use smaller weights")
        return p

    @staticmethod
    def _mat(params: Mapping[str, Any], name: str, cols: int) -> list[list[Any]]:
        m = np.asarray(params.get(name, []), dtype=object)
        try:
            m = np.asarray(m.tolist(), dtype=float)
        except (TypeError, ValueError):
            raise ParamError(name, "must be a matrix of numbers, e.g. [[0.1, 0.2], [0.3, 0.4]]") from None
        if m.ndim != 2 or m.shape[1] != cols or not 1 <= m.shape[0] <= 4:
            raise ParamError(name, f"must have 1 to 4 rows of {cols} numbers (one column per input)")
        if not np.all(np.isfinite(m)) or np.any(np.abs(m) > 100):
            raise ParamError(name, "values must be finite and lie in [-100, 100]")
        return [[num(v) for v in row] for row in m]

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        return FIELDS

    def statement(self, params: Mapping[str, Any]) -> Text:
        D, H, O = len(params["x"]), len(params["b1"]), len(params["b2"])
        hz, he = ("sigmoid", "sigmoid") if params["hidden"] == "sigmoid" else ("ReLU", "ReLU")
        if params["loss"] == "bce":
            lz = "二元交叉熵 E = −[t·ln o + (1−t)·ln(1−o)]（自然对数）"
            le = "binary cross-entropy E = -[t ln o + (1-t) ln(1-o)] (natural log)"
        elif params["half"]:
            lz, le = "均方误差 E = ½·Σ(o−t)²", "squared error E = 1/2 * sum (o-t)^2"
        else:
            lz, le = "均方误差 E = Σ(o−t)²（不带 ½）", "squared error E = sum (o-t)^2 (no 1/2)"
        W1, b1, W2, b2 = (mat_text(params[k]) if k[0] == "W" else vec_text(params[k]) for k in ("W1", "b1", "W2", "b2"))
        x, t, lr = vec_text(params["x"]), vec_text(params["t"]), fmt(params["lr"])
        return Text(
            f"一个 {D}-{H}-{O} 全连接网络：z1 = W1·x + b1，h = {hz}(z1)；z2 = W2·h + b2，o = sigmoid(z2)。"
            f"W1 的第 j 行是进入第 j 个隐藏神经元的权重。损失为{lz}。已知 x = {x}，t = {t}，W1 = {W1}，b1 = {b1}，"
            f"W2 = {W2}，b2 = {b2}，学习率 η = {lr}。做一次反向传播和梯度下降（W ← W − η·∂E/∂W，偏置也更新；"
            f"隐藏层误差项用更新前的 W2 计算）。求 h、o、E、输出层误差项 δ2 = ∂E/∂z2、隐藏层误差项 δ1 = ∂E/∂z1、"
            f"∂E/∂W2、∂E/∂W1 以及更新后的 W2、b2、W1、b1，保留 4 位小数（中间结果建议保留 6 位）。",
            f"A {D}-{H}-{O} fully connected network: z1 = W1 x + b1, h = {he}(z1); z2 = W2 h + b2, o = sigmoid(z2). "
            f"Row j of W1 holds the weights into hidden neuron j. The loss is the {le}. Given x = {x}, t = {t}, "
            f"W1 = {W1}, b1 = {b1}, W2 = {W2}, b2 = {b2} and learning rate eta = {lr}, do one step of "
            f"backpropagation and gradient descent (W <- W - eta * dE/dW; the biases are updated too; the "
            f"hidden deltas use W2 from before the update). Find h, o, E, the output deltas delta2 = dE/dz2, "
            f"the hidden deltas delta1 = dE/dz1, dE/dW2, dE/dW1 and the updated W2, b2, W1, b1, to 4 "
            f"decimal places (carry 6 in between).",
        )

    def _run(self, params: Mapping[str, Any], slip: str = "", **kw: Any) -> dict[str, Any]:
        return backprop_step(params["x"], params["t"], params["W1"], params["b1"], params["W2"], params["b2"],
                             hidden=params["hidden"], loss=params["loss"], half=params["half"], lr=params["lr"],
                             slip=slip, **kw)

    def solve(self, params: Mapping[str, Any]) -> Solution:
        right = _inputs(params["x"], params["t"], params["W1"], params["b1"], params["W2"], params["b2"],
                        hidden=params["hidden"], loss=params["loss"], half=params["half"], lr=params["lr"])
        right["R"] = _keep
        _forward(right)
        for stage in _STAGES:
            stage(right, "")
        answer = {k: _plain(right[k]) for k in OUT}
        # the steps write every intermediate to 6 places; a student carrying them reaches `carried`
        shown = self._run(params, r=_carried6)
        carried = {k: _plain(shown[k]) for k in OUT}
        slips = ["no_derivative", "updated_w2_first", "sign_of_update"]
        if params["hidden"] == "sigmoid" or params["loss"] == "mse":
            slips.append("derivative_of_z")
        slips.append("half_convention" if params["loss"] == "mse" else "bce_extra_derivative")
        if len(params["x"]) == len(params["b1"]):
            slips.append("outer_transposed")
        mistakes = [Mistake(s, Text(*SLIPS[s]), _differing(right, _slipped(right, s))) for s in slips]
        return Solution(answer, _steps(params, shown), mistakes, carried=carried)


def _slipped(right: Mapping[str, Any], slip: str) -> dict[str, Any]:
    """The values with ``slip``: the right ones up to the slip's first changed stage, then worked on."""
    wrong = dict(right)
    for stage in _STAGES[_STAGES.index(_FIRST_CHANGED[slip]):]:
        stage(wrong, slip)
    return wrong


def _same(a: Any, b: Any) -> bool:
    # plain loops (not all() over a generator, which costs a frame per call): a third faster
    if type(a) is list:
        if a and type(a[0]) is list:  # a matrix
            for ra, rb in zip(a, b):
                for x, y in zip(ra, rb):
                    if not abs(x - y) <= 1e-12:  # (a NaN is not the same, as in all())
                        return False
            return True
        for x, y in zip(a, b):
            if not abs(x - y) <= 1e-12:
                return False
        return True
    return abs(a - b) <= 1e-12


def _differing(right: Mapping[str, Any], wrong: Mapping[str, Any]) -> dict[str, Any]:
    """The fields where a slip changes the answer (the grader names a mistake on those); a value
    the slip did not work again (the same object) is the right one."""
    out = {k: _plain(wrong[k]) for k in OUT if wrong[k] is not right[k] and not _same(wrong[k], right[k])}
    return out or {"loss": _plain(wrong["loss"])}


def _m(m: Any) -> str:
    return "[" + ", ".join([_v(row) for row in m]) + "]"  # rows of floats


def _v(values: list) -> str:
    return carried_floats(values, CARRY)


def _steps(params: Mapping[str, Any], r: Mapping[str, Any]) -> list[Step]:
    act = "sigmoid" if params["hidden"] == "sigmoid" else "ReLU"
    v = _v
    lr = fmt(params["lr"])
    steps = [
        Step("前向：隐藏层。", "Forward: hidden layer.", f"z1 = W1 x + b1 = {v(r['z1'])};  h = {act}(z1) = {v(r['h'])}"),
        Step("前向：输出层。", "Forward: output layer.", f"z2 = W2 h + b2 = {v(r['z2'])};  o = sigmoid(z2) = {v(r['o'])}"),
    ]
    o, t = r["o"], [float(a) for a in params["t"]]
    if params["loss"] == "bce":
        steps.append(Step("损失（二元交叉熵）。", "Loss (binary cross-entropy).",
                          f"E = -[{fmt(t[0])}*ln({v(o)}) + {fmt(1 - t[0])}*ln(1 - {v(o)})] = {fmt(r['loss'], 6)}"))
        steps.append(Step("sigmoid 配交叉熵时导数相消：δ2 = o − t。", "With a sigmoid output and cross-entropy the "
                          "derivative cancels: delta2 = o - t.", f"delta2 = {v(o)} - {vec_text(t)} = {v(r['delta2'])}"))
    else:
        k, c = ("1/2 * ", "") if params["half"] else ("", "2 * ")
        steps.append(Step("损失（均方误差）。", "Loss (squared error).",
                          f"E = {k}sum (o - t)^2 = {fmt(r['loss'], 6)}"))
        steps.append(Step(f"输出层误差项：δ2 = {c}(o − t)·o(1 − o)。", f"Output deltas: delta2 = {c}(o - t) * o(1 - o).",
                          f"o - t = {v(r['o_t'])};  o(1 - o) = {v(r['sig_d'])};  delta2 = {v(r['delta2'])}"))
    fd = "h(1 − h)" if params["hidden"] == "sigmoid" else "1[z1 > 0]"
    fde = "h(1 - h)" if params["hidden"] == "sigmoid" else "1 where z1 > 0, else 0"
    steps += [
        Step(f"隐藏层误差项：δ1 = (W2ᵀ δ2) ⊙ {fd}，用更新前的 W2。",
             f"Hidden deltas: delta1 = (W2^T delta2) * {fde}, with W2 from before the update.",
             f"W2^T delta2 = {v(r['back'])};  f'(z1) = {v(r['f_d'])};  delta1 = {v(r['delta1'])}"),
        Step("梯度：∂E/∂W2 = δ2·hᵀ，∂E/∂W1 = δ1·xᵀ，偏置的梯度就是 δ。",
             "Gradients: dE/dW2 = delta2 h^T, dE/dW1 = delta1 x^T; the bias gradients are the deltas.",
             f"dE/dW2 = {_m(r['grad_W2'])};  dE/dW1 = {_m(r['grad_W1'])}"),
        Step(f"更新：参数 − η·梯度，η = {lr}。", f"Update: parameter - eta * gradient, eta = {lr}.",
             f"W2 = {_m(r['W2_new'])};  b2 = {v(r['b2_new'])};  W1 = {_m(r['W1_new'])};  b1 = {v(r['b1_new'])}"),
    ]
    return steps
