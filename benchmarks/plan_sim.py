"""Does the study plan beat practising chapters in order, or at random, on the same minutes?

``python benchmarks/plan_sim.py [--students N] [--seed S] [--cards 5000]``

Simulated students, each with their own memory: FSRS with their own parameters (initial
stabilities, the growth of stability on recall, the decay of the forgetting curve all varied
around the defaults), their own speed (seconds per item type, x0.6 to x1.7, and each answer
varying around it) and their own head start on unseen items. An answer is right with the chance
their *true* memory gives at that moment; the planner never sees the true parameters, only the
ratings (it uses FSRS's default parameters and the student's observed seconds per type).

Settings: 14 and 30 days to the exam x 20, 40 and 60 minutes a day; the students are dealt
round-robin over the six settings, and in each setting every student follows all three policies
with the same memory and speed:

* ``plan``: each day's queue from :func:`quizapp.core.plan.planner.plan_day`;
* ``chapters``: the bank's questions chapter by chapter, in order, round again at the end;
* ``random``: the bank's questions in a fresh random order every day.

A day ends when its minutes are used (the real time of the answers, not the planned time); a
plan finished early is asked again for the minutes left, as the Today screen does.
Measured on the exam day: the expected exam score under the student's true memory (blueprint
points x chance of scoring each item) and the share of syllabus concepts answered at least once
and at least twice. The plan must beat both baselines in every setting (exit status 1 if not).

Speed: planning one day over a catalogue of ``--cards`` cards (the real one replicated, with a
random review history) must take at most 100 ms; the median of 15 runs is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fsrs import Rating, Scheduler  # noqa: E402
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS  # noqa: E402

from quizapp.core.bank.loader import load_bank  # noqa: E402
from quizapp.core.plan.catalogue import DEFAULT_SECONDS, Catalogue, build_catalogue, card_key_of  # noqa: E402
from quizapp.core.plan.planner import EXAM_HOUR, moment, plan_day  # noqa: E402
from quizapp.core.plan.state import MemoryState  # noqa: E402

SETTINGS = [(days, minutes) for days in (14, 30) for minutes in (20, 40, 60)]
POLICIES = ("plan", "chapters", "random")
START = date(2026, 6, 1)


@dataclass
class Student:
    params: tuple[float, ...]
    speed: float  # multiplies every item's seconds
    head_start: float  # chance of knowing an unseen item
    seed: int


def make_student(rng: np.random.Generator, seed: int) -> Student:
    w = np.array(DEFAULT_PARAMETERS, dtype=float)
    w[0:4] *= rng.lognormal(0.0, 0.5)  # how well a first look sticks
    w[8] *= rng.lognormal(0.0, 0.25)  # how much a successful recall strengthens memory
    w[11] *= rng.lognormal(0.0, 0.25)  # how much is left after forgetting
    w[20] *= rng.lognormal(0.0, 0.4)  # the shape of the forgetting curve (0.1 to 0.8 allowed)
    w = np.clip(w, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)
    return Student(tuple(float(x) for x in w), float(rng.lognormal(0.0, 0.3)),
                   float(rng.uniform(0.15, 0.5)), seed)


class Run:
    """One student following one policy in one setting."""

    def __init__(self, cat: Catalogue, student: Student, days: int, minutes: int, policy: str):
        self.cat, self.student, self.days, self.minutes, self.policy = cat, student, days, minutes, policy
        self.true = MemoryState(cat, sched=Scheduler(parameters=student.params, enable_fuzzing=False))
        self.model = MemoryState(cat)  # what the planner knows: default FSRS, the ratings only
        self.rng = np.random.default_rng(student.seed)
        self.observed: dict[str, list[float]] = {}
        self.exam = START + timedelta(days=days)
        self.pointer = 0
        bank_cards = sorted({cat.index[k] for k in BANK_KEYS if k in cat.index},
                            key=lambda i: (CHAPTER_ORDER.get(cat.cards[i].chapter, 99), cat.cards[i].key))
        self.bank_cards = bank_cards

    def seconds(self) -> dict[str, float]:
        out = dict(DEFAULT_SECONDS)
        for t, xs in self.observed.items():
            if len(xs) >= 3:
                out[t] = statistics.median(xs)
        return out

    def answer(self, i: int, at: float) -> float:
        card = self.cat.cards[i]
        took = DEFAULT_SECONDS[card.type] * self.student.speed * self.rng.lognormal(0.0, 0.25)
        self.observed.setdefault(card.type, []).append(took)
        if self.true.cards[i] is None:
            p = card.floor + (1 - card.floor) * self.student.head_start
        else:
            p = self.true.success(at, np.array([i]))[0]
        rating = Rating.Good if self.rng.random() < p else Rating.Again
        self.true.apply(i, rating, at)
        self.model.apply(i, rating, at)
        return took

    def day_queue(self, day: date, spent: float = 0.0) -> list[int]:
        if self.policy == "plan":
            plan = plan_day(self.model, today=day, exam=self.exam, minutes=self.minutes,
                            seconds=self.seconds(), spent_seconds=spent)
            out = []
            for e in plan.entries:
                if e.blueprint:  # a mock paper: one drawn paper's items
                    out += [int(i) for d in self.cat.draws for i in self.rng.choice(
                        d.cards, size=min(d.count, len(d.cards)), replace=False, p=d.probs)]
                else:
                    out.append(self.cat.index[e.key])
            return out
        if self.policy == "random":
            return [self.bank_cards[j] for j in self.rng.permutation(len(self.bank_cards))]
        n = len(self.bank_cards)
        return [self.bank_cards[(self.pointer + j) % n] for j in range(n)]

    def run(self) -> tuple[float, float, float]:
        for d in range(self.days):
            day = START + timedelta(days=d)
            start = at = moment(day, 18)
            end = start + self.minutes * 60
            while at < end:  # time left when the queue is done: the plan is asked again
                queue = self.day_queue(day, at - start)
                if not queue:
                    break
                for i in queue:
                    if at >= end:
                        break
                    at += self.answer(i, at)
                    if self.policy == "chapters":
                        self.pointer += 1
        exam_at = moment(self.exam, EXAM_HOUR)
        score = float((self.true.value * self.true.success(exam_at)).sum())
        counts = self.true.concept_counts()
        once = sum(1 for n in counts.values() if n >= 1) / len(counts)
        twice = sum(1 for n in counts.values() if n >= 2) / len(counts)
        return score, once, twice


BANK_KEYS: list[str] = []
CHAPTER_ORDER: dict[str, int] = {}


def simulate(cat: Catalogue, students: int, seed: int) -> bool:
    rng = np.random.default_rng(seed)
    results: dict[tuple, list[tuple[float, float, float]]] = {}
    t0 = time.perf_counter()
    for s in range(students):
        student = make_student(rng, seed * 100_000 + s)
        days, minutes = SETTINGS[s % len(SETTINGS)]
        for policy in POLICIES:
            results.setdefault((days, minutes, policy), []).append(
                Run(cat, student, days, minutes, policy).run())
    print(f"{students} students simulated in {time.perf_counter() - t0:.0f} s "
          f"({students // len(SETTINGS)}+ per setting)\n")
    print(f"{'days':>4} {'min/day':>7} {'policy':<9} {'exam score':>10} {'concepts seen':>14} "
          f"{'seen twice':>11}")
    ok = True
    for days, minutes in SETTINGS:
        means = {}
        for policy in POLICIES:
            rows = np.array(results[(days, minutes, policy)])
            means[policy] = rows.mean(axis=0)
            score, once, twice = means[policy]
            print(f"{days:>4} {minutes:>7} {policy:<9} {score:>10.1f} {once:>13.0%} {twice:>11.0%}")
        beats = all(means["plan"][0] > means[b][0] and means["plan"][1] >= means[b][1]
                    for b in ("chapters", "random"))
        ok &= beats
        print(f"{'':>13}plan ahead of both baselines: {'yes' if beats else 'NO'}")
    return ok


def planning_speed(cat: Catalogue, cards: int, seed: int) -> float:
    """Median ms to plan one day over ``cards`` cards with a random history."""
    copies = -(-cards // len(cat))
    big = []
    for c in range(copies):
        big += [replace(card, key=f"{card.key}#{c}", section_values=dict(card.section_values),
                        value=card.value / copies) for card in cat.cards]
    big = big[:cards]
    bigcat = replace(cat, cards=big, index={c.key: i for i, c in enumerate(big)}, draws=[])
    state = MemoryState(bigcat)
    rng = np.random.default_rng(seed)
    day0 = moment(START - timedelta(days=30), 18)
    for i in rng.choice(len(big), size=len(big) * 2 // 3, replace=False):
        at = day0
        for _ in range(int(rng.integers(1, 4))):
            at += float(rng.integers(1, 10)) * 86400
            state.apply(int(i), Rating.Good if rng.random() < 0.8 else Rating.Again, at)
    times = []
    for _ in range(15):
        t = time.perf_counter()
        plan_day(state, today=START, exam=START + timedelta(days=14), minutes=60,
                 seconds=dict(DEFAULT_SECONDS))
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=204)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cards", type=int, default=5000)
    ap.add_argument("--skip-sim", action="store_true", help="only measure planning speed")
    args = ap.parse_args(argv)
    bank = load_bank()
    cat = build_catalogue(bank)
    BANK_KEYS[:] = [card_key_of(q) for q in bank.questions]
    CHAPTER_ORDER.update({c.id: c.number for c in bank.chapters})
    ms = planning_speed(cat, args.cards, args.seed)
    print(f"planning one day over {args.cards} cards: {ms:.0f} ms (median of 15; limit 100 ms)\n")
    ok = ms <= 100
    if not args.skip_sim:
        ok &= simulate(cat, args.students, args.seed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
