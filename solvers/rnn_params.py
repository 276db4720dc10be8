"""Parameter count of a recurrent layer: vanilla RNN, LSTM or GRU, stacked and bidirectional.

Per layer and direction, with G gate blocks (RNN 1, GRU 3, LSTM 4), input size I and hidden
size H, the weights are the input-to-hidden matrix (G*H x I) and the hidden-to-hidden matrix
(G*H x H); the biases are G*H numbers per bias vector (PyTorch ``nn.LSTM`` / ``nn.GRU`` /
``nn.RNN`` docs: ``weight_ih_l[k]``, ``weight_hh_l[k]``, ``bias_ih_l[k]``, ``bias_hh_l[k]``)::

    params(layer, direction) = G*H*(I + H) + n_b * G*H

``n_b`` is 2 in PyTorch (b_ih and b_hh), 1 in the textbook formulas and Keras' LSTM, 0 without
biases. Layer 1 reads the input (I = D); every higher layer reads the previous layer's output,
I = H, or I = 2H when the layer below is bidirectional (its two directions are concatenated).
PyTorch's own example ``nn.LSTM(10, 20, 2)`` has 2560 + 3360 = 5920 parameters.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._base import AnswerField, Kind, Mistake, Solution, Step, Text, need_bool, need_choice, need_int, register

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
CELL_NAMES = {"rnn": ("普通 RNN", "vanilla RNN"), "gru": ("GRU", "GRU"), "lstm": ("LSTM", "LSTM")}
BIASES = {"two": 2, "one": 1, "none": 0}

RANGES = {
    "easy": dict(cells=("lstm", "gru", "rnn"), D=(2, 3, 4, 5, 8, 10), H=(2, 3, 4, 5, 8, 10, 16), layers=(1,),
                 bidir=0.0, biases=("one", "two")),
    "medium": dict(cells=("lstm", "gru"), D=(8, 10, 16, 20, 32, 50), H=(10, 16, 20, 32, 64), layers=(1, 2),
                   bidir=0.4, biases=("one", "two", "two")),
    "hard": dict(cells=("lstm", "gru"), D=(16, 32, 50, 100, 128, 300), H=(32, 64, 100, 128, 256), layers=(2, 3),
                 bidir=0.6, biases=("one", "two", "two", "none")),
}


def rnn_layer_params(cell: str, input_size: int, hidden_size: int, biases: int = 2) -> int:
    """Parameters of one direction of one recurrent layer.

    >>> rnn_layer_params("lstm", 10, 20)        # PyTorch nn.LSTM(10, 20): 4*20*(10+20) + 2*80
    2560
    >>> rnn_layer_params("gru", 3, 2, biases=1)
    36
    """
    G = GATES[cell]
    return G * hidden_size * (input_size + hidden_size) + biases * G * hidden_size


def rnn_param_counts(cell: str, input_size: int, hidden_size: int, num_layers: int = 1,
                     bidirectional: bool = False, biases: int = 2) -> list[int]:
    """Parameters of each layer (both directions together) of a stacked recurrent network.

    >>> rnn_param_counts("lstm", 10, 20, 2)    # PyTorch's documented nn.LSTM(10, 20, 2)
    [2560, 3360]
    """
    dirs = 2 if bidirectional else 1
    return [dirs * rnn_layer_params(cell, input_size if k == 0 else dirs * hidden_size, hidden_size, biases)
            for k in range(num_layers)]


def _bias_text(biases: str, cell: str) -> tuple[str, str]:
    g = GATES[cell]
    blocks = "" if g == 1 else ("（每个门一份）", " (one per gate)")
    bz, be = blocks if blocks else ("", "")
    return {
        "two": (f"按 PyTorch 的约定，每层每个方向有两组偏置 b_ih 和 b_hh{bz}",
                f"following PyTorch, each layer and direction has two bias vectors, b_ih and b_hh{be}"),
        "one": (f"每层每个方向只有一组偏置{bz}（教材公式 / Keras 的约定）",
                f"each layer and direction has a single bias vector{be} (the textbook formula / Keras convention)"),
        "none": ("不使用偏置", "there are no biases"),
    }[biases]


@register
class RnnParams(Kind):
    id = "rnn_params"
    topic = "rnn"
    chapter = "ch9_rnn"
    title = Text("循环层参数量（LSTM / GRU / RNN）", "Parameters of a recurrent layer (LSTM / GRU / RNN)")
    description = "Parameters of a stacked, possibly bidirectional LSTM/GRU/RNN: G*H*(I+H) + biases per layer."
    params_help = {
        "cell": "rnn, gru or lstm",
        "input_size": "input features D, a whole number >= 1",
        "hidden_size": "hidden units H, a whole number >= 1",
        "num_layers": "stacked layers, 1 to 6 (default 1)",
        "bidirectional": "true/false (default false)",
        "biases": "bias vectors per layer and direction: two (PyTorch, default), one, none",
    }

    def generate(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        r = RANGES[difficulty]
        return dict(cell=str(rng.choice(r["cells"])), input_size=int(rng.choice(r["D"])),
                    hidden_size=int(rng.choice(r["H"])), num_layers=int(rng.choice(r["layers"])),
                    bidirectional=bool(rng.random() < r["bidir"]), biases=str(rng.choice(r["biases"])))

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return dict(cell=need_choice(params, "cell", tuple(GATES)),
                    input_size=need_int(params, "input_size", minimum=1, maximum=100_000),
                    hidden_size=need_int(params, "hidden_size", minimum=1, maximum=100_000),
                    num_layers=need_int(params, "num_layers", minimum=1, maximum=6, default=1),
                    bidirectional=need_bool(params, "bidirectional", default=False),
                    biases=need_choice(params, "biases", tuple(BIASES), default="two"))

    def fields(self, params: Mapping[str, Any]) -> tuple[AnswerField, ...]:
        out = [AnswerField("layer_1", Text("第 1 层参数量", "parameters of layer 1"), integer=True)]
        if params["num_layers"] > 1:
            out.append(AnswerField("layer_2", Text("第 2 层参数量", "parameters of layer 2"), integer=True))
            out.append(AnswerField("total", Text("总参数量", "total parameters"), integer=True, points=2.0))
        return tuple(out)

    def statement(self, params: Mapping[str, Any]) -> Text:
        cell, D, H, L, bi, b = (params[k] for k in ("cell", "input_size", "hidden_size", "num_layers",
                                                      "bidirectional", "biases"))
        cz, ce = CELL_NAMES[cell]
        bz, be = _bias_text(b, cell)
        dz = "双向" if bi else "单向"
        de = "bidirectional" if bi else "unidirectional"
        if L > 1:
            ask_zh = (f"共堆叠 {L} 层（第 2 层起以下一层的输出为输入{'，双向时两方向输出拼接' if bi else ''}）。"
                      f"求第 1 层、第 2 层的参数量和全部 {L} 层的总参数量。")
            ask_en = (f"{L} layers are stacked (each layer from the second reads the output of the layer below"
                      f"{', both directions concatenated' if bi else ''}). Find the parameters of layer 1, of "
                      f"layer 2, and of all {L} layers together.")
        else:
            ask_zh, ask_en = "只有 1 层。求该层的参数量。", "There is one layer. How many parameters does it have?"
        both_zh = "（两个方向合计）" if bi else ""
        both_en = " (both directions together)" if bi else ""
        return Text(
            f"一个{dz} {cz}，输入特征维数 D = {D}，隐藏单元数 H = {H}；{bz}。{ask_zh}{both_zh}",
            f"A {de} {ce} has input size D = {D} and hidden size H = {H}; {be}. {ask_en}{both_en}",
        )

    def solve(self, params: Mapping[str, Any]) -> Solution:
        cell, D, H, L, bi, b = (params[k] for k in ("cell", "input_size", "hidden_size", "num_layers",
                                                      "bidirectional", "biases"))
        G, nb, dirs = GATES[cell], BIASES[b], 2 if bi else 1
        layers = rnn_param_counts(cell, D, H, L, bi, nb)
        steps = [Step(f"{CELL_NAMES[cell][1]} 有 {G} 组门（权重块），每组有输入到隐藏 (H×I) 和隐藏到隐藏 (H×H) 两个矩阵。",
                      f"{'An' if cell == 'lstm' else 'A'} {CELL_NAMES[cell][1]} has {G} gate "
                      f"{'block' if G == 1 else 'blocks'}, each with an input-to-hidden (H x I) and a "
                      f"hidden-to-hidden (H x H) matrix.", f"G = {G}")]

        def layer_step(k: int, I: int, total: int) -> Step:
            one = rnn_layer_params(cell, I, H, nb)
            bias = f" + {nb}*{G}*{H}" if nb else ""
            times = f"; x{dirs} directions = {total}" if bi else ""
            return Step(f"第 {k} 层：输入维数 I = {I}。", f"Layer {k}: input size I = {I}.",
                        f"{G}*{H}*({I} + {H}){bias} = {one}{times}")

        steps.append(layer_step(1, D, layers[0]))
        if L > 1:
            steps.append(layer_step(2, dirs * H, layers[1]))
            steps.append(Step(f"第 2 层及以上各层参数相同；{L} 层相加。",
                              f"Layers 2 and up are alike; add up the {L} layers.",
                              " + ".join(map(str, layers)) + f" = {sum(layers)}"))
        answer = {"layer_1": layers[0]}
        if L > 1:
            answer |= {"layer_2": layers[1], "total": sum(layers)}

        def wrong(**kw: Any) -> dict[str, int]:
            a = dict(cell=cell, D=D, H=H, nb=nb, bi=bi, upper=None, G=None)
            a.update(kw)
            Gx = a["G"] or GATES[a["cell"]]
            d = 2 if a["bi"] else 1
            counts = []
            for k in range(L):
                I = a["D"] if k == 0 else (a["upper"] if a["upper"] is not None else d * a["H"])
                counts.append(d * (Gx * a["H"] * (I + a["H"]) + a["nb"] * Gx * a["H"]))
            out = {"layer_1": counts[0]}
            if L > 1:
                out |= {"layer_2": counts[1], "total": sum(counts)}
            return out

        mistakes = [
            Mistake("forgot_gates", Text(f"忘了乘门数 {G}，按普通 RNN 计算", f"forgot the {G} gate blocks (counted a "
                                         f"vanilla RNN)"), wrong(G=1)),
            Mistake("input_hidden_swapped", Text("输入维数和隐藏维数用反了", "swapped the input and hidden sizes"),
                    wrong(D=H, H=D, upper=dirs * D)),
            Mistake("forgot_hidden_weights", Text("只算了输入到隐藏的权重，漏了 H×H 的循环权重",
                                                  "counted only the input weights, not the H x H recurrent ones"),
                    {"layer_1": dirs * (G * H * D + nb * G * H)}),
        ]
        if cell == "gru":
            mistakes.append(Mistake("gru_four_gates", Text("把 GRU 当成 4 组门（LSTM）", "gave the GRU 4 gate blocks "
                                                           "like an LSTM"), wrong(G=4)))
        if cell == "lstm":
            mistakes.append(Mistake("lstm_three_gates", Text("LSTM 只算了 3 组（漏了候选值 g）",
                                                             "gave the LSTM only 3 blocks (forgot the candidate g)"),
                                    wrong(G=3)))
        if b == "two":
            mistakes.append(Mistake("bias_once", Text("偏置只算了一组（PyTorch 有 b_ih 和 b_hh 两组）",
                                                      "counted one bias vector (PyTorch has b_ih and b_hh)"),
                                    wrong(nb=1)))
        elif b == "one":
            mistakes.append(Mistake("bias_twice", Text("题目只有一组偏置却算了两组", "counted two bias vectors where "
                                                       "there is one"), wrong(nb=2)))
        else:
            mistakes.append(Mistake("added_bias", Text("题目说无偏置却加了偏置", "added biases though there are none"),
                                    wrong(nb=1)))
        if bi:
            mistakes.append(Mistake("forgot_directions", Text("双向忘了乘 2", "forgot to double for the two "
                                                              "directions"), wrong(bi=False, upper=2 * H)))
        if L > 1:
            mistakes.append(Mistake("upper_reads_input", Text("上层的输入维数仍用 D（应为下一层的输出）",
                                                              "used D as the input of the upper layers"),
                                    wrong(upper=D)))
            if bi:
                mistakes.append(Mistake("upper_input_h", Text("双向时上层输入用了 H（应为两方向拼接的 2H）",
                                                              "gave the upper layers input H, not the concatenated 2H"),
                                        wrong(upper=H)))
        return Solution(answer, steps, mistakes)
