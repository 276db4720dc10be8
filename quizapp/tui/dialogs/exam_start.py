"""Before a mock exam: the rules, and optionally a paper seed (the class's shared code) and minutes.

Returns ``{"seed": int | None, "minutes": int | None}`` or None when cancelled. Bad numbers get
one sentence under the fields and nothing starts.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from quizapp.tui.lang import say, ui


class ExamStartDialog(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, blueprint: Any, lang: str, *, replaces_open_exam: bool = False):
        super().__init__()
        self.blueprint = blueprint
        self.lang = lang
        self.replaces_open_exam = replaces_open_exam

    def compose(self) -> ComposeResult:
        lang, bp = self.lang, self.blueprint
        rules = ui(lang, f"「{say(bp.title, 'zh')}」，限时 {bp.duration_minutes} 分钟。关闭程序后计时继续，"
                         "如同真实考试；交卷前不给反馈。",
                   f"'{say(bp.title, 'en')}', {bp.duration_minutes} minutes. The clock keeps running if you "
                   "close the app, as in a real exam; no feedback until you submit.")
        if self.replaces_open_exam:
            rules += "\n" + ui(lang, "进行中的考试将先被交卷。", "The exam in progress will be submitted first.")
        with Vertical(id="dialog"):
            yield Static(rules, markup=False)
            yield Label(ui(lang, "试卷种子（同一种子 = 同一份试卷；留空则随机）",
                           "Paper seed (same seed = same paper; blank for a random one)"), classes="field-label",
                        markup=False)
            yield Input(id="seed", placeholder="e.g. 2024", type="integer")
            yield Label(ui(lang, f"时长（分钟，留空 = {bp.duration_minutes}）",
                           f"Minutes (blank = {bp.duration_minutes})"), classes="field-label", markup=False)
            yield Input(id="minutes", placeholder=str(bp.duration_minutes), type="integer")
            yield Static(id="error", classes="warn", markup=False)
            with Horizontal(id="buttons"):
                yield Button(ui(lang, "开始", "Start"), id="start", variant="primary")
                yield Button(ui(lang, "取消", "Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#error").display = False
        self.query_one("#seed", Input).focus()

    def _value(self, field: str, low: int, high: int) -> int | None:
        raw = self.query_one(f"#{field}", Input).value.strip()
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ValueError(ui(self.lang, f"{field} 必须是 {low} 到 {high} 之间的整数。",
                                f"The {field} must be a whole number from {low} to {high}."))
        return value

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        self._start()  # Enter in either field starts the exam (the minutes are optional)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self._start()
        else:
            self.dismiss(None)

    def _start(self) -> None:
        from quizapp.core.exam import MAX_MINUTES

        try:
            seed = self._value("seed", 0, 2**31 - 1)
            minutes = self._value("minutes", 1, MAX_MINUTES)
        except ValueError as exc:
            error = self.query_one("#error", Static)
            error.update(str(exc))
            error.display = True
            return
        self.dismiss({"seed": seed, "minutes": minutes})

    def action_cancel(self) -> None:
        self.dismiss(None)
