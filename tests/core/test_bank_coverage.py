"""The shipped bank covers the syllabus: the checklist below is the review sheet, as data."""

from __future__ import annotations

from collections import Counter

import pytest

from quizapp.core.bank.loader import load_bank

# Each chapter of the review sheet, the minimum number of items it must have, and the topics
# (as words that must appear in some item's tags or English text) the sheet lists for it.
SYLLABUS = {
    "ch1_cnn": (80, ["receptive field", "pooling", "stride", "padding", "sigmoid", "relu", "tanh",
                     "dropout", "weight sharing", "local", "fully connected", "vgg", "inception",
                     "resnet", "alexnet", "lenet"]),
    "ch2_image_tasks": (15, ["classification", "semantic segmentation", "detection",
                             "instance segmentation", "graphics"]),
    "ch3_image_processing": (50, ["mean", "gaussian", "roberts", "prewitt", "sobel", "canny",
                                  "otsu", "erosion", "dilation", "opening", "closing"]),
    "ch4_classical": (10, ["hough", "template"]),
    "ch5_optimisation": (60, ["precision", "recall", "confusion", "overfitting", "vanishing",
                              "initiali", "batch norm", "momentum", "adam", "rmsprop",
                              "early stopping", "augmentation", "covariate", "elastic net",
                              "validation", "pretrained", "bayes", "clipping"]),
    "ch6_transfer": (18, ["fine-tun", "pretrain", "freez"]),
    "ch7_segmentation": (40, ["u-net", "u-net++", "deeplab", "dilat", "spp", "aspp", "skip"]),
    "ch8_detection": (45, ["iou", "nms", "yolo", "map", "anchor", "r-cnn", "one-stage",
                           "two-stage", "mask r-cnn"]),
    "ch9_rnn": (45, ["lstm", "gru", "forget gate", "input gate", "output gate", "cell state",
                     "bidirectional", "peephole", "bptt", "recursive", "leaky", "gated",
                     "clipping", "hochreiter"]),
}

# Syllabus topics that once had no or almost no items (issue #9), by topic tag: each needs at
# least three items of at least two question types, so the gaps stay filled.
GAP_TOPICS = ["internal-covariate-shift", "recursive-network", "leaky-unit", "gated-rnn",
              "elastic-net", "data-split", "pretrained-init", "bayes-error", "rnn-history",
              "gradient-clipping", "mask-rcnn"]

# Every review-sheet point marked 记忆 (memorise) or announced as a calculation question.
MEMORISE = [
    "dropout-vs-overfitting", "conv-output-formula", "edge-operators", "otsu-steps",
    "morphology-operations", "overfitting-remedies", "lstm-gates-vanishing-gradient",
    "unetpp-pruning", "dilated-conv-definition", "dilated-conv-advantages", "spp-procedure",
    "iou-calculation",
]

# The exam's calculation topics: the bank must hold calculation items of these kinds.
CALCULATION_KINDS = ["conv_output", "conv_params", "receptive_field", "iou", "nms", "sobel",
                     "otsu", "morphology", "confusion_metrics", "lstm_step", "gru_step"]


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_at_least_400_items(bank):
    assert len(bank.questions) >= 400


@pytest.mark.parametrize("chapter", sorted(SYLLABUS))
def test_chapter_has_its_share_and_its_topics(bank, chapter):
    minimum, topics = SYLLABUS[chapter]
    items = bank.by_chapter(chapter)
    assert len(items) >= minimum, f"{chapter}: {len(items)} items, want >= {minimum}"
    corpus = " ".join(" ".join(q.topics) + " " + (q.text.en if q.text else "") for q in items).lower()
    missing = [t for t in topics if t not in corpus]
    assert not missing, f"{chapter} never mentions {missing}"


def test_every_chapter_mixes_question_types(bank):
    for chapter in SYLLABUS:
        types = Counter(q.type for q in bank.by_chapter(chapter))
        assert {"single_choice", "true_false", "fill_blank", "short_answer"} <= set(types), (chapter, types)


@pytest.mark.parametrize("topic", GAP_TOPICS)
def test_every_former_gap_has_three_items_of_two_types(bank, topic):
    items = [q for q in bank.questions if topic in q.topics]
    assert len(items) >= 3, f"topic {topic}: {len(items)} items"
    assert len({q.type for q in items}) >= 2, f"topic {topic}: only {items[0].type} items"


@pytest.mark.parametrize("point", MEMORISE)
def test_every_memorise_point_has_three_items(bank, point):
    assert point in {m.id for m in bank.memorise}
    n = sum(point in q.memorise for q in bank.questions)
    assert n >= 3, f"memorise point {point}: {n} items"


def test_calculation_topics_are_drillable_from_the_bank(bank):
    used = {q.calculation.kind for q in bank.questions if q.calculation}
    used |= {p.calculation.kind for q in bank.questions for p in (q.parts or []) if p.calculation}
    assert not [k for k in CALCULATION_KINDS if k not in used]


def test_choice_items_explain_their_distractors(bank):
    unexplained = [q.id for q in bank.questions if q.type == "single_choice"
                   and sum(c.why is not None for c in q.choices if not c.correct) < 2]
    assert len(unexplained) <= len(bank.by_type("single_choice")) // 10, unexplained[:20]


def test_blueprints_exist_for_the_final_and_a_quiz(bank):
    final = bank.blueprint("final")
    points = {s.id: sum(d.count * d.points for d in s.draws) for s in final.sections}
    assert sum(points.values()) == 100
    assert sorted(points.values()) == [20, 20, 30, 30]
    assert "quiz" in bank.blueprints


def test_correct_options_are_not_always_in_the_same_place(bank):
    # Regression: every single-choice item once listed its right answer first ("always A").
    from collections import Counter

    for qtype in ("single_choice", "multiple_choice"):
        positions = Counter(i for q in bank.by_type(qtype) for i, c in enumerate(q.choices) if c.correct)
        total = sum(positions.values())
        assert max(positions.values()) <= 0.4 * total, (qtype, positions)
