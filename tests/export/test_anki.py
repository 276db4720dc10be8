"""The .apkg opened by the official `anki` library: imported into a fresh collection in a temporary
folder, notes counted and their fields checked; importing again (and importing a new export of
the same seed) adds nothing, because note GUIDs are stable."""

from __future__ import annotations

import re
from html import unescape

import pytest

from anki.collection import Collection

from quizapp.export import export
from quizapp.export.anki import CALCULATION_MODEL_ID, CLOZE_MODEL_ID, CONCEPT_MODEL_ID


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def sample(items):
    """Every bank item of two chapters (all types) plus the calculations of a third."""
    return [i for i in items if i.chapter in ("ch1_cnn", "ch9_rnn")
            or (i.chapter == "ch8_detection" and i.type == "calculation")]


@pytest.fixture(scope="module")
def apkg(tmp_path_factory, sample, bank):
    path = tmp_path_factory.mktemp("anki") / "quizapp.apkg"
    export("anki", sample, bank, path, "both")
    return path


def import_into(col, path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    req = ImportAnkiPackageRequest(package_path=str(path),
                                   options=ImportAnkiPackageOptions(with_scheduling=False))
    return col.import_anki_package(req).log


@pytest.fixture
def col(tmp_path):
    c = Collection(str(tmp_path / "collection.anki2"))
    yield c
    c.close()


def expected_notes(sample) -> int:
    return sum(len(i.parts) if i.type == "comprehensive" else 1 for i in sample)


def notes_by_id(col) -> dict[str, object]:
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note["Id"]] = note
    return out


def test_import_counts_notes_decks_and_note_types(col, apkg, sample):
    log = import_into(col, apkg)
    assert len(log.new) == expected_notes(sample) == col.note_count()
    decks = {d.name for d in col.decks.all_names_and_ids()}
    assert {"quizapp", "quizapp::01 卷积神经网络 / Convolutional neural networks"} <= decks
    assert any(d.startswith("quizapp::08 ") for d in decks) and any(d.startswith("quizapp::09 ") for d in decks)
    models = {m["id"]: m for m in col.models.all()}
    assert models[CONCEPT_MODEL_ID]["name"] == "quizapp concept"
    assert models[CALCULATION_MODEL_ID]["name"] == "quizapp calculation"
    assert models[CLOZE_MODEL_ID]["type"] == 1  # Anki's cloze kind


def test_fields_carry_the_question_answer_and_steps(col, apkg, sample):
    import_into(col, apkg)
    notes = notes_by_id(col)
    checked = set()
    for item in sample:
        if item.type == "comprehensive":
            continue
        note = notes[item.uid]
        card_deck = col.decks.name(col.get_card(note.card_ids()[0]).did)
        assert card_deck.startswith("quizapp::0" + item.chapter[2])
        assert f"quizapp::chapter::{item.chapter}" in note.tags
        assert f"quizapp::difficulty::{item.difficulty}" in note.tags
        if item.type in ("single_choice", "multiple_choice"):
            letters = "".join("ABCDEFGH"[i] for i, c in enumerate(item.question.choices) if c.correct)
            assert plain(note["Answer"]).startswith(letters)
            for c in item.question.choices:
                assert c.en in plain(note["Question"]) and c.zh in plain(note["Question"])
        elif item.type == "true_false":
            assert ("True" if item.question.answer else "False") in plain(note["Answer"])
        elif item.type == "short_answer":
            assert all(k.en in plain(note["Answer"]) for k in item.question.key_points)
        elif item.type == "fill_blank":
            assert note.note_type()["name"] == "quizapp cloze"
            assert len(note.cards()) == len(item.question.blanks)  # one card per deletion
            english = note["Text"].split("<i>", 1)[-1]
            for i, blank in enumerate(item.question.blanks, 1):
                assert f"{{{{c{i}::" in note["Text"]
                shown = re.search(r"\{\{c%d::(.*?)\}\}" % i, english).group(1)
                if any(not re.search(r"[\u4e00-\u9fff]", a) for a in blank.accept):
                    assert not re.search(r"[\u4e00-\u9fff]", shown), (item.id, shown)
        elif item.type == "calculation":
            p = item.problem
            assert f"quizapp::kind::{p.kind}" in note.tags
            scalars = [f for f in p.fields if f.shape == "scalar"]
            for f in scalars:  # the value, at the asked rounding, written on the back
                expected = p.answer[f.name]
                numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", plain(note["Answer"]))]
                tol = 0 if f.integer else 0.5 * 10 ** -(f.decimals if f.decimals is not None else 6)
                assert any(abs(n - float(expected)) <= tol + 1e-9 for n in numbers), (item.uid, f.name)
            assert p.steps[0].en in plain(note["Steps"])
        checked.add(item.type)
    assert checked == {"single_choice", "multiple_choice", "true_false", "short_answer",
                       "fill_blank", "calculation"}


def test_reimport_updates_instead_of_duplicating(col, apkg, sample, bank, tmp_path, monkeypatch):
    import time

    import genanki

    import_into(col, apkg)
    n = col.note_count()
    again = import_into(col, apkg)
    assert len(again.new) == 0 and col.note_count() == n
    # a fresh export of the same items (same seeds), in English only: same GUIDs, notes updated.
    # Anki updates a note only when the incoming one is newer (whole seconds): an export within
    # the same second as the first counted 0 updates on a fast machine, so this one is dated later.
    write = genanki.Package.write_to_file
    monkeypatch.setattr(genanki.Package, "write_to_file",
                        lambda self, file, timestamp=None: write(self, file, time.time() + 5))
    fresh = export("anki", sample, bank, tmp_path / "en.apkg", "en").path
    log = import_into(col, fresh)
    assert len(log.new) == 0 and col.note_count() == n and len(log.updated) > 0
    note = notes_by_id(col)[sample[0].uid]
    assert sample[0].text.zh not in note.fields[0]
