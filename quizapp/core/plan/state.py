"""One student's memory laid over the catalogue: FSRS cards in arrays the planner can scan fast.

Recall of thousands of cards at a date is FSRS's forgetting curve evaluated with NumPy,
``R = (1 + FACTOR * days / S) ** DECAY`` with the scheduler's own DECAY (parameter 20) and
FACTOR, whole days elapsed as :meth:`fsrs.Scheduler.get_card_retrievability` counts them (the
tests check the two agree card for card). Reviews go through :meth:`fsrs.Scheduler.review_card`.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from quizapp.core.plan.memory import MemoryCard, new_card, scheduler, utc

if TYPE_CHECKING:
    from fsrs import Card, Rating, Scheduler

    from quizapp.core.plan.catalogue import Catalogue

DAY = 86400.0


def _stamp(dt: datetime | None) -> float:
    return dt.timestamp() if dt is not None else np.nan


class MemoryState:
    """Cards aligned with ``catalogue.cards`` (None: never answered)."""

    def __init__(self, catalogue: "Catalogue", cards: dict[str, MemoryCard] | None = None,
                 sched: "Scheduler | None" = None):
        self.catalogue = catalogue
        self.sched = sched or scheduler()
        n = len(catalogue)
        self.cards: list["Card | None"] = [None] * n
        self.reviews = np.zeros(n, dtype=np.int64)
        self.last_rating = np.zeros(n, dtype=np.int64)  # 0: never rated
        self.stability = np.full(n, np.nan)
        self.last_review = np.full(n, np.nan)
        self.due = np.full(n, np.nan)
        self.floor = np.array([c.floor for c in catalogue.cards])
        self.value = np.array([c.value for c in catalogue.cards])
        decay = -float(self.sched.parameters[20])
        self._decay = decay
        self._factor = 0.9 ** (1.0 / decay) - 1.0
        for key, m in (cards or {}).items():
            i = catalogue.index.get(key)
            if i is not None:
                self._set(i, m.card, m.reviews, m.last_rating or 0)

    def _set(self, i: int, card: "Card", reviews: int, rating: int) -> None:
        self.cards[i] = card
        self.reviews[i] = reviews
        self.last_rating[i] = rating
        self.stability[i] = card.stability if card.stability is not None else np.nan
        self.last_review[i] = _stamp(card.last_review)
        self.due[i] = _stamp(card.due)

    def copy(self) -> "MemoryState":
        other = copy.copy(self)
        for name in ("reviews", "last_rating", "stability", "last_review", "due"):
            setattr(other, name, getattr(self, name).copy())
        other.cards = list(self.cards)  # Card objects are replaced on review, never mutated
        return other

    # -- recall -----------------------------------------------------------------------------------

    def recall(self, at: float, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """FSRS retrievability at ``at`` (epoch seconds); 0 for a card never answered."""
        s = self.stability[idx]
        last = self.last_review[idx]
        seen = ~np.isnan(s)
        days = np.floor(np.maximum(0.0, at - np.where(seen, last, at)) / DAY)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (1.0 + self._factor * days / np.where(seen, s, 1.0)) ** self._decay
        return np.where(seen, r, 0.0)

    def success(self, at: float, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Chance of scoring the item at ``at``: recall, or a lucky guess when not recalled."""
        floor = self.floor[idx]
        return floor + (1.0 - floor) * self.recall(at, idx)

    def card_recall(self, card: "Card", at: float) -> float:
        if card.stability is None or card.last_review is None:
            return 0.0
        days = max(0.0, (at - card.last_review.timestamp()) // DAY)
        return (1.0 + self._factor * days / card.stability) ** self._decay

    # -- reviewing --------------------------------------------------------------------------------

    def reviewed(self, i: int, rating: "Rating", at: float) -> "Card":
        """The card ``i`` would become after a review at ``at`` (the state is not changed)."""
        card = self.cards[i] or new_card(self.catalogue.cards[i].key)
        when = utc(at)
        if card.last_review is not None and when < card.last_review:
            when = card.last_review
        return self.sched.review_card(card, rating, when)[0]

    def apply(self, i: int, rating: "Rating", at: float) -> None:
        self._set(i, self.reviewed(i, rating, at), int(self.reviews[i]) + 1, int(rating))

    def reviewed_on(self, day_start: float) -> np.ndarray:
        """Cards last reviewed at or after ``day_start``."""
        return np.nan_to_num(self.last_review, nan=-np.inf) >= day_start

    # -- coverage ---------------------------------------------------------------------------------

    def concept_counts(self) -> dict[str, int]:
        """Answers so far per syllabus concept."""
        return {c: int(self.reviews[ix].sum())
                for c, ix in self.catalogue.cards_by_concept.items() if c in self.catalogue.concepts}
