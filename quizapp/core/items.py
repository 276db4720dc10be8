"""An *item*: one question made concrete, ready to show, grade, store and print.

A bank question is data; an item is that question with its numbers drawn (a calculation gets its
parameters from a seed, so the same seed gives the same item anywhere). Pure drills come straight
from a solver kind. Every face (TUI, worksheet, CLI) works with items, never with raw YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

from quizapp.core.bank.models import Bilingual, Blank, Calculation, Choice, KeyPoint, Question

if TYPE_CHECKING:  # solvers pulls in SymPy; only needed when an item is realised
    from quizapp.core.calc_choice import ChoiceVersion
    from solvers import Problem, Text


def _text(bilingual) -> "Text":
    from solvers import Text

    return Text(bilingual.zh, bilingual.en)


@dataclass
class ItemPart:
    """One part of a comprehensive item."""

    label: "Text | None"
    points: float
    text: "Text | None" = None
    problem: "Problem | None" = None
    key_points: list[KeyPoint] | None = None
    blanks: list[Blank] | None = None
    any_order: bool = False

    @property
    def kind(self) -> str:
        return "calculation" if self.problem else ("short_answer" if self.key_points else "fill_blank")


@dataclass
class Item:
    uid: str
    type: str
    chapter: str
    points: float
    text: "Text"
    question: Question | None = None
    problem: "Problem | None" = None
    parts: list[ItemPart] = field(default_factory=list)
    seed: int | None = None
    explanation: "Text | None" = None
    difficulty: str = "medium"
    topics: tuple[str, ...] = ()
    choice: "ChoiceVersion | None" = None  # a calculation asked as single choice (as_choice)
    choices: list[Choice] | None = None  # its options, in the bank's Choice form

    @property
    def options(self) -> list[Choice]:
        """The options of a choice item: a bank question's, or a calculation's choice version."""
        if self.choices is not None:
            return self.choices
        return list(self.question.choices or []) if self.question is not None else []

    @property
    def kind(self) -> str | None:
        """The solver kind of a calculation item (None otherwise)."""
        return self.problem.kind if self.problem is not None else None

    @property
    def id(self) -> str:
        """The bank id (or the drill's kind) this item was made from, without its seed."""
        return self.question.id if self.question is not None else self.uid


def _problem(calc: Calculation, seed: int, difficulty: str) -> "Problem":
    from solvers import make_problem, solve_params

    if calc.params is not None:
        return solve_params(calc.kind, dict(calc.params))
    return make_problem(calc.kind, seed, calc.difficulty or difficulty)


def _framed(frame, statement: "Text") -> "Text":
    from solvers import Text

    if frame is None:
        return statement
    return Text(f"{frame.zh}\n{statement.zh}", f"{frame.en}\n{statement.en}")


def realise(question: Question, seed: int, points: float | None = None) -> Item:
    """Make a bank question concrete. Calculation numbers come from ``seed`` (same seed, same
    numbers); other types ignore it. ``points`` overrides the item's own weight (a blueprint's)."""
    from solvers import Text, item_seed

    pts = points if points is not None else (question.points or 1.0)
    common: dict[str, Any] = dict(
        type=question.type, chapter=question.chapter or "", points=float(pts),
        question=question, explanation=_text(question.explanation) if question.explanation else None,
        difficulty=question.difficulty, topics=tuple(question.topics),
    )
    if question.type == "calculation":
        assert question.calculation is not None
        problem = _problem(question.calculation, seed, question.difficulty)
        uid = question.id if question.calculation.params is not None else f"{question.id}@{seed}"
        return Item(uid=uid, text=_framed(question.text, problem.question), problem=problem,
                    seed=seed, **common)
    if question.type == "comprehensive":
        assert question.parts is not None
        parts = []
        for i, part in enumerate(question.parts):
            problem = None
            text = _text(part.text) if part.text else None
            if part.calculation is not None:
                problem = _problem(part.calculation, item_seed(seed, i), question.difficulty)
                text = _framed(part.text, problem.question)
            parts.append(ItemPart(label=_text(part.label) if part.label else None,
                                  points=part.points, text=text, problem=problem,
                                  key_points=part.key_points, blanks=part.blanks,
                                  any_order=part.any_order))
        # A paper may weight the item differently from the sum of its parts: scale the parts.
        total = sum(p.points for p in parts)
        if points is not None and total > 0 and abs(total - pts) > 1e-9:
            for p in parts:
                p.points = p.points * pts / total
        elif points is None:
            common["points"] = float(question.points or total)
        text = _text(question.text) if question.text else Text("", "")
        return Item(uid=f"{question.id}@{seed}", text=text, parts=parts, seed=seed, **common)
    assert question.text is not None
    return Item(uid=question.id, text=_text(question.text), **common)


def drill_item(kind_id: str, seed: int, difficulty: str = "medium") -> Item:
    """A fresh calculation drill straight from the engine (no bank question behind it)."""
    from solvers import get_kind, make_problem

    kind = get_kind(kind_id)
    problem = make_problem(kind_id, seed, difficulty)
    return Item(uid=f"drill:{kind_id}:{difficulty}@{seed}", type="calculation",
                chapter=kind.chapter, points=1.0, text=problem.question, problem=problem,
                seed=seed, difficulty=difficulty, topics=(kind.topic,))


def as_choice(item: Item) -> Item:
    """A calculation item asked as a single-choice question whose wrong options are the values
    of its named mistakes (:mod:`quizapp.core.calc_choice`). Items without a problem, or with
    fewer than two options to offer, are returned unchanged."""
    from quizapp.core.calc_choice import choice_version
    from solvers import Text

    if item.problem is None or item.type != "calculation":
        return item
    version = choice_version(item.problem, item.seed if item.seed is not None else 0)
    if len(version.options) < 2:
        return item
    choices = []
    for o in version.options:
        why = None
        if o.mistakes:
            why = Bilingual(zh="这是常见错误得到的数值：" + "，或".join(m.label.zh for m in o.mistakes),
                            en="That is the value a common mistake gives: "
                               + "; or ".join(m.label.en for m in o.mistakes))
        choices.append(Choice(zh=o.text, en=o.text, correct=o.correct, why=why))
    label = version.field.label
    zh = label.zh.strip()
    # '输出尺寸是下列哪一项' reads for any label ('…平滑后的值的正确值' did not); a Latin name
    # gets a space before 是
    ask = Text(f"（选择题）{zh}{' ' if zh[-1:].isascii() else ''}是下列哪一项？",
               f"(Single choice) Which of these is the {label.en}?")
    text = Text(f"{item.text.zh}\n{ask.zh}", f"{item.text.en}\n{ask.en}")
    return replace(item, uid=f"{item.uid}#choice", type="single_choice", text=text,
                   choice=version, choices=choices)


def stem_of(item: Item, part: ItemPart | None = None) -> str:
    """The question's own words (both languages): words from here never earn a key point."""
    texts = [item.text.zh, item.text.en]
    if part is not None:
        for t in (part.text, part.label):
            if t is not None:
                texts += [t.zh, t.en]
    return "\n".join(texts)


def grade_item(item: Item, response: Mapping[str, Any]):
    """Grade a response (the JSON-able dict described in the README) against an item.

    A written answer without ``ticked`` is scored by the machine's suggested ticks (what
    ``quizapp check`` shows); the app always passes the ticks a person gave."""
    from quizapp.core import grading, grading_concepts as concepts

    q = item.question
    t = item.type
    if item.choice is not None:
        return _grade_calc_choice(item, response.get("choice"))
    if t == "calculation":
        assert item.problem is not None
        return grading.grade_problem(item.problem, dict(response.get("fields") or {}))
    if t == "single_choice":
        return concepts.grade_single_choice(q, response.get("choice"))
    if t == "multiple_choice":
        return concepts.grade_multiple_choice(q, list(response.get("choices") or []))
    if t == "true_false":
        return concepts.grade_true_false(q, response.get("value"))
    if t == "fill_blank":
        return concepts.grade_blanks(q.blanks, list(response.get("blanks") or []),
                                     any_order=q.any_order)
    if t == "short_answer":
        ticked = response.get("ticked")
        if ticked is None:
            ticked = concepts.propose_key_points(q.key_points, response.get("text") or "",
                                                 stem_of(item))
        return concepts.grade_short_answer(q.key_points, list(ticked))
    if t == "comprehensive":
        return _grade_parts(item, list(response.get("parts") or []))
    raise ValueError(f"unknown item type {t!r}")


def _grade_calc_choice(item: Item, choice: Any):
    """A calculation's choice version: right or wrong, and a wrong pick names its mistake."""
    from quizapp.core import grading_concepts

    grade = grading_concepts.grade_single_choice(item.options, choice)
    if not grade.malformed and not grade.correct and grade.fields:
        picked = grade.fields[0].value
        if picked is not None and item.choice is not None:
            grade.mistakes = list(item.choice.options[picked].mistakes)
    return grade


def grade_part(part: ItemPart, response: Mapping[str, Any], stem: str = ""):
    from quizapp.core import grading, grading_concepts as concepts

    if part.problem is not None:
        return grading.grade_problem(part.problem, dict(response.get("fields") or {}))
    if part.key_points is not None:
        ticked = response.get("ticked")
        if ticked is None:
            ticked = concepts.propose_key_points(part.key_points, response.get("text") or "", stem)
        return concepts.grade_short_answer(part.key_points, list(ticked))
    return concepts.grade_blanks(part.blanks, list(response.get("blanks") or []),
                                 any_order=part.any_order)


def _grade_parts(item: Item, responses: list[Mapping[str, Any]]):
    from quizapp.core import grading

    grades = [grade_part(p, responses[i] if i < len(responses) else {}, stem_of(item, p))
              for i, p in enumerate(item.parts)]
    return grading.combine([(g, p.points) for g, p in zip(grades, item.parts)])
