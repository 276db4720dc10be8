"""Which items an export holds (quizapp.core.export_set)."""

from __future__ import annotations

import pytest

from quizapp.core.bank.loader import load_bank
from quizapp.core.errors import InputError
from quizapp.core.export_set import ExportSpec, export_items
from solvers import all_kinds


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_whole_bank_once_and_numbers_in_variants(bank):
    items = export_items(ExportSpec(variants=3, seed=5), bank)
    by_id: dict[str, list] = {}
    for it in items:
        by_id.setdefault(it.id, []).append(it)
    for q in bank.questions:
        got = by_id[q.id]
        calcs = [q.calculation] + [p.calculation for p in (q.parts or [])]
        drawn = any(c is not None and c.params is None for c in calcs)
        assert len(got) == (3 if drawn else 1), q.id
        assert len({it.uid for it in got}) == len(got)  # variants differ
    # every registered kind is exported, framed by a bank question or as drills
    exported_kinds = {it.kind for it in items if it.kind} | {
        p.problem.kind for it in items for p in it.parts if p.problem}
    assert exported_kinds == {k.id for k in all_kinds()}


def test_same_options_same_items_and_two_questions_of_a_kind_differ(bank):
    a = export_items(ExportSpec(kinds=("iou",), variants=4, seed=9), bank)
    b = export_items(ExportSpec(kinds=("iou",), variants=4, seed=9), bank)
    assert [i.uid for i in a] == [i.uid for i in b]
    assert [i.problem.answer for i in a] == [i.problem.answer for i in b]
    assert {i.type for i in a} == {"calculation"} and {i.kind for i in a} == {"iou"}
    params = [str(i.problem.params) for i in a]
    assert len(set(params)) == len(params)
    c = export_items(ExportSpec(kinds=("iou",), variants=4, seed=10), bank)
    assert [i.uid for i in c] != [i.uid for i in a]


def test_a_kind_no_question_frames_comes_as_drills(bank):
    framed = {q.calculation.kind for q in bank.questions if q.calculation}
    unframed = [k for k in all_kinds() if k.id not in framed]
    if not unframed:
        pytest.skip("every kind is framed by a bank question")
    k = unframed[0]
    items = export_items(ExportSpec(kinds=(k.id,), variants=2), bank)
    assert [i.uid.split("@")[0] for i in items] == [f"drill:{k.id}:medium"] * 2


@pytest.mark.parametrize("spec, word", [
    (ExportSpec(chapters=("ch0",)), "chapter"), (ExportSpec(types=("essay",)), "type"),
    (ExportSpec(kinds=("nope",)), "kind"), (ExportSpec(variants=0), "--variants"),
])
def test_bad_names_list_the_valid_ones(bank, spec, word):
    with pytest.raises(InputError, match=word):
        export_items(spec, bank)
