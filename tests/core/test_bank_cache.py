"""A validated bank is cached by the content of its files (issue 13 H5): paper, worksheet and the
app do not pay full validation on every run; any edit validates again; `bank validate` always
checks everything and shows progress on a terminal."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from quizapp.core.bank import loader
from quizapp.core.errors import BankError

FIXTURE = Path(__file__).parents[1] / "tui" / "fixtures" / "bank"


@pytest.fixture
def bank_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_CACHE_DIR", str(tmp_path / "cache"))
    return Path(shutil.copytree(FIXTURE, tmp_path / "bank"))


def _no_validation(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("validated again")
    monkeypatch.setattr(loader, "check_bank", refuse)


def test_a_second_load_comes_from_the_cache(bank_dir, monkeypatch):
    first = loader.load_bank(bank_dir)
    _no_validation(monkeypatch)
    second = loader.load_bank(bank_dir)
    assert [q.id for q in second.questions] == [q.id for q in first.questions]
    assert second.get(first.questions[0].id) == first.questions[0]
    assert set(second.blueprints) == set(first.blueprints)


def test_an_edit_is_seen_at_once(bank_dir):
    loader.load_bank(bank_dir)
    path = next(p for p in sorted(bank_dir.glob("*.yaml")) if p.name != "chapters.yaml")
    text = path.read_text(encoding="utf-8")
    first_id = next(ln.split("id:")[1].strip() for ln in text.splitlines() if "- id:" in ln)
    path.write_text(text.replace(first_id, first_id + "-edited", 1), encoding="utf-8")
    assert first_id + "-edited" in {q.id for q in loader.load_bank(bank_dir).questions}
    path.write_text(text + "\n  - id: broken\n", encoding="utf-8")
    with pytest.raises(BankError):  # a broken bank is reported in full, never served stale
        loader.load_bank(bank_dir)
    with pytest.raises(BankError):
        loader.load_bank(bank_dir)


def test_a_damaged_cache_is_only_a_miss(bank_dir):
    from quizapp.core.bank import cache as bank_cache

    loader.load_bank(bank_dir)
    [cached] = list(bank_cache.cache_dir().glob("*.pickle"))
    cached.write_bytes(b"\x80\x05garbage")
    assert loader.load_bank(bank_dir).questions
    assert len(list(bank_cache.cache_dir().glob("*.pickle"))) == 1  # rewritten, not added


def test_validate_always_checks_and_shows_progress_on_a_terminal(bank_dir, monkeypatch, capsys):
    from quizapp.cli import main

    loader.load_bank(bank_dir)  # cached; validate must not use it

    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    calls = []
    real = loader.check_bank
    monkeypatch.setattr(loader, "check_bank", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert main(["bank", "validate", str(bank_dir)]) == 0
    assert calls and "checking 1/" in tty.getvalue()
    assert capsys.readouterr().out.startswith("OK:")
