"""Marking the written answers of a submitted exam, as a teacher marks a script.

One written part at a time: the question, the student's answer, the model answer, and the key
points to tick. The machine's suggestion for each point is shown beside it, labelled as a
suggestion; nothing is ticked for the student and only their ticks count. Every tick is saved
at once (the core saves it), Enter confirms the part and moves on, Esc goes back to the result.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizapp.tui.lang import localise_keys, say, ui
from quizapp.tui.widgets.answers import ChoiceList
from quizapp.tui.widgets.suggestions import key_point_labels


class MarkingScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("pagedown", "move(1)", "Next part", show=False),
        Binding("pageup", "move(-1)", "Previous part", show=False),
    ]
    KEY_LABELS = {"back": ("返回成绩", "Back to the result")}

    def __init__(self, exam: Any, start: int = 0):
        super().__init__()
        self.exam = exam
        self.tasks = exam.marking_tasks()
        first_open = next((i for i, t in enumerate(self.tasks) if not t.done), start)
        self.index = min(first_open, max(0, len(self.tasks) - 1))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="mark-body"):
            yield Static(id="mark-head", markup=False)
            yield Static(id="mark-question", markup=False)
            yield Static(id="mark-answer", markup=False)
            yield Static(id="mark-model", markup=False)
            yield Static(id="mark-help", classes="hint", markup=False)
            yield ChoiceList([], multiple=True, id="mark-ticks")
        yield Footer()

    async def on_mount(self) -> None:
        localise_keys(self, self.KEY_LABELS, self.app.lang)
        if not self.tasks:
            self.app.pop_screen()
            return
        await self.show(self.index)

    @property
    def lang(self) -> str:
        return self.app.lang

    async def show(self, index: int) -> None:
        lang = self.lang
        self.index = index
        task = self.tasks[index]
        item = task.item
        left = sum(not t.done for t in self.tasks)
        part = ui(lang, f" 第 ({task.part}) 小题", f" part ({task.part})") if task.part else ""
        state = ui(lang, "已评", "marked") if task.done else ui(lang, "待评", "to mark")
        self.query_one("#mark-head", Static).update(ui(
            lang, f"评分 {index + 1}/{len(self.tasks)} · 第 {task.position + 1} 题{part} · {task.points:g} 分 · "
                  f"{state} · 还有 {left} 处待评",
            f"Marking {index + 1}/{len(self.tasks)} · question {task.position + 1}{part} · "
            f"{task.points:g} points · {state} · {left} still to mark"))
        text = say(item.text, lang)
        if task.part:
            p = item.parts[task.part - 1]
            text += "\n" + say(p.text, lang) if p.text is not None else ""
        self.query_one("#mark-question", Static).update(text)
        self.query_one("#mark-answer", Static).update(
            ui(lang, "你的答案：\n", "Your answer:\n") + task.answer)
        model = ui(lang, "参考答案（要点）：\n", "Model answer (key points):\n") + "\n".join(
            f"• ({kp.points:g}) {say(kp, lang)}" for kp in task.key_points)
        if item.explanation is not None:
            model += "\n" + say(item.explanation, lang)
        self.query_one("#mark-model", Static).update(model)
        n = len(task.key_points)
        self.query_one("#mark-help", Static).update(ui(
            lang, f"像老师批卷一样，勾选你的答案真正答到的要点：1-{n} 或空格切换，Enter 确认本题并继续，"
                  "Esc 返回。“机器建议”只是参考，不计入分数；只有你勾选的要点计分。",
            f"Tick each key point your answer really makes, as a teacher marks a script: 1-{n} or "
            "Space toggles, Enter confirms this part and moves on, Esc goes back. The machine's "
            "suggestions are only suggestions: only your ticks count."))
        # A fresh list per part: its options are the part's key points.
        await self.query_one("#mark-ticks", ChoiceList).remove()
        ticks = ChoiceList(key_point_labels(task.key_points, task.suggestions(), lang),
                           multiple=True, id="mark-ticks", classes="tick-list")
        await self.query_one("#mark-body", VerticalScroll).mount(ticks)
        ticks.set_selected({i for i, t in enumerate(task.ticks) if t})
        ticks.cursor = 0
        ticks.focus()
        self.query_one("#mark-body", VerticalScroll).scroll_home(animate=False)

    def _ticks(self) -> list[bool]:
        ticks = self.query_one("#mark-ticks", ChoiceList)
        return [i in ticks.selected for i in range(len(self.tasks[self.index].key_points))]

    @on(ChoiceList.Changed)
    def _changed(self, event: ChoiceList.Changed) -> None:
        event.stop()
        task = self.tasks[self.index]
        ticks = self._ticks()
        self.app.guard(self.exam.save_ticks, task.position, task.part, ticks)
        task.ticks = ticks

    @on(ChoiceList.Submitted)
    async def _confirmed(self, event: ChoiceList.Submitted) -> None:
        event.stop()
        task = self.tasks[self.index]
        ticks = self._ticks()
        if self.app.guard(self.exam.confirm_marking, task.position, task.part, ticks) is None:
            return
        task.ticks, task.done = ticks, True
        nxt = next((i for i in range(len(self.tasks)) if not self.tasks[i].done), None)
        if nxt is None:
            self.app.notify(ui(self.lang, "书面作答已全部评完，成绩已更新。",
                               "Every written answer is marked; the score is updated."))
            self.app.pop_screen()
        else:
            await self.show(nxt)

    async def action_move(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.tasks):
            await self.show(target)

    def action_back(self) -> None:
        self.app.pop_screen()
