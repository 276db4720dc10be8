"""Which items an export (Moodle, GIFT, Anki, QTI) holds, drawn from options and a seed.

Rule: every bank question whose chapter and type are chosen goes in. A question with numbers
(a calculation, or a comprehensive item with a calculation part) goes in ``variants`` times,
variant ``i`` realised with :func:`variant_seed` ``(seed, question id, i)``; one whose numbers
are fixed in the bank (``params``) goes in once. When calculations are chosen, a registered
calculation kind of the chosen chapters that no exported bank question uses goes in as
``variants`` drills of medium difficulty (drill ``i`` of kind ``k`` made with
``variant_seed(seed, k, i)``): every kind is exported, a new kind is picked up from the registry
with no edit here, and a kind the bank frames is not exported twice.

``kinds`` narrows calculations to those kinds; given without ``types`` it means calculations
only. ``as_choice`` asks each calculation as a single-choice question whose wrong options are
the values of its named mistakes (:func:`quizapp.core.items.as_choice`).

The same options give the same items on any machine, so an item's uid (question id or kind,
and its seed) names the same question in every export: Anki uses it for stable note GUIDs.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from quizapp.core.bank.models import QUESTION_TYPES, Question
from quizapp.core.errors import InputError
from quizapp.core.items import Item, as_choice, drill_item, realise

MAX_VARIANTS = 200  # 45 kinds x 200 is already ~10,000 drills


@dataclass(frozen=True)
class ExportSpec:
    chapters: tuple[str, ...] = ()  # empty: all
    types: tuple[str, ...] = ()  # empty: all (or only calculations when kinds are given)
    kinds: tuple[str, ...] = ()  # empty: all
    variants: int = 5
    seed: int = 0
    as_choice: bool = False  # calculations asked as single choice (mistake values as options)


def variant_seed(seed: int, key: str, index: int) -> int:
    """The seed of variant ``index`` of a question or kind ``key`` (stable across machines;
    two questions of the same kind get different numbers)."""
    ss = np.random.SeedSequence([int(seed), zlib.crc32(key.encode("utf-8")), int(index)])
    return int(ss.generate_state(1, np.uint32)[0])


def _unknown(what: str, given: list[str], valid: list[str]) -> InputError:
    more = f" and {len(given) - 3} more" if len(given) > 3 else ""
    shown = ", ".join(repr(g[:40]) for g in given[:3]) + more
    return InputError(f"Unknown {what} {shown}; valid {what}s are: {', '.join(valid)}.")


def check_spec(spec: ExportSpec, bank) -> None:
    """Every chapter, type and kind named exists; raises InputError listing the valid ones."""
    from solvers import all_kinds

    chapter_ids = [c.id for c in bank.chapters]
    bad = [c for c in spec.chapters if c not in chapter_ids]
    if bad:
        raise _unknown("chapter", bad, chapter_ids)
    bad = [t for t in spec.types if t not in QUESTION_TYPES]
    if bad:
        raise _unknown("type", bad, list(QUESTION_TYPES))
    kind_ids = [k.id for k in all_kinds()]
    bad = [k for k in spec.kinds if k not in kind_ids]
    if bad:
        raise _unknown("kind", bad, kind_ids)
    if not 1 <= spec.variants <= MAX_VARIANTS:
        raise InputError(f"--variants must be between 1 and {MAX_VARIANTS}, got {spec.variants}.")
    if spec.seed < 0:
        raise InputError(f"--seed must be a whole number >= 0, got {spec.seed}.")


def _question_kinds(q: Question) -> list[str]:
    if q.calculation is not None:
        return [q.calculation.kind]
    return [p.calculation.kind for p in (q.parts or []) if p.calculation is not None]


def _has_numbers(q: Question) -> bool:
    calcs = [q.calculation] if q.calculation is not None else [
        p.calculation for p in (q.parts or []) if p.calculation is not None]
    return any(c.params is None for c in calcs)


def export_items(spec: ExportSpec, bank) -> list[Item]:
    """The items of an export in a stable order: bank questions by chapter and id, then drills
    by kind (see the module docstring for the rule)."""
    from solvers import all_kinds

    check_spec(spec, bank)
    types = set(spec.types or (("calculation",) if spec.kinds else QUESTION_TYPES))
    chapters = set(spec.chapters or (c.id for c in bank.chapters))
    kinds = set(spec.kinds)
    order = {c.id: c.number for c in bank.chapters}
    items: list[Item] = []
    framed: set[str] = set()
    for q in sorted(bank.questions, key=lambda q: (order.get(q.chapter or "", 99), q.id)):
        if q.type not in types or q.chapter not in chapters:
            continue
        q_kinds = _question_kinds(q)
        if kinds and not (set(q_kinds) & kinds):
            continue
        framed.update(q_kinds)
        count = spec.variants if _has_numbers(q) else 1
        items.extend(realise(q, variant_seed(spec.seed, q.id, i)) for i in range(count))
    if "calculation" in types:
        for kind in all_kinds():
            if (kind.chapter in chapters and (not kinds or kind.id in kinds)
                    and kind.id not in framed):
                items.extend(drill_item(kind.id, variant_seed(spec.seed, kind.id, i))
                             for i in range(spec.variants))
    if spec.as_choice:  # a calculation with too few mistake values to offer stays numeric
        items = [as_choice(i) for i in items]
    return items
