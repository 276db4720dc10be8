"""`quizapp bank lint`: each item-writing rule catches its flaw and passes a well-written item."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizapp.cli import main
from quizapp.core.bank import lint
from quizapp.core.bank.glossary import Glossary, Term
from quizapp.core.bank.models import Question

NO_GLOSSARY = Glossary()
STRIDE = Glossary(terms=[Term(en="stride", zh="步幅", reject=["步长"])])


def single(*options, zh="最大池化取窗口内的什么值？", en="What does max pooling keep from each window?",
           correct=0, **extra) -> Question:
    """A single-choice item; options are (zh, en) pairs, ``correct`` the index of the key."""
    return Question.model_validate({
        "id": "t-item-001", "type": "single_choice", "chapter": "ch1_cnn",
        "text": {"zh": zh, "en": en},
        "choices": [{"zh": z, "en": e, "correct": i == correct} for i, (z, e) in enumerate(options)],
        "explanation": {"zh": "解释。", "en": "Because."}, **extra})


GOOD = single(("最大值", "the maximum"), ("平均值", "the mean"), ("最小值", "the minimum"),
              ("中位数", "the median"))


def findings(rule, q, glossary=NO_GLOSSARY):
    return list(rule(q, glossary))


def test_a_well_written_item_has_no_findings():
    assert list(lint.lint_question(GOOD, STRIDE)) == []


def test_display_width_counts_chinese_characters_twice():
    assert lint.display_width("最大值") == 6
    assert lint.display_width("max") == 3


def test_correct_option_conspicuously_longest():
    q = single(("保留窗口内响应最大的那个值，丢弃其余的值", "the largest response in the window, dropping the rest"),
               ("平均值", "the mean"), ("最小值", "the minimum"), ("中位数", "the median"))
    found = findings(lint.correct_option_longest, q)
    assert [loc for loc, _ in found] == [("choices", 0), ("choices", 0)]
    assert "Chinese" in found[0][1] and "English" in found[1][1]


def test_short_options_and_small_margins_are_no_cue():
    # "27×27" is longer than "7×7", but by two columns: numbers are no cue
    q = single(("27×27", "27×27"), ("7×7", "7×7"), ("5×5", "5×5"), ("9×9", "9×9"))
    assert findings(lint.correct_option_longest, q) == []
    # a key only a little longer than the next option is not flagged either
    q = single(("窗口内的最大响应值", "the largest value in it"), ("窗口内的平均响应", "the mean value of it"),
               ("最小值", "the minimum"), ("中位数", "the median"))
    assert findings(lint.correct_option_longest, q) == []


def test_multiple_choice_whose_keys_all_outgrow_the_distractors():
    q = Question.model_validate({
        "id": "t-multi-001", "type": "multiple_choice", "chapter": "ch1_cnn",
        "text": {"zh": "哪些正确？", "en": "Which hold?"}, "explanation": {"zh": "解释。", "en": "Because."},
        "choices": [
            {"zh": "池化层本身没有可学习的参数", "en": "A pooling layer has no learnable parameters", "correct": True},
            {"zh": "卷积层通过权值共享减少参数", "en": "Conv layers cut parameters by weight sharing", "correct": True},
            {"zh": "池化增加通道", "en": "Pooling adds depth"},
            {"zh": "卷积无偏置", "en": "No conv bias"}]})
    assert len(findings(lint.correct_option_longest, q)) == 2


@pytest.mark.parametrize("zh,en", [("以上都对", "the maximum"), ("最大值", "None of the above"),
                                   ("以上都不是", "neither"), ("最大值", "All of the above")])
def test_all_or_none_of_the_above(zh, en):
    q = single(("平均值", "the mean"), ("最小值", "the minimum"), ("中位数", "the median"), (zh, en),
               correct=3)
    assert [loc for loc, _ in findings(lint.all_or_none_of_the_above, q)] == [("choices", 3)]


def test_absolute_words_only_in_distractors():
    q = single(("最大值", "the maximum"), ("总是取平均值", "always the mean"),
               ("一定是最小值", "never anything but the minimum"), ("中位数", "the median"))
    found = findings(lint.absolute_words_only_in_distractors, q)
    assert len(found) == 2 and "always" in found[1][1]
    # the key using one too removes the cue
    q = single(("总是取最大值", "always the maximum"), ("总是取平均值", "always the mean"),
               ("一定是最小值", "never anything but the minimum"), ("中位数", "the median"))
    assert findings(lint.absolute_words_only_in_distractors, q) == []


def test_negative_stem_must_be_emphasised():
    q = single(("最大值", "the maximum"), ("平均值", "the mean"), ("最小值", "the minimum"),
               ("中位数", "the median"), zh="下列哪项不属于池化方式？", en="Which is not a kind of pooling?")
    assert [loc for loc, _ in findings(lint.negative_stem_not_emphasised, q)] == [
        ("text", "zh"), ("text", "en")]
    q = single(("最大值", "the maximum"), ("平均值", "the mean"), ("最小值", "the minimum"),
               ("中位数", "the median"), zh="下列哪项【不属于】池化方式？", en="Which is NOT a kind of pooling?")
    assert findings(lint.negative_stem_not_emphasised, q) == []


def test_key_point_earned_by_words_of_the_stem_is_refused_before_lint(tmp_path, capsys):
    short = """\
  - id: cnn-dropout-001
    type: short_answer
    text: {zh: 简述 dropout 的作用。, en: What does dropout do?}
    key_points:
      - zh: 随机丢弃神经元
        en: drops neurons at random
        accept: {zh: [丢弃], en: [dropout]}
    explanation: {zh: 解释。, en: Because.}
"""
    assert main(["bank", "lint", str(make_bank(tmp_path, short))]) == 1
    out = capsys.readouterr()
    assert "'dropout' is found in the question itself" in out.out and "does not validate" in out.err


def test_duplicate_options_after_normalising():
    q = single(("最大值", "the maximum"), ("平均值", "the mean"), ("最大值。", "The  maximum"),
               ("中位数", "the median"))
    assert [loc for loc, _ in findings(lint.duplicate_options, q)] == [("choices", 2), ("choices", 2)]


def test_chinese_and_english_saying_different_numbers():
    q = single(("5×5", "7×7"), ("3×3", "3×3"), ("9×9", "9×9"), ("11×11", "11×11"))
    found = findings(lint.languages_disagree, q)
    assert [loc for loc, _ in found] == [("choices", 0)] and "5 only in Chinese" in found[0][1]


def test_terminology_against_the_glossary_only_in_its_meaning():
    q = single(("步长为 2 的卷积", "a convolution with stride 2"), ("平均值", "the mean"),
               ("最小值", "the minimum"), ("中位数", "the median"))
    found = findings(lint.terminology, q, STRIDE)
    assert [loc for loc, _ in found] == [("choices", 0)] and "步幅" in found[0][1]
    # 步长 for an optimiser's step size is right: the English does not say stride
    q = single(("学习率即步长", "the learning rate is the step size"), ("平均值", "the mean"),
               ("最小值", "the minimum"), ("中位数", "the median"))
    assert findings(lint.terminology, q, STRIDE) == []


# ---------------------------------------------------------------------------------------------
# The command: file:line breadcrumbs, exit codes


CHAPTERS = "chapters:\n  - {id: ch1_cnn, number: 1, title: {zh: 卷积神经网络, en: CNNs}}\n"
ITEM = """\
  - id: cnn-pool-001
    type: single_choice
    text: {zh: 下列哪项不是池化方式？, en: Which is NOT a kind of pooling?}
    choices:
      - {zh: 全局最大池化, en: global max pooling}
      - {zh: 全局平均池化, en: global average pooling}
      - {zh: 步长为 2 的卷积, en: strided convolution, correct: true}
    explanation: {zh: 解释。, en: Because.}
"""
GLOSSARY = "terms:\n  - {en: stride, zh: 步幅, reject: [步长]}\n"


def make_bank(root: Path, item: str = ITEM, glossary: str | None = GLOSSARY) -> Path:
    (root / "chapters.yaml").write_text(CHAPTERS, encoding="utf-8")
    (root / "a.yaml").write_text("chapter: ch1_cnn\nquestions:\n" + textwrap.dedent(item),
                                 encoding="utf-8")
    if glossary is not None:
        (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    return root


def test_cli_lint_reports_file_line_and_fails(tmp_path, capsys):
    assert main(["bank", "lint", str(make_bank(tmp_path))]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(str(tmp_path / "a.yaml") + ":5 at Question(id='cnn-pool-001') -> "
                               "text -> zh: the Chinese stem") for line in out), out
    assert any(":9 at Question(id='cnn-pool-001') -> choices: 'stride' is 步幅" in line
               for line in out), out


def test_cli_lint_passes_a_clean_bank(tmp_path, capsys):
    clean = ITEM.replace("不是", "【不是】").replace("步长", "步幅")
    assert main(["bank", "lint", str(make_bank(tmp_path, clean))]) == 0
    assert "OK" in capsys.readouterr().out


def test_cli_lint_refuses_a_bank_that_does_not_validate(tmp_path, capsys):
    root = make_bank(tmp_path, glossary="terms:\n  - {en: stride, zh: 步幅}\n")
    assert main(["bank", "lint", str(root)]) == 1
    out = capsys.readouterr()
    assert "glossary.yaml" in out.out and "does not validate" in out.err


# ---------------------------------------------------------------------------------------------
# `bank stats`: the cue figures


TF = """\
  - id: cnn-tf-00{n}
    type: true_false
    text: {{zh: 陈述{n}。, en: Statement {n}.}}
    answer: {answer}
    explanation: {{zh: 解释。, en: Because.}}
"""


def test_cue_stats_count_longest_keys_truth_and_positions(tmp_path, capsys):
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.bank.stats import cue_stats

    tied = ITEM.replace("cnn-pool-001", "cnn-pool-002").replace("步长为 2 的卷积", "步幅卷积")
    multi = """\
  - id: cnn-multi-001
    type: multiple_choice
    text: {zh: 哪些是池化方式？, en: Which are kinds of pooling?}
    choices:
      - {zh: 全局平均池化, en: global average pooling, correct: true}
      - {zh: 最大池化, en: max pooling, correct: true}
      - {zh: 卷积, en: convolution}
    explanation: {zh: 解释。, en: Because.}
"""
    items = (ITEM + tied + multi
             + "".join(TF.format(n=n, answer=str(n < 3).lower()) for n in range(4)))
    bank = load_bank(make_bank(tmp_path, items))
    cues = cue_stats(bank)
    # ITEM's key is the longest in Chinese (15 columns against 12) and not in English; the second
    # item's key is shorter in Chinese (8 columns) and the same in English
    assert cues.single_choice == 2
    assert cues.longest == {"zh": 1, "en": 0}
    assert cues.longest_share == {"zh": 0.5, "en": 0.0}
    assert (cues.true_false, cues.true_count) == (4, 3)
    assert cues.positions["single_choice"] == {"C": 2}
    # keys average 10 columns in Chinese against 4, and 16.5 in English against 11: both longer
    assert (cues.multiple_choice, cues.multi_keys_longer) == (1, {"zh": 1, "en": 1})
    assert main(["bank", "stats", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "correct option the longest, Chinese: 1/2 single-choice items = 50%" in out
    assert "true/false items that are true: 3/4 = 75% (target 40%-60%)  OUT OF RANGE" in out


def test_a_topic_tag_without_a_name_is_a_finding_at_its_first_use(tmp_path, capsys):
    # Topic tags show on screens (picker, progress, the plan's reasons): one without a name in
    # chapters.yaml would show as its bare words in both languages.
    clean = ITEM.replace("不是", "【不是】").replace("步长", "步幅")
    tagged = clean.replace("    type: single_choice\n", "    type: single_choice\n    topics: [pooling, strided-conv]\n")
    root = make_bank(tmp_path, tagged)
    (root / "chapters.yaml").write_text(CHAPTERS + "topics:\n  pooling: {zh: 池化, en: pooling}\n",
                                        encoding="utf-8")
    assert main(["bank", "lint", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    named = [line for line in out if "has no name in chapters.yaml" in line]
    assert len(named) == 1 and "topics: 'strided-conv'" in named[0] and named[0].startswith(str(root / "a.yaml") + ":5 ")


def test_every_topic_of_the_shipped_bank_has_a_name_in_both_languages():
    from quizapp.core.bank.loader import load_bank

    bank = load_bank(None)
    used = {t for q in bank.questions for t in q.topics}
    assert used <= set(bank.topic_names), sorted(used - set(bank.topic_names))[:10]
    assert bank.topic_title("leaky-unit").zh == "渗漏单元"
    assert bank.topic_title("no-such-tag").en == "no such tag"  # a fallback, never a crash
