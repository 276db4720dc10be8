"""A practice session: one question at a time, immediate feedback, every answer saved.

Three ways in, one rule for what comes next:

* ``chapter``: the chapter's bank questions in a shuffled order, round again when done;
* ``topic``: the same over every question tagged with a topic;
* ``drill``: a calculation kind that never runs out; each question is a fresh variant (new seed).

Each round asks questions never answered first, then those answered wrong last time, then the
rest (shuffled within each group), so a student moves through the whole chapter before repeating.
Calculation questions always get a fresh seed, so asking one twice gives new numbers. A malformed
answer (``grade.malformed``) is not recorded and does not advance: it costs nothing.

Two aids for calculations:

* **as choice** (:meth:`PracticeSession.set_choice_mode`): calculations are asked as single-choice
  questions whose wrong options are the values of the kind's named mistakes;
* **hints** (:meth:`PracticeSession.reveal_step`): before answering, the worked solution can be
  revealed a piece at a time: a step's method first ("Union = A + B - intersection"), then its
  numbers. Each piece costs an equal share of the credit (everything revealed: the answer was
  shown, no credit); :meth:`PracticeSession.hint_credit` says how much is left, and the attempt
  records ``{"hints": {"shown": k, "of": n}}`` in its response.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from quizapp.core.errors import BankError, InputError
from quizapp.core.review import attempt_for, fresh_seed, is_blank, no_answer_grade, note_result
from quizapp.core.storage import Storage
from quizapp.core.summary import summarise

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank
    from quizapp.core.bank.models import Question
    from quizapp.core.items import Item

MODES = ("chapter", "topic", "drill")


@dataclass
class Feedback:
    item: "Item"
    grade: Any  # quizapp.core.grading.Grade
    recorded: bool  # False for a malformed answer (nothing was counted)


def topics(bank: "Bank") -> list[tuple[str, int]]:
    """Every topic tag in the bank with its number of questions, most used first."""
    counts: dict[str, int] = {}
    for q in bank.questions:
        for t in q.topics:
            counts[t] = counts.get(t, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def questions_for(bank: "Bank", mode: str, target: str, difficulty: str | None) -> list["Question"]:
    if mode == "chapter":
        pool = bank.by_chapter(bank.chapter(target).id)
    elif mode == "topic":
        pool = [q for q in bank.questions if target in q.topics]
        if not pool:
            raise _unknown_topic(bank, target)
    else:
        raise InputError(f"Unknown practice mode '{mode}'; use one of {', '.join(MODES)}.")
    if difficulty is not None:
        pool = [q for q in pool if q.difficulty == difficulty]
    return pool


def _unknown_topic(bank: "Bank", target: str) -> InputError:
    import difflib

    tags = sorted(t for t, _ in topics(bank))
    close = difflib.get_close_matches(target, tags, n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return InputError(f"No question has the topic {summarise(target)}.{hint}",
                      hint=f"The app's 'Practice by topic' lists all {len(tags)} topics.")


def check_target(bank: "Bank", mode: str, target: str, difficulty: str | None) -> None:
    """Raise a one-sentence error when practice over this chapter or topic would have no questions
    (an unknown chapter or topic, or none at this difficulty): the CLI says so before the app opens."""
    try:
        pool = questions_for(bank, mode, target, difficulty)
    except BankError as exc:  # an unknown chapter: the bank's sentence, with a suggestion
        raise InputError(exc.message, hint=exc.hint) from None
    if not pool:
        raise InputError(f"The bank has no questions for {mode} {summarise(target)} at {difficulty} "
                         f"difficulty.", hint="Leave out --difficulty, or pick another.")


def drill_kinds() -> list:
    """Every calculation kind a drill can use (importing them all costs SymPy: call off-screen)."""
    from solvers import all_kinds

    return all_kinds()


def drill_kind(kind_id: str):
    """One calculation kind by id (raises solvers.UnknownKind with a suggestion)."""
    from solvers import get_kind

    return get_kind(kind_id)


class PracticeSession:
    """Practice over a chapter, a topic or a drill kind (see the module docstring)."""

    def __init__(self, bank: "Bank | None", storage: Storage, *, mode: str, target: str,
                 difficulty: str | None = None, seed: int | None = None,
                 clock: Callable[[], float] = time.time):
        if mode not in MODES:
            raise InputError(f"Unknown practice mode '{mode}'; use one of {', '.join(MODES)}.")
        self.bank = bank
        self.storage = storage
        self.mode = mode
        self.target = target
        self.difficulty = difficulty
        self.clock = clock
        self.rng = np.random.default_rng(seed)
        self.current: "Item | None" = None
        self.answered = 0
        self.correct = 0
        self._asked_at: float | None = None
        self._graded = False
        self._pool: list["Question"] = []
        self._queue: list["Question"] = []
        self.as_choice = False
        self.hints_shown = 0
        if mode == "drill":
            from solvers import get_kind

            try:
                get_kind(target)
            except KeyError as exc:
                raise InputError(str(exc)) from None
            if difficulty is None:
                self.difficulty = "medium"
        else:
            assert bank is not None
            self._pool = questions_for(bank, mode, target, difficulty)
            if not self._pool:
                what = f"{mode} {summarise(target)}" + (f" at {difficulty} difficulty" if difficulty else "")
                raise InputError(f"The bank has no questions for {what}.",
                                 hint="Pick another one or leave out --difficulty.")

    @property
    def record_mode(self) -> str:
        return "drill" if self.mode == "drill" else "practice"

    def next_item(self) -> "Item":
        """The next question (never None: practice rounds again, drills never end)."""
        from quizapp.core.items import drill_item, realise

        if self.mode == "drill":
            self.current = drill_item(self.target, fresh_seed(self.rng), self.difficulty or "medium")
        else:
            if not self._queue:
                self._queue = self._round_order()
                # Do not ask the same question twice in a row across rounds.
                if self.current is not None and len(self._queue) > 1 and \
                        self._queue[0].id == self.current.id:
                    self._queue.append(self._queue.pop(0))
            self.current = realise(self._queue.pop(0), fresh_seed(self.rng))
        if self.as_choice:
            from quizapp.core.items import as_choice

            self.current = as_choice(self.current)
        self._asked_at = self.clock()
        self._graded = False
        self.hints_shown = 0
        return self.current

    def set_choice_mode(self, on: bool) -> None:
        """Ask calculations (from the next question on) as single choice, or typed again."""
        self.as_choice = bool(on)

    # -- hints: the worked steps, one at a time, each costing credit ----------------------------

    @property
    def hint_steps(self) -> list:
        """The worked steps of the current question (empty when it has none to reveal)."""
        item = self.current
        if item is None or item.problem is None:
            return []
        return list(item.problem.steps)

    @property
    def hint_units(self) -> list[tuple[Any, bool]]:
        """The pieces hints reveal, in order: ``(step, False)`` its method in words, then
        ``(step, True)`` its numbers (steps without a formula line are one piece)."""
        units: list[tuple[Any, bool]] = []
        for step in self.hint_steps:
            units.append((step, False))
            if step.math:
                units.append((step, True))
        return units

    def revealed(self) -> list[tuple[Any, bool]]:
        """The steps revealed so far, each with whether its numbers are shown too."""
        shown: dict[int, bool] = {}
        steps = self.hint_steps
        for step, numbers in self.hint_units[: self.hints_shown]:
            i = next(j for j, s in enumerate(steps) if s is step)
            shown[i] = numbers or shown.get(i, False)
        return [(steps[i], numbers) for i, numbers in sorted(shown.items())]

    def hint_credit(self, shown: int | None = None) -> float:
        """The share of the credit still available after ``shown`` revealed pieces (0..1)."""
        n = len(self.hint_units)
        k = self.hints_shown if shown is None else shown
        return 1.0 if n == 0 else max(0.0, 1.0 - k / n)

    def reveal_step(self) -> tuple[Any, bool]:
        """Reveal the next piece of the worked solution; InputError when none is left."""
        units = self.hint_units
        if self._graded:
            raise InputError("This question is already answered; the whole solution is shown.")
        if not units:
            raise InputError("This question has no worked steps to reveal.")
        if self.hints_shown >= len(units):
            raise InputError("Every step is already shown.")
        self.hints_shown += 1
        return units[self.hints_shown - 1]

    def set_difficulty(self, difficulty: str) -> None:
        """Drills: the next variants use this difficulty (the current question is unchanged)."""
        from solvers import DIFFICULTIES

        if self.mode != "drill":
            raise InputError("Only calculation drills change difficulty; pick a chapter or topic instead.")
        if difficulty not in DIFFICULTIES:
            raise InputError(f"Difficulty must be one of {', '.join(DIFFICULTIES)}, got '{difficulty}'.")
        self.difficulty = difficulty

    def _round_order(self) -> list["Question"]:
        """Unseen first, then last answered wrong, then last answered right; shuffled within."""
        last: dict[str, bool] = {}
        for a in self.storage.attempts():
            if a.question_id is not None:
                last[a.question_id] = a.correct
        shuffled = [self._pool[i] for i in self.rng.permutation(len(self._pool))]
        rank = {None: 0, False: 1, True: 2}
        return sorted(shuffled, key=lambda q: rank[last.get(q.id)])  # sorted() is stable

    def submit(self, response: Mapping[str, Any]) -> Feedback:
        """Grade the current question; record it unless the answer could not be read."""
        from quizapp.core.items import grade_item

        assert self.current is not None, "call next_item() first"
        if self._graded:
            raise InputError("This question is already answered; go on to the next one.")
        item = self.current
        grade = no_answer_grade() if is_blank(response) else grade_item(item, response)
        if grade.malformed:
            return Feedback(item, grade, recorded=False)
        if self.hints_shown:
            grade, response = self._with_hints(grade, response)
        now = self.clock()
        seconds = now - self._asked_at if self._asked_at is not None else None
        with self.storage.transaction():  # the attempt and its mistake-book entry, or neither
            self.storage.record_attempt(attempt_for(item, grade, response, mode=self.record_mode,
                                                    at=now, seconds=seconds))
            note_result(self.storage, item, grade, now)
        self._graded = True
        self.answered += 1
        self.correct += int(bool(grade.correct))
        return Feedback(item, grade, recorded=True)

    def _with_hints(self, grade: Any, response: Mapping[str, Any]) -> tuple[Any, dict]:
        """The grade with the hint cost applied, and the response noting the hints used."""
        from dataclasses import replace

        n, k = len(self.hint_units), self.hints_shown
        credit = self.hint_credit()
        pct = round(100 * (1 - credit))
        zh = f"看了 {k}/{n} 条提示：扣 {pct}%。"
        en = f"{k} of {n} hints used: {pct}% off."
        score = grade.score * credit  # a right answer after hints is partly right: it comes back
        graded = replace(grade, score=score, correct=score >= 1.0 - 1e-9,
                         message=f"{grade.message} {en}", message_zh=f"{grade.message_zh}{zh}")
        return graded, {**dict(response), "hints": {"shown": k, "of": n}}
