"""Banks that used to pass `bank validate` and fail at use, or hang it (issue 13: C6, C7, H1, U1,
U3). Validation must reject everything that would fail later, each in one bounded sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.core.bank.loader import check_bank
from test_bank_validation import CHAPTERS, GOOD_ITEM, make_bank, problems_of

ROOT = Path(__file__).resolve().parents[2]

BLUEPRINT = """\
id: mini
title: {zh: 小测, en: Quiz}
duration_minutes: %s
sections:
  - id: a
    title: {zh: 选择, en: Choice}
    draws:
      - {type: single_choice, count: 1, points: %s}
"""


def _calc_item(params: str) -> str:
    return f"""\
  - id: cnn-calc-001
    type: calculation
    calculation: {{kind: conv_output, params: {params}}}
"""


@pytest.mark.parametrize("params", [
    "{input_size: 224, kernel_size: 3, stride: 1, padding: " + "1" + "0" * 400 + "}",
    "{input_size: 224, kernel_size: 3, stride: 1, padding: .inf}",
    "{input_size: .nan, kernel_size: 3, stride: 1, padding: 0}",
], ids=["padding 10**400", ".inf", ".nan"])
def test_fixed_params_that_cannot_be_built_are_refused(tmp_path, params):
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + _calc_item(params)})
    assert len(problems) == 1, problems
    assert "a.yaml:" in problems[0] and "cnn-calc-001" in problems[0]
    assert len(problems[0]) < 400


def test_dropout_p_keep_tiny_is_refused_or_builds(tmp_path):
    item = """\
  - id: cnn-calc-002
    type: calculation
    calculation: {kind: dropout_scaling, params: {p_keep: 1.0e-320}}
"""
    bank, problems = check_bank(make_bank(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + item}))
    if not problems:  # accepted: then it must really work as an item
        from quizapp.core.items import realise

        realise(bank.get("cnn-calc-002"), 1)


@pytest.mark.parametrize("minutes, points", [("1" + "0" * 400, "1"), (".inf", "1"), ("90", ".nan"),
                                             ("90", "-2"), ("90", ".inf"), ("-5", "1")],
                         ids=["10**400 min", "inf min", "nan points", "negative points",
                              "inf points", "negative minutes"])
def test_blueprint_durations_and_points_must_be_usable(tmp_path, minutes, points):
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM,
                                      "blueprints/mini.yaml": BLUEPRINT % (minutes, points)})
    assert len(problems) == 1 and "blueprints/mini.yaml" in problems[0], problems
    assert len(problems[0]) < 400


@pytest.mark.parametrize("weights", [(0, 0), (-1, 1)], ids=["all zero", "negative"])
def test_chapter_weights_must_leave_a_share(tmp_path, weights):
    bank = make_bank(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM})
    text = CHAPTERS.replace("title: {zh: 卷积神经网络, en: CNNs}}",
                            f"title: {{zh: 卷积神经网络, en: CNNs}}, weight: {weights[0]}}}")
    text = text.replace("title: {zh: 目标检测, en: Detection}}",
                        f"title: {{zh: 目标检测, en: Detection}}, weight: {weights[1]}}}")
    (bank / "chapters.yaml").write_text(text, encoding="utf-8")
    _, problems = check_bank(bank)
    assert len(problems) == 1 and "chapters.yaml" in problems[0] and "weight" in problems[0]


def test_a_zero_weight_chapter_can_still_fill_a_draw(tmp_path):
    from quizapp.core.paper import draw_questions
    from quizapp.core.bank.loader import load_bank
    import numpy as np

    bank = load_bank(make_bank(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM}))
    picked = draw_questions(bank.questions, 1, np.random.default_rng(1), {"ch1_cnn": 0.0})
    assert [q.id for q in picked] == ["cnn-pool-001"]


def test_a_key_given_twice_is_an_error(tmp_path):
    twice = GOOD_ITEM.replace("    difficulty: easy\n", "    difficulty: easy\n    difficulty: hard\n")
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + twice})
    assert len(problems) == 1 and "a.yaml:6" in problems[0] and "twice" in problems[0], problems


LAUGHS = """\
chapter: ch1_cnn
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
questions: *h
"""


def test_billion_laughs_is_refused_quickly_in_one_short_sentence(tmp_path):
    """Run in a subprocess with a memory cap: the landed code grew past 15 GiB here."""
    bank = make_bank(tmp_path, {"laughs.yaml": LAUGHS})
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
            "from quizapp.core.bank.loader import check_bank;"
            "_, p = check_bank(sys.argv[1]); print(len(p)); print(max(map(len, p)))")
    out = subprocess.run([sys.executable, "-c", code, str(bank)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    count, longest = map(int, out.stdout.split())
    assert count == 1 and longest < 400


def test_bad_values_are_summarised_not_repeated(tmp_path):
    huge = "[" + ", ".join(["x"] * 50_000) + "]"
    item = GOOD_ITEM.replace("    difficulty: easy\n", f"    difficulty: {huge}\n")
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + item})
    assert problems and all(len(p) < 400 for p in problems)
    assert any("a list of 50000 items" in p for p in problems), problems


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_chapters_symlink_loop_is_said_once(tmp_path):
    bank = make_bank(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace(
        "    difficulty: easy\n", "    difficulty: easy\n    memorise: [iou-calculation]\n"),
        "blueprints/mini.yaml": BLUEPRINT % ("90", "1")})
    (bank / "chapters.yaml").unlink()
    os.symlink("loop", bank / "chapters.yaml")
    os.symlink("chapters.yaml", bank / "loop")
    _, problems = check_bank(bank)
    assert len(problems) == 1, problems
    assert "chapters.yaml" in problems[0] and "symbolic link" in problems[0]
