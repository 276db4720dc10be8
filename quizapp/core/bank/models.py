"""The question-bank format: the single source of truth for the YAML files.

Every model forbids unknown fields, so a typo such as ``dificulty:`` is reported rather than
ignored. ``quizapp bank schema`` prints the JSON Schema generated from these models for editors.

A bank file (``question_bank/*.yaml``) looks like::

    chapter: ch1_cnn            # default chapter of the file's items
    questions:
      - id: cnn-conv-001        # stable forever: never reuse an id for a different question
        type: single_choice
        topics: [conv]
        difficulty: easy
        text: {zh: ..., en: ...}
        choices:
          - {zh: ..., en: ..., correct: true}
          - {zh: ..., en: ..., why: {zh: ..., en: ...}}   # why this distractor is wrong
        explanation: {zh: ..., en: ...}
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Difficulty = Literal["easy", "medium", "hard"]
QuestionType = Literal[
    "single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer",
    "calculation", "comprehensive",
]
QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]


MAX_POINTS = 1000.0  # per item or part: a typo (1000000) is caught, no real paper is near it
MAX_MINUTES = 24 * 60  # as an exam's --minutes
MAX_DRAW = 1000  # items of one draw


class Strict(BaseModel):
    # allow_inf_nan=False: .inf or .nan in points, weights or durations is refused here, not
    # found later as an exam that never ends or a total of nan.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Bilingual(Strict):
    """Text in Chinese (first, the course's language) and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Choice(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    correct: bool = False
    why: Bilingual | None = None  # why this option is right or wrong


class Blank(Strict):
    """One blank of a fill-in item: every accepted answer, in both languages and synonyms.

    Matching ignores case, spaces and full/half-width punctuation differences. A formula blank
    also gives ``formula`` (SymPy syntax over ``symbols``; ``sigma`` is the logistic function)
    and then accepts any formula equal to it as a function of the symbols::

        - formula: "sigma(x)*(1-sigma(x))"
          symbols: [x]
          accept: ["σ(x)(1−σ(x))", "s(1-s)"]  # shown first; shorthand the reader cannot know

    An item whose blanks may be filled in any order says ``any_order: true``."""

    accept: list[str] = Field(min_length=1, description="accepted answers and synonyms; the first is shown as the answer")
    formula: str | None = Field(None, description="a formula (SymPy syntax, sigma = logistic) that any equal formula matches")
    symbols: list[str] = Field(default_factory=list, description="the formula's variables, e.g. [x]")


class Phrasings(Strict):
    """Phrasings of one key point, in Chinese and English (see :mod:`quizapp.core.phrasing`)."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class KeyPoint(Strict):
    """A point a teacher looks for in a written answer, and what earns it::

        - zh: 空洞卷积在不增加参数的情况下扩大感受野
          en: Dilation enlarges the receptive field with no extra parameters
          points: 1
          accept:                      # any one found (un-negated) suggests the tick
            zh: ["{increase} .. 感受野", "感受野 .. {increase}"]
            en: ["{increase} .. {rf}", "{rf} .. {increase}"]
          reject:                      # any one found withholds it ("SPP .. dilat*")
            zh: ["感受野 .. 不变"]
            en: ["{rf} .. (unchanged|stays the same)"]

    A phrasing is words in order (``..``) or in any order (``&``) within one clause, with
    alternatives ``(a|b)``, shared word groups ``{increase}`` and ``*`` for an English word that
    goes on; a negation before or inside it cancels it, and words of the question alone never
    earn (``quizapp check`` shows what decided each point). Both languages' phrasings are tried
    on any answer. Every shipped key point has at least one accepted phrasing per language.
    The tick is only a suggestion: the student (or teacher) decides.
    """

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    points: float = Field(default=1.0, gt=0, le=MAX_POINTS)
    accept: Phrasings = Field(default_factory=Phrasings, description=(
        "phrasings that earn the point: words in order joined by ' .. ' (or any order by ' & ') "
        "within one clause; (a|b) alternatives, ? optional, * word goes on, {group} word groups"))
    reject: Phrasings = Field(default_factory=Phrasings, description=(
        "contradicting phrasings: any one found (not negated) withholds the suggested tick"))


class Calculation(Strict):
    """Points at a generator kind of the engine (``quizapp kinds`` lists them)."""

    kind: str
    difficulty: Difficulty | None = None  # defaults to the item's difficulty
    params: dict[str, object] | None = None  # fixed parameters instead of random ones


class Part(Strict):
    """One part of a comprehensive item: a calculation, a short answer or a fill-in."""

    label: Bilingual | None = None  # e.g. {zh: "(1) 计算 IoU", en: "(1) Compute the IoU"}
    points: float = Field(gt=0, le=MAX_POINTS)
    calculation: Calculation | None = None
    key_points: list[KeyPoint] | None = None
    blanks: list[Blank] | None = None
    any_order: bool = False  # the blanks may be filled in any order (each answer used once)
    text: Bilingual | None = None

    @model_validator(mode="after")
    def _one_body(self) -> "Part":
        bodies = [b for b in (self.calculation, self.key_points, self.blanks) if b is not None]
        if len(bodies) != 1:
            raise ValueError("a part needs exactly one of 'calculation', 'key_points' or 'blanks'")
        if self.calculation is None and self.text is None:
            raise ValueError("a part without a calculation needs its own 'text'")
        return self


class Question(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    type: QuestionType
    chapter: str | None = None  # defaults to the file's chapter
    topics: list[str] = Field(default_factory=list)
    difficulty: Difficulty = "medium"
    memorise: list[str] = Field(default_factory=list)  # ids of the review sheet's 记忆 points
    points: float | None = Field(default=None, gt=0, le=MAX_POINTS)  # overrides the blueprint's
    text: Bilingual | None = None  # optional for calculation items (the kind writes it)
    choices: list[Choice] | None = None
    answer: bool | None = None  # true_false
    blanks: list[Blank] | None = None  # fill_blank: one entry per ____ in the text
    any_order: bool = False  # fill_blank: the blanks may be filled in any order
    key_points: list[KeyPoint] | None = None  # short_answer
    calculation: Calculation | None = None
    parts: list[Part] | None = None  # comprehensive
    explanation: Bilingual | None = None
    source: str | None = None  # where the fact comes from, for reviewers


class File(Strict):
    """One YAML file of the bank."""

    chapter: str | None = None
    questions: list[Question] = Field(default_factory=list)


class Chapter(Strict):
    id: str
    number: int
    title: Bilingual
    weight: float = Field(default=1.0, ge=0, le=1000)  # share of the syllabus (from the review sheet) for coverage checks


class MemorisePoint(Strict):
    """A point the review sheet marks 记忆 (to memorise); the bank must test each."""

    id: str
    chapter: str
    title: Bilingual


class Chapters(Strict):
    chapters: list[Chapter]
    memorise: list[MemorisePoint] = Field(default_factory=list)
    topics: dict[str, Bilingual] = Field(default_factory=dict)  # topic tag -> its name on screens


class Draw(Strict):
    """Draw ``count`` items of one type (optionally from some chapters/kinds) at ``points`` each."""

    type: QuestionType
    count: int = Field(gt=0, le=MAX_DRAW)
    points: float = Field(gt=0, le=MAX_POINTS)  # per item
    chapters: list[str] | None = None
    difficulty: Difficulty | None = None
    # calculation items asked as single choice, the wrong options the kind's common mistakes
    as_choice: bool = False

    @model_validator(mode="after")
    def _choice_needs_calculation(self) -> "Draw":
        if self.as_choice and self.type != "calculation":
            raise ValueError("'as_choice' asks calculations as single choice; use it with "
                             "type: calculation")
        return self


class Section(Strict):
    id: str
    title: Bilingual
    instructions: Bilingual | None = None
    draws: list[Draw] = Field(min_length=1)
    answer_lines: int = Field(default=0, ge=0, le=100)  # blank lines to leave for writing on a printed paper, per item


class Blueprint(Strict):
    """An exam paper's format: sections, points, duration. Teachers copy and edit these."""

    id: str
    title: Bilingual
    duration_minutes: int = Field(gt=0, le=MAX_MINUTES)
    instructions: Bilingual | None = None
    sections: list[Section] = Field(min_length=1)
    total_points: float | None = Field(default=None, gt=0)  # must equal the sections' sum


BankFileModel = Annotated[Union[File], Field()]
