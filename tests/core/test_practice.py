"""Practice, drills and the mistake book over the tiny fixture bank."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.errors import InputError
from quizapp.core.practice import PracticeSession
from quizapp.core.review import ReviewSession
from quizapp.core.storage import Storage

BANK = Path(__file__).parents[1] / "tui" / "fixtures" / "bank"


@pytest.fixture(scope="module")
def bank():
    return load_bank(BANK)


@pytest.fixture
def storage(tmp_path):
    return Storage.open(tmp_path / "p.db", clock=lambda: 1000.0)


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t


def right_response(item):
    """The right answer, built from the item (not from the grader)."""
    q = item.question
    if item.type == "single_choice":
        return {"choice": [c.correct for c in q.choices].index(True)}
    if item.type == "multiple_choice":
        return {"choices": [i for i, c in enumerate(q.choices) if c.correct]}
    if item.type == "true_false":
        return {"value": q.answer}
    if item.type == "fill_blank":
        return {"blanks": [b.accept[0] for b in q.blanks]}
    if item.type == "short_answer":
        return {"text": "x", "ticked": [True] * len(q.key_points)}
    if item.type == "calculation":
        return {"fields": {k: str(v) for k, v in item.problem.answer.items()}}
    raise AssertionError(item.type)


def test_chapter_practice_covers_every_question_before_repeating(bank, storage):
    s = PracticeSession(bank, storage, mode="chapter", target="ch1_cnn", seed=1)
    n = len(bank.by_chapter("ch1_cnn"))
    first_round = [s.next_item().id for _ in range(n)]
    assert sorted(first_round) == sorted(q.id for q in bank.by_chapter("ch1_cnn"))
    second = s.next_item().id
    assert second != first_round[-1]


def test_right_answer_is_recorded_and_wrong_goes_to_the_book(bank, storage):
    s = PracticeSession(bank, storage, mode="topic", target="activation", seed=2)
    item = s.next_item()
    fb = s.submit(right_response(item))
    assert fb.recorded and fb.grade.correct
    item = s.next_item()
    wrong = (right_response(item)["choice"] + 1) % len(item.question.choices)
    fb = s.submit({"choice": wrong})
    assert fb.recorded and not fb.grade.correct
    rows = storage.attempts()
    assert [a.correct for a in rows] == [True, False] and rows[0].mode == "practice"
    assert [e.key for e in storage.open_mistakes()] == ["t-relu"]
    assert (s.answered, s.correct) == (2, 1)


def test_malformed_or_empty_answer_costs_nothing(bank, storage):
    s = PracticeSession(bank, storage, mode="drill", target="conv_output", difficulty="easy", seed=3)
    item = s.next_item()
    for bad in ({"fields": {"output_size": "abc"}}, {"fields": {"output_size": ""}}, {}):
        fb = s.submit(bad)
        assert fb.grade.malformed and not fb.recorded and fb.grade.message
    assert storage.attempts() == [] and storage.open_mistakes() == []
    fb = s.submit(right_response(item))  # still the same question, still answerable
    assert fb.grade.correct and s.answered == 1


def test_known_mistake_is_named_and_drill_never_repeats_a_seed(bank, storage):
    s = PracticeSession(bank, storage, mode="drill", target="conv_output", difficulty="easy", seed=4)
    seeds = set()
    named = 0
    for _ in range(30):
        item = s.next_item()
        seeds.add(item.seed)
        if item.problem.mistakes:
            m = item.problem.mistakes[0]
            fb = s.submit({"fields": {k: str(v) for k, v in m.answer.items()}})
            assert not fb.grade.correct
            assert m.id in [x.id for x in fb.grade.mistakes]
            named += 1
    assert len(seeds) == 30 and named > 0
    assert storage.attempts()[0].mistakes  # the mistake id is stored with the attempt
    assert storage.open_mistakes()[0].key == "drill:conv_output:easy"


def test_answering_twice_is_refused(bank, storage):
    s = PracticeSession(bank, storage, mode="chapter", target="ch8_detection", seed=5)
    item = s.next_item()
    s.submit(right_response(item))
    with pytest.raises(InputError):
        s.submit(right_response(item))


def test_unknown_targets_are_one_sentence_errors(bank, storage):
    with pytest.raises(InputError, match="No question has the topic .nothing-here."):
        PracticeSession(bank, storage, mode="topic", target="nothing-here")
    with pytest.raises(InputError, match="unknown calculation kind"):
        PracticeSession(bank, storage, mode="drill", target="conv_outptu")


def test_review_clears_on_right_answer_and_requeues_wrong_with_fresh_numbers(bank, tmp_path):
    clock = Clock()
    storage = Storage.open(tmp_path / "p.db", clock=clock)
    s = PracticeSession(bank, storage, mode="topic", target="conv", seed=6, clock=clock)
    wrong_items = {}
    for _ in range(len([q for q in bank.questions if "conv" in q.topics])):
        clock.t += 1
        item = s.next_item()
        if item.type == "calculation":
            s.submit({"fields": {k: "-1" for k in item.problem.answer}})
            wrong_items[item.id] = item.seed
        elif item.type == "true_false":
            s.submit({"value": not item.question.answer})
            wrong_items[item.id] = None
    assert {e.key for e in storage.open_mistakes()} == set(wrong_items)

    r = ReviewSession(bank, storage, seed=9, clock=clock)
    assert r.remaining == len(wrong_items)
    first = r.next_item()
    if first.type == "calculation":
        assert first.seed != wrong_items[first.id]  # a fresh variant, not the same numbers
    out = r.submit({"value": not first.question.answer} if first.type == "true_false"
                   else {"fields": {k: "-1" for k in first.problem.answer}})
    assert not out.cleared and r.remaining == len(wrong_items)  # wrong again: back of the queue
    seen = 0
    while (item := r.next_item()) is not None:
        out = r.submit(right_response(item))
        assert out.cleared
        seen += 1
    assert seen == len(wrong_items)
    assert storage.open_mistakes() == []
    assert [a.mode for a in storage.attempts()].count("review") == seen + 1


def test_rounds_ask_unseen_then_wrong_then_right(bank, tmp_path):
    clock = Clock()
    storage = Storage.open(tmp_path / "p.db", clock=clock)
    ids = [q.id for q in bank.by_chapter("ch8_detection")]
    assert len(ids) == 2
    s = PracticeSession(bank, storage, mode="chapter", target="ch8_detection", seed=1, clock=clock)
    first = s.next_item()
    clock.t += 1
    s.submit(right_response(first))  # first: right; the other one is still unseen
    s2 = PracticeSession(bank, storage, mode="chapter", target="ch8_detection", seed=1, clock=clock)
    other = s2.next_item()
    assert other.id != first.id  # unseen before answered
    clock.t += 1
    wrong = {"value": not other.question.answer} if other.type == "true_false" else \
        {"choice": (right_response(other)["choice"] + 1) % 3}
    s2.submit(wrong)
    s3 = PracticeSession(bank, storage, mode="chapter", target="ch8_detection", seed=1, clock=clock)
    assert s3.next_item().id == other.id  # last wrong before last right
    for seed in range(20):  # whatever the shuffle
        order = PracticeSession(bank, storage, mode="chapter", target="ch1_cnn", seed=seed, clock=clock)
        seen = [order.next_item().id for _ in range(len(bank.by_chapter("ch1_cnn")))]
        assert sorted(seen) == sorted(q.id for q in bank.by_chapter("ch1_cnn"))


def test_review_asks_the_most_missed_first(bank, tmp_path):
    storage = Storage.open(tmp_path / "p.db")
    for key, times, at in (("t-relu", 1, 1.0), ("t-nms", 3, 5.0), ("t-pool", 1, 0.5), ("t-tf", 3, 2.0)):
        for i in range(times):
            storage.note_wrong(key=key, question_id=key, kind=None, difficulty="easy",
                               chapter="ch1_cnn", mistakes=[], at=at + i * 0.01)
    r = ReviewSession(bank, storage, seed=1)
    assert [r.next_item().id for _ in range(4)] == ["t-tf", "t-nms", "t-pool", "t-relu"]


# -- hints and choice versions ----------------------------------------------------------------


def test_hints_reveal_method_then_numbers_and_cost_an_equal_share_each(bank, storage):
    s = PracticeSession(bank, storage, mode="drill", target="iou", difficulty="easy", seed=3)
    item = s.next_item()
    steps = item.problem.steps
    n = len(steps) + sum(1 for st in steps if st.math)  # method, then numbers, per step
    assert len(steps) >= 2 and s.hint_credit() == 1.0
    assert s.reveal_step() == (steps[0], False) and s.hints_shown == 1
    assert s.revealed() == [(steps[0], False)]  # the method without its numbers
    assert s.hint_credit() == pytest.approx(1 - 1 / n)
    assert s.reveal_step() == (steps[0], True)
    assert s.revealed() == [(steps[0], True)]
    feedback = s.submit({"fields": {k: str(v) for k, v in item.problem.answer.items()}})
    assert feedback.grade.score == pytest.approx(1 - 2 / n)
    assert not feedback.grade.correct  # needed help: partly right, back in the mistake book
    assert f"2 of {n} hints used" in feedback.grade.message
    stored = storage.attempts()[-1]
    assert stored.score == pytest.approx(1 - 2 / n)
    assert stored.response["hints"] == {"shown": 2, "of": n}
    assert [e.key for e in storage.open_mistakes()] == ["drill:iou:easy"]
    with pytest.raises(InputError):  # answered: the whole solution is shown anyway
        s.reveal_step()
    s.next_item()
    assert s.hints_shown == 0 and s.hint_credit() == 1.0


def test_every_step_revealed_leaves_no_credit_and_no_more_hints(bank, storage):
    s = PracticeSession(bank, storage, mode="drill", target="iou", difficulty="easy", seed=4)
    item = s.next_item()
    for _ in s.hint_units:
        s.reveal_step()
    assert s.revealed() == [(step, bool(step.math)) for step in item.problem.steps]
    with pytest.raises(InputError):
        s.reveal_step()
    feedback = s.submit({"fields": {k: str(v) for k, v in item.problem.answer.items()}})
    assert feedback.grade.score == 0.0


def test_a_concept_question_has_no_hints(bank, storage):
    s = PracticeSession(bank, storage, mode="chapter", target="ch1_cnn", seed=1)
    while s.next_item().problem is not None:
        pass
    assert s.hint_steps == []
    with pytest.raises(InputError):
        s.reveal_step()


def test_choice_mode_asks_calculations_as_single_choice(bank, storage):
    s = PracticeSession(bank, storage, mode="drill", target="conv_output", difficulty="easy", seed=5)
    assert s.next_item().type == "calculation"
    s.set_choice_mode(True)
    item = s.next_item()
    assert item.type == "single_choice" and item.choice is not None and item.kind == "conv_output"
    wrong = next(i for i, o in enumerate(item.choice.options) if not o.correct)
    feedback = s.submit({"choice": wrong})
    assert not feedback.grade.correct
    stored = storage.attempts()[-1]
    assert stored.kind == "conv_output" and stored.type == "single_choice"
    assert stored.mistakes == [m.id for m in item.choice.options[wrong].mistakes]
    s.set_choice_mode(False)
    assert s.next_item().type == "calculation"
