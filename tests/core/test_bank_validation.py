"""Bad bank files are refused with file:line, the item's id and a sentence a teacher can act on."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from quizapp.core.bank.loader import check_bank, default_bank_dir, load_bank
from quizapp.core.errors import BankError

CHAPTERS = """\
chapters:
  - {id: ch1_cnn, number: 1, title: {zh: 卷积神经网络, en: CNNs}}
  - {id: ch8_detection, number: 8, title: {zh: 目标检测, en: Detection}}
memorise:
  - {id: iou-calculation, chapter: ch8_detection, title: {zh: IoU, en: IoU}}
"""

GOOD_ITEM = """\
  - id: cnn-pool-001
    type: single_choice
    difficulty: easy
    text: {zh: 最大池化取窗口内的什么值？, en: What does max pooling keep from each window?}
    choices:
      - {zh: 最大值, en: the maximum, correct: true}
      - {zh: 平均值, en: the mean}
      - {zh: 最小值, en: the minimum}
      - {zh: 中位数, en: the median}
    explanation: {zh: 最大池化保留每个窗口的最大响应。, en: Max pooling keeps the largest response in each window.}
"""


def make_bank(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "chapters.yaml").write_text(CHAPTERS, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    _, problems = check_bank(make_bank(tmp_path, files), check_kinds=True)
    return problems


def test_a_good_file_loads(tmp_path):
    bank = load_bank(make_bank(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM}))
    assert [q.id for q in bank.questions] == ["cnn-pool-001"]
    assert bank.questions[0].chapter == "ch1_cnn"


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = "chapter: ch1_cnn\nquestions:\n  - id: x\n    text: {zh: [unclosed, en: y}\n"
    problems = problems_of(tmp_path, {"broken.yaml": bad})
    assert len(problems) == 1
    assert "broken.yaml:" in problems[0] and "YAML syntax error" in problems[0]
    line = int(problems[0].split("broken.yaml:")[1].split(":")[0])
    assert 4 <= line <= 5


def test_unknown_field_suggests_the_right_name_with_line(tmp_path):
    text = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("difficulty: easy", "dificulty: easy")
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    p = problems[0]
    assert "a.yaml:5 at Question(id='cnn-pool-001')" in p
    assert "unknown field 'dificulty'" in p and "did you mean 'difficulty'?" in p


def test_single_choice_needs_exactly_one_correct_option(tmp_path):
    text = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("en: the mean}", "en: the mean, correct: true}")
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert "a.yaml:7 at Question(id='cnn-pool-001') -> " in problems[0]
    assert "exactly one correct option, got 2" in problems[0]


def test_missing_translation_is_named(tmp_path):
    text = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace(
        "en: What does max pooling keep from each window?}", "}").replace("? ,", "?")
    text = text.replace("text: {zh: 最大池化取窗口内的什么值？, }", "text: {zh: 最大池化取窗口内的什么值？}")
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert any("missing English translation ('en')" in p and "a.yaml:6" in p for p in problems), problems


def test_duplicate_ids_across_files(tmp_path):
    item = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM
    problems = problems_of(tmp_path, {"a.yaml": item, "b.yaml": item})
    assert len(problems) == 1
    assert "b.yaml:3 at Question(id='cnn-pool-001') -> id: 'cnn-pool-001' is already used at " in problems[0]
    assert problems[0].endswith("a.yaml:3")


def test_unknown_calculation_kind_suggests_a_real_one(tmp_path):
    text = """\
    chapter: ch8_detection
    questions:
      - id: det-iou-001
        type: calculation
        calculation: {kind: conv_ouput, difficulty: easy}
    """
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert "a.yaml:5 at Question(id='det-iou-001') -> " in problems[0]
    assert "no calculation kind 'conv_ouput'" in problems[0] and "did you mean 'conv_output'" in problems[0]


def test_fixed_params_are_checked_by_the_kind(tmp_path):
    text = """\
    chapter: ch1_cnn
    questions:
      - id: cnn-conv-009
        type: calculation
        calculation:
          kind: conv_output
          params: {input_size: 32, kernel_size: -3}
    """
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert "a.yaml:7" in problems[0] and "parameter 'kernel_size'" in problems[0]


def test_fill_blank_count_must_match_text(tmp_path):
    text = """\
    chapter: ch1_cnn
    questions:
      - id: cnn-fill-001
        type: fill_blank
        text: {zh: 卷积输出尺寸公式为 ____。, en: The output size is ____ and ____.}
        blanks: [{accept: ["(W-F+2P)/S+1"]}]
        explanation: {zh: 见公式。, en: See the formula.}
    """
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert "a.yaml:5" in problems[0] and "English text has 2 blank(s)" in problems[0]


def test_wrong_type_value_suggests(tmp_path):
    text = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("type: single_choice", "type: single_choise")
    problems = problems_of(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert "a.yaml:4" in problems[0] and "did you mean 'single_choice'" in problems[0]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    bad1 = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("difficulty: easy", "dificulty: easy")
    bad2 = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("cnn-pool-001", "cnn-pool-002").replace(
        "en: the mean}", "en: the mean, correct: true}")
    broken = "questions: [\n"
    problems = problems_of(tmp_path, {"a.yaml": bad1, "b.yaml": bad2, "c.yaml": broken})
    assert len(problems) == 3
    assert {p.split(":")[0].split("/")[-1] for p in problems} == {"a.yaml", "b.yaml", "c.yaml"}


def test_load_bank_never_half_loads(tmp_path):
    bad = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("type: single_choice", "type: nope")
    good = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("cnn-pool-001", "cnn-pool-002")
    with pytest.raises(BankError) as info:
        load_bank(make_bank(tmp_path, {"a.yaml": bad, "b.yaml": good}))
    assert "nothing was loaded" in info.value.message
    assert len(info.value.problems) == 1


def test_blueprint_asking_for_more_than_the_bank_holds(tmp_path):
    bp = """\
    id: tiny
    title: {zh: 小测, en: Tiny quiz}
    duration_minutes: 10
    total_points: 10
    sections:
      - id: choice
        title: {zh: 选择题, en: Multiple choice}
        draws:
          - {type: single_choice, count: 5, points: 2}
    """
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM,
                                      "blueprints/tiny.yaml": bp})
    assert len(problems) == 1
    assert "tiny.yaml:9" in problems[0]
    assert "asks for 5 single-choice item(s) but the bank holds 1" in problems[0]


def test_blueprint_points_must_add_up(tmp_path):
    bp = """\
    id: tiny
    title: {zh: 小测, en: Tiny quiz}
    duration_minutes: 10
    total_points: 100
    sections:
      - id: choice
        title: {zh: 选择题, en: Multiple choice}
        draws:
          - {type: single_choice, count: 1, points: 2}
    """
    problems = problems_of(tmp_path, {"a.yaml": "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM,
                                      "blueprints/tiny.yaml": bp})
    assert len(problems) == 1 and "add up to 2 points, not the 100 stated" in problems[0]


def test_not_utf8_and_empty_files(tmp_path):
    make_bank(tmp_path, {})
    (tmp_path / "latin1.yaml").write_bytes("chapter: ch1_cnn\nquestions: []\n# caf\xe9\n".encode("latin-1"))
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    _, problems = check_bank(tmp_path)
    assert any("latin1.yaml" in p and "not UTF-8" in p for p in problems)
    assert any("empty.yaml" in p and "empty" in p for p in problems)


def test_cli_validate_reports_and_fails(tmp_path, capsys):
    from quizapp.cli import main

    bad = "chapter: ch1_cnn\nquestions:\n" + GOOD_ITEM.replace("difficulty: easy", "dificulty: easy")
    root = make_bank(tmp_path, {"a.yaml": bad})
    assert main(["bank", "validate", str(root)]) == 1
    out = capsys.readouterr()
    assert "a.yaml:5 at Question(id='cnn-pool-001')" in out.out
    assert "1 problem found" in out.err


def test_cli_commands_refuse_a_broken_bank_with_one_sentence(tmp_path, capsys):
    from quizapp.cli import main

    root = make_bank(tmp_path, {"a.yaml": "questions: [\n"})
    assert main(["--bank", str(root), "bank", "stats"]) == 2
    err = capsys.readouterr().err
    assert "has 1 problem; nothing was loaded" in err and "Traceback" not in err


def test_schema_is_json_schema_with_forbidden_extras(capsys):
    import json

    from quizapp.cli import main

    assert main(["bank", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["Question"]["additionalProperties"] is False
    assert "single_choice" in json.dumps(schema)


def test_the_shipped_bank_validates():
    bank, problems = check_bank(default_bank_dir())
    assert problems == []
    assert bank is not None
