"""Every LSTM run one problem needs, worked in lockstep: the right one, the one a student carrying
6 places gets (the *carried* key), the named slips and the reset-state slip.

Why lockstep: an LSTM problem used to run each of these 7-9 computations on its own, step by step,
with a dozen NumPy calls per step on 1-8 element arrays (a NumPy call costs a few microseconds, a
float operation in Python a few tens of nanoseconds). Here each time step makes four NumPy calls
for all runs together and does the rest in plain Python.

The numbers are bit for bit those of the NumPy forms (``rnn_cells.lstm_cell`` for the right run,
a stacked cell for the slips, ``carry`` after every shown value for the carried run):

* matrix products stay NumPy: a product of more than one row goes to BLAS, whose fused
  multiply-adds round differently from a Python sum in about half of all cases. ``np.matmul``
  over a stack makes the same BLAS call for every member, so one call serves all runs.
  A single row (H = 1) is NumPy's plain dot, the Python sum in order (checked on 180,000 rows);
* tanh stays NumPy: its SIMD tanh differs from ``math.tanh`` in the last bit for about a third
  of inputs, but gives the same value wherever an input sits in an array (checked), so one call
  per phase serves all runs;
* everything else (``0.5 + 0.5*tanh(x/2)`` for the sigmoid, ``f*c + i*g``, ``o*tanh(c)``) is one
  IEEE operation at a time, the same in Python as in NumPy.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from solvers._rounding import carry_list

GATES = ("f", "i", "g", "o")
CARRY = 6  # = rnn_cells.CARRY (the places the worked steps carry)

# The named slips, each computed with the four gates as one stacked matrix (as they always were)
SLIPS = ("forget_input_swapped", "sigmoid_for_g", "h_without_tanh", "forgot_c_prev", "concat_order")

_PY_DOT = 8  # a one-row product of up to this many terms is worked in Python (checked up to 9)


class _Products:
    """W_k [h; x] for the gates, per gate (as lstm_cell) or as one stacked matrix (as the slips)."""

    def __init__(self, W: Mapping[str, Any], H: int, n: int):
        self.H = H
        rows = [[float(v) for v in row] for k in GATES for row in W[k]]
        self.rows = rows if H == 1 and n <= _PY_DOT else None
        self.gates = np.array(rows, dtype=float).reshape(4, H, n)
        self.stacked = self.gates.reshape(4 * H, n)

    def per_gate(self, hxs: list[tuple]) -> list[list[float]]:
        if self.rows is not None:
            out = []
            for hx in hxs:
                flat = []
                for row in self.rows:
                    s = 0.0
                    for w, v in zip(row, hx):
                        s += w * v
                    flat.append(s)
                out.append(flat)
            return out
        # (R, 4, H, n) x (R, 1, n, 1): one BLAS gemv per run and gate, as W_k @ hx makes it
        prods = np.matmul(self.gates, np.array(hxs, dtype=float)[:, None, :, None])
        return prods.reshape(len(hxs), 4 * self.H).tolist()

    def stacked_rows(self, hxs: list[tuple]) -> list[list[float]]:
        prods = np.matmul(self.stacked, np.array(hxs, dtype=float)[:, :, None])
        return prods.reshape(len(hxs), 4 * self.H).tolist()


def _index(keys: dict, hx: list[float]) -> int:
    return keys.setdefault(tuple(hx), len(keys))


def lstm_runs(W: Mapping[str, Any], b: Mapping[str, Any], xs: list[list[float]], h0: list[float],
              c0: list[float], *, reset: bool = False) -> dict[str, list[dict[str, Any]]]:
    """For each run, its steps: dicts of f, i, g, o, c, h (lists of floats).

    Runs: "right", "carried" (whose steps also hold the shown "hx", "c_prev" and the carried
    pre-activations "pre"), each name of :data:`SLIPS` that fits (the reversed concatenation
    only when H = D) and, with ``reset``, "reset_state" (every step from h0, c0).

    >>> W = {k: [[0.0, 0.0]] for k in "figo"}
    >>> out = lstm_runs(W, {k: [1.0] if k == "g" else [0.0] for k in "figo"}, [[1.0], [1.0]], [0.0], [0.0])
    >>> [round(s["c"][0], 4) for s in out["right"]], out["carried"][0]["c"]
    ([0.3808, 0.5712], [0.380797])
    """
    H, D = len(h0), len(xs[0])
    P = _Products(W, H, H + D)
    b_all = [float(v) for k in GATES for v in b[k]]
    H2, H3 = 2 * H, 3 * H
    half = [0.5] * H2 + [1.0] * H + [0.5] * H  # what the gates' tanh takes of f, i, g, o
    slips = [s for s in SLIPS if s != "concat_order" or H == D]
    h0, c0 = [float(v) for v in h0], [float(v) for v in c0]
    state = {name: (h0, c0) for name in ("right", *slips)}
    state["carried"] = (carry_list(h0, CARRY), carry_list(c0, CARRY))
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in ("right", "carried", *slips)}
    if reset:
        out["reset_state"] = []
    for x in xs:
        x = [float(v) for v in x]
        # 1. the products, each distinct [h; x] once (at step 1 most runs share one)
        per, stk = {}, {}
        hx_of = {name: state[name][0] + x for name in ("right", "carried")}
        if reset:
            hx_of["reset_state"] = h0 + x
        at = {name: _index(per, hx) for name, hx in hx_of.items()}
        for s in slips:
            hx_of[s] = x + state[s][0] if s == "concat_order" else state[s][0] + x
            at[s] = _index(stk, hx_of[s])
        pre_per = [[a + c for a, c in zip(row, b_all)] for row in P.per_gate(list(per))]
        pre_stk = [[a + c for a, c in zip(row, b_all)] for row in P.stacked_rows(list(stk))] if stk else []
        pre_carried = carry_list(pre_per[at["carried"]], CARRY)
        # 2. the gates: one tanh call for every distinct row (sigmoid = 0.5 + 0.5*tanh(x/2));
        # f, i, o go in halved and g as it is (1.0 * v is v, bit for bit)
        args = [m * v for p in [*pre_per, pre_carried] for m, v in zip(half, p)]
        for p in pre_stk:  # the stacked cell: the sigmoid of all four, and tanh of g
            args += [0.5 * v for v in p] + p[H2:H3]
        t = np.tanh(np.array(args, dtype=float)).tolist()
        s = [0.5 + 0.5 * v for v in t]  # every value's sigmoid form, used where it is a sigmoid
        gates_per = []
        for r in range(0, 4 * H * (len(pre_per) + 1), 4 * H):
            gates_per.append((s[r:r + H], s[r + H:r + H2], t[r + H2:r + H3], s[r + H3:r + 4 * H]))
        gates_stk = []
        for r in range(4 * H * (len(pre_per) + 1), len(t), 5 * H):
            gates_stk.append((s[r:r + H], s[r + H:r + H2], s[r + H2:r + H3], s[r + H3:r + 4 * H],
                              t[r + 4 * H:r + 5 * H]))
        # 3. the cell states
        steps: dict[str, dict[str, Any]] = {}
        for name in ("right", "reset_state") if reset else ("right",):
            f, i, g, o = gates_per[at[name]]
            c_prev = c0 if name == "reset_state" else state[name][1]
            steps[name] = {"f": f, "i": i, "g": g, "o": o,
                           "c": [a * cp + e * q for a, cp, e, q in zip(f, c_prev, i, g)]}
        f, i, g, o = gates_per[-1]
        shown = carry_list(f + i + g + o, CARRY)
        f, i, g, o = shown[:H], shown[H:H2], shown[H2:H3], shown[H3:]
        cp = state["carried"][1]
        steps["carried"] = {"hx": hx_of["carried"], "c_prev": cp,
                            "pre": {k: pre_carried[n * H:(n + 1) * H] for n, k in enumerate(GATES)},
                            "f": f, "i": i, "g": g, "o": o,
                            "c": carry_list([a * c + e * q for a, c, e, q in zip(f, cp, i, g)], CARRY)}
        for s in slips:
            f0, i0, sg, o, tg = gates_stk[at[s]]
            g = sg if s == "sigmoid_for_g" else tg
            f, i = (i0, f0) if s == "forget_input_swapped" else (f0, i0)
            cp = state[s][1]
            if s == "forgot_c_prev":
                c = [0.0 + e * q for e, q in zip(i, g)]
            else:
                c = [a * c + e * q for a, c, e, q in zip(f, cp, i, g)]
            steps[s] = {"f": f0, "i": i0, "g": g, "o": o, "c": c}
        # 4. h = o * tanh(c): one tanh call for all runs
        need = [name for name in steps if name != "h_without_tanh"]
        tc = np.tanh(np.array([v for name in need for v in steps[name]["c"]], dtype=float)).tolist()
        for n, name in enumerate(need):
            st = steps[name]
            st["h"] = [a * v for a, v in zip(st["o"], tc[n * H:(n + 1) * H])]
        if "h_without_tanh" in steps:
            st = steps["h_without_tanh"]
            st["h"] = [a * v for a, v in zip(st["o"], st["c"])]
        steps["carried"]["h"] = carry_list(steps["carried"]["h"], CARRY)
        for name, st in steps.items():
            out[name].append(st)
            if name != "reset_state":
                state[name] = (st["h"], st["c"])
    return out
