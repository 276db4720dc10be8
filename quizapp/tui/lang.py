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


def grade_message(grade: Any, lang: str) -> str:
    zh = getattr(grade, "message_zh", "") or grade.message
    return say(_Pair(zh, grade.message), lang)


class _Pair:
    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en


LETTERS = "ABCDEFGH"
