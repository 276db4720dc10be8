"""Today's queue answered one item at a time, with the practice screen's feedback and hints.

A :class:`TodaySession` is a practice session whose questions come from the queue: a bank item
as itself (calculations with fresh numbers), a skill card as a drill of its kind and difficulty.
Mock papers are not in it: they open as exams. Answers are recorded as practice (drill for a
skill), so they review the memory cards like any other answer and the plan moves at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from quizapp.core.practice import PracticeSession
from quizapp.core.review import fresh_seed

if TYPE_CHECKING:
    from quizapp.core.items import Item
    from quizapp.core.plan.planner import PlanEntry


class TodaySession(PracticeSession):
    """Ends (``next_item()`` returns None) when the queue is done."""

    def __init__(self, bank: Any, storage: Any, entries: list["PlanEntry"], *,
                 seed: int | None = None, clock: Callable[[], float] = time.time):
        self.entries = [e for e in entries if e.blueprint is None]
        # Set up as a drill (the only mode needing no pool), then serve the queue instead.
        first_kind = next((e.kind for e in self.entries if e.kind), None)
        if first_kind is None:
            from quizapp.core.practice import drill_kinds

            first_kind = drill_kinds()[0].id
        super().__init__(bank, storage, mode="drill", target=first_kind, seed=seed, clock=clock)
        self.mode = "today"
        self.position = 0  # entries asked so far
        self.entry: "PlanEntry | None" = None

    @property
    def record_mode(self) -> str:
        return "drill" if self.entry is not None and self.entry.kind else "practice"

    @property
    def remaining(self) -> int:
        return len(self.entries) - self.position

    def next_item(self) -> "Item | None":
        from quizapp.core.errors import BankError
        from quizapp.core.items import as_choice, drill_item, realise

        while self.position < len(self.entries):
            entry = self.entries[self.position]
            self.position += 1
            try:
                if entry.kind:
                    item = drill_item(entry.kind, fresh_seed(self.rng), entry.difficulty or "medium")
                else:
                    item = realise(self.bank.get(entry.question_id), fresh_seed(self.rng))
            except (BankError, KeyError):  # the bank or the engine lost it since planning
                continue
            self.entry, self.current = entry, as_choice(item) if self.as_choice else item
            self._asked_at = self.clock()
            self._graded = False
            self.hints_shown = 0
            return self.current
        self.entry = self.current = None
        return None
