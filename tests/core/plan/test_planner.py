"""Today's queue: fits the minutes, says why, spreads a backlog, covers the syllabus in time."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest
from fsrs import Rating, Scheduler

from quizapp.core.plan.catalogue import DEFAULT_SECONDS, seconds_per_type
from quizapp.core.plan.planner import FINAL_DAYS, moment, plan_day, review_load
from quizapp.core.plan.state import MemoryState
from quizapp.core.storage import Attempt

TODAY = date(2026, 6, 1)
SECONDS = dict(DEFAULT_SECONDS)


def test_vectorised_recall_is_the_librarys_retrievability(catalogue):
    """The NumPy forgetting curve against fsrs' own get_card_retrievability, card for card."""
    rng = np.random.default_rng(3)
    for params in (None, (0.3, 1.0, 2.0, 9.0, 6.4, 0.8, 3.0, 0.001, 1.9, 0.17, 0.8, 1.5, 0.06, 0.26,
                          1.6, 0.6, 1.9, 0.54, 0.09, 0.07, 0.45)):
        sched = Scheduler(enable_fuzzing=False) if params is None else \
            Scheduler(parameters=params, enable_fuzzing=False)
        st = MemoryState(catalogue, sched=sched)
        picked = rng.choice(len(catalogue), 60, replace=False)
        t = moment(TODAY, 9)
        for i in picked:
            for _ in range(int(rng.integers(1, 4))):
                t += float(rng.uniform(0.1, 5)) * 86400
                st.apply(int(i), Rating(int(rng.integers(1, 5))), t)
        for later in (0.0, 0.4, 3.0, 17.5, 60.0):
            at = t + later * 86400
            got = st.recall(at)
            when = datetime.fromtimestamp(at, timezone.utc)
            for i in picked:
                assert got[i] == pytest.approx(sched.get_card_retrievability(st.cards[i], when), abs=1e-12)
            assert (got[np.array([c is None for c in st.cards])] == 0).all()


def _seen_state(catalogue, n: int, days_ago: int = 6, seed: int = 0) -> MemoryState:
    st = MemoryState(catalogue)
    rng = np.random.default_rng(seed)
    for i in rng.choice(len(catalogue), n, replace=False):
        st.apply(int(i), Rating.Good if rng.random() < 0.7 else Rating.Again,
                 moment(TODAY - timedelta(days=days_ago), 18))
    return st


@pytest.mark.parametrize("minutes, days, spent", [(20, 14, 0), (40, 30, 600), (60, 5, 0),
                                                  (45, 1, 0), (150, 2, 0), (1, 10, 0)])
def test_the_queue_fits_the_minutes_left_and_every_item_says_why(catalogue, minutes, days, spent):
    st = _seen_state(catalogue, 150)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=days), minutes=minutes,
                    seconds=SECONDS, spent_seconds=spent)
    assert plan.seconds <= minutes * 60 - spent + 1e-9
    assert len({e.key for e in plan.entries}) == len(plan.entries)  # nothing twice
    for e in plan.entries:
        assert e.reason.code in {"first_look", "second_look", "review", "relearn", "new_item",
                                 "weak_calc", "mock"}
        zh, en = e.reason.text("zh"), e.reason.text("en")
        assert zh and en and zh != en and "{" not in zh + en
        assert e.reason.as_json()["code"] == e.reason.code
    if minutes >= 20:
        assert plan.seconds >= (minutes * 60 - spent) - max(SECONDS.values())  # and fills them


def test_the_students_own_times_set_the_queue(catalogue):
    attempts = [Attempt(at=0, mode="practice", item_uid="x", chapter="c", type="single_choice",
                        score=1, correct=True, response={}, seconds=s) for s in (200, 210, 220, 3000)]
    seconds = seconds_per_type(attempts)
    assert seconds["single_choice"] == 210  # the median; 3000 s was a walk away
    assert seconds["short_answer"] == DEFAULT_SECONDS["short_answer"]
    st = MemoryState(catalogue)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=20), minutes=30, seconds=seconds)
    for e in plan.entries:
        assert e.seconds == seconds[e.type]


def test_answers_of_a_few_seconds_do_not_make_an_impossible_day(catalogue):
    """Skipped calculations (4-7 s each) planned 199 items into a 30-minute day."""
    from quizapp.core.plan.catalogue import OWN_TIME_FLOOR

    attempts = [Attempt(at=0, mode="drill", item_uid="x", chapter="c", type="calculation",
                        score=0, correct=False, response={}, seconds=s) for s in (5, 6, 7, 4, 6)]
    seconds = seconds_per_type(attempts)
    assert seconds["calculation"] == OWN_TIME_FLOOR * DEFAULT_SECONDS["calculation"]
    st = MemoryState(catalogue)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=20), minutes=30, seconds=seconds)
    assert plan.seconds <= 30 * 60 and len(plan.entries) < 100


def test_items_answered_today_are_not_asked_again_today(catalogue):
    st = _seen_state(catalogue, 100)
    done = [i for i in range(len(catalogue)) if catalogue.cards[i].value > 0][:30]
    for i in done:
        st.apply(i, Rating.Again, moment(TODAY, 8))
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=10), minutes=120, seconds=SECONDS)
    assert not {catalogue.cards[i].key for i in done} & {e.key for e in plan.entries}


def test_a_backlog_is_spread_not_dumped(catalogue):
    # 400 cards answered a month ago and all due now; 20 minutes a day.
    st = _seen_state(catalogue, 400, days_ago=40)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=30), minutes=20, seconds=SECONDS)
    assert plan.seconds <= 20 * 60
    assert plan.backlog > 100
    assert plan.backlog_days >= 2
    load = review_load(st, today=TODAY, minutes=20, seconds=SECONDS)
    seen = st.reviews > 0
    capacity = max(1, int(20 * 60 // np.mean([SECONDS[c.type] for c, s in zip(catalogue.cards, seen) if s])))
    assert all(fit <= capacity for _d, _due, fit in load)
    assert load[0][1] >= plan.backlog  # all of it falls due today ...
    assert sum(1 for _d, _due, fit in load if fit == capacity) >= 2  # ... and is done over days


def _run(catalogue, days: int, minutes: int, right: float, seed: int = 0) -> MemoryState:
    st = MemoryState(catalogue)
    rng = np.random.default_rng(seed)
    exam = TODAY + timedelta(days=days)
    for d in range(days):
        day = TODAY + timedelta(days=d)
        plan = plan_day(st, today=day, exam=exam, minutes=minutes, seconds=SECONDS)
        for e in plan.entries:
            if e.blueprint is None:
                st.apply(catalogue.index[e.key], Rating.Good if rng.random() < right else Rating.Again,
                         moment(day, 18))
    return st


def test_every_concept_is_seen_twice_before_the_last_days(catalogue):
    st = _run(catalogue, days=14, minutes=40, right=0.6)
    counts = st.concept_counts()
    owed = [c for c, n in counts.items() if n < 2]
    assert not owed, f"{len(owed)} concepts seen fewer than twice, e.g. {owed[:5]}"


def test_the_last_days_bring_a_mock_paper_and_the_weakest_calculations(catalogue):
    st = _seen_state(catalogue, 200)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=FINAL_DAYS), minutes=180,
                    seconds=SECONDS)
    codes = [e.reason.code for e in plan.entries]
    assert codes[0] == "mock" and plan.entries[0].blueprint == catalogue.blueprint
    assert plan.entries[0].seconds == catalogue.mock_minutes[catalogue.blueprint] * 60
    weak = [e for e in plan.entries if e.reason.code == "weak_calc"]
    assert weak and all(e.kind for e in weak)
    # Not enough time for the full paper: no mock (a shorter paper is another exam), calculations.
    short = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=1), minutes=30, seconds=SECONDS)
    assert not [e for e in short.entries if e.blueprint] and short.seconds <= 30 * 60
    assert [e for e in short.entries if e.reason.code == "weak_calc"]


def test_no_queue_after_the_exam(catalogue):
    st = MemoryState(catalogue)
    plan = plan_day(st, today=TODAY, exam=TODAY - timedelta(days=1), minutes=30, seconds=SECONDS)
    assert plan.entries == []


def test_skill_cards_come_from_the_solver_registry(catalogue):
    from solvers import DIFFICULTIES, all_kinds

    skills = {c.key for c in catalogue.cards if c.kind}
    assert skills == {f"skill:{k.id}:{d}" for k in all_kinds() for d in DIFFICULTIES}


def test_exam_values_add_up_to_the_paper(catalogue, bank):
    bp = bank.blueprint(catalogue.blueprint)
    total = sum(d.count * d.points for s in bp.sections for d in s.draws)
    assert sum(c.value for c in catalogue.cards) == pytest.approx(total)
    for sid, _title, points in catalogue.sections:
        assert sum(c.section_values.get(sid, 0) for c in catalogue.cards) == pytest.approx(points)
    assert math.isclose(sum(p for _s, _t, p in catalogue.sections), total)


def test_the_queue_puts_the_most_points_per_minute_first(catalogue):
    st = _seen_state(catalogue, 150)
    plan = plan_day(st, today=TODAY, exam=TODAY + timedelta(days=12), minutes=60, seconds=SECONDS)
    rates = [e.gain / e.seconds for e in plan.entries]
    assert rates == sorted(rates, reverse=True)


def test_short_days_cover_concepts_never_seen_before_second_looks(catalogue):
    st = _run(catalogue, days=14, minutes=20, right=0.6)
    counts = st.concept_counts()
    never = sum(1 for n in counts.values() if n == 0)
    once = sum(1 for n in counts.values() if n == 1)
    assert never < 0.3 * len(counts)  # most concepts seen at least once ...
    assert never <= once  # ... and the ones left unseen are fewer than those waiting for a second look


def test_reasons_name_topics_in_the_students_language_and_never_promise_zero_points():
    from quizapp.core.bank.models import Bilingual
    from quizapp.core.plan.reasons import Reason

    first = Reason("first_look", {"concept": Bilingual(zh="渗漏单元", en="leaky units")})
    assert first.text("zh") == "新内容：第一次学「渗漏单元」"
    assert first.text("en") == "new: first look at 'leaky units'"
    tiny = Reason("new_item", {"gain": 0.03, "exam_recall": 0.0})
    assert "+0.0" not in tiny.text("en") and "0.0 分" not in tiny.text("zh")
    assert tiny.text("en") == "new question: under +0.1 points on exam day"
    assert Reason("review", {"gain": 1.44, "exam_recall": 0.5}).text("en") == \
        "review: 50% recall on exam day; about +1.4 points"


def test_the_catalogue_names_topic_concepts_from_the_bank(bank):
    from quizapp.core.plan.catalogue import build_catalogue

    cat = build_catalogue(bank)
    assert cat.concepts["leaky-unit"].get("zh") == "渗漏单元"
