"""The speed-ups of the slow kinds (issue #11, benchmarks/bench_generate.py) changed no output.

Each hash covers the numbers of ``make_problem(kind, seed, d).to_dict()`` (see ``numbers``) as
sorted-key JSON for seeds 0-3 at every difficulty; the whole to_dict() was compared byte for byte
before and after each speed-up over 200 seeds per difficulty (all 60 kinds over 40). A kind whose output you change ON PURPOSE (new wording, a
new mistake, a rounding fix) needs its hash updated: run this file with QUIZAPP_PRINT_GOLDEN=1 -s.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from solvers import DIFFICULTIES, make_problem

GOLDEN = {
    "detection_pipeline": "ec3fdb6500b869d56b5c8ce3582fda83",
    "map": "20a87a1efe1f3ec47943155d4fb05459",
    "lstm_sequence": "02c8c583045a2d77bff04ac567c8b666",
    "nms": "7d62c2dac6b83350036cd26272d3d818",
    "backprop_step": "28ee58fa719eeefb291b012624103c35",
    "canny": "56548ac8f4e05fd74881bed0ae8ef882",
    "conv2d_manual": "52dea741f04e9a0db10d3a920dd7a1c5",
    "rmsprop": "06df28b8f2268602914f96aa8dd19189",
    "seg_metrics": "d5b82fa82cb6c7b89d25319976c9b36b",
    "lstm_step": "b5eaf9c6ebe2eb1e3c8c92e14b892903",
}


def numbers(item: dict) -> dict:
    """What the speed-ups could change: params, keys, exact and carried forms, the mistakes' values
    and the steps' working. Wording (question, labels, step sentences) is left out, so a change of
    words elsewhere does not trip this test."""
    return {k: item[k] for k in ("params", "answer", "exact", "carried")} | {
        "mistakes": [[m["id"], m["answer"]] for m in item["mistakes"]],
        "math": [s["math"] for s in item["solution"]]}


def digest(kind: str) -> str:
    h = hashlib.sha256()
    for d in DIFFICULTIES:
        for seed in range(4):
            line = json.dumps(numbers(make_problem(kind, seed, d).to_dict()), sort_keys=True, ensure_ascii=False)
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
