"""`quizapp generate` streams (issue 13 H3): each problem is written when it is made, the JSON is
still the documented array, and a terminal sees progress on stderr (a pipe never does)."""

from __future__ import annotations

import io
import json

import solvers
from quizapp.cli import main
from quizapp.cli.calc import batch


def test_json_stays_the_documented_array(capsys):
    """Same array and layout as json.dumps(list, indent=2); orjson (issue 11, speed) writes a
    float such as 8.1e-05 as 0.000081, the same number."""
    assert main(["generate", "all", "--count", "30", "--seed", "3", "--format", "json"]) == 0
    out = capsys.readouterr().out
    expected = [p.to_dict() for p in batch("all", 30, 3, "medium")]
    assert json.loads(out) == expected
    reference = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert out.count("\n") == reference.count("\n") and out.startswith("[\n  {\n    \"kind\": ")


def test_problems_are_written_before_the_last_is_made(capsys, monkeypatch):
    """The landed code built all 100,000 (4.8 GiB) before printing one: interrupt it after
    three and the first three must already be out."""
    real, made = solvers.make_problem, []

    def make(*a, **k):
        if len(made) == 3:
            raise KeyboardInterrupt
        made.append(1)
        return real(*a, **k)
    monkeypatch.setattr(solvers, "make_problem", make)
    assert main(["generate", "all", "--count", "100000", "--format", "json"]) == 130
    out = capsys.readouterr().out
    assert out.startswith("[\n  {") and out.count('"kind":') == 3


def test_progress_goes_to_a_terminal_only(capsys, monkeypatch):
    assert main(["generate", "iou", "--count", "60", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""  # stderr is not a terminal here

    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    assert main(["generate", "iou", "--count", "60", "--format", "json"]) == 0
    assert "generated 60 / 60" in tty.getvalue()
    assert json.loads(capsys.readouterr().out)[59]["kind"] == "iou"
