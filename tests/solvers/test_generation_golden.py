"""The speed-ups of the slow kinds (issue #11, benchmarks/bench_generate.py) changed no output.

Each hash covers ``make_problem(kind, seed, d).to_dict()`` as sorted-key JSON for seeds 0-3 at
every difficulty, recorded before the generators and solvers were made faster (the same check ran
over 200 seeds per difficulty by hand). A kind whose output you change ON PURPOSE (new wording, a
new mistake, a rounding fix) needs its hash updated: run this file with QUIZAPP_PRINT_GOLDEN=1 -s.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from solvers import DIFFICULTIES, make_problem

GOLDEN = {
    "detection_pipeline": "338524c059356616a2f8fa319f305252",
    "map": "fb809e519a879ce3c797b81343bef305",
    "lstm_sequence": "f0cbd7afee3398075961f51f86e2d292",
    "nms": "178dbaa13b17620007f133895c6d7a27",
    "backprop_step": "604f4da820237406dfed6411b55bc90d",
    "canny": "4e2899418b63ba41092ea77068e98a2a",
    "conv2d_manual": "6d580e75de43599d070744b730c1cd78",
    "rmsprop": "f9f5e046e1e2298bc8305867e22466a1",
    "seg_metrics": "e2857d461c1f1219f377fa8e5e648326",
    "lstm_step": "b921aa437e4e4c8f7634800ea6f62341",
}


def digest(kind: str) -> str:
    h = hashlib.sha256()
    for d in DIFFICULTIES:
        for seed in range(4):
            line = json.dumps(make_problem(kind, seed, d).to_dict(), sort_keys=True, ensure_ascii=False)
            h.update((line + "\n").encode())
    return h.hexdigest()[:32]


@pytest.mark.parametrize("kind", sorted(GOLDEN))
def test_output_unchanged_by_speed_ups(kind):
    got = digest(kind)
    if os.environ.get("QUIZAPP_PRINT_GOLDEN"):
        print(f'    "{kind}": "{got}",')
    assert got == GOLDEN[kind], (
        f"{kind}: generated problems differ from the recorded ones; if that change is intended, "
        f"update GOLDEN (QUIZAPP_PRINT_GOLDEN=1 -s)")
