"""Readiness: a range that is honest about what the model knows, and no number without answers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from fsrs import Rating

from quizapp.core.plan.catalogue import DEFAULT_SECONDS
from quizapp.core.plan.planner import moment
from quizapp.core.plan.readiness import MIN_ANSWERS, forecast, readiness
from quizapp.core.plan.state import MemoryState

TODAY = date(2026, 6, 1)
EXAM = TODAY + timedelta(days=10)


def _state(catalogue, n: int, right: float = 0.8, seed: int = 1) -> tuple[MemoryState, dict[str, int]]:
    st = MemoryState(catalogue)
    rng = np.random.default_rng(seed)
    by_type: dict[str, int] = {}
    valuable = [i for i, c in enumerate(catalogue.cards) if c.value > 0]
    for i in rng.choice(valuable, n, replace=False):
        st.apply(int(i), Rating.Good if rng.random() < right else Rating.Again,
                 moment(TODAY - timedelta(days=2), 18))
        t = catalogue.cards[int(i)].type
        by_type[t] = by_type.get(t, 0) + 1
    return st, by_type


def test_too_few_answers_give_no_number(catalogue):
    st, by_type = _state(catalogue, MIN_ANSWERS - 1)
    r = readiness(st, today=TODAY, exam=EXAM, minutes=30, seconds=dict(DEFAULT_SECONDS),
                  answers_by_type=by_type, now=moment(TODAY, 12))
    assert not r.enough
    for f in (r.if_kept, r.if_stop):
        assert f.expected is None and f.low is None
        assert all(not s.enough and s.expected is None for s in f.sections)
    assert len(r.chapters) == len(catalogue.chapters)  # recall per chapter is shown anyway


def test_a_section_without_its_own_answers_says_so(catalogue):
    st, by_type = _state(catalogue, 60)
    by_type.pop("short_answer", None)
    f = forecast(st, moment(EXAM, 9), by_type, np.random.default_rng(0))
    short = next(s for s in f.sections if s.id == "short")
    assert not short.enough and short.expected is None
    assert f.enough and f.expected is not None


def test_the_forecast_is_a_range_around_the_expectation(catalogue):
    st, by_type = _state(catalogue, 150)
    for t in {c.type for c in catalogue.cards if c.value > 0}:  # a few answers of every type
        by_type[t] = max(by_type.get(t, 0), 3)
    r = readiness(st, today=TODAY, exam=EXAM, minutes=40, seconds=dict(DEFAULT_SECONDS),
                  answers_by_type=by_type, now=moment(TODAY, 12))
    assert r.enough
    for f in (r.if_kept, r.if_stop):
        assert 0 <= f.low <= f.expected <= f.high <= f.points == 100
        for s in f.sections:
            assert s.enough and 0 <= s.low <= s.high <= s.points
            assert s.low - 1e-9 <= s.expected <= s.high + 1e-9
    assert r.if_kept.expected > r.if_stop.expected  # studying helps
    for c in r.chapters:
        assert 0 <= c.exam_if_stop <= c.today <= 1
        assert c.exam_if_kept >= c.exam_if_stop - 1e-9


def test_more_answers_narrow_the_range(catalogue):
    """The same memory, known from 25 answers or from 400: the model's own error shrinks."""
    st, by_type = _state(catalogue, 100, seed=2)
    widths = []
    for n in (25, 400):
        scaled = {t: max(1, round(k * n / 100)) for t, k in by_type.items()}
        f = forecast(st, moment(EXAM, 9), scaled, np.random.default_rng(0))
        widths.append(f.high - f.low)
    assert widths[1] < widths[0]


def test_the_expectation_is_points_times_chance(catalogue):
    """Independent sum: each card's value times its chance, from the library's retrievability."""
    from datetime import datetime

    st, by_type = _state(catalogue, 80)
    at = moment(EXAM, 9)
    f = forecast(st, at, by_type, np.random.default_rng(0))
    when = datetime.fromtimestamp(at).astimezone()
    total = 0.0
    for i, c in enumerate(catalogue.cards):
        r = st.sched.get_card_retrievability(st.cards[i], when) if st.cards[i] is not None else 0.0
        total += c.value * (c.floor + (1 - c.floor) * r)
    assert f.expected == pytest.approx(total)
