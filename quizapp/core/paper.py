"""A mock exam paper: a blueprint's sections filled from the bank with one seed.

The same (blueprint, seed) gives the same paper on any machine, so a class can sit one paper and a
teacher can print its key later. Questions are drawn without replacement, spread over chapters by
the syllabus weights in ``chapters.yaml``; calculation numbers come from per-item seeds.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from quizapp.core.bank.loader import Bank
from quizapp.core.bank.models import Blueprint, Question
from quizapp.core.bank.rules import matches
from quizapp.core.errors import BankError
from quizapp.core.items import Item, as_choice, realise

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: codes are read off paper


@dataclass
class PaperSection:
    id: str
    title: object  # solvers.Text
    instructions: object | None
    items: list[Item]
    points: float
    answer_lines: int = 0


@dataclass
class Paper:
    blueprint_id: str
    seed: int
    code: str
    title: object  # solvers.Text
    duration_minutes: int
    instructions: object | None
    sections: list[PaperSection] = field(default_factory=list)
    total_points: float = 0.0

    def items(self) -> list[Item]:
        return [item for s in self.sections for item in s.items]


def short_code(prefix: str, text: str) -> str:
    """``PREFIX-XXXXX``: five characters of a CRC of ``text``, from an alphabet without 0/O, 1/I."""
    n = zlib.crc32(text.encode("utf-8"))
    chars = []
    for _ in range(5):
        n, r = divmod(n, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return f"{prefix}-{''.join(chars)}"


def paper_code(blueprint_id: str, seed: int) -> str:
    """A short code printed on the paper and on its key, e.g. ``FINA-7K3QX``."""
    prefix = "".join(ch for ch in blueprint_id.upper() if ch.isalnum())[:4] or "QZ"
    return short_code(prefix, f"{blueprint_id}:{int(seed)}")


def _rng(blueprint_id: str, seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(blueprint_id.encode())]))


def draw_questions(pool: list[Question], count: int, rng: np.random.Generator,
                   weights: dict[str, float]) -> list[Question]:
    """``count`` distinct questions, chapters represented by their syllabus weight."""
    pool = sorted(pool, key=lambda q: q.id)  # file order must not change a paper
    per_chapter: dict[str, int] = {}
    for q in pool:
        per_chapter[q.chapter] = per_chapter.get(q.chapter, 0) + 1
    p = np.array([weights.get(q.chapter, 1.0) / per_chapter[q.chapter] for q in pool], dtype=float)
    # A chapter of weight 0 is drawn from only when the others cannot fill the draw (a zero
    # probability would make numpy refuse the draw instead).
    p = np.maximum(p, 1e-9)
    p = p / p.sum()
    picked = rng.choice(len(pool), size=count, replace=False, p=p)
    return [pool[i] for i in sorted(picked, key=lambda i: (pool[i].chapter, pool[i].id))]


def build_paper(bank: Bank, blueprint_id: str, seed: int, *, minutes: int | None = None) -> Paper:
    """Fill ``blueprint_id`` from the bank with ``seed``; raise BankError if the bank is too small."""
    from solvers import Text, item_seed

    bp: Blueprint = bank.blueprint(blueprint_id)
    rng = _rng(bp.id, seed)
    weights = {c.id: c.weight for c in bank.chapters}
    used: set[str] = set()
    sections: list[PaperSection] = []
    index = 0
    for section in bp.sections:
        items: list[Item] = []
        for draw in section.draws:
            pool = [q for q in bank.questions
                    if q.id not in used and matches(q, draw.type, draw.chapters, draw.difficulty)]
            if len(pool) < draw.count:
                raise BankError(
                    f"Blueprint '{bp.id}' asks for {draw.count} {draw.type.replace('_', '-')} "
                    f"item(s) in section '{section.id}' but the bank has only {len(pool)} left.",
                    hint="Add questions to the bank or lower the count in the blueprint.")
            for q in draw_questions(pool, draw.count, rng, weights):
                used.add(q.id)
                item = realise(q, item_seed(seed, index), points=draw.points)
                items.append(as_choice(item) if draw.as_choice else item)
                index += 1
        sections.append(PaperSection(
            id=section.id, title=Text(section.title.zh, section.title.en),
            instructions=Text(section.instructions.zh, section.instructions.en)
            if section.instructions else None,
            items=items, points=sum(i.points for i in items), answer_lines=section.answer_lines))
    return Paper(
        blueprint_id=bp.id, seed=int(seed), code=paper_code(bp.id, seed),
        title=Text(bp.title.zh, bp.title.en), duration_minutes=minutes or bp.duration_minutes,
        instructions=Text(bp.instructions.zh, bp.instructions.en) if bp.instructions else None,
        sections=sections, total_points=sum(s.points for s in sections))
