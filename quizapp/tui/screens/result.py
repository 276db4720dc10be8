"""After the exam: the score by section and by chapter, then a review of every question."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text as PlainText
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.tui.lang import LETTERS, localise_keys, say, ui
from quizapp.tui.screens.practice import type_name
from quizapp.tui.widgets.feedback import FeedbackPanel

STATUS_MARK = {"right": "✔", "partial": "◐", "wrong": "✘", "unanswered": "·", "unreadable": "⚠"}


class ResultScreen(Screen):
    BINDINGS = [
        Binding("r,enter", "review", "Review answers"),
        Binding("m", "mark", "Mark written answers"),
        Binding("escape", "home", "Home"),
    ]
    KEY_LABELS = {"review": ("逐题回顾", "Review answers"), "mark": ("批改书面作答", "Mark written answers"),
                  "home": ("主页", "Home")}

    def __init__(self, exam: Any, result: Any, notice: str = ""):
        super().__init__()
        self.exam = exam
        self.result = result
        self.notice = notice

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with VerticalScroll(id="result-body"):
            yield Static(self._score_line(), id="score", markup=False)
            yield Static(self._awaiting_line(), id="awaiting", classes="warn", markup=False)
            if self.notice:
                yield Static(self.notice, id="notice", classes="warn", markup=False)
            yield DataTable(id="by-section", cursor_type="none", zebra_stripes=True)
            yield DataTable(id="by-chapter", cursor_type="none", zebra_stripes=True)
            yield Static(ui(lang, "按 R 或 Enter 逐题查看答案与解析，M 批改书面作答，Esc 返回主页。",
                            "Press R or Enter to review every question with its solution, M to mark "
                            "written answers; Esc for home."),
                         classes="hint", markup=False)
        yield Footer()

    def _score_line(self) -> str:
        r, lang = self.result, self.app.lang
        return ui(lang, f"成绩 {r.earned:g} / {r.total:g}（{100 * r.fraction:.0f}%） · 试卷 {r.code}",
                  f"Score {r.earned:g} / {r.total:g} ({100 * r.fraction:.0f}%) · paper {r.code}")

    def _awaiting_line(self) -> str:
        n = getattr(self.result, "awaiting", 0.0)
        if not n:
            return ""
        return ui(self.app.lang,
                  f"还有 {n:g} 分的书面作答待批改（上面的成绩尚未计入）：按 M 对照参考答案逐条批改。",
                  f"{n:g} points of written answers await marking (not in the score above yet): "
                  "press M to mark them against the model answer.")

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        self._fill()

    def on_screen_resume(self) -> None:
        """Back from marking: the score now counts what was marked."""
        self.result = self.exam.result()
        self.query_one("#score", Static).update(self._score_line())
        self.query_one("#awaiting", Static).update(self._awaiting_line())
        self._fill()

    def _fill(self) -> None:
        lang = self.app.lang
        self.query_one("#awaiting", Static).display = bool(self._awaiting_line())
        for table_id, rows, head in (("#by-section", self.result.by_section, ui(lang, "题型", "Section")),
                                     ("#by-chapter", self.result.by_chapter, ui(lang, "章节", "Chapter"))):
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)
            heads = [head, ui(lang, "得分", "Score"), "%", ui(lang, "答对", "Right")]
            cells = [[say(t.label, lang), f"{t.earned:g}/{t.total:g}", f"{100 * t.fraction:.0f}",
                      f"{t.right}/{t.count}"] for t in rows]
            # fixed widths: the auto widths kept the header's width when the table was refilled
            # at once, cutting '一、选择题' to '一、' and '50' to '5'
            for i, h in enumerate(heads):
                width = max([cell_len(h)] + [cell_len(c[i]) for c in cells])
                table.add_column(h, width=min(40, width))
            for c in cells:
                table.add_row(PlainText(c[0]), *c[1:])

    def action_review(self) -> None:
        self.app.push_screen(ExamReviewScreen(self.exam, self.result))

    def action_mark(self) -> None:
        from quizapp.tui.screens.marking import MarkingScreen

        if not self.exam.marking_tasks():
            self.app.notify(ui(self.app.lang, "这份试卷没有需要批改的书面作答。",
                               "This paper has no written answers to mark."))
            return
        self.app.push_screen(MarkingScreen(self.exam))

    def action_home(self) -> None:
        self.app.go_home()


def response_text(item: Any, response: Any, lang: str) -> str:
    """What the student gave, as they would read it."""
    if not response:
        return ui(lang, "（未作答）", "(no answer)")
    t = item.type
    if t in ("single_choice", "multiple_choice"):  # the letter with its option: the review
        picked = response.get("choices") if t == "multiple_choice" else [response.get("choice")]
        choices = item.options  # shows no option list, so "A" alone says nothing
        lines = [f"{LETTERS[int(i)]}. {say(choices[int(i)], lang)}" for i in picked or []
                 if i is not None and 0 <= int(i) < len(choices)]
        return "\n".join(lines) or "-"
    if t == "true_false":
        v = response.get("value")
        return "-" if v is None else (ui(lang, "对", "True") if v else ui(lang, "错", "False"))
    if t == "fill_blank":
        return "  ".join(f"({i + 1}) {b}" for i, b in enumerate(response.get("blanks") or []))
    if t == "short_answer":
        return str(response.get("text") or "")
    if t == "calculation":
        return _fields_text(item.problem, response.get("fields"), lang)
    if t == "comprehensive":
        out = []
        parts = getattr(item, "parts", None) or []
        for i, part in enumerate(response.get("parts") or []):
            if "fields" in part:
                problem = parts[i].problem if i < len(parts) else None
                out.append(f"({i + 1}) " + _fields_text(problem, part["fields"], lang))
            elif "text" in part:
                out.append(f"({i + 1}) {part.get('text') or ''}")
            else:
                out.append(f"({i + 1}) " + "  ".join(part.get("blanks") or []))
        return "\n".join(out)
    return str(response)


def _fields_text(problem: Any, fields: Any, lang: str) -> str:
    """Typed calculation values under the labels the question showed (not the solver's names)."""
    labels = {f.name: f.label for f in getattr(problem, "fields", None) or []}
    # One line per value: "both" shows the Chinese label (the English would need a second line).
    shown = "en" if lang == "en" else "zh"
    return "  ".join(f"{say(labels[k], shown) if k in labels else k} = {v}"
                     for k, v in (fields or {}).items())


class ExamReviewScreen(Screen):
    """Every question: the student's answer, the right one and the solution.

    ↑↓ scroll the answer pane; PgDn/PgUp or N/P move between questions (the list follows)."""

    BINDINGS = [
        Binding("pagedown,n", "move(1)", "Next", priority=True),
        Binding("pageup,p", "move(-1)", "Prev", priority=True),
        Binding("escape", "back", "Back"),
    ]
    KEY_LABELS = {"move(1)": ("下一题", "Next"), "move(-1)": ("上一题", "Prev"), "back": ("返回", "Back")}

    def __init__(self, exam: Any, result: Any):
        super().__init__()
        self.exam = exam
        self.result = result
        self.position = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="exam-main"):
            yield OptionList(*[Option(f"{r.position + 1:>3} {STATUS_MARK[r.status]}", id=str(r.position))
                               for r in self.result.items], id="qlist")
            with VerticalScroll(id="qbody"):
                yield Static(id="qhead", markup=False)
                yield Static(id="qtext", markup=False)
                yield Static(id="given", markup=False)
                yield FeedbackPanel(id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        self.show(0)
        # The answer pane has the focus: ↑↓ scroll a long solution; PgDn/PgUp (N/P) change question.
        self.query_one("#qbody").focus()

    def show(self, position: int) -> None:
        lang = self.app.lang
        r = self.result.items[position]
        self.position = position
        self.query_one("#qhead", Static).update(
            f"{position + 1}. {type_name(r.item, lang)} · {r.earned:g}/{r.item.points:g}"
            + ("  ⚑" if r.flagged else ""))
        self.query_one("#qtext", Static).update(say(r.item.text, lang))
        self.query_one("#given", Static).update(
            ui(lang, "你的答案：", "Your answer: ") + response_text(r.item, r.response, lang))
        self.query_one(FeedbackPanel).show(r.item, r.grade, lang, r.response)
        self.query_one("#qlist", OptionList).highlighted = position
        self.query_one("#qbody", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#qlist")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and int(event.option.id) != self.position:
            self.show(int(event.option.id))

    def action_move(self, step: int) -> None:
        target = self.position + step
        if 0 <= target < len(self.result.items):
            self.show(target)

    def action_back(self) -> None:
        self.app.pop_screen()
