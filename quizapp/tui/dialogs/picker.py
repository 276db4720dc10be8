"""Choose one of a list (a chapter, a topic, a drill kind, an exam blueprint): ModalScreen[str]."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.content import Content
from textual.widgets.option_list import Option

from quizapp.tui.lang import difficulty_name, say, ui


def picker_options(app: Any, kind: str) -> tuple[str, list[tuple[str, str]]]:
    """The title and (value, label) options of a picker, from the bank and the engine."""
    lang, bank = app.lang, app.bank
    if kind == "chapter":
        accuracy = _chapter_accuracy(app)
        opts = []
        for c in bank.chapters:
            n = len(bank.by_chapter(c.id))
            if not n:
                continue
            label = f"{c.number}. {say(c.title, lang)}  ({ui(lang, f'{n} 题', f'{n} questions')}"
            if c.id in accuracy:
                label += ui(lang, f" · 正确率 {accuracy[c.id]:.0%}", f" · {accuracy[c.id]:.0%} right")
            opts.append((c.id, label + ")"))
        return ui(lang, "选择章节", "Choose a chapter"), opts
    if kind == "topic":
        from quizapp.core.practice import topics

        return ui(lang, "选择主题", "Choose a topic"), [(t, f"{say(bank.topic_title(t), lang)}  [{t}]  ({n})")
                                                          for t, n in topics(bank)]
    if kind == "drill":
        from quizapp.core.practice import drill_kinds

        opts = [(k.id, f"{say(k.title, lang)}  [{k.id}]") for k in drill_kinds()]
        level = difficulty_name(app.difficulty, lang)
        title = ui(lang, f"选择计算题类型（难度：{level}）", f"Choose a calculation kind (difficulty: {level})")
        return title, opts
    if kind == "exam":
        opts = [(b.id, f"{say(b.title, lang)}  ({b.duration_minutes} min)")
                for b in sorted(bank.blueprints.values(), key=lambda b: b.id)]
        return ui(lang, "选择试卷", "Choose a paper"), opts
    raise ValueError(kind)


def _chapter_accuracy(app: Any) -> dict[str, float]:
    from quizapp.core.progress import summarise

    if app.storage is None:
        return {}
    progress = summarise(app.storage.attempts())
    return {s.key: s.accuracy for s in progress.by_chapter if s.attempts}


class PickerScreen(ModalScreen[str | None]):
    """A filter box over the list: type part of a name (``sob`` finds Sobel), ↑↓ move, Enter picks."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("pageup", "cursor(-10)", show=False),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]]):
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="dialog", classes="picker"):
            yield Label(self.title_text, id="picker-title", markup=False)
            yield Input(placeholder=ui(lang, "输入以筛选，↑↓ 选择，Enter 确定，Esc 取消",
                                       "type to filter, ↑↓ to move, Enter to pick, Esc to cancel"),
                        id="filter")
            yield OptionList(id="picker")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def matching(self, text: str) -> list[tuple[str, str]]:
        """Options whose label or id contains every word typed (any case)."""
        words = text.lower().split()
        return [(value, label) for value, label in self.options
                if all(w in f"{label} {value}".lower() for w in words)]

    def _fill(self, text: str) -> None:
        menu = self.query_one("#picker", OptionList)
        menu.clear_options()
        # Content, not markup: a label may hold brackets.
        menu.add_options([Option(Content(label), id=value) for value, label in self.matching(text)])
        if menu.option_count:
            menu.highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _pick_highlighted(self, event: Input.Submitted) -> None:
        menu = self.query_one("#picker", OptionList)
        if menu.highlighted is not None:
            self.dismiss(menu.get_option_at_index(menu.highlighted).id)

    def action_cursor(self, step: int) -> None:
        menu = self.query_one("#picker", OptionList)
        if not menu.option_count:
            return
        current = menu.highlighted if menu.highlighted is not None else 0
        menu.highlighted = max(0, min(menu.option_count - 1, current + step))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
