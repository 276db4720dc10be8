"""The command line under bad options (issue 13: C3, `--bank` after the subcommand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.cli import main

BANK = Path(__file__).parent / "tui" / "fixtures" / "bank"


@pytest.mark.parametrize("seed", ["-1", "9223372036854775808", "9" * 400], ids=["negative", "2**63", "400 digits"])
def test_exam_seed_out_of_range_is_one_sentence(seed, tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "exam", "--seed", seed]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizapp: --seed must be a whole number from 0 to ")
    assert len(err.splitlines()) == 1 and len(err) < 160


def test_exam_seed_at_the_top_of_the_range_is_stored(tmp_path):
    from quizapp.core.bank.loader import load_bank
    from quizapp.core.exam import MAX_SEED, ExamSession
    from quizapp.core.storage import Storage

    e = ExamSession.start(load_bank(BANK), Storage.open(tmp_path / "p.db"), "mini", seed=MAX_SEED)
    assert e.row.seed == MAX_SEED


@pytest.mark.parametrize("argv", [["bank", "validate", "--bank", str(BANK)],
                                  ["--bank", str(BANK), "bank", "validate"],
                                  ["bank", "stats", "--bank", str(BANK)]])
def test_bank_option_is_accepted_after_the_subcommand(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "10 questions" in out or "10" in out


def test_bank_option_after_the_subcommand_wins(tmp_path, capsys):
    assert main(["--bank", str(tmp_path / "missing"), "bank", "validate", "--bank", str(BANK)]) == 0
    assert "OK: 10 questions" in capsys.readouterr().out


HUGE = "9" * 5000


@pytest.mark.parametrize("argv", [
    ["generate", "iou", "--count", HUGE],
    ["--bank", "/tmp/" + "x" * 3000, "bank", "validate"],
    ["paper", "--bank", str(BANK), "--blueprint", "b" * 20000, "-o", "/tmp/never.md"],
    ["worksheet", "--kind", "k" * 20000, "-o", "/tmp/never.md"],
], ids=["argparse int", "bank path", "blueprint id", "kind id"])
def test_cli_messages_never_repeat_a_whole_bad_value(argv, capsys):
    with pytest.raises(SystemExit) if argv[0] == "generate" else _nothing():
        main(argv)
    captured = capsys.readouterr()
    assert 0 < len(captured.err + captured.out) < 1500, (captured.err + captured.out)[:300]


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_practice_with_an_unknown_kind_is_one_sentence_before_the_app_opens(tmp_path, capsys):
    # It opened the app and showed an English notification over the Chinese home screen.
    assert main(["--data-dir", str(tmp_path), "practice", "--kind", "conv_outptu"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("quizapp: unknown calculation kind 'conv_outptu'. Did you mean 'conv_output'?")
    assert len(err.splitlines()) <= 2 and len(err) < 200


@pytest.mark.parametrize("argv, first_line", [
    # They opened the app and showed a notice over the home screen, with exit 0 after quitting.
    (["practice", "--chapter", "ch9_rnm"], "quizapp: The bank has no chapter 'ch9_rnm'. Did you mean 'ch9_rnn'?"),
    (["practice", "--topic", "nm"], "quizapp: No question has the topic 'nm'. Did you mean 'nms'?"),
    (["practice", "--topic", "zzz"], "quizapp: No question has the topic 'zzz'."),
    (["exam", "--paper", "fnal"], "quizapp: The bank has no exam blueprint 'fnal'. Did you mean 'final'?"),
    (["practice", "--topic", "x" * 5000], "quizapp: No question has the topic a text of 5000 characters"),
])
def test_practice_or_exam_with_an_unknown_name_is_one_sentence_before_the_app_opens(tmp_path, capsys, argv,
                                                                                    first_line):
    assert main(["--data-dir", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(first_line), err[:300]
    assert len(err.splitlines()) <= 2 and len(err) < 400


def test_a_known_chapter_opens_the_app_with_the_bank_already_loaded(tmp_path, monkeypatch):
    # The check loads the bank; the app must use it rather than load it a second time.
    import quizapp.tui.app as tui_app

    seen = {}

    class FakeApp:
        crashed = False
        return_code = 0

        def run(self):
            seen["ran"] = True

    def fake_create_app(**kwargs):
        seen.update(kwargs)
        return FakeApp()

    monkeypatch.setattr(tui_app, "create_app", fake_create_app)
    assert main(["--data-dir", str(tmp_path), "practice", "--chapter", "ch9_rnn", "--difficulty", "hard"]) == 0
    assert seen["ran"] and seen["bank"] is not None and seen["bank"].by_chapter("ch9_rnn")
    assert seen["start"].target == "ch9_rnn"
