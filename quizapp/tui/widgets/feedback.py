"""Feedback after an answer: verdict, the named mistake, right vs given, worked solution, why.

Used after each practice answer and in the exam review. Text only (no markup), so matrices with
brackets and student input are shown as typed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from quizapp.tui.lang import LETTERS, grade_message, say, ui


def verdict(grade: Any, lang: str) -> tuple[str, str]:
    """(css class, line) for the grade."""
    if grade is None:
        return "wrong", ui(lang, "✘ 未作答（0 分）", "✘ Not answered (0 points)")
    if grade.malformed:
        return "warn", ui(lang, "⚠ 无法读取：", "⚠ Cannot read it: ") + grade_message(grade, lang)
    if grade.correct:
        return "right", ui(lang, "✔ 正确", "✔ Correct")
    pct = round(100 * grade.score)
    if grade.score > 0:
        return "partial", ui(lang, f"◐ 部分正确（{pct}%）", f"◐ Partly right ({pct}%)")
    return "wrong", ui(lang, "✘ 错误", "✘ Wrong")


def _steps(problem: Any, lang: str) -> list[str]:
    lines = []
    for step in problem.steps:
        lines.append(f"• {say(step, lang)}")
        if step.math:
            lines.extend(f"    {m}" for m in step.math.splitlines())
    return lines


def solution_text(item: Any, lang: str) -> str:
    """The right answer and its working, independent of what the student gave."""
    lines: list[str] = []
    q = item.question
    if item.type in ("single_choice", "multiple_choice"):
        options = item.options
        right = [i for i, c in enumerate(options) if c.correct]
        for i in right:
            lines.append(f"{LETTERS[i]}. {say(options[i], lang)}")
        if item.problem is not None:  # a calculation asked as choice: how the value comes out
            lines.extend(_steps(item.problem, lang))
    elif item.type == "true_false":
        lines.append(ui(lang, "对", "True") if q.answer else ui(lang, "错", "False"))
    elif item.type == "fill_blank":
        for i, b in enumerate(q.blanks):
            lines.append(f"({i + 1}) " + " / ".join(b.accept))
    elif item.type == "short_answer":
        for kp in q.key_points:
            lines.append(f"• {say(kp, lang)} ({kp.points:g})")
    elif item.type == "calculation":
        lines.extend(_steps(item.problem, lang))
    elif item.type == "comprehensive":
        for part in item.parts:
            if part.label is not None:
                lines.append(say(part.label, lang))
            if part.problem is not None:
                lines.extend(_steps(part.problem, lang))
            elif part.key_points is not None:
                lines.extend(f"• {say(kp, lang)} ({kp.points:g})" for kp in part.key_points)
            elif part.blanks is not None:
                lines.extend(f"({i + 1}) " + " / ".join(b.accept) for i, b in enumerate(part.blanks))
    return "\n".join(lines)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def blank_answer(accept: list[str], lang: str) -> str:
    """The accepted answer of a blank to show in ``lang``: in English the first one written
    without Chinese (the bank lists Chinese first), else the first."""
    if lang == "en":
        return next((a for a in accept if not _has_cjk(a)), accept[0])
    return accept[0]


def field_lines(grade: Any, lang: str, item: Any = None) -> list[str]:
    blanks = item.question.blanks if item is not None and item.type == "fill_blank" else None
    lines = []
    for f in getattr(grade, "fields", None) or []:
        label = say(f.label, lang)
        if f.name.startswith("point"):  # a key point of a short answer (grading names them so)
            lines.append(("✔ " + ui(lang, "答到：", "covered: ") if f.correct else
                          "✘ " + ui(lang, "没答到：", "missed: ")) + label)
            continue
        expected = f.expected
        if blanks is not None and f.name.startswith("blank"):  # grading names them blank1, ...
            index = int(f.name[5:]) - 1
            if 0 <= index < len(blanks):
                expected = blank_answer(list(blanks[index].accept), lang)
            if f.correct:  # what was typed: a synonym counts, and it reads as theirs
                expected = f.given
        if f.correct:
            lines.append(f"✔ {label}: {expected}")
        else:
            given = f.given if f.given else ui(lang, "（空）", "(empty)")
            lines.append(f"✘ {label}: {ui(lang, '你的答案', 'yours')} {given}  →  "
                         f"{ui(lang, '正确', 'right')} {expected}")
    return lines


def why_lines(item: Any, response: Any, lang: str) -> list[str]:
    """The bank's note on why a picked option is wrong (single/multiple choice)."""
    if item.type not in ("single_choice", "multiple_choice") or not response \
            or getattr(item, "choice", None) is not None:  # its mistakes are named above
        return []
    picked = response.get("choices") or ([response["choice"]] if response.get("choice") is not None else [])
    out = []
    for i in picked:
        if 0 <= int(i) < len(item.options):
            c = item.options[int(i)]
            if not c.correct and c.why is not None:
                out.append(f"{LETTERS[int(i)]}: {say(c.why, lang)}")
    return out


class FeedbackPanel(Vertical):
    """Shows the feedback of one graded answer (hidden until :meth:`show`)."""

    DEFAULT_CSS = """
    FeedbackPanel { height: auto; display: none; }
    FeedbackPanel.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="verdict", markup=False)
        yield Static(id="message", markup=False)
        yield Static(id="mistakes", classes="mistakes", markup=False)
        yield Static(id="fields", markup=False)
        yield Static(id="solution-title", classes="heading", markup=False)
        yield Static(id="solution", markup=False)
        yield Static(id="explanation", markup=False)

    _reveal = False

    def show(self, item: Any, grade: Any, lang: str, response: Any = None, *,
             reveal: bool = False) -> None:
        """Fill the panel; ``reveal`` scrolls it to the top of the view once it is laid out."""
        self._reveal = reveal
        cls, line = verdict(grade, lang)
        v = self.query_one("#verdict", Static)
        v.update(line)
        v.set_classes(f"verdict {cls}")
        mistakes = [ui(lang, "常见错误：", "Known mistake: ") + say(m.label, lang)
                    for m in (getattr(grade, "mistakes", None) or [])]
        # The grader's sentence, unless the named mistakes below already say it.
        message = grade_message(grade, lang) if grade is not None and not grade.malformed \
            and not mistakes else ""
        # Single choice and true/false: the sentence and the solution already say it all.
        quiet = item.type in ("single_choice", "true_false") or \
            (item.type == "multiple_choice" and grade is not None and grade.correct)
        fields = [] if quiet else field_lines(grade, lang, item)
        if fields and item.type in ("fill_blank", "calculation"):
            message = ""  # the field lines say per field what the sentence sums up
        self._put("#message", message)
        self._put("#mistakes", "\n".join(mistakes))
        # A grader sentence may already carry the option's note (single choice): say it once.
        whys = [w for w in why_lines(item, response, lang) if w.split(": ", 1)[-1] not in message]
        self._put("#fields", "\n".join(fields + whys))
        self._put("#solution-title", ui(lang, "解答", "Solution"))
        self._put("#solution", solution_text(item, lang))
        self._put("#explanation", say(item.explanation, lang) if item.explanation else "")
        self.add_class("-shown")

    def on_resize(self) -> None:
        # Only now is the panel's place known (a refresh after show() can be too early).
        if self._reveal and self.size.height:
            self._reveal = False
            self.scroll_visible(top=True, animate=False)

    def clear(self) -> None:
        self.remove_class("-shown")

    def _put(self, selector: str, text: str) -> None:
        w = self.query_one(selector, Static)
        w.update(text)
        w.display = bool(text)
