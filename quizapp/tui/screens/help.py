"""Every key of every screen, in one list (F1 or ? anywhere)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from quizapp.tui.lang import ui

KEY_WIDTH = 20

KEYS = [
    (("任何地方", "Anywhere"), [
        ("F1  ?", "帮助", "this help"),
        ("Ctrl+P", "命令面板：列出所有功能", "command palette: every flow"),
        ("Ctrl+Q", "退出", "quit"),
        ("Tab  Shift+Tab", "切换焦点", "move focus"),
    ]),
    (("主页", "Home"), [
        ("1-9  ↑↓ Enter", "选择功能", "choose a flow"),
        ("T", "今日计划", "Today: the study plan"),
        ("R", "继续进行中的考试", "resume the exam in progress"),
        ("M", "继续批改上次考试的书面作答", "carry on marking the last exam's written answers"),
        ("q", "退出", "quit"),
    ]),
    (("今日计划", "Today"), [
        ("Enter", "从选中的一项开始（模拟卷会打开考试）", "start at the highlighted item (a mock paper opens the exam)"),
        ("S", "从第一项开始", "start at the top"),
        ("G", "设置考试日期和每天的分钟数", "set the exam date and minutes a day"),
        ("Esc", "返回主页", "back home"),
    ]),
    (("练习 / 计算题 / 错题本", "Practice, drills, mistake review"), [
        ("1-8  A-H", "选择选项（多选题再按一次取消）", "pick an option (again to unpick in multiple choice)"),
        ("T/Y  F/N", "判断题：对 / 错", "true or false"),
        ("↑↓ Space", "移动并选择", "move and pick"),
        ("Enter", "下一个输入框；最后一个时提交", "next field; submits after the last"),
        ("Ctrl+S", "提交 / 简答题先自评要点", "check (short answers: tick key points first)"),
        ("1-8  Space", "简答题要点：勾选 / 取消，Enter 评分（“机器建议”不计分）",
         "key points: tick or untick; Enter grades (the machine's suggestions do not count)"),
        ("Enter  Ctrl+N", "看完反馈后下一题；Ctrl+N 也可跳过", "next question; Ctrl+N also skips"),
        ("Ctrl+D", "计算题训练：切换难度（下一题起）", "drills: change difficulty (from the next question)"),
        ("Ctrl+T", "计算题：作答前逐条显示解题步骤（先方法后数字；每条扣分，屏幕显示扣多少）",
         "calculations: reveal the worked solution a piece at a time before answering (a step's "
         "method, then its numbers; each costs credit, the screen says how much)"),
        ("Ctrl+O", "计算题以选择题 / 填数值形式出现（下一题起；错误选项来自常见错误）",
         "calculations as single choice or typed (from the next question; the wrong options "
         "are common mistakes)"),
        ("Esc", "返回主页", "back home"),
    ]),
    (("模拟考试", "Mock exam"), [
        ("PgDn  PgUp", "下一题 / 上一题", "next / previous question"),
        (("题号列表 Enter", "list + Enter"), "跳到该题", "question list: jump there"),
        ("Ctrl+F  F2", "标记 / 取消标记待复查", "flag / unflag for review"),
        ("Ctrl+O", "下一道未答题", "next unanswered question"),
        ("Ctrl+S", "交卷（会确认）", "submit (asks first)"),
        ("Esc", "离开（考试继续计时，可在主页继续）", "leave (the clock keeps running; resume from home)"),
    ]),
    (("成绩与回顾", "Result and review"), [
        ("R  Enter", "逐题回顾", "review every question"),
        ("M", "批改书面作答：对照参考答案勾选要点（1-9 / 空格切换，Enter 确认本题）",
         "mark written answers: tick the key points against the model answer (1-9 / Space "
         "toggle, Enter confirms the part)"),
        ("PgDn PgUp  N P", "下一题 / 上一题", "next / previous"),
        ("↑↓", "滚动解答", "scroll the solution"),
        ("Esc", "返回", "back"),
    ]),
    (("输入格式", "Answer formats"), [
        ("30  1/3  0.25  √2", "数值、分数、根号", "numbers, fractions, roots"),
        ("1, 2, 3", "向量", "a vector"),
        ("2x2: 1 2; 3 4", "矩阵：先写大小再写各行", "a matrix: its size, then the rows"),
    ]),
]


def key_text(key: str | tuple[str, str], lang: str) -> str:
    """A key, or (Chinese, English) when the key's name has words in it."""
    return key if isinstance(key, str) else (key[1] if lang == "en" else key[0])


def help_table(lang: str) -> Group:
    """Each section's title, then its keys in two columns; a long description wraps beside its
    keys, not under them."""
    parts: list[Any] = []
    for (zh, en), keys in KEYS:
        parts.append(Text(ui(lang, zh, en), style="bold", overflow="fold"))
        table = Table.grid(padding=(0, 2))
        table.add_column(width=KEY_WIDTH, no_wrap=True)
        table.add_column(ratio=1, overflow="fold")  # Chinese has no spaces to wrap at
        for key, kzh, ken in keys:
            table.add_row(Text(f"  {key_text(key, lang)}"), Text(ui(lang, kzh, ken)))
        parts += [table, Text("")]
    return Group(*parts)


def help_text(lang: str) -> str:
    lines = []
    for (zh, en), keys in KEYS:
        lines.append(ui(lang, zh, en))
        for key, kzh, ken in keys:
            lines.append(f"  {key_text(key, lang):<18} {ui(lang, kzh, ken)}")
        lines.append("")
    lines.append(ui(lang, "考试计时：关闭程序后时间继续流逝，如同真实考试。",
                    "Exam clock: time keeps running while the app is closed, as in a real exam."))
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with VerticalScroll(id="dialog", classes="help"):
            self.keys_table = help_table(lang)
            yield Static(self.keys_table, id="keys")
            yield Static(ui(lang, "考试计时：关闭程序后时间继续流逝，如同真实考试。",
                            "Exam clock: time keeps running while the app is closed, as in a real exam."),
                         markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
