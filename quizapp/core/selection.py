"""Which items a worksheet gets: drills and bank items drawn from options and a seed.

Mix rule when both ``kinds`` and ``chapters``/``types`` are given: the first ``ceil(count/2)``
items are drills of the kinds (dealt round-robin), the rest are bank items drawn from the chosen
chapters and types. With only kinds, every item is a drill; with only chapters/types, every item
comes from the bank.

Seeds: drill ``i`` is ``drill_item(kind, item_seed(seed, i), difficulty)``, i.e.
``solvers.make_problem(kind, solvers.item_seed(seed, i), difficulty)``; bank item ``j`` (after
``n`` drills) is realised with ``item_seed(seed, n + j)``. The same options give the same sheet on
any machine, and :func:`worksheet_code` prints a short code of them on the sheet and its key.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from quizapp.core.errors import BankError, InputError
from quizapp.core.items import Item, as_choice, drill_item, realise
from quizapp.core.paper import short_code

MIXED = ("all", "mixed")


@dataclass(frozen=True)
class WorksheetSpec:
    kinds: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    count: int = 10
    difficulty: str | None = None  # None: drills are "medium", bank items any difficulty
    seed: int = 0
    as_choice: bool = False  # drills asked as single choice (quizapp.core.calc_choice)

    def canonical(self) -> str:
        fields = [",".join(self.kinds), ",".join(sorted(self.chapters)),
                  ",".join(sorted(self.types)), str(self.count), self.difficulty or "",
                  str(int(self.seed))]
        return "|".join(fields + (["choice"] if self.as_choice else []))  # old codes unchanged


def worksheet_code(spec: WorksheetSpec) -> str:
    """A short code of the options and seed, e.g. ``WS-7K3QX`` (printed on sheet and key)."""
    return short_code("WS", spec.canonical())


def _kind_ids(spec: WorksheetSpec) -> list[str]:
    from solvers import UnknownKind, all_kinds, get_kind

    if any(k in MIXED for k in spec.kinds):
        ids = [k.id for k in all_kinds()]
        return [ids[j] for j in np.random.default_rng(spec.seed).permutation(len(ids))]
    for k in spec.kinds:
        try:
            get_kind(k)
        except UnknownKind as exc:
            raise InputError(str(exc), hint="Run 'quizapp kinds' to list them.") from None
    return list(spec.kinds)


def split_count(spec: WorksheetSpec) -> tuple[int, int]:
    """(drills, bank items) for the mix rule in the module docstring."""
    if spec.kinds and (spec.chapters or spec.types):
        drills = math.ceil(spec.count / 2)
        return drills, spec.count - drills
    if spec.kinds:
        return spec.count, 0
    return 0, spec.count


def draw_items(spec: WorksheetSpec, bank=None) -> list[Item]:
    """The worksheet's items in draw order (drills first, then bank items)."""
    from solvers import item_seed

    if spec.count < 1:
        raise InputError(f"--count must be at least 1, got {spec.count}.")
    n_drills, n_bank = split_count(spec)
    kinds = _kind_ids(spec) if n_drills else []
    difficulty = spec.difficulty or "medium"
    items = [drill_item(kinds[i % len(kinds)], item_seed(spec.seed, i), difficulty)
             for i in range(n_drills)]
    if spec.as_choice:
        items = [as_choice(item) for item in items]
    if n_bank:
        if bank is None:
            raise InputError("Bank items need the question bank.")
        for cid in spec.chapters:
            bank.chapter(cid)  # BankError with a "did you mean" for a typo
        pool = sorted((q for q in bank.questions
                       if (not spec.chapters or q.chapter in spec.chapters)
                       and (not spec.types or q.type in spec.types)
                       and (spec.difficulty is None or q.difficulty == spec.difficulty)),
                      key=lambda q: q.id)
        if len(pool) < n_bank:
            raise BankError(
                f"Only {len(pool)} bank item(s) match the chosen chapters, types and difficulty, "
                f"but the worksheet needs {n_bank}.",
                hint="Lower --count or choose more chapters or types.")
        rng = np.random.default_rng(np.random.SeedSequence([int(spec.seed), zlib.crc32(b"worksheet")]))
        picked = sorted(rng.choice(len(pool), size=n_bank, replace=False).tolist())
        items += [realise(pool[i], item_seed(spec.seed, n_drills + j)) for j, i in enumerate(picked)]
    return items
