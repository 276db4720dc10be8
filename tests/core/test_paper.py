"""Papers from blueprints: deterministic per seed, no repeats, points as the blueprint says."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.errors import BankError
from quizapp.core.items import drill_item, realise
from quizapp.core.paper import build_paper, paper_code

CHAPTERS = """\
chapters:
  - {id: ch1_cnn, number: 1, weight: 0.5, title: {zh: 卷积神经网络, en: CNNs}}
  - {id: ch3_image_processing, number: 3, weight: 0.5, title: {zh: 图像处理, en: Image processing}}
"""


def tf_item(i: int, chapter: str) -> str:
    return f"""\
  - id: tf-{chapter[:3]}-{i:03d}
    type: true_false
    chapter: {chapter}
    text: {{zh: 陈述{i}, en: Statement {i}}}
    answer: {str(i % 2 == 0).lower()}
    explanation: {{zh: 解释{i}, en: Why {i}}}
"""


CALC = """\
  - id: cnn-conv-calc-001
    type: calculation
    chapter: ch1_cnn
    difficulty: hard
    calculation: {kind: conv_output}
  - id: cnn-compr-001
    type: comprehensive
    chapter: ch1_cnn
    points: 10
    text: {zh: 一个小网络, en: A small network}
    parts:
      - label: {zh: (1), en: (1)}
        points: 6
        calculation: {kind: conv_output, difficulty: easy}
      - label: {zh: (2), en: (2)}
        points: 4
        text: {zh: 为什么要填充？, en: Why pad?}
        key_points:
          - {zh: 保持尺寸, en: keeps the size, accept: {zh: ["尺寸"], en: ["size"]}}
"""

BLUEPRINT = """\
id: mini
title: {zh: 小测, en: Mini test}
duration_minutes: 15
total_points: 30
sections:
  - id: tf
    title: {zh: 判断题, en: True or false}
    draws: [{type: true_false, count: 6, points: 2}]
  - id: calc
    title: {zh: 计算题, en: Calculation}
    draws: [{type: calculation, count: 1, points: 8}]
  - id: comp
    title: {zh: 综合题, en: Comprehensive}
    draws: [{type: comprehensive, count: 1, points: 10}]
"""


@pytest.fixture()
def bank(tmp_path: Path):
    (tmp_path / "chapters.yaml").write_text(CHAPTERS, encoding="utf-8")
    items = "".join(tf_item(i, "ch1_cnn") for i in range(8)) + \
        "".join(tf_item(i, "ch3_image_processing") for i in range(8))
    (tmp_path / "a.yaml").write_text("questions:\n" + items + CALC, encoding="utf-8")
    (tmp_path / "blueprints").mkdir()
    (tmp_path / "blueprints" / "mini.yaml").write_text(BLUEPRINT, encoding="utf-8")
    return load_bank(tmp_path)


def snapshot(paper):
    return [(i.uid, i.points, i.text.en,
             i.problem.answer if i.problem else None,
             [p.problem.answer if p.problem else None for p in i.parts]) for i in paper.items()]


def test_same_seed_same_paper_and_other_seeds_differ(bank):
    a, b = build_paper(bank, "mini", 42), build_paper(bank, "mini", 42)
    assert snapshot(a) == snapshot(b)
    assert a.code == b.code == paper_code("mini", 42)
    others = {tuple(map(str, snapshot(build_paper(bank, "mini", s)))) for s in range(10)}
    assert len(others) > 5


def test_points_sections_and_no_repeats(bank):
    paper = build_paper(bank, "mini", 7)
    assert [s.id for s in paper.sections] == ["tf", "calc", "comp"]
    assert paper.total_points == 30
    assert [s.points for s in paper.sections] == [12, 8, 10]
    ids = [i.id for i in paper.items()]
    assert len(ids) == len(set(ids)) == 8
    assert paper.duration_minutes == 15


def test_comprehensive_parts_are_scaled_to_the_blueprint_points(bank):
    item = realise(bank.get("cnn-compr-001"), seed=3, points=20)
    assert [p.points for p in item.parts] == [12, 8]
    assert item.parts[0].problem is not None and item.parts[0].problem.kind == "conv_output"


def test_paper_code_is_stable_and_readable():
    assert paper_code("final", 1) == paper_code("final", 1)
    assert paper_code("final", 1) != paper_code("final", 2)
    code = paper_code("final", 123456)
    assert code.startswith("FINA-") and len(code) == 10
    assert not set(code[5:]) & set("01IO")


def test_a_blueprint_too_big_for_the_bank_is_one_sentence(bank, tmp_path):
    (tmp_path / "blueprints" / "mini.yaml").write_text(BLUEPRINT.replace("count: 6", "count: 60")
                                                       .replace("total_points: 30", "total_points: 138"),
                                                       encoding="utf-8")
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    assert any("asks for 60 true-false item(s) but the bank holds 16" in p for p in info.value.problems)


def test_unknown_blueprint_suggests(bank):
    with pytest.raises(BankError, match="Did you mean 'mini'"):
        build_paper(bank, "minni", 1)


def test_calculation_items_regenerate_from_their_seed(bank):
    q = bank.get("cnn-conv-calc-001")
    a, b = realise(q, 99), realise(q, 99)
    assert a.problem.params == b.problem.params and a.uid == "cnn-conv-calc-001@99"
    assert drill_item("conv_output", 5, "easy").problem.answer == drill_item("conv_output", 5, "easy").problem.answer


def test_the_shipped_final_paper_builds_for_many_seeds():
    bank = load_bank()
    if "final" not in bank.blueprints:
        pytest.fail("the shipped bank has no 'final' blueprint")
    for seed in range(20):
        paper = build_paper(bank, "final", seed)
        assert paper.total_points == 100
        ids = [i.id for i in paper.items()]
        assert len(ids) == len(set(ids))


def test_the_final_papers_choice_section_asks_two_small_calculations_as_choice():
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.items import grade_item

    bank = load_bank(None)
    for seed in (1, 2, 3):
        paper = build_paper(bank, "final", seed)
        choice = paper.sections[0]
        calc = [i for i in choice.items if i.choice is not None]
        assert len(calc) == 2 and choice.points == 30
        for item in calc:
            assert item.type == "single_choice" and item.points == 2 and item.problem is not None
            assert grade_item(item, {"choice": item.choice.correct_index}).correct
        again = build_paper(bank, "final", seed).sections[0].items
        assert [i.text for i in again] == [i.text for i in choice.items]
        assert [i.options for i in again] == [i.options for i in choice.items]


def test_as_choice_needs_a_calculation_draw():
    from pydantic import ValidationError

    from quizapp.core.bank.models import Draw

    with pytest.raises(ValidationError, match="as_choice"):
        Draw(type="single_choice", count=1, points=2, as_choice=True)
