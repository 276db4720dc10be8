"""What the plan can schedule, and what each thing is worth on the exam.

One :class:`PlanCard` per bank item that is not a calculation, and one per calculation kind and
difficulty of the solver registry (a *skill card*: the exam's calculation items have fresh numbers,
so what counts is the method). Calculation items of the bank lend their exam value to the skill
card of their kind.

Exam value (``value``): the points the blueprint's draws put on the item, times the chance the
paper draws it. A draw of ``count`` items at ``points`` each picks item ``q`` of its pool with
probability ``min(1, count * p_q)`` where ``p_q`` follows the syllabus weights exactly as
:func:`quizapp.core.paper.draw_questions` does; the values of a draw are then scaled to add up to
``count * points``, so the values of all cards add up to the paper's total.

Concepts (the syllabus, for coverage): every topic tag of the bank and every point the review
sheet marks 记忆 (memorise). An item carries its own tags and memorise points; a skill card carries
those of the bank items of its kind plus its kind's topic.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from quizapp.core.bank.rules import matches
from quizapp.core.plan.memory import question_key, skill_key

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank

# Chance of scoring on an item without knowing it (guessing an option, half marks by luck).
GUESS_FLOOR = {"single_choice": 0.25, "multiple_choice": 0.1, "true_false": 0.5,
               "fill_blank": 0.0, "short_answer": 0.1, "calculation": 0.0, "comprehensive": 0.05}
# Seconds an item takes before the student has timed answers of that type.
DEFAULT_SECONDS = {"single_choice": 45.0, "multiple_choice": 70.0, "true_false": 30.0,
                   "fill_blank": 60.0, "short_answer": 180.0, "calculation": 150.0,
                   "comprehensive": 600.0}
OWN_TIMES_NEEDED = 3  # timed answers of a type before the student's own median is used
SECONDS_RANGE = (5.0, 1800.0)  # a timing outside this is a walk away from the keyboard, not work
# The student's own median is used down to a third of the default: answers of a few seconds are
# guesses or skips, and taking them at face value planned 199 calculations into a 30-minute day.
OWN_TIME_FLOOR = 1 / 3


@dataclass
class PlanCard:
    key: str
    chapter: str
    type: str  # the bank type; "calculation" for a skill card
    difficulty: str
    question_id: str | None = None
    kind: str | None = None  # skill cards: the solver kind
    concepts: tuple[str, ...] = ()
    value: float = 0.0  # expected exam points riding on it (sum over the blueprint's sections)
    section_values: dict[str, float] = field(default_factory=dict)

    @property
    def floor(self) -> float:
        return GUESS_FLOOR.get(self.type, 0.0)


@dataclass
class Draw:
    """One blueprint draw over catalogue cards (for the Monte Carlo range of the forecast)."""

    section: str
    count: int
    points: float
    cards: np.ndarray  # indices into the catalogue (a skill card can appear several times)
    probs: np.ndarray  # draw probabilities (sum 1)


@dataclass
class Catalogue:
    cards: list[PlanCard]
    index: dict[str, int]
    concepts: dict[str, Any]  # concept id -> name (a str, or something with .get(lang))
    sections: list[tuple[str, Any, float]]  # (id, title, points) of the blueprint
    draws: list[Draw]
    blueprint: str
    chapters: list[tuple[str, Any]]  # (id, title) in syllabus order
    mock_minutes: dict[str, int]  # blueprint id -> duration

    def __len__(self) -> int:
        return len(self.cards)

    @property
    def cards_by_concept(self) -> dict[str, np.ndarray]:
        """Concept id -> indices of the cards carrying it (built once)."""
        cached = self.__dict__.get("_cards_by_concept")
        if cached is None:
            lists: dict[str, list[int]] = {c: [] for c in self.concepts}
            for i, card in enumerate(self.cards):
                for c in card.concepts:
                    lists.setdefault(c, []).append(i)
            cached = {c: np.array(ix, dtype=np.int64) for c, ix in lists.items()}
            self.__dict__["_cards_by_concept"] = cached
        return cached


def _draw_probabilities(pool: list, weights: dict[str, float]) -> np.ndarray:
    """The per-item pick probability of :func:`quizapp.core.paper.draw_questions`."""
    per_chapter: dict[str, int] = {}
    for q in pool:
        per_chapter[q.chapter] = per_chapter.get(q.chapter, 0) + 1
    p = np.array([weights.get(q.chapter, 1.0) / per_chapter[q.chapter] for q in pool], dtype=float)
    return p / p.sum()


def card_key_of(question) -> str:
    """The plan card a bank question belongs to (calculations: their kind's skill card)."""
    if question.type == "calculation" and question.calculation is not None:
        return skill_key(question.calculation.kind, question.calculation.difficulty or question.difficulty)
    return question_key(question.id)


def default_blueprint(bank: "Bank") -> str:
    """The paper the plan aims at: ``final`` if the bank has it, else its longest paper."""
    if "final" in bank.blueprints:
        return "final"
    return max(sorted(bank.blueprints), key=lambda b: bank.blueprints[b].duration_minutes)


def build_catalogue(bank: "Bank", blueprint_id: str | None = None,
                    kinds: Iterable[Any] | None = None) -> Catalogue:
    """Every plan card with its exam value under ``blueprint_id`` (default
    :func:`default_blueprint`); ``kinds`` default to the solver registry."""
    from solvers import DIFFICULTIES

    blueprint_id = blueprint_id or default_blueprint(bank)

    if kinds is None:
        from solvers import all_kinds

        kinds = all_kinds()
    concepts: dict[str, Any] = {}
    for q in bank.questions:
        for t in q.topics:
            if t not in concepts:
                concepts[t] = bank.topic_title(t)  # bilingual: the plan says why an item is due
    for m in bank.memorise:
        concepts[m.id] = m.title
    cards: list[PlanCard] = []
    index: dict[str, int] = {}

    def add(card: PlanCard) -> None:
        index[card.key] = len(cards)
        cards.append(card)

    for q in sorted(bank.questions, key=lambda q: q.id):
        if q.type != "calculation":
            add(PlanCard(question_key(q.id), q.chapter or "", q.type, q.difficulty, question_id=q.id,
                         concepts=tuple(dict.fromkeys([*q.topics, *q.memorise]))))
    skill_concepts: dict[str, list[str]] = {}
    for q in bank.questions:
        if q.type == "calculation":
            skill_concepts.setdefault(card_key_of(q), []).extend([*q.topics, *q.memorise])
    for kind in kinds:
        for difficulty in DIFFICULTIES:
            key = skill_key(kind.id, difficulty)
            own = [kind.topic] if kind.topic in concepts else []
            add(PlanCard(key, kind.chapter, "calculation", difficulty, kind=kind.id,
                         concepts=tuple(dict.fromkeys([*own, *skill_concepts.get(key, [])]))))

    bp = bank.blueprint(blueprint_id)
    weights = {c.id: c.weight for c in bank.chapters}
    sections, draws = [], []
    for section in bp.sections:
        total = 0.0
        for d in section.draws:
            pool = sorted((q for q in bank.questions if matches(q, d.type, d.chapters, d.difficulty)),
                          key=lambda q: q.id)
            pool = [q for q in pool if card_key_of(q) in index]
            if not pool:
                continue
            p = _draw_probabilities(pool, weights)
            picked = np.minimum(1.0, d.count * p)
            picked *= d.count / picked.sum()  # the draw's items add up to count x points
            idx = np.array([index[card_key_of(q)] for q in pool])
            for i, share in zip(idx, picked):
                c = cards[i]
                c.value += share * d.points
                c.section_values[section.id] = c.section_values.get(section.id, 0.0) + share * d.points
            draws.append(Draw(section.id, d.count, d.points, idx, p))
            total += d.count * d.points
        sections.append((section.id, section.title, total))
    return Catalogue(cards, index, concepts, sections, draws, bp.id,
                     [(c.id, c.title) for c in bank.chapters],
                     {b.id: b.duration_minutes for b in bank.blueprints.values()})


def seconds_per_type(attempts: Iterable[Any]) -> dict[str, float]:
    """The student's median seconds per item type (defaults until they have a few timed answers).
    A comprehensive attempt in an exam is timed as a whole, like in practice."""
    own: dict[str, list[float]] = {}
    lo, hi = SECONDS_RANGE
    for a in attempts:
        if a.seconds is not None and lo <= a.seconds <= hi:
            own.setdefault(a.type, []).append(float(a.seconds))
    out = dict(DEFAULT_SECONDS)
    for t, values in own.items():
        if len(values) >= OWN_TIMES_NEEDED:
            floor = OWN_TIME_FLOOR * DEFAULT_SECONDS.get(t, 60.0)
            out[t] = max(statistics.median(values), floor)
    return out
