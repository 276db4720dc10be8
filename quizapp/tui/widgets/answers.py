"""Answer widgets that fit each question type, all under one :class:`AnswerArea`.

* choices: a list with a cursor; pick with 1-8 or A-H (true/false: 1/2, T/F), Space or a click;
* fill-in blanks, calculation fields: one input each; a vector as ``1, 2, 3``; a matrix with its
  size first, ``2x2: 1 2; 3 4``;
* short answers: a text box; in practice the key points then appear for the student to tick,
  each with the machine's suggestion beside it (self-grading; an exam is marked after submit);
* comprehensive: its parts, each with the widget of its kind.

The area builds the response dict the core grades (see quizapp.core.items) and reports changes
(:class:`AnswerArea.Changed`) and the wish to submit (:class:`AnswerArea.Submitted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text as PlainText
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from quizapp.tui.lang import LETTERS, say, ui


class ChoiceList(Vertical, can_focus=True):
    """Options with a cursor. Enter asks to submit."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("space", "pick_cursor", "Pick", show=False),
        Binding("enter", "submit", "Submit", show=False),
        *[Binding(f"{i + 1},{LETTERS[i].lower()}", f"pick({i})", show=False) for i in range(8)],
        Binding("t,y", "pick_word(0)", show=False),
        Binding("f,n", "pick_word(1)", show=False),
    ]

    @dataclass
    class Changed(Message):
        choices: "ChoiceList"

    @dataclass
    class Submitted(Message):
        choices: "ChoiceList"

    def __init__(self, labels: list[str], *, multiple: bool = False, true_false: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.labels = labels
        self.multiple = multiple
        self.true_false = true_false
        self.selected: set[int] = set()
        self.cursor = 0

    def compose(self) -> ComposeResult:
        for i, text in enumerate(self.labels):
            yield Static(self._line(i, text), classes="option", markup=False)

    def on_mount(self) -> None:
        self._refresh()

    def mark(self, i: int) -> str:
        box = ("[x]" if i in self.selected else "[ ]") if self.multiple else \
            ("(*)" if i in self.selected else "( )")
        return f"{box} {i + 1}/{LETTERS[i]}."

    def _line(self, i: int, text: str) -> Table:
        """The mark and the option side by side: a long option wraps under its own text."""
        line = Table.grid(padding=(0, 1))
        line.add_column(no_wrap=True)
        line.add_column(ratio=1, overflow="fold")  # fold: Chinese has no spaces to wrap at
        line.add_row(PlainText(self.mark(i)), PlainText(text))  # plain: never markup
        return line

    def _refresh(self) -> None:
        for i, opt in enumerate(self.query(".option").results(Static)):
            opt.update(self._line(i, self.labels[i]))
            opt.set_class(i == self.cursor, "-cursor")
            opt.set_class(i in self.selected, "-selected")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.disabled:
            return False
        if action == "pick_word":
            return self.true_false
        if action == "pick":  # a letter beyond the options falls through to the screen's keys
            return int(parameters[0]) < len(self.labels)
        return True

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.labels)
        self._refresh()

    def action_pick(self, index: int) -> None:
        if index >= len(self.labels):
            return
        self.cursor = index
        if self.multiple:
            self.selected ^= {index}
        else:
            self.selected = {index}
        self._refresh()
        self.post_message(self.Changed(self))

    def action_pick_cursor(self) -> None:
        self.action_pick(self.cursor)

    def action_pick_word(self, index: int) -> None:
        self.action_pick(index)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def on_click(self, event) -> None:
        widget = event.widget
        options = list(self.query(".option"))
        if widget in options:
            self.focus()
            self.action_pick(options.index(widget))

    def set_selected(self, indices: set[int]) -> None:
        self.selected = {i for i in indices if 0 <= i < len(self.labels)}
        if self.selected:
            self.cursor = min(self.selected)
        if self.is_mounted:
            self._refresh()


class AnswerForm(Vertical):
    """Base of the per-type forms."""

    def response(self) -> dict[str, Any]:
        raise NotImplementedError

    def load(self, response: dict[str, Any] | None) -> None:
        """Show a saved response (a resumed exam)."""

    @property
    def needs_ticks(self) -> bool:
        return False

    def show_ticks(self, suggestions: list[list[Any]]) -> None:
        pass

    def key_point_sets(self) -> list[tuple[Any, str]]:
        """(key points, answer text) of every self-graded part still to be ticked."""
        return []


class ChoiceForm(AnswerForm):
    def __init__(self, item: Any, lang: str):
        super().__init__(classes="form")
        self.item = item
        if item.type == "true_false":
            labels = [ui(lang, "对", "True"), ui(lang, "错", "False")]
        else:
            labels = [say(c, lang) for c in item.options]
        self.choices = ChoiceList(labels, multiple=item.type == "multiple_choice",
                                  true_false=item.type == "true_false")
        n = len(labels)
        if item.type == "true_false":
            self.hint = ui(lang, "按 T（对）或 F（错）选择，Enter 确认", "Pick with T (true) or F (false); Enter to confirm")
        else:
            self.hint = ui(lang, f"按 1-{n} 或 A-{LETTERS[n - 1]} 选择，Enter 确认",
                           f"Pick with 1-{n} or A-{LETTERS[n - 1]}; Enter to confirm")
        if item.type == "multiple_choice":
            self.hint = self.hint.replace("选择", "选择（可多选）").replace("Pick", "Pick all that apply")

    def compose(self) -> ComposeResult:
        yield self.choices
        yield Static(self.hint, classes="choice-hint", markup=False)

    def response(self) -> dict[str, Any]:
        picked = sorted(self.choices.selected)
        if self.item.type == "true_false":
            return {"value": (picked[0] == 0) if picked else None}
        if self.item.type == "multiple_choice":
            return {"choices": picked}
        return {"choice": picked[0] if picked else None}

    def load(self, response: dict[str, Any] | None) -> None:
        r = response or {}
        if self.item.type == "true_false":
            v = r.get("value")
            self.choices.set_selected(set() if v is None else {0 if v else 1})
        elif self.item.type == "multiple_choice":
            self.choices.set_selected(set(r.get("choices") or []))
        else:
            c = r.get("choice")
            self.choices.set_selected(set() if c is None else {int(c)})


def _hint(field: Any, lang: str) -> str:
    places = "" if field.decimals is None or field.integer else \
        ui(lang, f"，保留 {field.decimals} 位小数", f", {field.decimals} decimals")
    if field.shape == "matrix":
        return ui(lang, f"矩阵：先写大小，如 2x2: 1 2; 3 4{places}",
                  f"matrix: size first, e.g. 2x2: 1 2; 3 4{places}")
    if field.shape == "vector":
        return ui(lang, f"向量，如 1, 2, 3{places}", f"vector, e.g. 1, 2, 3{places}")
    if field.integer:
        return ui(lang, "整数", "a whole number")
    if field.decimals is not None:
        return ui(lang, f"保留 {field.decimals} 位小数，也可写分数", f"{field.decimals} decimals or a fraction")
    return ui(lang, "数值，如 0.25 或 1/4", "a number, e.g. 0.25 or 1/4")


class CalcForm(AnswerForm):
    def __init__(self, problem: Any, lang: str):
        super().__init__(classes="form")
        self.problem = problem
        self.lang = lang
        self.inputs = {f.name: Input(placeholder=_hint(f, lang), classes="field") for f in problem.fields}

    def compose(self) -> ComposeResult:
        for f in self.problem.fields:
            unit = f" ({f.unit})" if f.unit else ""
            yield Static(f"{say(f.label, self.lang)}{unit}", classes="field-label", markup=False)
            yield self.inputs[f.name]

    def response(self) -> dict[str, Any]:
        return {"fields": {name: inp.value for name, inp in self.inputs.items()}}

    def load(self, response: dict[str, Any] | None) -> None:
        for name, value in ((response or {}).get("fields") or {}).items():
            if name in self.inputs:
                self.inputs[name].value = str(value)


class BlanksForm(AnswerForm):
    def __init__(self, blanks: list[Any], lang: str):
        super().__init__(classes="form")
        self.inputs = [Input(placeholder=ui(lang, f"第 {i + 1} 空", f"blank {i + 1}"), classes="field")
                       for i in range(len(blanks))]

    def compose(self) -> ComposeResult:
        yield from self.inputs

    def response(self) -> dict[str, Any]:
        return {"blanks": [inp.value for inp in self.inputs]}

    def load(self, response: dict[str, Any] | None) -> None:
        for inp, value in zip(self.inputs, (response or {}).get("blanks") or []):
            inp.value = str(value)


class ShortForm(AnswerForm):
    """A text box; in practice the key points appear after a first Ctrl+S, for self-grading."""

    def __init__(self, key_points: list[Any], lang: str, *, exam: bool):
        super().__init__(classes="form")
        self.key_points = key_points
        self.lang = lang
        self.exam = exam
        hint = ui(lang, "交卷后由你对照参考答案逐条批改。", "After you submit, you mark it against the model answer.") \
            if exam else ui(lang, "写下答案，按 Ctrl+S 对照要点自评。", "Write your answer; Ctrl+S to check it against the key points.")
        self.text = TextArea(classes="short", soft_wrap=True, placeholder=hint)
        self.ticks_shown = False
        # A list of wrapped lines, not Checkboxes: a checkbox label is one line and a long key
        # point was cut off at 80 columns.
        self.tick_list = ChoiceList([say(kp, lang) for kp in key_points], multiple=True,
                                    classes="tick-list")
        n = len(key_points)
        self.tick_help = Static(ui(lang, f"勾选你真正答到的要点：1-{n} 或空格切换，Enter 或 Ctrl+S 评分。"
                                         "“机器建议”只供参考，只有你的勾选计分。",
                                   f"Tick the key points you really covered: 1-{n} or Space to "
                                   "toggle, Enter or Ctrl+S to grade. The machine's suggestions "
                                   "are only suggestions: only your ticks count."),
                                classes="tick-help", markup=False)

    def compose(self) -> ComposeResult:
        yield self.text
        with Vertical(classes="ticks") as ticks:
            ticks.display = False
            yield self.tick_help
            yield self.tick_list

    @property
    def ticked(self) -> list[bool]:
        return [i in self.tick_list.selected for i in range(len(self.key_points))]

    def response(self) -> dict[str, Any]:
        if self.ticks_shown:
            return {"text": self.text.text, "ticked": self.ticked}
        return {"text": self.text.text}

    def load(self, response: dict[str, Any] | None) -> None:
        self.text.load_text(str((response or {}).get("text") or ""))

    @property
    def needs_ticks(self) -> bool:
        return not self.exam and not self.ticks_shown

    def key_point_sets(self) -> list[tuple[Any, str]]:
        return [(self.key_points, self.text.text)] if self.needs_ticks else []

    def show_ticks(self, suggestions: list[list[Any]], *, focus: bool = True) -> None:
        """Show the key points to tick, each with the machine's suggestion beside it (labelled
        as one); nothing is ticked for the student."""
        from quizapp.tui.widgets.suggestions import key_point_labels

        if not self.needs_ticks:
            return
        self.tick_list.labels = key_point_labels(self.key_points, suggestions.pop(0), self.lang)
        self.tick_list.set_selected(set())
        self.tick_list._refresh()
        self.ticks_shown = True
        self.query_one(".ticks").display = True
        if focus:
            self.tick_list.focus()


class PartsForm(AnswerForm):
    """A comprehensive item: each part with its label, text and its own form."""

    def __init__(self, item: Any, lang: str, *, exam: bool):
        super().__init__(classes="form")
        self.item = item
        self.lang = lang
        self.forms: list[AnswerForm] = []
        for part in item.parts:
            if part.problem is not None:
                self.forms.append(CalcForm(part.problem, lang))
            elif part.key_points is not None:
                self.forms.append(ShortForm(part.key_points, lang, exam=exam))
            else:
                self.forms.append(BlanksForm(part.blanks, lang))

    def compose(self) -> ComposeResult:
        for part, form in zip(self.item.parts, self.forms):
            points = f"{part.points:g}"
            label = say(part.label, self.lang) if part.label else ""
            yield Static(f"{label} ({ui(self.lang, f'{points} 分', f'{points} pts')})",
                        classes="part-label", markup=False)
            if part.text is not None:
                yield Static(say(part.text, self.lang), classes="part-text", markup=False)
            yield form

    def response(self) -> dict[str, Any]:
        return {"parts": [f.response() for f in self.forms]}

    def load(self, response: dict[str, Any] | None) -> None:
        for form, r in zip(self.forms, (response or {}).get("parts") or []):
            form.load(r)

    @property
    def needs_ticks(self) -> bool:
        return any(f.needs_ticks for f in self.forms)

    def key_point_sets(self) -> list[tuple[Any, str]]:
        return [kp for f in self.forms for kp in f.key_point_sets()]

    def show_ticks(self, suggestions: list[list[Any]]) -> None:
        first = True  # the student ticks from the top: the first list gets the focus
        for f in self.forms:
            if isinstance(f, ShortForm) and f.needs_ticks:
                f.show_ticks(suggestions, focus=first)
                first = False


def make_form(item: Any, lang: str, *, exam: bool = False) -> AnswerForm:
    if item.type in ("single_choice", "multiple_choice", "true_false"):
        return ChoiceForm(item, lang)
    if item.type == "calculation":
        return CalcForm(item.problem, lang)
    if item.type == "fill_blank":
        return BlanksForm(item.question.blanks, lang)
    if item.type == "short_answer":
        return ShortForm(item.question.key_points, lang, exam=exam)
    if item.type == "comprehensive":
        return PartsForm(item, lang, exam=exam)
    raise ValueError(f"no answer widget for type {item.type!r}")


class AnswerArea(Vertical):
    """The answer widget of one item; Enter moves through the fields and submits after the last."""

    @dataclass
    class Changed(Message):
        area: "AnswerArea"

    @dataclass
    class Submitted(Message):
        area: "AnswerArea"

    def __init__(self, item: Any, lang: str, *, exam: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.item = item
        self.form = make_form(item, lang, exam=exam)

    def compose(self) -> ComposeResult:
        yield self.form

    def response(self) -> dict[str, Any]:
        return self.form.response()

    def load(self, response: dict[str, Any] | None) -> None:
        self.form.load(response)

    def focus_first(self) -> None:
        for widget in self.query("ChoiceList, Input, TextArea"):
            if widget.focusable:
                widget.focus()
                return

    def freeze(self) -> None:
        for widget in self.query("ChoiceList, Input, TextArea"):
            widget.disabled = True

    @on(Input.Submitted)
    def _next_or_submit(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [w for w in self.query("Input, TextArea") if not w.disabled]
        if event.input in inputs and inputs.index(event.input) < len(inputs) - 1:
            inputs[inputs.index(event.input) + 1].focus()
        else:
            self.post_message(self.Submitted(self))

    @on(ChoiceList.Submitted)
    def _choice_submitted(self, event: ChoiceList.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(ChoiceList.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed(self))


def after_typed_keys(screen: Any, callback: Any, *args: Any) -> None:
    """Run ``callback(*args)`` once the focused widget has handled the keys already sent to it.

    Ctrl+S, PgDn and the other priority bindings run as soon as their key arrives, while keys
    typed just before may still wait in the answer field's queue (a fast typist, a paste, a loaded
    machine): read at once, the answer would miss them. The callback runs from the back of that
    queue, and not at all if the screen has been left meanwhile."""
    def run() -> None:
        if screen.is_attached and screen.app.screen is screen:
            callback(*args)

    focused = screen.focused
    if focused is None:
        run()
    else:
        focused.call_later(run)
