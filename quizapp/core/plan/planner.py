"""Today's queue: what to do with the minutes left today to score most on the exam date.

The rule, in three parts (each item gets a :class:`~quizapp.core.plan.reasons.Reason`):

1. **Last days** (``FINAL_DAYS`` before the exam): a full mock of the exam's paper when the
   minutes allow it, then the weakest calculation kinds (lowest predicted score on the exam day).
2. **New material early enough**: every syllabus concept must be answered at least twice before
   the last days. The concepts still owed are spread evenly over the days left (the first looks
   one day sooner, so a second look can follow on a later day). Today's share is met first by
   the items of part 3 (they cover concepts too); only the shortfall gets items of its own, those
   covering the most owed concepts per minute, within a share of the day
   (:func:`coverage_share`: a fifth of a 20-minute day, half of a 40-minute one, all of it in the
   last two days before the deadline when the days are that long). When the days are too short
   for every concept twice, the concepts never seen come first.
3. **The rest of the time** goes to the items that add the most expected exam points per second:
   ``value x (E[success on exam day after reviewing today] - success on exam day if left)``,
   with the after-review cards from :meth:`fsrs.Scheduler.review_card` (Good with the chance of
   answering right now, Again otherwise). ``value`` is the points the blueprint puts on the item
   (:mod:`quizapp.core.plan.catalogue`). Only a handful of cards are reviewed in full: a card can
   gain at most ``value x (1 - success on exam day)``, so cards are visited best bound first and
   the search stops when no bound can beat the best exact gain found.

The queue always fits the minutes left today (by the student's own seconds per item type), so a
backlog of due reviews is never dumped on one day: what does not fit waits, and
:attr:`DayPlan.backlog_days` says over how many days it will be spread at this pace.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from quizapp.core.plan.memory import new_card, utc
from quizapp.core.plan.reasons import Reason

if TYPE_CHECKING:
    from quizapp.core.plan.state import MemoryState

FINAL_DAYS = 2  # the last days before the exam: mock papers and the weakest calculations
WEAK_CALCS_A_DAY = 3  # weakest calculation kinds first in each of the last days
# At most this share of the day goes to first and second looks of their own: a short day goes to
# exam points first (benchmarks/plan_sim.py: at 20 minutes a day a larger share costs more points
# than practising chapters in order loses); from 40 minutes a day, half of it.
COVERAGE_SHARE = (0.2, 0.5)
SEEN_ENOUGH = 2  # answers per concept before the exam
CONCEPT_POINTS = 0.1  # what covering an owed concept is worth, against expected exam points
NEW_SUCCESS = 0.35
MAX_REVIEWS_LOOKED_AT = 120  # answered cards reviewed in full per plan (best bound first)  # chance of answering a never-seen item right (beyond guessing)
EXAM_HOUR = 9  # the exam starts in the morning of the exam date


def moment(day: date, hour: int = 0) -> float:
    """Epoch seconds of ``hour`` o'clock local time on ``day``."""
    return datetime.combine(day, dtime(hour)).timestamp()


@dataclass
class PlanEntry:
    key: str  # the plan card (q:<id> | skill:<kind>:<difficulty>) or mock:<blueprint>
    chapter: str
    type: str
    seconds: float
    reason: Reason
    gain: float = 0.0  # expected exam points added by doing it today
    question_id: str | None = None
    kind: str | None = None
    difficulty: str | None = None
    blueprint: str | None = None

    @property
    def what(self) -> str:
        return "mock" if self.blueprint else ("skill" if self.kind else "item")


@dataclass
class DayPlan:
    today: date
    exam: date
    minutes: int
    spent_seconds: float  # answered today already
    entries: list[PlanEntry] = field(default_factory=list)
    backlog: int = 0  # due reviews that did not fit today
    backlog_days: int = 0  # days at this pace to work through them

    @property
    def days_left(self) -> int:
        return (self.exam - self.today).days

    @property
    def seconds(self) -> float:
        return sum(e.seconds for e in self.entries)


def _card_seconds(state: "MemoryState", seconds: dict[str, float]) -> np.ndarray:
    default = seconds.get("single_choice", 60.0)
    return np.array([seconds.get(c.type, default) for c in state.catalogue.cards])


class _Day:
    """The working state of one day's planning."""

    def __init__(self, state: "MemoryState", plan: DayPlan, now: float, seconds: dict[str, float]):
        self.state = state
        self.plan = plan
        self.now = now
        self.exam_at = moment(plan.exam, EXAM_HOUR)
        self.sec = _card_seconds(state, seconds)
        self.taken = state.reviewed_on(moment(plan.today))  # answered today: not again today
        self.p_exam = state.success(self.exam_at)
        self.p_now = state.success(now)
        self.budget = max(0.0, plan.minutes * 60.0 - plan.spent_seconds)
        self._gains: dict[int, float] = {}
        self.new = np.array([c is None for c in state.cards], dtype=bool)
        self.new_gain = self._new_gains()

    def _new_gains(self) -> np.ndarray:
        """The gain of every never-answered card at once: a first review gives every new card the
        same memory, so two FSRS reviews of one blank card serve them all."""
        from fsrs import Rating

        st = self.state
        out = np.zeros(len(self.new))
        if not self.new.any():
            return out
        blank = new_card("new")
        when = utc(self.now)
        good, again = (st.card_recall(st.sched.review_card(blank, r, when)[0], self.exam_at)
                       for r in (Rating.Good, Rating.Again))
        floor = st.floor[self.new]
        p = floor + (1 - floor) * NEW_SUCCESS
        after = floor + (1 - floor) * (p * good + (1 - p) * again)
        out[self.new] = st.value[self.new] * (after - self.p_exam[self.new])
        return out

    def gain(self, i: int) -> float:
        """Expected exam points added by answering card ``i`` now (FSRS reviews of a copy)."""
        if self.new[i]:
            return float(self.new_gain[i])
        if i in self._gains:
            return self._gains[i]
        from fsrs import Rating

        st = self.state
        floor = st.floor[i]
        p = self.p_now[i]
        after = [floor + (1 - floor) * st.card_recall(st.reviewed(i, r, self.now), self.exam_at)
                 for r in (Rating.Good, Rating.Again)]
        g = float(st.value[i] * (p * after[0] + (1 - p) * after[1] - self.p_exam[i]))
        self._gains[i] = g
        return g

    def take(self, i: int, reason: Reason) -> None:
        card = self.state.catalogue.cards[i]
        self.taken[i] = True
        self.budget -= self.sec[i]
        self.plan.entries.append(PlanEntry(
            card.key, card.chapter, card.type, float(self.sec[i]), reason, max(0.0, self.gain(i)),
            question_id=card.question_id, kind=card.kind, difficulty=card.difficulty))

    def review_reason(self, i: int) -> Reason:
        params = {"exam_recall": float(self.p_exam[i]), "gain": max(0.0, self.gain(i))}
        if self.state.cards[i] is None:
            return Reason("new_item", params)
        from fsrs import Rating

        return Reason("relearn" if self.state.last_rating[i] == int(Rating.Again) else "review", params)


def _final_days(day: _Day) -> None:
    cat = day.state.catalogue
    # A full mock of the exam's own paper, when the day has room for it (a shorter paper would
    # rehearse a different exam).
    bp, minutes = cat.blueprint, cat.mock_minutes.get(cat.blueprint, 0)
    if day.plan.days_left >= 1 and 0 < minutes * 60 <= day.budget:
        day.plan.entries.append(PlanEntry(f"mock:{bp}", "", "mock", minutes * 60.0,
                                          Reason("mock", {"minutes": minutes, "blueprint": bp}),
                                          blueprint=bp))
        day.budget -= minutes * 60.0
    # The weakest calculation kinds: those with the most exam points at risk (points on the
    # exam x chance of failing them), a few a day; the rest of the day competes as usual.
    skills = [i for i, c in enumerate(cat.cards) if c.kind and c.value > 0 and not day.taken[i]]
    at_risk = day.state.value * (1.0 - day.p_exam)
    for i in sorted(skills, key=lambda i: -at_risk[i])[:WEAK_CALCS_A_DAY]:
        if day.sec[i] <= day.budget:
            day.take(i, Reason("weak_calc", {"exam_recall": float(day.p_exam[i]),
                                             "kind": cat.cards[i].kind}))


def coverage_share(minutes: int) -> float:
    low, high = COVERAGE_SHARE
    return low + (high - low) * min(1.0, max(0.0, (minutes - 20) / 20))


def _coverage(day: _Day) -> None:
    """First and second looks: today's share of the concepts still owed two answers."""
    st, cat = day.state, day.state.catalogue
    counts = st.concept_counts()
    owed = {c: SEEN_ENOUGH - n for c, n in counts.items() if n < SEEN_ENOUGH}
    if not owed:
        return
    days = max(1, day.plan.days_left - FINAL_DAYS)  # days left to cover the syllabus
    never = {c for c in owed if counts[c] == 0}
    # A concept never seen needs two days; its first look is due one day sooner.
    want_first = math.ceil(len(never) / max(1, days - 1)) if days > 1 else len(never)
    want_all = math.ceil(sum(owed.values()) / days) if days > 1 else len(owed)
    # The items worth most on the exam cover some concepts anyway: only the shortfall costs time.
    taken, left, n = day.taken.copy(), day.budget, len(day.plan.entries)
    _best_value(day)
    natural = {c for e in day.plan.entries[n:] for c in cat.cards[cat.index[e.key]].concepts
               if c in owed}
    if len(natural) >= want_all and len(natural & never) >= want_first:
        return
    day.taken, day.budget = taken, left
    del day.plan.entries[n:]
    share = coverage_share(day.plan.minutes)
    if days <= 2 and share >= COVERAGE_SHARE[1]:  # a long day near the deadline: finish it
        share = 1.0
    budget = min(day.budget, share * day.plan.minutes * 60.0)
    touched: set[str] = set()

    def score(i: int) -> float:
        fresh = [c for c in cat.cards[i].concepts if c in owed and c not in touched]
        # An owed concept is worth CONCEPT_POINTS exam points (a first look counts double while
        # first looks are behind): a valuable item covering less can beat a worthless one.
        weight = sum(2.0 if (c in never and first < want_first) else 1.0 for c in fresh)
        return (CONCEPT_POINTS * weight + at_risk[i]) / day.sec[i] if fresh else 0.0

    # The points an item could still add (the bound of part 3: cheap for thousands of cards).
    at_risk = st.value * (1.0 - day.p_exam)
    first = done = 0
    candidates = np.unique(np.concatenate([cat.cards_by_concept[c] for c in owed]))
    heap = [(-score(int(i)), int(i)) for i in candidates if not day.taken[i]]
    heapq.heapify(heap)
    while heap and (done < want_all or first < want_first) and budget > 0:
        _neg, i = heapq.heappop(heap)
        s = score(i)
        if s <= 0:
            continue
        if heap and s < -heap[0][0] - 1e-12:  # stale: the concepts were covered meanwhile
            heapq.heappush(heap, (-s, i))
            continue
        if day.sec[i] > budget or day.sec[i] > day.budget:
            continue
        fresh = [c for c in cat.cards[i].concepts if c in owed and c not in touched]
        new = [c for c in fresh if c in never]
        concept = (new or fresh)[0]
        day.take(i, Reason("first_look" if new else "second_look",
                           {"concept": cat.concepts.get(concept, concept)}))
        budget -= day.sec[i]
        touched.update(fresh)
        done += len(fresh)
        first += len(new)


def _best_value(day: _Day) -> None:
    """Fill the rest of the day with the most expected exam points per second."""
    st = day.state
    # New cards' gains are exact already; answered cards get their bound until looked at.
    bound = np.where(day.new, day.new_gain, st.value * (1.0 - day.p_exam)) / day.sec
    bound[day.taken] = 0.0
    order = np.argsort(-bound, kind="stable")
    shortest = float(day.sec.min()) if len(day.sec) else 1.0
    heap: list[tuple[float, int]] = []
    k = looked = 0
    while day.budget >= shortest:
        while k < len(order) and bound[order[k]] > 0 and (not heap or bound[order[k]] > -heap[0][0]):
            i = int(order[k])
            k += 1
            if not day.new[i]:
                looked += 1
                if looked > MAX_REVIEWS_LOOKED_AT:  # a day holds far fewer; the rest wait
                    continue
            heapq.heappush(heap, (-day.gain(i) / day.sec[i], i))
        if not heap:
            break
        rate, i = heapq.heappop(heap)
        if -rate <= 0:
            break
        if day.sec[i] <= day.budget:
            day.take(i, day.review_reason(i))


def _backlog(day: _Day) -> None:
    st = day.state
    end_of_today = moment(day.plan.today + timedelta(days=1))
    # Due reviews worth exam points that the day had no room left for (one left out because it
    # adds nothing today is not a backlog).
    due = (st.reviews > 0) & ~day.taken & (np.nan_to_num(st.due, nan=np.inf) < end_of_today) \
        & (st.value > 0) & (day.sec > day.budget)
    day.plan.backlog = int(due.sum())
    if day.plan.backlog and day.plan.minutes > 0:
        day.plan.backlog_days = math.ceil(float(day.sec[due].sum()) / (day.plan.minutes * 60.0))


def plan_day(state: "MemoryState", *, today: date, exam: date, minutes: int,
             seconds: dict[str, float], now: float | None = None,
             spent_seconds: float = 0.0) -> DayPlan:
    """Today's queue for ``minutes`` a day (less what was answered today, ``spent_seconds``)."""
    plan = DayPlan(today, exam, int(minutes), float(spent_seconds))
    if plan.days_left < 0:
        return plan
    day = _Day(state, plan, moment(today, 12) if now is None else now, seconds)
    if plan.days_left <= FINAL_DAYS:
        _final_days(day)
    _coverage(day)  # in the last days too, for any concept still owed
    _best_value(day)
    _backlog(day)
    # The mock paper first (it needs a fresh head), then the most exam points per minute first:
    # if the day runs short, what is left undone is what mattered least.
    plan.entries.sort(key=lambda e: (e.blueprint is None, -e.gain / max(e.seconds, 1.0)))
    return plan


def review_load(state: "MemoryState", *, today: date, minutes: int, seconds: dict[str, float],
                days: int = 14) -> list[tuple[date, int, int]]:
    """(day, reviews falling due, reviews that fit at ``minutes`` a day) for the next ``days``;
    what does not fit moves to the next day, as the queue does."""
    st = state
    seen = st.reviews > 0
    sec = _card_seconds(st, seconds)
    mean = float(sec[seen].mean()) if seen.any() else 60.0
    capacity = max(1, int(minutes * 60 // mean)) if minutes > 0 else 0
    starts = [moment(today + timedelta(days=d)) for d in range(days + 1)]
    due_at = np.nan_to_num(st.due[seen], nan=np.inf)
    out, carry = [], 0
    for d in range(days):
        falling = int(((due_at < starts[d + 1]) & ((due_at >= starts[d]) if d else True)).sum())
        carry += falling
        fit = min(carry, capacity)
        carry -= fit
        out.append((today + timedelta(days=d), falling, fit))
    return out
