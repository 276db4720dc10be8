"""Showing bilingual text in the student's chosen language ("zh", "en" or "both")."""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en", "both")


def say(text: Any, lang: str) -> str:
    """A bilingual value (solvers.Text, a bank Bilingual, or a plain str) in ``lang``.

    "both" gives the Chinese first and the English on the next line (once if they are equal)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    zh, en = getattr(text, "zh", ""), getattr(text, "en", "")
    if lang == "en":
        return en or zh
    if lang == "both":
        return zh if zh == en or not en else f"{zh}\n{en}"
    return zh or en


def ui(lang: str, zh: str, en: str) -> str:
    """A label of the app itself: Chinese, English, or "中文 English" side by side."""
    if lang == "en":
        return en
    if lang == "both":
        return f"{zh} {en}"
    return zh


DIFFICULTY_NAMES = {"easy": ("简单", "easy"), "medium": ("中等", "medium"), "hard": ("困难", "hard")}


def difficulty_name(difficulty: str | None, lang: str) -> str:
    """"easy" / "medium" / "hard" as the student reads them ("both": 简单 easy)."""
    zh, en = DIFFICULTY_NAMES.get(difficulty or "", (difficulty or "", difficulty or ""))
    return ui(lang, zh, en)


def grade_message(grade: Any, lang: str) -> str:
    zh = getattr(grade, "message_zh", "") or grade.message
    return say(_Pair(zh, grade.message), lang)


class _Pair:
    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en


LETTERS = "ABCDEFGH"


def key_label(pair: tuple[str, str], lang: str) -> str:
    """A footer label: short, so one language only ("both" shows the Chinese)."""
    return pair[1] if lang == "en" else pair[0]


def localise_keys(node: Any, labels: dict[str, tuple[str, str]], lang: str) -> None:
    """Give ``node``'s key bindings (its footer entries) their labels in ``lang``.

    ``labels`` maps an action string as bound (``"move(1)"``) to its (Chinese, English) label.
    Bindings are declared once on the class in English; the instance's copy is relabelled."""
    from dataclasses import replace

    table = node._bindings.key_to_bindings  # the instance's own copy of the class bindings
    for key, bindings in table.items():
        table[key] = [replace(b, description=key_label(labels[b.action], lang))
                      if b.action in labels else b for b in bindings]
    node.refresh_bindings()
