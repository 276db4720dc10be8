"""Readiness: the predicted exam score per paper section on the exam date, with an honest range.

Two futures: the student **stops today** (the cards as they are, forgetting until the exam) or
**keeps the plan** (each day's queue answered, right with the chance the model gives at the time,
one seeded run). The expected score of a section is the sum over its cards of the points the
blueprint puts on them times the chance of scoring them on the exam day.

The range (10th to 90th percentile) comes from :data:`RANGE_RUNS` simulated papers: each run draws
the paper as the blueprint does, answers each item right with its chance, and shifts every chance
by one shared error whose size shrinks with the number of answers (``0.6 / sqrt(answers)``): with
few answers the model knows little, and the range says so. Below :data:`MIN_ANSWERS` answers (or
:data:`MIN_SECTION_ANSWERS` of a section's item types) there is no number, only "not enough
answers yet".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from quizapp.core.plan.planner import EXAM_HOUR, moment, plan_day

if TYPE_CHECKING:
    from quizapp.core.plan.state import MemoryState

MIN_ANSWERS = 20
MIN_SECTION_ANSWERS = 3
RANGE_RUNS = 400
MODEL_ERROR = 0.6  # the shared error of the chances is MODEL_ERROR / sqrt(answers)


@dataclass
class SectionForecast:
    id: str
    title: Any
    points: float
    enough: bool
    expected: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class Forecast:
    sections: list[SectionForecast]
    enough: bool
    expected: float | None = None
    low: float | None = None
    high: float | None = None
    points: float = 0.0


@dataclass
class ChapterReadiness:
    id: str
    title: Any
    today: float  # mean recall of the chapter's cards today (0..1)
    exam_if_stop: float
    exam_if_kept: float


@dataclass
class Readiness:
    answers: int
    enough: bool
    if_kept: Forecast
    if_stop: Forecast
    chapters: list[ChapterReadiness] = field(default_factory=list)


def section_types(state: "MemoryState") -> dict[str, set[str]]:
    cat = state.catalogue
    out: dict[str, set[str]] = {sid: set() for sid, _t, _p in cat.sections}
    for d in cat.draws:
        out[d.section].update(cat.cards[i].type for i in d.cards)
    return out


def forecast(state: "MemoryState", at: float, answers_by_type: dict[str, int],
             rng: np.random.Generator) -> Forecast:
    cat = state.catalogue
    p = state.success(at)
    answers = sum(answers_by_type.values())
    types = section_types(state)
    sections = []
    runs_total = np.zeros(RANGE_RUNS)
    sigma = MODEL_ERROR / np.sqrt(max(1, answers))
    shift = rng.normal(0.0, sigma, RANGE_RUNS)
    all_enough = answers >= MIN_ANSWERS
    for sid, title, points in cat.sections:
        n = sum(answers_by_type.get(t, 0) for t in types[sid])
        enough = all_enough and n >= MIN_SECTION_ANSWERS
        runs = np.zeros(RANGE_RUNS)
        for d in (d for d in cat.draws if d.section == sid):
            # The paper's draw without replacement, RANGE_RUNS times at once (Gumbel top-k).
            keys = np.log(d.probs)[None, :] + rng.gumbel(size=(RANGE_RUNS, len(d.cards)))
            picked = np.argsort(-keys, axis=1)[:, :d.count]
            chance = np.clip(p[d.cards][picked] + shift[:, None], 0.0, 1.0)
            runs += d.points * (rng.random(chance.shape) < chance).sum(axis=1)
        runs_total += runs
        expected = float(sum(c.section_values.get(sid, 0.0) * p[i] for i, c in enumerate(cat.cards)))
        sections.append(SectionForecast(sid, title, points, enough,
                                        *((expected, *np.percentile(runs, [10, 90]).tolist())
                                          if enough else ())))
    total = Forecast(sections, all_enough, points=sum(s.points for s in sections))
    if all_enough:  # the whole paper: every section's expectation, even one short of answers
        total.expected = float(sum(c.value * p[i] for i, c in enumerate(cat.cards)))
        total.low, total.high = np.percentile(runs_total, [10, 90]).tolist()
    return total


def rollout(state: "MemoryState", *, today: date, exam: date, minutes: int,
            seconds: dict[str, float], spent_seconds: float = 0.0, seed: int = 0) -> "MemoryState":
    """The cards on the exam day if every day's queue is answered (one seeded run)."""
    from fsrs import Rating

    st = state.copy()
    rng = np.random.default_rng(seed)
    cat = st.catalogue
    for d in range((exam - today).days):
        day = today + timedelta(days=d)
        plan = plan_day(st, today=day, exam=exam, minutes=minutes, seconds=seconds,
                        spent_seconds=spent_seconds if d == 0 else 0.0)
        at = moment(day, 18)
        for e in plan.entries:
            if e.blueprint:  # a mock paper answers one drawn paper's items
                if e.blueprint != cat.blueprint:
                    continue
                idx = [int(i) for dr in cat.draws
                       for i in rng.choice(dr.cards, size=min(dr.count, len(dr.cards)),
                                           replace=False, p=dr.probs)]
            else:
                idx = [cat.index[e.key]]
            for i in idx:
                ok = rng.random() < st.success(at, np.array([i]))[0]
                st.apply(i, Rating.Good if ok else Rating.Again, at)
    return st


def chapter_readiness(state: "MemoryState", kept: "MemoryState", now: float,
                      exam_at: float) -> list[ChapterReadiness]:
    cat = state.catalogue
    r_now, r_stop, r_kept = state.recall(now), state.recall(exam_at), kept.recall(exam_at)
    weight = state.value + 1e-3  # what the exam asks counts most; untested cards a little
    out = []
    for cid, title in cat.chapters:
        idx = np.array([i for i, c in enumerate(cat.cards) if c.chapter == cid], dtype=int)
        if not len(idx):
            continue
        w = weight[idx]
        out.append(ChapterReadiness(cid, title, *(float(np.average(r[idx], weights=w))
                                                  for r in (r_now, r_stop, r_kept))))
    return out


def readiness(state: "MemoryState", *, today: date, exam: date, minutes: int,
              seconds: dict[str, float], answers_by_type: dict[str, int], now: float,
              spent_seconds: float = 0.0, seed: int = 0) -> Readiness:
    exam_at = moment(exam, EXAM_HOUR)
    kept = rollout(state, today=today, exam=exam, minutes=minutes, seconds=seconds,
                   spent_seconds=spent_seconds, seed=seed)
    answers = sum(answers_by_type.values())
    return Readiness(
        answers, answers >= MIN_ANSWERS,
        if_kept=forecast(kept, exam_at, answers_by_type, np.random.default_rng(seed + 1)),
        if_stop=forecast(state, exam_at, answers_by_type, np.random.default_rng(seed + 1)),
        chapters=chapter_readiness(state, kept, now, exam_at))
