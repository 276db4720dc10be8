"""A timed mock exam over a paper (blueprint + seed), saved answer by answer, resumable.

Rules, in one place:

* The paper is rebuilt from ``(blueprint, seed, minutes)``, so storage keeps only those and the
  answers; the item uids stored at the start guard against a bank that changed since.
* The clock keeps running while the app is closed, like a real exam hall. Time used is counted
  with a monotonic clock while the app runs and with the wall clock while it is closed, and no
  step ever counts negative: setting the system clock back neither adds nor gives back time
  (:func:`used_at`). An exam whose time ran out is submitted automatically with the answers it
  has (``submit(reason="time")``).
* No feedback before the end. A malformed answer is still saved (nothing typed is lost) and the
  student is told it cannot be read; it scores nothing if left that way.
* An unanswered question scores zero. Submitting records every question as an attempt (for
  progress) and puts every question below full marks in the mistake book.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from quizapp.core.errors import BankError, InputError
from quizapp.core.exam_marking import MarkingMixin, awaiting_points, with_marks
from quizapp.core.review import attempt_for, is_blank, note_result
from quizapp.core.storage import Attempt, ExamAnswer, ExamClosed, ExamRow, Storage

if TYPE_CHECKING:
    from quizapp.core.bank.loader import Bank
    from quizapp.core.items import Item
    from quizapp.core.paper import Paper

MAX_MINUTES = 24 * 60
MAX_SEED = 2**63 - 1  # the progress file stores the seed as a 64-bit integer


def check_seed(seed: int | None) -> None:
    """An exam seed is a whole number from 0 to 2**63 - 1 (one sentence otherwise)."""
    if seed is not None and not (0 <= seed <= MAX_SEED):
        shown = str(seed) if len(str(seed)) <= 24 else f"a number of {len(str(seed))} digits"
        raise InputError(f"--seed must be a whole number from 0 to {MAX_SEED}, got {shown}.")


@dataclass
class ItemResult:
    position: int
    section: str
    item: "Item"
    response: dict[str, Any] | None
    grade: Any | None  # None: unanswered
    flagged: bool
    seconds: float

    @property
    def earned(self) -> float:
        if self.grade is None or self.grade.malformed:
            return 0.0
        return self.item.points * float(self.grade.score)

    @property
    def status(self) -> str:
        if self.grade is None:
            return "unanswered"
        if self.grade.malformed:
            return "unreadable"
        if self.grade.correct:
            return "right"
        return "partial" if self.grade.score > 0 else "wrong"


@dataclass
class Tally:
    key: str
    label: Any  # something with .get(lang) (solvers.Text or Bilingual), or a str
    earned: float = 0.0
    total: float = 0.0
    count: int = 0
    right: int = 0

    @property
    def fraction(self) -> float:
        return self.earned / self.total if self.total else 0.0


@dataclass
class ExamResult:
    exam_id: int
    code: str
    reason: str | None
    earned: float
    total: float
    by_section: list[Tally] = field(default_factory=list)
    by_chapter: list[Tally] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    awaiting: float = 0.0  # points of written answers not yet marked (counted 0 until they are)

    @property
    def fraction(self) -> float:
        return self.earned / self.total if self.total else 0.0


CLOCK_SAVE_SECONDS = 15.0  # how often a running exam saves its clock (a kill loses at most this)


def used_at(row: ExamRow, now: float) -> float:
    """Seconds of the limit used by wall time ``now``: what was saved, plus the time since it
    was saved (zero if the wall clock went back meanwhile)."""
    limit = 60.0 * row.minutes
    if row.used is None or row.seen_at is None:  # started before the clock was saved
        return min(limit, max(0.0, limit - (row.deadline - now)))
    return row.used + max(0.0, now - row.seen_at)


def time_left(row: ExamRow, now: float) -> float:
    """Seconds left of a stored exam (for the home screen's line)."""
    return max(0.0, 60.0 * row.minutes - used_at(row, now))


def new_exam_seed() -> int:
    """A short seed the student can share so classmates sit the same paper."""
    return int(np.random.default_rng().integers(1, 1_000_000))


class ExamSession(MarkingMixin):
    """One exam in progress (or finished). Build with :meth:`start` or :meth:`resume`.
    After submit, its written answers are marked through :class:`MarkingMixin`'s methods."""

    def __init__(self, bank: "Bank", storage: Storage, row: ExamRow, paper: "Paper",
                 answers: list[ExamAnswer], clock: Callable[[], float],
                 monotonic: Callable[[], float] | None = None):
        self.bank = bank
        self.storage = storage
        self.row = row
        self.paper = paper
        self.clock = clock
        # The real app counts running time on the monotonic clock; an injected clock (tests)
        # drives both.
        self._mono = monotonic or (time.monotonic if clock is time.time else clock)
        self._used = used_at(row, clock())
        self._last_mono = self._mono()
        self._saved_mono = self._last_mono
        self.items: list["Item"] = paper.items()
        self.section_of: list[int] = [si for si, s in enumerate(paper.sections) for _ in s.items]
        self.responses: list[dict[str, Any] | None] = [a.response for a in answers]
        self.flagged: list[bool] = [a.flagged for a in answers]
        self.seconds: list[float] = [a.seconds for a in answers]
        self.current = min(max(row.current, 0), len(self.items) - 1)
        self.marks = storage.exam_marks(row.id)  # (position, part) -> (ticks, confirmed)

    # -- making one ------------------------------------------------------------------------------

    @classmethod
    def start(cls, bank: "Bank", storage: Storage, blueprint_id: str = "final", *,
              seed: int | None = None, minutes: int | None = None,
              clock: Callable[[], float] = time.time,
              monotonic: Callable[[], float] | None = None) -> "ExamSession":
        from quizapp.core.paper import build_paper

        if minutes is not None and not (1 <= int(minutes) <= MAX_MINUTES):
            raise InputError(f"--minutes must be between 1 and {MAX_MINUTES}, got {minutes}.")
        check_seed(seed)
        seed = new_exam_seed() if seed is None else int(seed)
        paper = build_paper(bank, blueprint_id, seed, minutes=minutes)
        if not paper.items():
            raise BankError(f"Blueprint '{blueprint_id}' gives an empty paper.")
        now = clock()
        exam_id = storage.create_exam(
            blueprint=paper.blueprint_id, seed=seed, minutes=paper.duration_minutes,
            code=paper.code, started_at=now, deadline=now + 60.0 * paper.duration_minutes,
            item_uids=[i.uid for i in paper.items()])
        return cls(bank, storage, storage.exam(exam_id), paper, storage.exam_answers(exam_id), clock,
                   monotonic)

    @classmethod
    def resume(cls, bank: "Bank", storage: Storage, exam_id: int, *,
               clock: Callable[[], float] = time.time,
               monotonic: Callable[[], float] | None = None) -> "ExamSession":
        """The exam as it was left: answers, flags, position, and the time used (the time it was
        closed included)."""
        from quizapp.core.paper import build_paper

        row = storage.exam(exam_id)
        paper = build_paper(bank, row.blueprint, row.seed, minutes=row.minutes)
        answers = storage.exam_answers(exam_id)
        if [a.item_uid for a in answers] != [i.uid for i in paper.items()]:
            raise BankError(
                f"The question bank changed since exam {paper.code} started, so it cannot be "
                "rebuilt question for question.",
                hint="Abandon it from the home screen and start a new exam.")
        exam = cls(bank, storage, row, paper, answers, clock, monotonic)
        if not exam.submitted:
            exam.save_clock()  # the closed time is counted now, whatever the wall clock does next
        return exam

    @staticmethod
    def abandon(storage: Storage, exam_id: int, clock: Callable[[], float] = time.time) -> None:
        """Close an exam that cannot be resumed, without grading it."""
        try:
            storage.finish_exam(exam_id, submitted_at=clock(), reason="abandoned", score=0.0,
                                total=0.0, attempts=[])
        except ExamClosed:
            pass  # closed meanwhile (another quizapp submitted it): nothing left to abandon

    # -- state -------------------------------------------------------------------------------------

    @property
    def exam_id(self) -> int:
        return self.row.id

    @property
    def submitted(self) -> bool:
        return self.row.submitted_at is not None

    def used(self) -> float:
        """Seconds of the limit used so far (running time on the monotonic clock)."""
        now = self._mono()
        if now > self._last_mono:  # never a negative step
            self._used += now - self._last_mono
        self._last_mono = max(self._last_mono, now)
        return self._used

    def remaining(self) -> float:
        """Seconds left (0 when time is up)."""
        return max(0.0, 60.0 * self.row.minutes - self.used())

    def expired(self) -> bool:
        return self.used() >= 60.0 * self.row.minutes

    def save_clock(self, *, due_only: bool = False) -> None:
        """Save the time used (with ``due_only``, only if the last save is CLOCK_SAVE_SECONDS
        old: the exam screen calls this every second)."""
        if self.submitted:
            return
        used = self.used()
        if due_only and self._last_mono - self._saved_mono < CLOCK_SAVE_SECONDS:
            return
        try:
            self._write(self.storage.save_exam_clock, used, self.clock())
        except ExamClosed:
            return
        self._saved_mono = self._last_mono

    def answered(self, position: int) -> bool:
        return not is_blank(self.responses[position])

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.items)) if not self.answered(i)]

    def flagged_positions(self) -> list[int]:
        return [i for i, f in enumerate(self.flagged) if f]

    # -- the student's actions -------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.submitted:
            raise ExamClosed("This exam has been submitted; answers can no longer change.")
        if self.expired():
            raise InputError("Time is up: the exam is being submitted.")

    def _write(self, fn: Callable[..., None], *args: Any) -> None:
        """One storage write; if another quizapp submitted the exam meanwhile, take its state
        (so this window stops accepting answers) and say so."""
        try:
            fn(self.exam_id, *args)
        except ExamClosed:
            self.row = self.storage.exam(self.exam_id)
            raise

    def answer(self, position: int, response: Mapping[str, Any] | None, *,
               check: bool = True) -> Any:
        """Save the answer at once. With ``check``, return the grade if it cannot be read (it is
        kept anyway: nothing typed is lost), else None. No right/wrong before the end."""
        self._check_open()
        value = None if is_blank(response) else dict(response or {})
        self._write(self.storage.save_exam_answer, position, value)
        self.responses[position] = value
        return self.unreadable(position) if check else None

    def unreadable(self, position: int) -> Any:
        """The malformed grade of the saved answer (for its message), or None if it reads fine."""
        from quizapp.core.items import grade_item

        value = self.responses[position]
        if value is None:
            return None
        grade = grade_item(self.items[position], value)
        return grade if grade.malformed else None

    def flag(self, position: int, on: bool | None = None) -> bool:
        """Set (or toggle) the review flag of a question; return the new state."""
        self._check_open()
        state = (not self.flagged[position]) if on is None else bool(on)
        self._write(self.storage.set_exam_flag, position, state)
        self.flagged[position] = state
        return state

    def goto(self, position: int) -> None:
        if not 0 <= position < len(self.items):
            raise InputError(f"There is no question {position + 1}; the paper has {len(self.items)}.")
        self.current = position
        if not self.submitted:
            try:
                self._write(self.storage.set_exam_current, position)
            except ExamClosed:
                pass  # moving around a submitted exam (its review) is fine

    def spend(self, position: int, seconds: float) -> None:
        """Add time spent looking at a question (the screen reports it when leaving)."""
        if self.submitted or seconds <= 0:
            return
        try:
            self._write(self.storage.add_exam_seconds, position, seconds)
        except ExamClosed:
            return
        self.seconds[position] += seconds

    def submit(self, reason: str = "student") -> ExamResult:
        """Grade the answers stored in the file, record them and close the exam, in one
        transaction. Calling it again in this window just returns the result; if another quizapp
        submitted it first, :class:`ExamClosed` says so and nothing is recorded twice."""
        if self.submitted:
            return self.result()
        with self.storage.transaction():
            # Under the write lock: the exam as stored, answers given in another window included.
            self.row = self.storage.exam(self.exam_id)
            if self.row.submitted_at is not None:
                raise ExamClosed("This exam was already submitted in another quizapp window; it "
                                 "is not submitted twice.", hint="Its result is under Progress.")
            self._reload_answers()
            result = self._submit_locked(reason)
        self.row = self.storage.exam(self.exam_id)
        return result

    def _reload_answers(self) -> None:
        answers = self.storage.exam_answers(self.exam_id)
        self.responses = [a.response for a in answers]
        self.flagged = [a.flagged for a in answers]
        self.seconds = [a.seconds for a in answers]

    def _submit_locked(self, reason: str) -> ExamResult:
        result = self._grade(reason)
        now = self.clock()
        attempts: list[Attempt] = []
        for r in result.items:
            if r.grade is None or r.grade.malformed:
                attempts.append(Attempt(
                    at=now, mode="exam", item_uid=r.item.uid, chapter=r.item.chapter,
                    type=r.item.type, score=0.0, correct=False, response=r.response or {},
                    question_id=r.item.question.id if r.item.question is not None else None,
                    kind=r.item.kind, difficulty=r.item.difficulty, topics=list(r.item.topics),
                    seconds=r.seconds))
            else:
                attempts.append(attempt_for(r.item, r.grade, r.response or {}, mode="exam",
                                            at=now, seconds=r.seconds))
        self.storage.finish_exam(self.exam_id, submitted_at=now, reason=reason,
                                 score=result.earned, total=result.total, attempts=attempts)
        for r, a in zip(result.items, attempts):
            if not a.correct:
                note_result(self.storage, r.item, _Wrong(a.mistakes), now)
        return result

    def result(self) -> ExamResult:
        return self._grade(self.row.submit_reason)

    # -- grading -------------------------------------------------------------------------------------

    def _grade(self, reason: str | None) -> ExamResult:
        from quizapp.core.items import grade_item

        sections = [Tally(s.id, s.title) for s in self.paper.sections]
        chapters: dict[str, Tally] = {}
        items: list[ItemResult] = []
        awaiting = 0.0
        for pos, item in enumerate(self.items):
            response = self.responses[pos]
            marks = self._marks_of(pos)
            grade = None if is_blank(response) else grade_item(item, with_marks(item, response, marks))
            if grade is not None:
                awaiting += awaiting_points(item, response, marks)
            r = ItemResult(pos, self.paper.sections[self.section_of[pos]].id, item, response,
                           grade, self.flagged[pos], self.seconds[pos])
            items.append(r)
            ch = chapters.get(item.chapter)
            if ch is None:
                ch = chapters[item.chapter] = Tally(item.chapter, self._chapter_title(item.chapter))
            for t in (sections[self.section_of[pos]], ch):
                t.earned += r.earned
                t.total += item.points
                t.count += 1
                t.right += int(r.status == "right")
        order = {c.id: i for i, c in enumerate(self.bank.chapters)}
        by_chapter = sorted(chapters.values(), key=lambda t: order.get(t.key, len(order)))
        return ExamResult(self.exam_id, self.paper.code, reason,
                          earned=sum(r.earned for r in items), total=sum(i.points for i in self.items),
                          by_section=sections, by_chapter=by_chapter, items=items,
                          awaiting=awaiting)

    def _chapter_title(self, cid: str) -> Any:
        try:
            return self.bank.chapter(cid).title
        except BankError:
            return cid


@dataclass
class _Wrong:
    """The little of a grade that the mistake book needs, for unanswered items too."""

    mistakes: list[str]
    correct: bool = False
