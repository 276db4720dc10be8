"""How the machine's suggested ticks are shown: always as suggestions, never as marks."""

from __future__ import annotations

from typing import Any

from quizapp.tui.lang import say, ui


def suggestion_note(suggestion: Any, lang: str) -> str:
    """The machine's guess for one key point, worded so it cannot pass for a mark."""
    if suggestion.earned:
        return ui(lang, f"机器建议：✓（{suggestion.why_zh}）—— 仅供参考，不计分",
                  f"machine suggests: ✓ ({suggestion.why}) — a suggestion, not counted")
    return ui(lang, f"机器建议：✗（{suggestion.why_zh}）—— 仅供参考",
              f"machine suggests: ✗ ({suggestion.why}) — a suggestion only")


def key_point_labels(key_points: list[Any], suggestions: list[Any], lang: str) -> list[str]:
    """Each key point with its points and, under it, the machine's suggestion."""
    return [f"({kp.points:g}) {say(kp, lang)}\n{suggestion_note(s, lang)}"
            for kp, s in zip(key_points, suggestions)]
