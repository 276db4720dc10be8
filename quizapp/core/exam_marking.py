"""Marking the written parts of a submitted exam, as a teacher marks a script.

Choice, fill-in and calculation answers are marked by the machine at submit. Written answers
(short-answer items and the key-point parts of comprehensive items) are marked by the student
afterwards: their answer beside the model answer, each key point ticked or not. The machine's
suggestions (:mod:`quizapp.core.marking`) are shown as suggestions and never counted.

Rules:

* A written part is *awaiting marking* until the student confirms it; until then it counts 0
  and the result says how many points await marking. A blank written answer needs no marking.
* Every tick is saved when given (``exam_marks`` table), so closing the app or ``kill -9``
  loses nothing; confirming a part records it in the same transaction as the item's new score
  (its exam attempt, with the self-marked ticks in ``attempts.self_marked``) and the exam's
  total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from quizapp.core.errors import InputError

if TYPE_CHECKING:
    from quizapp.core.items import Item


@dataclass
class MarkTask:
    """One written part of one exam question, to be marked."""

    position: int  # question number on the paper, from 0
    part: int  # 0: a short-answer item; n >= 1: part n of a comprehensive item
    item: "Item"
    key_points: list[Any]
    answer: str
    stem: str
    points: float  # what the part is worth on this paper
    ticks: list[bool]
    done: bool

    def suggestions(self) -> list[Any]:
        from quizapp.core.marking import suggest_all

        return suggest_all(self.key_points, self.answer, self.stem)


class MarkingMixin:
    """The marking half of :class:`quizapp.core.exam.ExamSession` (it provides ``items``,
    ``responses``, ``marks``, ``storage``, ``exam_id``, ``submitted`` and ``result()``)."""

    def _marks_of(self, position: int) -> dict[int, tuple[list[bool], bool]]:
        return {part: v for (pos, part), v in self.marks.items() if pos == position}

    def marking_tasks(self) -> list[MarkTask]:
        """Every answered written part of the paper, in paper order, marked or not."""
        from quizapp.core.items import stem_of

        out = []
        for pos, item in enumerate(self.items):
            for part, kps, points in written_parts(item):
                text = written_text(self.responses[pos], part)
                if not text.strip():
                    continue
                ticks, done = self.marks.get((pos, part), ([False] * len(kps), False))
                stem = stem_of(item, item.parts[part - 1] if part else None)
                out.append(MarkTask(pos, part, item, kps, text, stem, points,
                                    (list(ticks) + [False] * len(kps))[:len(kps)], done))
        return out

    def save_ticks(self, position: int, part: int, ticks: list[bool]) -> None:
        """Keep the ticks of a part being marked (not yet confirmed: it still counts 0)."""
        self._need_submitted()
        done = self.marks.get((position, part), ([], False))[1]
        self.storage.save_exam_marks(self.exam_id, position, part, ticks, done)
        self.marks[(position, part)] = (list(ticks), done)

    def confirm_marking(self, position: int, part: int, ticks: list[bool]) -> Any:
        """The student's marking of one written part: saved with the item's new score in its
        exam attempt and the exam's new total, in one transaction. Returns the new result."""
        self._need_submitted()
        before = dict(self.marks)
        self.marks[(position, part)] = (list(ticks), True)
        item = self.items[position]
        try:
            result = self.result()
            r = result.items[position]
            with self.storage.transaction():
                self.storage.save_exam_marks(self.exam_id, position, part, ticks, True)
                self.storage.remark_exam_item(
                    self.exam_id, item.uid, score=0.0 if r.grade is None else float(r.grade.score),
                    correct=r.status == "right", self_marked=self_marked(item, self._marks_of(position)),
                    exam_score=result.earned)
        except BaseException:
            self.marks = before
            raise
        return result

    def _need_submitted(self) -> None:
        if not self.submitted:
            raise InputError("Written answers are marked after the exam is submitted.")



def written_parts(item: "Item") -> list[tuple[int, list[Any], float]]:
    """(part number, key points, points on the paper) of every written part of an item."""
    if item.type == "short_answer" and item.question is not None:
        return [(0, list(item.question.key_points or []), item.points)]
    return [(i + 1, list(p.key_points), p.points) for i, p in enumerate(item.parts)
            if p.key_points is not None]


def written_text(response: Mapping[str, Any] | None, part: int) -> str:
    """What the student wrote for a written part ('' if nothing)."""
    if not response:
        return ""
    if part == 0:
        return str(response.get("text") or "")
    parts = response.get("parts") or []
    return str((parts[part - 1] or {}).get("text") or "") if part - 1 < len(parts) else ""


def with_marks(item: "Item", response: Mapping[str, Any] | None,
               marks: Mapping[int, tuple[list[bool], bool]]) -> dict[str, Any] | None:
    """The response as graded: each written part carries the student's confirmed ticks, or
    none ticked while it awaits marking (the machine's suggestions never count)."""
    if response is None:
        return None
    out = dict(response)
    for part, kps, _ in written_parts(item):
        ticks, done = marks.get(part, ([], False))
        ticked = [bool(t) for t in ticks][:len(kps)] if done else []
        ticked += [False] * (len(kps) - len(ticked))
        if part == 0:
            out["ticked"] = ticked
        else:
            parts = [dict(p or {}) for p in (out.get("parts") or [])]
            while len(parts) < part:
                parts.append({})
            parts[part - 1]["ticked"] = ticked
            parts[part - 1].setdefault("text", "")
            out["parts"] = parts
    return out


def awaiting_points(item: "Item", response: Mapping[str, Any] | None,
                    marks: Mapping[int, tuple[list[bool], bool]]) -> float:
    """Points of this item's written parts that are answered but not yet marked."""
    return sum(points for part, _, points in written_parts(item)
               if written_text(response, part).strip() and not marks.get(part, ([], False))[1])


def self_marked(item: "Item", marks: Mapping[int, tuple[list[bool], bool]]) -> dict[str, list[bool]]:
    """The confirmed ticks by part (the score history's record of what was self-marked)."""
    return {str(part): list(marks[part][0]) for part, _, _ in written_parts(item)
            if part in marks and marks[part][1]}


def pending_marking(bank: Any, storage: Any) -> Any:
    """The latest submitted exam if some of its written answers await marking (else None), as
    an :class:`~quizapp.core.exam.ExamSession` ready to mark: the home screen offers it, so
    marking interrupted by closing the app is found again."""
    from quizapp.core.errors import QuizappError
    from quizapp.core.exam import ExamSession

    rows = [r for r in storage.exams() if r.submitted_at is not None
            and r.submit_reason != "abandoned"]
    if not rows:
        return None
    try:
        exam = ExamSession.resume(bank, storage, rows[-1].id)
    except QuizappError:  # the bank changed since: that paper cannot be rebuilt
        return None
    return exam if exam.result().awaiting > 0 else None
