"""The key says what the engine says: every answer is regenerated independently from the seeds
printed in the key and compared, for every kind over many seeds; bank answers come from the
bank's own data (correct options, true/false, accepted blanks, key points)."""

from __future__ import annotations

import pytest

from quizapp.core.grading import expected_text
from quizapp.worksheet.build import paper_sheets
from quizapp.worksheet.model import Matrix, Para
from quizapp.worksheet.worksheet import WorksheetSpec, draw_items, worksheet_code, worksheet_sheets
from solvers import all_kinds, item_seed, make_problem

KINDS = tuple(k.id for k in all_kinds())


def engine_answers(kind: str, seed: int, difficulty: str) -> list[str]:
    p = make_problem(kind, seed, difficulty)
    return [expected_text(f, p.answer[f.name]) for f in p.fields]


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_drill_key_matches_engine_for_every_kind(difficulty):
    for base in range(6):
        spec = WorksheetSpec(kinds=KINDS, count=len(KINDS), difficulty=difficulty, seed=base)
        sheet, key = worksheet_sheets(spec)
        entries = key.entries()
        assert len(entries) == len(KINDS) == len(sheet.items())
        for i, entry in enumerate(entries):
            kind = KINDS[i % len(KINDS)]
            seed = item_seed(base, i)
            assert entry.source == f"{kind} @{seed}"
            assert [a.value.en for a in entry.answers] == engine_answers(kind, seed, difficulty)
            assert entry.steps, f"{kind}: the key has no worked steps"


def test_matrix_answers_lay_out_the_same_numbers():
    spec = WorksheetSpec(kinds=("sobel", "morphology", "smoothing"), count=9, seed=11)
    _, key = worksheet_sheets(spec)
    seen = 0
    for entry in key.entries():
        for a in entry.answers:
            if a.matrix is None:
                continue
            seen += 1
            # "3x3: 1 2 3; 4 5 6; ..." and the laid-out matrix hold the same cells in order
            size, cells = a.value.en.split(": ", 1)
            rows = [r.split() for r in cells.split("; ")]
            assert size == f"{len(rows)}x{len(rows[0])}"
            assert [list(r) for r in a.matrix.rows] == rows
    assert seen >= 9


def test_statement_of_every_drill_is_on_the_sheet():
    spec = WorksheetSpec(kinds=KINDS, count=len(KINDS), seed=5)
    sheet, _ = worksheet_sheets(spec)
    for i, doc in enumerate(sheet.items()):
        p = make_problem(KINDS[i], item_seed(5, i), "medium")
        assert doc.number == i + 1
        paras = [b for b in doc.blocks if isinstance(b, Para)]
        assert paras and p.question.zh.startswith(paras[0].text.zh)
        assert p.question.en.startswith(paras[0].text.en)
        assert [f.label for f in p.fields] == doc.fields


def test_statement_matrix_becomes_a_matrix_block():
    spec = WorksheetSpec(kinds=("otsu",), count=1, seed=2)
    sheet, _ = worksheet_sheets(spec)
    p = make_problem("otsu", item_seed(2, 0), "medium")
    matrices = [b for b in sheet.items()[0].blocks if isinstance(b, Matrix)]
    assert len(matrices) == 1
    assert [[float(c) for c in r] for r in matrices[0].rows] == [[float(v) for v in r] for r in p.params["image"]]


def test_bank_keys_come_from_the_bank(bank):
    sheet, key = worksheet_sheets(WorksheetSpec(chapters=("ch1_cnn", "ch3_image_processing"),
                                                count=10, seed=3), bank)
    assert len(key.entries()) == 10
    items = draw_items(WorksheetSpec(chapters=("ch1_cnn", "ch3_image_processing"), count=10, seed=3), bank)
    by_number = {int(e.number): e for e in key.entries()}
    numbered = [i for s in sheet.sections for i in s.items]
    # the sheet groups items by type; match each printed item back to its bank question
    for doc_item in numbered:
        entry = by_number[doc_item.number]
        qid = entry.source.split(" @")[0]
        item = next(i for i in items if i.id == qid)
        q = item.question
        if q.type in ("single_choice", "multiple_choice"):
            printed = [o.en for o in doc_item.options]
            assert sorted(printed) == sorted(c.en for c in q.choices)
            letters = entry.answers[0].value.en.split(", ")
            # the key's letters point at exactly the right options as printed
            assert {printed["ABCD".index(x)] for x in letters} == {c.en for c in q.choices if c.correct}
        elif q.type == "true_false":
            assert entry.answers[0].value.en == ("true" if q.answer else "false")
        elif q.type == "fill_blank":
            assert [a.value.en for a in entry.answers] == [" / ".join(b.accept) for b in q.blanks]
        elif q.type == "short_answer":
            assert [(k.en, p) for k, p in entry.key_points] == [(k.en, k.points) for k in q.key_points]
            assert doc_item.answer_lines > 0
        elif q.type == "calculation":
            assert [a.value.en for a in entry.answers] == [
                expected_text(f, item.problem.answer[f.name]) for f in item.problem.fields]
        elif q.type == "comprehensive":
            assert len(entry.parts) == len(item.parts) == len(doc_item.parts)
            calc = item.parts[0].problem
            assert [a.value.en for a in entry.parts[0].answers] == [
                expected_text(f, calc.answer[f.name]) for f in calc.fields]
            assert entry.parts[1].key_points


def test_mix_rule_half_drills_half_bank(bank):
    spec = WorksheetSpec(kinds=("conv_output",), chapters=("ch1_cnn",), count=5, seed=1)
    items = draw_items(spec, bank)
    assert [i.question is None for i in items] == [True, True, True, False, False]
    assert [i.seed for i in items[:3]] == [item_seed(1, i) for i in range(3)]


def test_same_options_same_sheet_and_code(bank):
    spec = WorksheetSpec(kinds=("iou",) if "iou" in KINDS else ("conv_output",),
                         chapters=("ch1_cnn",), count=6, seed=9)
    a, b = worksheet_sheets(spec, bank), worksheet_sheets(spec, bank)
    assert a == b
    assert worksheet_code(spec) == a[0].header.code == a[1].header.code
    other = WorksheetSpec(kinds=spec.kinds, chapters=spec.chapters, count=6, seed=10)
    assert worksheet_code(other) != worksheet_code(spec)


def test_paper_sheet_numbers_points_and_lines(bank):
    from quizapp.core.paper import build_paper

    paper = build_paper(bank, "mini", 4)
    sheet, key = paper_sheets(paper)
    assert sheet.header.code == key.header.code == paper.code
    assert [i.number for i in sheet.items()] == list(range(1, len(paper.items()) + 1))
    assert [s.points for s in sheet.sections] == [s.points for s in paper.sections]
    for sec, psec in zip(sheet.sections, paper.sections):
        for doc_item, item in zip(sec.items, psec.items):
            if doc_item.type in ("short_answer", "calculation"):
                # A matrix answer gets a line per row more; a vector one more line.
                extra = 0
                if item.problem is not None and psec.answer_lines:
                    extra = sum(len(item.problem.answer[f.name]) + 1 if f.shape == "matrix" else
                                int(isinstance(item.problem.answer[f.name], (list, tuple)))
                                for f in item.problem.fields)
                    extra = min(extra, 8)
                assert doc_item.answer_lines == psec.answer_lines + extra
            elif doc_item.type == "comprehensive":
                assert all(p.answer_lines > 0 for p in doc_item.parts)
                assert sum(p.points for p in doc_item.parts) == pytest.approx(doc_item.points)
            else:
                assert doc_item.answer_lines == 0
    assert ("Duration", "30 min") in [(lbl.en, v) for lbl, v in sheet.header.facts]


def test_quick_answers_match_the_bank(bank):
    from quizapp.core.paper import build_paper

    paper = build_paper(bank, "mini", 2)
    sheet, key = paper_sheets(paper)
    expected = []
    for n, (item, printed) in enumerate(zip(paper.items(), sheet.items()), start=1):
        q = item.question
        if q.type == "single_choice":
            right = next(c.en for c in q.choices if c.correct)
            expected.append((str(n), "ABCD"[[o.en for o in printed.options].index(right)]))
        elif q.type == "true_false":
            expected.append((str(n), "√" if q.answer else "×"))
    assert key.quick == expected and len(expected) == 4


def test_options_are_shuffled_per_paper_but_stable(bank):
    """The bank lists the right option first; printed papers must not give that away."""
    from quizapp.core.paper import build_paper

    positions = []
    for seed in range(40):
        sheet, key = paper_sheets(build_paper(bank, "mini", seed))
        again, _ = paper_sheets(build_paper(bank, "mini", seed))
        assert sheet == again
        positions += [a for _, a in key.quick if a in "ABCD"]
    counts = {letter: positions.count(letter) for letter in "ABCD"}
    assert len(positions) == 80 and min(counts.values()) >= 8, counts


def test_options_that_point_at_others_keep_their_places():
    from quizapp.core.bank.models import Question
    from quizapp.core.items import realise
    from quizapp.worksheet.build import option_order

    q = Question.model_validate({
        "id": "x-1", "type": "single_choice", "chapter": "ch1_cnn",
        "text": {"zh": "哪些对？", "en": "Which hold?"},
        "choices": [{"zh": "甲", "en": "a"}, {"zh": "乙", "en": "b"},
                    {"zh": "以上都对", "en": "All of the above", "correct": True}],
        "explanation": {"zh": "都对。", "en": "All hold."}})
    item = realise(q, 0)
    assert all(option_order(item, f"CODE-{i}") == [0, 1, 2] for i in range(10))
    plain = Question.model_validate({**q.model_dump(exclude_none=True), "choices": [
        {"zh": "甲", "en": "a"}, {"zh": "乙", "en": "b"}, {"zh": "丙", "en": "c", "correct": True}]})
    orders = {tuple(option_order(realise(plain, 0), f"CODE-{i}")) for i in range(20)}
    assert len(orders) > 1  # without such an option the order does change
