"""The mistake book (错题本): what the student got wrong, re-drilled until it is right.

Any answer scoring less than full marks (in practice, a drill or an exam) puts its question in the
book. A review session asks each entry again, the most often missed first (then the longest ago);
calculation questions come back with fresh numbers (a new seed), so the student re-does the
method rather than remembering a value. An entry leaves the book when it is answered right in
review; a wrong answer sends it to the back of the queue of the same session, and its count of
wrong answers goes up.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from quizapp.core.storage import Attempt, MistakeEntry, Storage

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank
    from quizapp.core.items import Item

CALCULATED = ("calculation", "comprehensive")


def is_blank(response: Any) -> bool:
    """True when a response holds nothing the student wrote or picked."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, bool):
        return False
    if isinstance(response, (int, float)):
        return False
    if isinstance(response, Mapping):
        if "ticked" in response and "text" in response:
            return is_blank(response.get("text")) and not any(response.get("ticked") or [])
        return all(is_blank(v) for v in response.values())
    if isinstance(response, (list, tuple)):
        return all(is_blank(v) for v in response)
    return False


def no_answer_grade() -> Any:
    """The grade of an empty submission in practice: malformed, so it costs nothing."""
    from quizapp.core.grading import Grade

    return Grade(score=0.0, correct=False, malformed=True,
                 message="Give an answer first.", message_zh="请先作答。")


def mistake_key(item: "Item") -> str:
    """The book's key: the bank question (any seed), or the drill kind and difficulty."""
    if item.question is not None:
        return item.question.id
    return f"drill:{item.kind}:{item.difficulty}"


def mistake_ids(grade: Any) -> list[str]:
    return [getattr(m, "id", str(m)) for m in (getattr(grade, "mistakes", None) or [])]


def attempt_for(item: "Item", grade: Any, response: Mapping[str, Any], *, mode: str, at: float,
                seconds: float | None = None) -> Attempt:
    """The storage record of one graded answer."""
    return Attempt(
        at=at, mode=mode, item_uid=item.uid, chapter=item.chapter, type=item.type,
        score=float(grade.score), correct=bool(grade.correct), response=dict(response),
        question_id=item.question.id if item.question is not None else None,
        kind=item.kind, difficulty=item.difficulty, topics=list(item.topics),
        mistakes=mistake_ids(grade), seconds=seconds)


def note_result(storage: Storage, item: "Item", grade: Any, at: float) -> None:
    """Put a wrong answer in the book (does nothing for a right one; only review clears)."""
    if grade.correct:
        return
    storage.note_wrong(key=mistake_key(item),
                       question_id=item.question.id if item.question is not None else None,
                       kind=item.kind, difficulty=item.difficulty, chapter=item.chapter,
                       mistakes=mistake_ids(grade), at=at)


def fresh_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def item_for_entry(bank: "Bank", entry: MistakeEntry, seed: int) -> "Item | None":
    """The entry asked again (a fresh variant for calculations); None if the bank lost it."""
    from quizapp.core.errors import BankError
    from quizapp.core.items import drill_item, realise

    if entry.question_id is None:
        if not entry.kind:
            return None
        try:
            return drill_item(entry.kind, seed, entry.difficulty or "medium")
        except KeyError:  # the kind is gone from the engine
            return None
    try:
        return realise(bank.get(entry.question_id), seed)
    except BankError:
        return None


def review_order(entries: list[MistakeEntry]) -> list[MistakeEntry]:
    """Most often wrong first; among equals, the one missed longest ago."""
    return sorted(entries, key=lambda e: (-e.wrong_count, e.last_wrong_at, e.key))


@dataclass
class ReviewOutcome:
    item: "Item"
    grade: Any
    cleared: bool  # the entry left the book


class ReviewSession:
    """One pass through the open mistakes. ``next_item()`` returns None when the book is empty."""

    mode = "review"

    def __init__(self, bank: "Bank", storage: Storage, *, seed: int | None = None,
                 clock: Callable[[], float] = time.time):
        self.bank = bank
        self.storage = storage
        self.clock = clock
        self.rng = np.random.default_rng(seed)
        self.queue: deque[MistakeEntry] = deque(review_order(storage.open_mistakes()))
        self.current: "Item | None" = None
        self._entry: MistakeEntry | None = None
        self.answered = 0
        self.correct = 0
        self.cleared = 0

    @property
    def remaining(self) -> int:
        return len(self.queue) + (1 if self._entry is not None else 0)

    def next_item(self) -> "Item | None":
        if self._entry is not None:  # skipped without an answer: ask it again later
            self.queue.append(self._entry)
            self._entry = None
        while self.queue:
            entry = self.queue.popleft()
            item = item_for_entry(self.bank, entry, fresh_seed(self.rng))
            if item is not None:
                self._entry, self.current = entry, item
                return item
        self._entry = self.current = None
        return None

    def submit(self, response: Mapping[str, Any], seconds: float | None = None) -> ReviewOutcome:
        """Grade the current item. A malformed answer is not recorded and keeps the item."""
        from quizapp.core.items import grade_item

        assert self.current is not None and self._entry is not None, "no current item"
        item, entry = self.current, self._entry
        grade = no_answer_grade() if is_blank(response) else grade_item(item, response)
        if grade.malformed:
            return ReviewOutcome(item, grade, cleared=False)
        now = self.clock()
        with self.storage.transaction():  # the attempt and the book's update, or neither
            self.storage.record_attempt(attempt_for(item, grade, response, mode=self.mode, at=now,
                                                    seconds=seconds))
            if grade.correct:
                self.storage.clear_mistake(entry.key, now)
            else:
                note_result(self.storage, item, grade, now)
        self.answered += 1
        self._entry = None
        if grade.correct:
            self.correct += 1
            self.cleared += 1
            return ReviewOutcome(item, grade, cleared=True)
        self.queue.append(entry)  # again later in this session
        return ReviewOutcome(item, grade, cleared=False)
