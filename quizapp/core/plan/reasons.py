"""Why an item is in today's queue, in the student's language (the queue shows one per item)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _name(value: Any, lang: str) -> str:
    return value.get(lang if lang in ("zh", "en") else "zh") if hasattr(value, "get") else str(value)


@dataclass
class Reason:
    """``code`` (stable, for JSON and tests) and the numbers behind it."""

    code: str  # first_look | second_look | review | relearn | new_item | weak_calc | mock
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        p = self.params
        zh, en = _TEXTS[self.code]
        concept = {"concept": _name(p.get("concept", ""), "en")}
        concept_zh = {"concept": _name(p.get("concept", ""), "zh")}
        values = {**p, **concept, "gain": _points(p.get("gain"), "en")}
        values_zh = {**p, **concept_zh, "gain": _points(p.get("gain"), "zh")}
        if lang == "zh":
            return zh.format(**values_zh)
        if lang == "en":
            return en.format(**values)
        return f"{zh.format(**values_zh)} / {en.format(**values)}"

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text("en"), "text_zh": self.text("zh"),
                **{k: (_name(v, "en") if hasattr(v, "get") else v) for k, v in self.params.items()}}


def _points(gain: Any, lang: str) -> str:
    """'about +1.4 points'; a gain that rounds to 0.0 is 'under 0.1', never a promise of +0.0."""
    if gain is None:
        return ""
    if gain < 0.05:
        return "可多得不到 0.1 分" if lang == "zh" else "under +0.1 points"
    return f"可多得约 {gain:.1f} 分" if lang == "zh" else f"about +{gain:.1f} points"


_TEXTS = {
    "first_look": ("新内容：第一次学「{concept}」",
                   "new: first look at '{concept}'"),
    "second_look": ("第二次学「{concept}」（考前每个知识点至少两次）",
                    "second look at '{concept}' (every concept twice before the exam)"),
    "review": ("复习：考试当天记住的把握 {exam_recall:.0%}，{gain}",
               "review: {exam_recall:.0%} recall on exam day; {gain}"),
    "relearn": ("上次答错：考试当天记住的把握 {exam_recall:.0%}，{gain}",
                "wrong last time: {exam_recall:.0%} recall on exam day; {gain}"),
    "new_item": ("新题：考试当天{gain}",
                 "new question: {gain} on exam day"),
    "weak_calc": ("最后几天：最弱的计算题类型（考试当天把握 {exam_recall:.0%}）",
                  "last days: a weakest calculation kind ({exam_recall:.0%} on exam day)"),
    "mock": ("最后几天：完整模拟卷（{minutes} 分钟）",
             "last days: a full mock paper ({minutes} min)"),
}
