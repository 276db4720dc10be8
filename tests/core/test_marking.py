"""The key-point matcher: phrase-level, negation-aware, roles kept apart, stem words never earn."""

from __future__ import annotations

import pytest

from quizapp.core.bank.models import KeyPoint
from quizapp.core.marking import suggest, suggested_ticks
from quizapp.core.phrasing import PhrasingError, clauses, compile_phrasing, find, fold

SPP = KeyPoint(zh="SPP 在每个格子里做最大池化", en="SPP max-pools each bin",
               accept={"zh": ["SPP .. {maxpool}"], "en": ["SPP .. {maxpool}"]},
               reject={"zh": ["SPP .. (空洞|膨胀)"], "en": ["SPP .. (dilat*|atrous)"]})
ASPP = KeyPoint(zh="ASPP 用不同扩张率的空洞卷积", en="ASPP uses dilated convolutions at several rates",
                accept={"zh": ["ASPP .. (空洞|膨胀|扩张)"], "en": ["ASPP .. (dilat*|atrous)"]},
                reject={"zh": ["ASPP .. {maxpool}"], "en": ["ASPP .. {maxpool}"]})
RF = KeyPoint(zh="扩大感受野", en="Enlarges the receptive field",
              accept={"zh": ["{increase} .. 感受野", "感受野 .. {increase}"],
                      "en": ["{increase} .. {rf}", "{rf} .. {increase}"]})
SAT = KeyPoint(zh="sigmoid 两端饱和，梯度接近 0", en="The sigmoid saturates at both ends",
               accept={"zh": ["饱和"], "en": ["saturat*"]})


@pytest.mark.parametrize("text", [
    "SPP uses max pooling in every bin; ASPP uses dilated convolutions.",
    "SPP 在每个格子内做最大池化，ASPP 使用空洞卷积。",
    "spp applies max-pooling to each bin and aspp applies atrous convolution",
])
def test_right_roles_earn_both(text):
    assert suggested_ticks([SPP, ASPP], text) == [True, True]


@pytest.mark.parametrize("text", [
    "SPP uses dilated convolution, ASPP uses max pooling.",
    "SPP uses dilated convolution and ASPP uses max pooling",
    "SPP 使用空洞卷积，ASPP 使用最大池化。",
    "SPP 用空洞卷积而 ASPP 用最大池化",
])
def test_swapped_roles_earn_nothing(text):
    assert suggested_ticks([SPP, ASPP], text) == [False, False]


def test_a_point_about_spp_is_not_earned_by_a_sentence_about_aspp():
    assert not suggest(SPP, "ASPP uses max pooling in every branch").earned
    assert not suggest(SPP, "ASPP 的每个分支都用最大池化").earned


@pytest.mark.parametrize("text", [
    "sigmoid has no saturation region",
    "sigmoid does not saturate",
    "sigmoid 没有饱和区",
    "sigmoid 不会饱和",
    "sigmoid 并不饱和",
])
def test_negation_withholds_the_tick(text):
    s = suggest(SAT, text)
    assert not s.earned and "negated" in s.why


@pytest.mark.parametrize("text", [
    "sigmoid saturates at both ends, so gradients vanish",
    "sigmoid 两端饱和，梯度几乎为 0",
    "Without care, the sigmoid saturates",  # the negation is in another clause
    "输入很大时 sigmoid 饱和，不同层的梯度连乘后消失",  # 不同 is no negation
])
def test_affirmed_statements_earn(text):
    assert suggest(SAT, text).earned


def test_negation_far_away_or_owned_by_the_phrasing():
    # "不需要池化" negates pooling, not the enlargement four characters later
    assert suggest(RF, "空洞卷积不需要池化就能扩大感受野").earned
    assert not suggest(RF, "空洞卷积并不能扩大感受野").earned
    assert not suggest(RF, "it does not enlarge the receptive field").earned
    assert suggest(RF, "without any pooling it still enlarges the receptive field").earned
    own = KeyPoint(zh="不增加参数", en="no extra parameters",
                   accept={"zh": ["不 {increase} {param}"], "en": ["no (extra|additional) {param}"]})
    assert suggest(own, "空洞卷积不增加参数").earned
    assert suggest(own, "there are no extra parameters").earned


def test_words_of_the_question_never_earn():
    kp = KeyPoint(zh="空洞卷积扩大感受野", en="dilation enlarges the receptive field",
                  accept={"zh": ["空洞卷积", "{increase} .. 感受野"], "en": ["dilated conv*"]})
    stem = "什么是空洞卷积？ What is a dilated convolution?"
    s = suggest(kp, "空洞卷积是一种卷积", stem)
    assert not s.earned and "question" in s.why
    assert suggest(kp, "空洞卷积能扩大感受野", stem).earned
    assert not suggest(kp, stem, stem).earned  # copying the stem


def test_contradicting_phrasing_withholds_and_says_which():
    s = suggest(SPP, "SPP uses max pooling but SPP also relies on dilated convolution")
    assert not s.earned and "contradicted" in s.why and "dilated" in s.why


def test_english_words_are_whole_words_with_endings():
    kp = KeyPoint(zh="池化", en="pooling", accept={"zh": ["池化"], "en": ["pool"]})
    assert suggest(kp, "we pool the map").earned and suggest(kp, "pooling").earned
    assert suggest(kp, "max-pooled maps").earned
    assert not suggest(kp, "a whirlpool").earned and not suggest(kp, "spool").earned
    relu = KeyPoint(zh="ReLU", en="ReLU", accept={"zh": ["relu"], "en": ["relu"]})
    assert not suggest(relu, "use PReLU").earned


def test_gaps_are_bounded_and_order_is_kept():
    kp = KeyPoint(zh="x", en="x", accept={"zh": ["编码器 .. 解码器"], "en": ["encoder .. decoder"]})
    assert suggest(kp, "the encoder feeds the decoder").earned
    assert not suggest(kp, "the decoder feeds the encoder").earned
    far = "the encoder " + "very " * 7 + "decoder"
    assert not suggest(kp, far).earned
    any_order = KeyPoint(zh="x", en="x", accept={"zh": ["编码器 & 解码器"], "en": ["encoder & decoder"]})
    assert suggest(any_order, "the decoder feeds the encoder").earned


def test_fold_and_clauses():
    assert fold("Fine-Tuning　ＲｅＬＵ") == "fine tuning relu"
    assert fold("梯度 消失") == "梯度消失"
    assert clauses("A, B; C。D 而 E while F") == ["a", " b", " c", "d ", " e ", " f"]
    assert clauses("0.5 is a value") == ["0.5 is a value"]


@pytest.mark.parametrize("bad", ["(a|b", "a)", "{nosuch}", " .. ", "a .. b & c", "(a|)"])
def test_bad_phrasings_are_refused(bad):
    with pytest.raises(PhrasingError):
        compile_phrasing(bad)


def test_hostile_input_is_bounded():
    kp = RF
    text = "扩大" * 50_000 + "感受野"
    assert isinstance(suggest(kp, text).earned, bool)  # read up to a limit, no hang
    assert find("a .. b .. c", "a " * 3000 + "b c") is not None
