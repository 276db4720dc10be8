"""Registry-wide checks: every registered kind x every difficulty x many seeds.

Each kind's own test module checks its maths against an independent computation; this one checks
the contract every kind shares (solvers/_base.py) and that the grader and the kind agree: the
right answer in every form a student may type is accepted, every listed mistake is rejected and
named, the worked steps show the answer, and a problem regenerates from its seed and its params.

``QUIZAPP_REGISTRY_SEEDS`` changes the number of seeds (default 60); the larger sweep marked
``slow`` runs only when ``QUIZAPP_SLOW=1``.
"""

from __future__ import annotations

import functools
import json
import math
import numbers
import os
import re
from pathlib import Path

import pytest
import yaml

from quizapp.core.answers import format_matrix_answer
from quizapp.core.grading import expected_text, grade_problem
from solvers import DIFFICULTIES, all_kinds, item_seed, make_problem, solve_params
from solvers._base import fmt, values_close
from solvers._rounding import Exact

N_SEEDS = int(os.environ.get("QUIZAPP_REGISTRY_SEEDS", "60"))
SLOW_SEEDS = 600
BASE_SEED = 20_240_601

KINDS = [k.id for k in all_kinds()]
CASES = [pytest.param(k, d, id=f"{k}-{d}") for k in KINDS for d in DIFFICULTIES]
ROOT = Path(__file__).resolve().parents[2]


def test_there_are_kinds():
    assert "conv_output" in KINDS


@functools.lru_cache(maxsize=None)
def problems(kind: str, difficulty: str, n: int = N_SEEDS) -> tuple:
    return tuple(make_problem(kind, item_seed(BASE_SEED, i), difficulty) for i in range(n))


# ---------------------------------------------------------------------------------------------
# Checks on one problem; each returns a list of failure descriptions (empty = fine).
# ---------------------------------------------------------------------------------------------

PLAIN = (int, float, str, bool, type(None), Exact)  # Exact: a float that knows its exact value


def _plain(value, path="") -> list[str]:
    """JSON-plain values only: no NumPy scalars or arrays, no tuples, finite floats."""
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in
                ([f"{path}: key {k!r} is not a str"] if not isinstance(k, str) else []) + _plain(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _plain(v, f"{path}[{i}]")]
    if type(value) not in PLAIN:
        return [f"{path}: {type(value).__name__} {value!r} is not a plain JSON value"]
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{path}: {value} is not finite"]
    return []


def _shape_errors(f, value) -> list[str]:
    def number(x, where):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            return [f"{f.name}{where}: {x!r} is not a finite number"]
        if f.integer and not isinstance(x, int):
            return [f"{f.name}{where}: integer field holds {type(x).__name__} {x!r}"]
        return []

    if f.shape == "scalar":
        return number(value, "")
    if f.shape == "vector":
        if not isinstance(value, list) or not value:
            return [f"{f.name}: a vector field holds {value!r}"]
        return [e for i, x in enumerate(value) for e in number(x, f"[{i}]")]
    if f.shape == "matrix":
        if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
            return [f"{f.name}: a matrix field holds {value!r}"]
        if len({len(r) for r in value}) != 1:
            return [f"{f.name}: ragged matrix {value!r}"]
        return [e for i, r in enumerate(value) for j, x in enumerate(r) for e in number(x, f"[{i}][{j}]")]
    return [f"{f.name}: unknown shape {f.shape!r}"]


def well_formed(p) -> list[str]:
    errors = []
    names = [f.name for f in p.fields]
    if not names or len(set(names)) != len(names):
        errors.append(f"field names {names} are empty or repeated")
    if set(names) != set(p.answer):
        errors.append(f"fields() {sorted(names)} != answer keys {sorted(p.answer)}")
    for f in p.fields:
        if f.name in p.answer:
            errors += _shape_errors(f, p.answer[f.name])
        if f.points <= 0 or (f.decimals is not None and not 0 <= f.decimals <= 8):
            errors.append(f"{f.name}: points {f.points} / decimals {f.decimals} out of range")
    errors += _plain(p.params, "params") + _plain(p.answer, "answer")
    try:
        json.dumps(p.to_dict(), allow_nan=False)
    except (TypeError, ValueError) as exc:
        errors.append(f"to_dict() is not JSON: {exc}")
    for m in p.mistakes:
        if not set(m.answer) <= set(names) or not m.answer:
            errors.append(f"mistake {m.id} names fields {sorted(m.answer)} not in {names}")
        if not (m.label.zh.strip() and m.label.en.strip()):
            errors.append(f"mistake {m.id} has an empty label")
    if not (p.question.zh.strip() and p.question.en.strip()):
        errors.append("empty statement")
    if not p.steps:
        errors.append("no worked steps")
    for i, s in enumerate(p.steps):
        if not (s.zh.strip() and s.en.strip()):
            errors.append(f"step {i + 1} lacks words in one language")
    return errors


_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:e([-+]?\d+))?(?![\w])")


def _tokens(text: str) -> list[tuple[float, int]]:
    """Every unsigned number written in a text, with its count of decimals."""
    text = text.replace("\u2212", "-")
    out = []
    for m in _NUMBER.finditer(text):
        digits, exp = m.group(1), m.group(2)
        decimals = len(digits.partition(".")[2])
        out.append((float(digits) * 10 ** int(exp or 0), decimals - int(exp or 0)))
    return out


def _shown(value: float, tokens, min_decimals: int) -> bool:
    """The number is written somewhere, exactly (whole numbers) or rounded to >= min_decimals."""
    v = abs(float(value))
    if abs(v - round(v)) < 1e-9:  # whole numbers (and float noise such as 5.6e-17 for 0)
        return any(t == round(v) for t, _ in tokens)
    return any(abs(t - v) <= 1e-9 * max(1.0, v)
               or (d >= min_decimals and abs(t - v) <= 0.5 * 10.0 ** (-d) + 1e-9) for t, d in tokens)


def steps_show_answer(p) -> list[str]:
    text = "\n".join(f"{s.math}\n{s.zh}\n{s.en}" for s in p.steps)
    tokens = _tokens(text)
    errors = []
    for f in p.fields:
        if f.name in p.exact and p.exact[f.name] in text:
            continue
        def flat(value):
            return value if f.shape == "vector" else ([x for r in value for x in r] if f.shape == "matrix" else [value])

        need = max(1, min(f.decimals if f.decimals is not None else 2, 2))
        # the steps may show the value carried at the instructed places instead (Problem.carried)
        carried = flat(p.carried[f.name]) if f.name in p.carried else [None] * len(flat(p.answer[f.name]))
        missing = sorted({x for x, c in zip(flat(p.answer[f.name]), carried)
                          if not _shown(x, tokens, need) and (c is None or not _shown(c, tokens, need))})
        if missing:
            errors.append(f"{f.name}: {missing[:4]} not shown in the worked steps")
    return errors


def statement_mentions_params(p) -> list[str]:
    """Numbers the student needs are in the statement: every numeric parameter other than 0 and
    1 (which a statement may leave unsaid, e.g. "no padding", stride 1), and every number of a
    list or matrix parameter. Word parameters (norm="l1") may be translated, so are not checked."""
    tokens = _tokens(p.question.zh) + _tokens(p.question.en)
    errors = []
    for name, value in p.params.items():
        if isinstance(value, bool) or isinstance(value, str):
            continue
        flat = value if isinstance(value, list) else [value]
        while flat and isinstance(flat[0], list):
            flat = [x for r in flat for x in r]
        nums = {float(x) for x in flat if isinstance(x, numbers.Real) and not isinstance(x, bool)}
        if not isinstance(value, list):
            nums -= {0, 1}
        missing = sorted(x for x in nums if not _shown(x, tokens, 1))
        if missing:
            errors.append(f"param {name}: {missing[:4]} not in the statement")
    return errors


def answer_forms(f, value, exact: str | None) -> list[str]:
    """Ways a student may rightly type the answer of field ``f``."""
    d = 0 if f.integer else f.decimals
    forms = [expected_text(f, value)]  # what the app shows as the model answer
    if f.shape == "scalar":
        forms.append(str(int(value)) if f.integer else repr(float(value)))
        if d is not None:
            forms.append(f"{value:.{d + 2}f}")
        if exact and len(exact) <= 40:  # something a student could type, e.g. 7/25, 2*sqrt(2)/3
            forms.append(exact)
    elif f.shape == "vector":
        items = [fmt(x, d) for x in value]
        forms += [" ".join(items), "(" + ", ".join(items) + ")", "[" + ",".join(items) + "]"]
    else:
        forms += [format_matrix_answer(value, d),
                  "[" + ", ".join("[" + ", ".join(fmt(x, d) for x in r) + "]" for r in value) + "]",
                  "\n".join(" ".join(fmt(x, d) for x in r) for r in value)]
    return forms


def _typed(f, value) -> str:
    """A value typed at full precision (mistake values are compared as they are)."""
    if f.shape == "scalar":
        return repr(value) if isinstance(value, float) else str(value)
    if f.shape == "vector":
        return "[" + ", ".join(repr(float(x)) for x in value) + "]"
    return "[" + ", ".join("[" + ", ".join(repr(float(x)) for x in r) + "]" for r in value) + "]"


def grader_agrees(p) -> list[str]:
    errors = []
    right = dict(p.answer)  # the other fields as numbers: only the field under test is parsed
    for f in p.fields:
        for form in answer_forms(f, p.answer[f.name], p.exact.get(f.name)):
            g = grade_problem(p, {**right, f.name: form})
            if not g.correct:
                errors.append(f"{f.name}: the right answer typed as {form!r} was marked "
                              f"{'malformed: ' + g.message if g.malformed else 'wrong'}")
    by_name = {f.name: f for f in p.fields}
    for m in p.mistakes:
        wrong = {k: _typed(by_name[k], v) for k, v in m.answer.items() if k in by_name}
        g = grade_problem(p, {**right, **wrong})
        if g.malformed:
            errors.append(f"mistake {m.id}: its answer {wrong} could not be read: {g.message}")
        elif not g.correct and m.id not in [x.id for x in g.mistakes]:
            errors.append(f"mistake {m.id}: {wrong} is marked wrong but not named")
        # (a mistake the grader accepts is reported by mistakes_distinct_at_the_asked_rounding)
    return errors


def mistakes_distinct_at_the_asked_rounding(p) -> list[str]:
    """A listed mistake must give a wrong answer at the precision the statement asks for;
    otherwise the student who made it is marked right and the catalogue claims otherwise."""
    right = {f.name: expected_text(f, p.answer[f.name]) for f in p.fields}
    by_name = {f.name: f for f in p.fields}
    errors = []
    for m in p.mistakes:
        wrong = {k: _typed(by_name[k], v) for k, v in m.answer.items() if k in by_name}
        if grade_problem(p, {**right, **wrong}).correct:
            errors.append(f"mistake {m.id}: {wrong} rounds to the right answer "
                          f"{ {k: right[k] for k in wrong} }")
    return errors


def regenerates(p) -> list[str]:
    errors = []
    again = make_problem(p.kind, p.seed, p.difficulty)
    if again.to_dict() != p.to_dict():
        errors.append("make_problem is not deterministic for this seed")
    solved = solve_params(p.kind, p.params)
    if not all(values_close(solved.answer.get(k), v) for k, v in p.answer.items()):
        errors.append(f"solve_params(params) gives {solved.answer}, generated {p.answer}")
    if solved.question != p.question or solved.fields != p.fields:
        errors.append("solve_params(params) states a different question or fields")
    return errors


def run(check, kind: str, difficulty: str, n: int = N_SEEDS) -> None:
    failures = []
    for p in problems(kind, difficulty, n):
        failures += [f"seed {p.seed}: {e}" for e in check(p)]
    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:8])


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_answers_are_well_formed(kind, difficulty):
    run(well_formed, kind, difficulty)


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_statements_vary_with_the_seed(kind, difficulty):
    ps = problems(kind, difficulty)
    assert len({p.question.zh for p in ps}) > 1 and len({p.question.en for p in ps}) > 1
    assert len({json.dumps(p.params, sort_keys=True) for p in ps}) > 1


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_statement_mentions_the_params(kind, difficulty):
    run(statement_mentions_params, kind, difficulty)


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_worked_steps_show_the_answer(kind, difficulty):
    run(steps_show_answer, kind, difficulty)


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_grader_accepts_every_right_form_and_names_every_mistake(kind, difficulty):
    run(grader_agrees, kind, difficulty)


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_every_mistake_is_wrong_at_the_asked_rounding(kind, difficulty):
    run(mistakes_distinct_at_the_asked_rounding, kind, difficulty)


@pytest.mark.parametrize("kind, difficulty", CASES)
def test_problem_regenerates_from_seed_and_params(kind, difficulty):
    run(regenerates, kind, difficulty, n=min(N_SEEDS, 20))


def test_mistakes_exist_somewhere():
    # a kind with no catalogue of mistakes at any difficulty gives students no named feedback
    bare = [k for k in KINDS if not any(p.mistakes for d in DIFFICULTIES for p in problems(k, d))]
    assert not bare, f"kinds without any common mistake: {bare}"


@pytest.mark.parametrize("kind", KINDS)
def test_kind_metadata(kind):
    from solvers import get_kind

    k = get_kind(kind)
    chapters = {c["id"] for c in yaml.safe_load((ROOT / "question_bank/chapters.yaml").read_text(
        encoding="utf-8"))["chapters"]}
    assert k.chapter in chapters, f"{kind}: chapter {k.chapter!r} is not in chapters.yaml"
    assert re.fullmatch(r"[a-z][a-z0-9_]*", k.id)
    assert k.title.zh.strip() and k.title.en.strip() and k.topic.strip()
    assert k.description.strip() and "\n" not in k.description and len(k.description) <= 120
    assert all(name.strip() and text.strip() for name, text in k.params_help.items())
    # every generated parameter is documented for `quizapp solve`
    params = set(problems(kind, "medium")[0].params)
    assert params <= set(k.params_help), f"undocumented params: {sorted(params - set(k.params_help))}"


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("QUIZAPP_SLOW"), reason="set QUIZAPP_SLOW=1 for the big sweep")
@pytest.mark.parametrize("kind, difficulty", CASES)
def test_large_sweep(kind, difficulty):
    checks = (well_formed, steps_show_answer, grader_agrees, mistakes_distinct_at_the_asked_rounding)
    run(lambda p: [e for c in checks for e in c(p)], kind, difficulty, n=SLOW_SEEDS)


def test_the_checks_themselves_catch_broken_problems():
    """Each check above must be able to fail: feed it a deliberately broken problem."""
    import dataclasses

    import numpy as np

    from solvers import Mistake, Step, Text

    good = make_problem("conv_output", 3, "medium")
    out = good.answer["output_size"]
    assert not (well_formed(good) or steps_show_answer(good) or grader_agrees(good)
                or statement_mentions_params(good) or regenerates(good))
    broken = dataclasses.replace(
        good, answer={"output_size": np.int64(out), "extra": 1.0},
        params={**good.params, "input_size": np.int64(99999)},
        steps=[Step("只有文字", "words only", "")],
        mistakes=[Mistake("same", Text("同", "same"), {"output_size": out}),
                  Mistake("ghost", Text("幽灵", "ghost"), {"nope": 1})])
    assert any("answer keys" in e for e in well_formed(broken))
    assert any("not a plain JSON value" in e for e in well_formed(broken))
    assert any("names fields" in e for e in well_formed(broken))
    assert any("not in the statement" in e for e in statement_mentions_params(broken))
    hidden = dataclasses.replace(good, steps=[Step("只有文字", "words only", "")])
    assert steps_show_answer(hidden)
    assert mistakes_distinct_at_the_asked_rounding(dataclasses.replace(broken, answer=good.answer))
    unnamed = dataclasses.replace(good, mistakes=[Mistake("m", Text("错", "wrong"), {"output_size": out + 1})])
    renamed = dataclasses.replace(unnamed, fields=(dataclasses.replace(good.fields[0], decimals=None),))
    assert not grader_agrees(renamed)  # decimals on an integer field change nothing
    assert regenerates(dataclasses.replace(good, answer={"output_size": out + 1}))
