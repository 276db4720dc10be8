"""Settings: language, default difficulty, theme; each saved the moment it changes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, RadioButton, RadioSet

from quizapp.tui.lang import localise_keys, ui

CHOICES = {
    "lang": [("zh", "中文"), ("en", "English"), ("both", "中文 + English")],
    "difficulty": [("easy", "easy 简单"), ("medium", "medium 中等"), ("hard", "hard 困难")],
    "theme": [("dark", "dark 深色"), ("light", "light 浅色")],
}


class SettingsScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    KEY_LABELS = {"app.pop_screen": ("返回", "Back")}

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
        with VerticalScroll(id="settings-body"):
            for key, options in CHOICES.items():
                yield Label(titles[key], classes="heading", markup=False)
                with RadioSet(id=key):
                    for value, label in options:
                        yield RadioButton(label, value=value == self.current(key), name=value)
        yield Footer()

    def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        self.query_one("#lang", RadioSet).focus()

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
