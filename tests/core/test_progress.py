"""Progress aggregation: accuracy, weakest-first order, trend, change."""

from __future__ import annotations

import numpy as np
import pytest

from quizapp.core.progress import rolling_mean, summarise
from quizapp.core.storage import Attempt, Storage


def _a(at, chapter, score, kind=None, mode="practice", topics=()):
    return Attempt(at=at, mode=mode, item_uid=f"u{at}", chapter=chapter, type="calculation" if kind else "single_choice",
                   score=score, correct=score == 1.0, response={}, kind=kind, topics=list(topics))


def test_accuracy_counts_partial_credit_and_orders_weakest_first():
    attempts = [_a(1, "ch1", 1.0), _a(2, "ch1", 0.5), _a(3, "ch2", 0.0), _a(4, "ch2", 0.0),
                _a(5, "ch3", 1.0, kind="iou"), _a(6, "ch3", 0.0, kind="otsu")]
    p = summarise(attempts, chapters=[("ch1", "one"), ("ch2", "two"), ("ch3", "three"), ("ch9", "nine")])
    by = {s.key: s for s in p.by_chapter}
    assert by["ch1"].accuracy == pytest.approx(0.75) and by["ch1"].right == 1
    assert by["ch2"].accuracy == 0.0 and by["ch3"].attempts == 2
    assert [s.key for s in p.by_chapter] == ["ch2", "ch3", "ch1", "ch9"]  # untried last
    assert by["ch9"].attempts == 0 and by["ch9"].label == "nine"
    assert [s.key for s in p.by_kind] == ["otsu", "iou"]
    assert p.total.attempts == 6 and p.total.accuracy == pytest.approx(2.5 / 6)
    assert p.by_mode["practice"].attempts == 6


def test_smoothing_ranks_one_lucky_answer_below_many_good_ones():
    attempts = [_a(1, "lucky", 0.0)] + [_a(2 + i, "solid", 1.0 if i % 10 else 0.0) for i in range(20)]
    attempts.append(_a(100, "lucky2", 1.0))
    p = summarise(attempts)
    order = [s.key for s in p.by_chapter]
    assert order.index("lucky2") < order.index("solid")  # one right answer is not yet "strong"


def test_summarise_matches_brute_force_on_random_histories():
    rng = np.random.default_rng(3)
    for _ in range(100):
        n = int(rng.integers(1, 40))
        chs = [f"c{int(rng.integers(0, 4))}" for _ in range(n)]
        scores = [float(rng.choice([0.0, 0.5, 1.0])) for _ in range(n)]
        ats = rng.permutation(n).astype(float)
        attempts = [_a(ats[i], chs[i], scores[i]) for i in range(n)]
        p = summarise(attempts)
        for s in p.by_chapter:
            mine = [scores[i] for i in range(n) if chs[i] == s.key]
            assert s.attempts == len(mine)
            assert s.accuracy == pytest.approx(sum(mine) / len(mine))
            in_time = [scores[i] for i in np.argsort(ats) if chs[i] == s.key]
            assert s.scores == in_time  # oldest first whatever the input order
        keys = [s.smoothed for s in p.by_chapter]
        assert keys == sorted(keys)


def test_rolling_mean_and_change():
    assert rolling_mean([1, 0, 1, 1], 2) == [1.0, 0.5, 0.5, 1.0]
    p = summarise([_a(i, "c", 0.0) for i in range(10)] + [_a(10 + i, "c", 1.0) for i in range(10)])
    s = p.by_chapter[0]
    assert s.change == pytest.approx(1.0)
    assert s.trend[-1] == 1.0 and s.trend[0] == 0.0
    few = summarise([_a(1, "c", 1.0), _a(2, "c", 0.0)]).by_chapter[0]
    assert few.change is None


def test_load_from_storage(tmp_path):
    from quizapp.core.progress import load_progress

    s = Storage.open(tmp_path / "p.db")
    s.record_attempt(_a(1, "ch1_cnn", 1.0))
    s.record_attempt(_a(2, "ch1_cnn", 0.0))
    p = load_progress(s)
    assert p.by_chapter[0].key == "ch1_cnn" and p.by_chapter[0].accuracy == 0.5


def test_topics_counted_once_per_attempt_and_weakest_listed():
    attempts = [_a(1, "c", 1.0, topics=["iou", "nms"]), _a(2, "c", 0.0, topics=["iou"]),
                _a(3, "c", 0.0, topics=["nms"]), _a(4, "c", 0.0, topics=["nms"])]
    p = summarise(attempts)
    by = {s.key: s for s in p.by_topic}
    assert by["iou"].attempts == 2 and by["iou"].accuracy == 0.5
    assert by["nms"].attempts == 3 and by["nms"].accuracy == pytest.approx(1 / 3)
    assert [s.key for s in p.by_topic] == ["nms", "iou"]
    assert p.weakest[0].key in ("nms", "c")  # the weakest of any grouping comes first
    assert all(a.smoothed <= b.smoothed for a, b in zip(p.weakest, p.weakest[1:]))


def test_frequent_mistakes_counts_each_answer_once_and_ranks_by_count():
    from quizapp.core.progress import frequent_mistakes

    def att(at, kind, mistakes):
        a = _a(at, "ch1", 0.0 if mistakes else 1.0, kind=kind)
        a.mistakes = list(mistakes)
        return a

    attempts = ([att(i, "conv_output", ["forgot_plus_one"]) for i in range(4)]
                + [att(10 + i, "conv_output", []) for i in range(5)]
                + [att(20, "iou", ["union_twice", "union_twice"]), att(21, "iou", ["one_box"]),
                   att(22, "iou", ["union_twice"]), att(23, None, ["x"])])
    rows = frequent_mistakes(attempts, limit=3)
    assert [(r.kind, r.mistake, r.count, r.attempts) for r in rows] == [
        ("conv_output", "forgot_plus_one", 4, 9), ("iou", "union_twice", 2, 3), ("iou", "one_box", 1, 3)]


def test_mistake_labels_come_from_the_engine():
    from quizapp.core.progress import mistake_label

    assert mistake_label("conv_output", "forgot_plus_one").en == "forgot the +1"
    assert mistake_label("conv_output", "no_such_mistake") == "no_such_mistake"
    assert mistake_label("no_such_kind", "x") == "x"
