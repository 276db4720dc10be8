"""One question at a time with immediate feedback: practice, calculation drills, mistake review.

The screen holds a session from the core (PracticeSession or ReviewSession) and only shows what
it returns. Keys: Enter/Ctrl+S check, Ctrl+N next (or skip), Ctrl+T reveal the next worked step
(each costs credit, the screen says how much), Ctrl+O ask calculations as single choice or typed,
Esc back home.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.tui.lang import difficulty_name, grade_message, localise_keys, say, ui
from quizapp.tui.widgets.answers import AnswerArea, after_typed_keys
from quizapp.tui.widgets.feedback import FeedbackPanel

TYPE_NAMES = {
    "single_choice": ("单选题", "Single choice"),
    "multiple_choice": ("多选题", "Multiple choice"),
    "true_false": ("判断题", "True or false"),
    "fill_blank": ("填空题", "Fill in the blanks"),
    "short_answer": ("简答题", "Short answer"),
    "calculation": ("计算题", "Calculation"),
    "comprehensive": ("综合题", "Comprehensive"),
}


def type_name(item: Any, lang: str) -> str:
    zh, en = TYPE_NAMES.get(item.type, (item.type, item.type))
    return ui(lang, zh, en)


class PracticeScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "check", "Check", priority=True),
        Binding("ctrl+n", "next", "Next/skip", priority=True),
        Binding("enter", "next_if_done", "Next", show=False),
        Binding("ctrl+d", "harder", "Difficulty", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("ctrl+o", "toggle_choice", "As choice", priority=True),
        Binding("escape", "leave", "Home"),
    ]
    KEY_LABELS = {"check": ("检查", "Check"), "next": ("下一题", "Next"),
                  "harder": ("难度", "Level"), "hint": ("提示", "Hint"),
                  "toggle_choice": ("选择题", "Choice"), "leave": ("主页", "Home")}

    def __init__(self, session: Any):
        super().__init__()
        self.session = session
        self.state = "asking"  # asking -> (ticking) -> graded
        self.area: AnswerArea | None = None

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):  # the heading gives way (…) before the score does
            yield Static(id="heading", markup=False)
            yield Static(id="tally", markup=False)
        with VerticalScroll(id="body"):
            yield Static(id="qhead", markup=False)
            yield Static(id="qtext", markup=False)
            yield Static(id="hints", markup=False)
            yield Static(id="note", markup=False)
            yield FeedbackPanel(id="feedback")
        yield Footer(compact=True)  # nine keys in a drill: the normal spacing cut the last at 80 columns

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.lang)
        self.show_next()

    # -- flow ------------------------------------------------------------------------------------

    def heading(self) -> str:
        s = self.session
        lang = self.lang
        if s.mode == "review":
            return ui(lang, "错题本", "Mistake review")
        if s.mode == "today":
            return ui(lang, "今日计划", "Today") + " · " + s.entry.reason.text(lang) if s.entry \
                else ui(lang, "今日计划", "Today")
        if s.mode == "drill":
            from quizapp.core.practice import drill_kind

            return ui(lang, "计算题训练", "Drill") + f" · {say(drill_kind(s.target).title, lang)} · {difficulty_name(s.difficulty, lang)}"
        if s.mode == "chapter":
            return ui(lang, "章节练习", "Chapter") + f" · {say(self.app.bank.chapter(s.target).title, lang)}"
        return ui(lang, "主题练习", "Topic") + f" · {say(self.app.bank.topic_title(s.target), lang)}"

    def update_top(self) -> None:
        s = self.session
        lang = self.lang
        score = ui(lang, f"已答 {s.answered} · 答对 {s.correct}", f"answered {s.answered} · right {s.correct}")
        extra = ""
        if s.mode in ("review", "today"):
            extra = " · " + ui(lang, f"剩余 {s.remaining}", f"{s.remaining} left")
        self.query_one("#heading", Static).update(self.heading())
        self.query_one("#tally", Static).update(f"{score}{extra}")

    def show_next(self) -> None:
        item = self.app.guard(self.session.next_item)
        if item is None:
            self._finished()
            return
        self.state = "asking"
        lang = self.lang
        head = f"{type_name(item, lang)} · {difficulty_name(item.difficulty, lang)}"
        if item.type == "multiple_choice":
            head += " · " + ui(lang, "可多选", "pick all that apply")
        self.query_one("#qhead", Static).update(head)
        self.query_one("#qtext", Static).update(say(item.text, lang))
        self._note("")
        self._show_hints()
        self.query_one(FeedbackPanel).clear()
        if self.area is not None:
            self.area.remove()
        self.area = AnswerArea(item, lang, classes="answer")
        self.query_one("#body").mount(self.area, after="#qtext")
        self.call_after_refresh(self.area.focus_first)
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self.update_top()
        self.refresh_bindings()

    def _finished(self) -> None:
        lang = self.lang
        s = self.session
        self.state = "done"
        if self.area is not None:
            self.area.remove()
            self.area = None
        self.query_one("#qhead", Static).update(ui(lang, "完成！", "All done!"))
        if s.mode == "today":
            done = ui(lang, f"今日计划已完成：答了 {s.answered} 题，答对 {s.correct} 题。按 Esc 查看新的预测。",
                      f"Today's queue is done: {s.correct} of {s.answered} right. Esc for the new forecast.")
        else:
            done = ui(lang, f"错题本已清空：本轮答了 {s.answered} 题，答对 {s.correct} 题。按 Esc 返回。",
                      f"Your mistake book is clear: {s.correct} of {s.answered} right this round. "
                      "Esc to go back.")
        self.query_one("#qtext", Static).update(done)
        self.query_one(FeedbackPanel).clear()
        self.update_top()

    def _note(self, text: str, warn: bool = False) -> None:
        note = self.query_one("#note", Static)
        note.update(text)
        note.display = bool(text)
        note.set_class(warn, "warn")

    # -- actions ---------------------------------------------------------------------------------

    @on(AnswerArea.Submitted)
    def _submitted(self, event: AnswerArea.Submitted) -> None:
        event.stop()
        self.action_check()

    def action_check(self) -> None:
        after_typed_keys(self, self._check_now)  # grade what was typed, up to the last key

    def _check_now(self) -> None:
        if self.state not in ("asking", "ticking") or self.area is None:
            if self.state == "graded":
                self.show_next()
            return
        from quizapp.core.items import stem_of
        from quizapp.core.marking import suggest_all

        form = self.area.form
        if form.needs_ticks:
            stem = stem_of(self.session.current)
            form.show_ticks([suggest_all(kps, text, stem) for kps, text in form.key_point_sets()])
            self.state = "ticking"
            self._note(ui(self.lang, "对照要点自评：勾选你答到的要点，再按 Ctrl+S。",
                          "Grade yourself against the key points: tick what you covered, then Ctrl+S."))
            return
        response = self.area.response()
        outcome = self.app.guard(self.session.submit, response)
        if outcome is None:
            return
        grade = outcome.grade
        if grade.malformed:  # costs nothing: say why and let the student fix it
            self._note(grade_message(grade, self.lang), warn=True)
            return
        self.state = "graded"
        self._note("")
        self.query_one("#hints", Static).display = False  # the solution below shows every step
        self.area.freeze()
        self.query_one(FeedbackPanel).show(outcome.item, grade, self.lang, response, reveal=True)
        self.update_top()
        self.refresh_bindings()
        # The body takes the focus so ↑↓/PgUp/PgDn scroll a long solution (Enter still moves on).
        self.query_one("#body", VerticalScroll).focus()

    def action_next(self) -> None:
        if self.state == "done":
            return
        self.show_next()

    def action_next_if_done(self) -> None:
        if self.state == "graded":
            self.show_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "harder":
            return self.session.mode == "drill"
        if action == "hint":
            return bool(getattr(self.session, "hint_steps", None)) and self.state == "asking"
        if action == "toggle_choice":  # only where a calculation is (or may next be) asked
            current = getattr(self.session, "current", None)
            return hasattr(self.session, "set_choice_mode") and self.session.mode != "review" and \
                (self.session.mode == "drill" or getattr(current, "problem", None) is not None)
        return True

    # -- hints and choice versions ------------------------------------------------------------

    def _show_hints(self) -> None:
        """The revealed steps, and what the credit is now (hidden until the first hint)."""
        box = self.query_one("#hints", Static)
        s = self.session
        shown = getattr(s, "hints_shown", 0)
        if not shown:
            box.display = False
            return
        lang = self.lang
        n = len(s.hint_units)
        pct = round(100 * s.hint_credit())
        lines = [ui(lang, f"提示（已看 {shown}/{n} 条，本题最多得 {pct}%）：",
                    f"Hints ({shown} of {n} shown; this question is now worth {pct}%):")]
        for step, numbers in s.revealed():
            lines.append(f"• {say(step, lang)}")
            if numbers:
                lines.extend(f"    {m}" for m in step.math.splitlines())
        box.update("\n".join(lines))
        box.display = True

    def action_hint(self) -> None:
        if self.state != "asking":
            return
        step = self.app.guard(self.session.reveal_step)
        if step is None:
            return
        self._show_hints()
        s = self.session
        cost = round(100 * (1 - s.hint_credit(1)))
        self.notify(ui(self.lang, f"每条提示扣 {cost}%；现在本题最多得 {round(100 * s.hint_credit())}%。",
                       f"Each hint costs {cost}%; this question is now worth "
                       f"{round(100 * s.hint_credit())}%."), timeout=4)

    def action_toggle_choice(self) -> None:
        s = self.session
        s.set_choice_mode(not s.as_choice)
        on = s.as_choice
        self.notify(ui(self.lang, "下一题起：计算题以选择题形式出现（错误选项来自常见错误）。" if on
                       else "下一题起：计算题填写数值。",
                       "From the next question: calculations as single choice (the wrong options "
                       "are common mistakes)." if on else "From the next question: calculations typed."),
                    timeout=4)

    def action_harder(self) -> None:
        """Drills: cycle easy -> medium -> hard for the next variants."""
        order = ("easy", "medium", "hard")
        nxt = order[(order.index(self.session.difficulty) + 1) % len(order)]
        self.app.guard(self.session.set_difficulty, nxt)
        if self.session.difficulty == nxt:
            self.update_top()
            name = difficulty_name(nxt, self.lang)
            self.notify(ui(self.lang, f"下一题起难度：{name}", f"Next questions: {name}"), timeout=3)

    def action_leave(self) -> None:
        s = self.session
        if s.answered:
            self.notify(ui(self.lang, f"本轮答了 {s.answered} 题，答对 {s.correct} 题。",
                           f"This round: {s.correct} of {s.answered} right."), timeout=4)
        self.app.pop_screen()
