"""The mock exam: a countdown always visible, a question list, free movement, flags, no feedback.

Every change of an answer is saved at once by the core (ExamSession.answer). The countdown reads
the core's clock four times a second; when it reaches zero the exam is submitted automatically.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.tui.lang import grade_message, localise_keys, say, ui
from quizapp.tui.screens.practice import type_name
from quizapp.tui.widgets.answers import AnswerArea, after_typed_keys

TICK_SECONDS = 0.25
WARN_SECONDS = 5 * 60


def number_ranges(positions: list[int]) -> str:
    """0-based positions as the student's question numbers, runs shortened: ``1, 3-6, 9``."""
    runs: list[list[int]] = []
    for n in sorted(p + 1 for p in positions):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def clock_text(seconds: float) -> str:
    s = int(seconds + 0.999)  # show 00:00:01 until the last fraction is gone
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class ExamScreen(Screen):
    BINDINGS = [
        Binding("pagedown", "move(1)", "Next", priority=True),
        Binding("pageup", "move(-1)", "Prev", priority=True),
        Binding("ctrl+f,f2", "flag", "Flag", priority=True),
        Binding("ctrl+o", "next_unanswered", "Unanswered", priority=True),
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "leave", "Leave"),
    ]
    KEY_LABELS = {"move(1)": ("下一题", "Next"), "move(-1)": ("上一题", "Prev"), "flag": ("标记", "Flag"),
                  "next_unanswered": ("未答", "Unanswered"), "submit": ("交卷", "Submit"),
                  "leave": ("离开", "Leave")}

    def __init__(self, exam: Any):
        super().__init__()
        self.exam = exam
        self.area: AnswerArea | None = None
        self._shown_at: float | None = None
        self._loaded: AnswerArea | None = None  # the area once it shows the saved answer
        self._finishing = False

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        with Horizontal(id="exam-bar"):
            yield Static(id="exam-status", markup=False)
            yield Static(id="countdown", markup=False)
        with Horizontal(id="exam-main"):
            yield OptionList(id="qlist")
            with VerticalScroll(id="qbody"):
                yield Static(id="section", markup=False)
                yield Static(id="qhead", markup=False)
                yield Static(id="qtext", markup=False)
                yield Static(id="note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.lang)
        self.query_one("#qlist", OptionList).add_options(
            [Option(self._list_label(i), id=str(i)) for i in range(len(self.exam.items))])
        self.show(self.exam.current)
        self.tick()
        self.set_interval(TICK_SECONDS, self.tick)
        self.notify(ui(self.lang, "关闭程序后计时仍继续，如同真实考试。",
                       "The clock keeps running if you close the app, as in a real exam."), timeout=6)

    # -- display ---------------------------------------------------------------------------------

    def _list_label(self, i: int) -> str:
        flag = "⚑" if self.exam.flagged[i] else " "
        mark = "✓" if self.exam.answered(i) else "·"
        return f"{flag}{i + 1:>3} {mark}"

    def _refresh_list(self, i: int) -> None:
        self.query_one("#qlist", OptionList).replace_option_prompt_at_index(i, self._list_label(i))

    def _status(self) -> None:
        e = self.exam
        lang = self.lang
        n = len(e.items)
        done = n - len(e.unanswered())
        flagged = len(e.flagged_positions())
        if lang == "both":  # one line beside the countdown at 80 columns: the code once, each word pair
            text = (f"{e.paper.code} · {e.current + 1}/{n} · 已答 answered {done}/{n} · "
                    f"标记 flagged {flagged}")
        else:
            text = ui(lang, f"{e.paper.code} · 第 {e.current + 1}/{n} 题 · 已答 {done}/{n} · 标记 {flagged}",
                      f"{e.paper.code} · Q{e.current + 1}/{n} · answered {done}/{n} · flagged {flagged}")
        self.query_one("#exam-status", Static).update(text)

    def show(self, position: int) -> None:
        e = self.exam
        lang = self.lang
        if self.area is not None:
            self._leave_question()
            self.area.remove()
        e.goto(position)
        item = e.items[position]
        section = e.paper.sections[e.section_of[position]]
        sec_text = say(section.title, lang)
        if f"{section.points:g}" not in sec_text:  # many titles already state their points
            sec_text += f"  ({ui(lang, f'共 {section.points:g} 分', f'{section.points:g} points')})"
        if section.instructions is not None and e.paper.sections[e.section_of[position]].items[0] is item:
            sec_text += "\n" + say(section.instructions, lang)
        self.query_one("#section", Static).update(sec_text)
        flag = "  ⚑ " + ui(lang, "已标记", "flagged") if e.flagged[position] else ""
        self.query_one("#qhead", Static).update(
            f"{position + 1}. {type_name(item, lang)} ({ui(lang, f'{item.points:g} 分', f'{item.points:g} pts')}){flag}")
        self.query_one("#qtext", Static).update(say(item.text, lang))
        self._note("")
        self.area = AnswerArea(item, lang, exam=True, classes="answer")
        self.query_one("#qbody").mount(self.area, after="#qtext")
        self.call_after_refresh(self._after_show, self.area, e.responses[position])
        self.query_one("#qlist", OptionList).highlighted = position
        self._shown_at = self.app.clock()
        self._status()

    def _after_show(self, area: AnswerArea, response: Any) -> None:
        if area is not self.area:
            return
        area.load(response)
        self._loaded = area
        area.focus_first()
        self.query_one("#qbody", VerticalScroll).scroll_home(animate=False)

    def _leave_question(self) -> None:
        """Report time spent on the question and name an unreadable answer before moving on."""
        pos = self.exam.current
        if self._shown_at is not None and not self.exam.submitted:
            self._save_shown_answer(pos)
            self.app.guard(self.exam.spend, pos, self.app.clock() - self._shown_at)
            bad = self.exam.unreadable(pos)
            if bad is not None:  # kept as typed, but it would score nothing: say so now
                self.notify(f"{pos + 1}. " + grade_message(bad, self.lang), severity="warning",
                            timeout=6, markup=False)
        self._shown_at = None

    def _save_shown_answer(self, pos: int) -> None:
        """Save what the area shows now. Its last Changed message may still be on its way (keys
        typed quickly, then PgDn, or the clock running out), and the handler ignores a message
        from an area that is no longer shown: without this the last key would be lost. An area
        not loaded yet shows nothing of the saved answer, so it must not overwrite it."""
        if self.area is None or self.area is not self._loaded:
            return
        from quizapp.core.review import is_blank

        response = self.area.response()
        saved = self.exam.responses[pos]
        if (saved is None and not is_blank(response)) or (saved is not None and response != saved):
            self.app.guard(self.exam.answer, pos, response, check=False)
            self._refresh_list(pos)

    def _note(self, text: str, warn: bool = False) -> None:
        note = self.query_one("#note", Static)
        note.update(text)
        note.display = bool(text)
        note.set_class(warn, "warn")

    def tick(self) -> None:
        if self._finishing or self.exam.submitted:
            return
        left = self.exam.remaining()
        self.app.guard(self.exam.save_clock, due_only=True)
        cd = self.query_one("#countdown", Static)
        cd.update("⏱ " + clock_text(left))
        cd.set_class(left <= WARN_SECONDS, "warn")
        cd.set_class(left <= 60, "danger")
        if self.exam.expired():
            self.finish("time")

    # -- answering -------------------------------------------------------------------------------

    @on(AnswerArea.Changed)
    def _changed(self, event: AnswerArea.Changed) -> None:
        event.stop()
        if self.area is None or event.area is not self.area or self.exam.submitted:
            return
        if self.exam.expired():
            self.finish("time")
            return
        pos = self.exam.current
        self.app.guard(self.exam.answer, pos, self.area.response(), check=False)
        self._refresh_list(pos)
        self._status()

    @on(AnswerArea.Submitted)
    def _submitted(self, event: AnswerArea.Submitted) -> None:
        """Enter after the last field: check the answer can be read, then go to the next one."""
        event.stop()
        bad = self.exam.unreadable(self.exam.current)
        if bad is not None:
            self._note(grade_message(bad, self.lang), warn=True)
            return
        if self.exam.current < len(self.exam.items) - 1:
            self.action_move(1)
        else:
            self._note(ui(self.lang, "这是最后一题。Ctrl+O 找未答的题，Ctrl+S 交卷。",
                          "This is the last question. Ctrl+O finds unanswered ones; Ctrl+S submits."))

    @on(OptionList.OptionSelected, "#qlist")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.show(int(event.option.id))

    def action_move(self, step: int) -> None:
        after_typed_keys(self, self._move, step)  # keep what was typed, up to the last key

    def _move(self, step: int) -> None:
        target = self.exam.current + step
        if 0 <= target < len(self.exam.items):
            self.show(target)

    def action_flag(self) -> None:
        after_typed_keys(self, self._flag)

    def _flag(self) -> None:
        pos = self.exam.current
        if self.app.guard(self.exam.flag, pos) is None:
            return
        self._refresh_list(pos)
        self.show(pos)

    def action_next_unanswered(self) -> None:
        after_typed_keys(self, self._next_unanswered)

    def _next_unanswered(self) -> None:
        todo = self.exam.unanswered()
        if not todo:
            self.notify(ui(self.lang, "所有题目都已作答。", "Every question has an answer."))
            return
        later = [i for i in todo if i > self.exam.current]
        self.show((later or todo)[0])

    def action_submit(self) -> None:
        after_typed_keys(self, self._submit)  # the dialog's count of unanswered sees the last key

    def _submit(self) -> None:
        from quizapp.tui.dialogs.confirm import ConfirmDialog

        e = self.exam
        lang = self.lang
        missing, flagged = e.unanswered(), e.flagged_positions()
        text = ui(lang, "确定交卷吗？交卷后不能再修改。", "Submit the exam? Answers cannot change afterwards.")
        if missing:  # which ones, so the student can go back to them (Esc, then the list)
            text += "\n" + ui(lang, f"未作答 {len(missing)} 题：{number_ranges(missing)}",
                              f"Unanswered ({len(missing)}): {number_ranges(missing)}")
        if flagged:
            text += "\n" + ui(lang, f"标记待复查 {len(flagged)} 题：{number_ranges(flagged)}",
                              f"Flagged for review ({len(flagged)}): {number_ranges(flagged)}")

        def answer(ok: bool | None) -> None:
            if ok:
                self.finish("student")
        self.app.push_screen(ConfirmDialog(text, yes=ui(lang, "交卷", "Submit"),
                                           no=ui(lang, "继续答题", "Keep going")), answer)

    def finish(self, reason: str) -> None:
        from quizapp.tui.screens.result import ResultScreen

        if self._finishing:
            return
        self._finishing = True
        self._leave_question()
        result = self.app.guard(self.exam.submit, reason)
        notice = ui(self.lang, "时间到，已自动交卷。", "Time is up: the exam was submitted.") \
            if reason == "time" else ""
        if result is None:
            if not self.exam.submitted:
                self._finishing = False
                return
            # Another quizapp submitted it first (guard said so): show that result, record nothing.
            result = self.exam.result()
            notice = ui(self.lang, "这场考试已在另一个窗口交卷。",
                        "This exam was already submitted in another window.")
        while self.app.screen is not self and self in self.app.screen_stack:
            self.app.pop_screen()  # a dialog was open when time ran out
        self.app.switch_screen(ResultScreen(self.exam, result, notice=notice))

    def action_leave(self) -> None:
        """Back home; the exam stays open (and its clock keeps running)."""
        self._leave_question()
        self.app.guard(self.exam.save_clock)
        self.app.notify(ui(self.lang, "考试仍在计时，可在主页继续。",
                           "The exam is still running; resume it from home."))
        self.app.pop_screen()
