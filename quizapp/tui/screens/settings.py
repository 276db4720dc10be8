"""Settings: the exam date and minutes a day (for the plan), language, default difficulty, theme;
each saved the moment it is given (a date or a number on Enter or on leaving the field). A bad
date or number gets one sentence under its field and is not saved."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, RadioButton, RadioSet, Static

from quizapp.tui.lang import localise_keys, ui

CHOICES = {
    "lang": [("zh", "中文"), ("en", "English"), ("both", "中文 + English")],
    "difficulty": [("easy", "easy 简单"), ("medium", "medium 中等"), ("hard", "hard 困难")],
    "theme": [("dark", "dark 深色"), ("light", "light 浅色")],
}


class SettingsScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    KEY_LABELS = {"app.pop_screen": ("返回", "Back")}

    def __init__(self, focus: str | None = None):
        super().__init__()
        self.first_focus = focus

    def current(self, key: str) -> str:
        app = self.app
        if key == "lang":
            return app.lang
        if key == "difficulty":
            return app.difficulty
        return "light" if app.theme == "textual-light" else "dark"

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        titles = {"lang": ui(lang, "语言", "Language"),
                  "difficulty": ui(lang, "计算题默认难度", "Default drill difficulty"),
                  "theme": ui(lang, "主题", "Theme")}
        from quizapp.core.plan.goal import load_goal

        goal = load_goal(self.app.storage) if self.app.storage is not None else None
        with VerticalScroll(id="settings-body"):
            yield Label(ui(lang, "考试日期（YYYY-MM-DD，按 Enter 保存）",
                           "Exam date (YYYY-MM-DD, Enter saves)"), classes="heading", markup=False)
            yield Input(goal.exam.isoformat() if goal and goal.exam else "", id="exam_date",
                        placeholder="YYYY-MM-DD")  # a real date here read like a saved one
            yield Static(id="exam_date-error", classes="warn", markup=False)
            yield Label(ui(lang, "每天学习分钟数（按 Enter 保存）", "Minutes a day (Enter saves)"),
                        classes="heading", markup=False)
            yield Input(str(goal.minutes) if goal else "", id="daily_minutes", placeholder="40")
            yield Static(id="daily_minutes-error", classes="warn", markup=False)
            for key, options in CHOICES.items():
                yield Label(titles[key], classes="heading", markup=False)
                with RadioSet(id=key):
                    for value, label in options:
                        yield RadioButton(label, value=value == self.current(key), name=value)
        yield Footer()

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        for error in self.query(".warn"):
            error.display = False
        # the first field on the screen has the focus: typing a date at once goes into it
        self.query_one(f"#{self.first_focus or 'exam_date'}").focus()

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _goal_given(self, event: Input.Submitted | Input.Blurred) -> None:
        from quizapp.core.errors import InputError
        from quizapp.core.plan.goal import load_goal, parse_exam_date, parse_minutes, save_goal
        from quizapp.core.plan.goal import today_from_clock

        app, field = self.app, event.input.id
        error = self.query_one(f"#{field}-error", Static)
        text = event.value.strip()
        if app.storage is None or not text:
            return
        try:
            if field == "exam_date":
                value: object = parse_exam_date(text, today_from_clock(app.clock()))
                saved = load_goal(app.storage).exam
            else:
                value = parse_minutes(text)
                saved = load_goal(app.storage).minutes
        except InputError as exc:
            error.update(ui(app.lang, exc.message_zh or exc.message, exc.message)
                         if app.lang != "both" else f"{exc.message_zh}\n{exc.message}".strip())
            error.display = True
            return
        error.display = False
        if value != saved:
            if field == "exam_date":
                app.guard(save_goal, app.storage, exam=value)
            else:
                app.guard(save_goal, app.storage, minutes=value)
            app.refresh_home()
            self.notify(ui(app.lang, "已保存。", "Saved."), timeout=2)

    @on(RadioSet.Changed)
    async def _changed(self, event: RadioSet.Changed) -> None:
        key = event.radio_set.id
        value = event.pressed.name
        if key and value and value != self.current(key):
            self.app.set_setting(key, value)
            if key == "lang":  # this screen's own titles and keys follow at once
                localise_keys(self, self.KEY_LABELS, value)
                await self.recompose()
                self.query_one("#lang", RadioSet).focus()
            self.notify(ui(self.app.lang, "已保存。", "Saved."), timeout=2)
