"""Arrows point inward (tui -> core -> solvers) and each face pays only for what it uses.

Each check runs in a fresh interpreter so that modules imported by other tests do not hide a
stray import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def loaded_after(statement: str) -> set[str]:
    """Top-level package names in sys.modules after running ``statement`` in a new interpreter."""
    proc = python(f"{statement}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))")
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


def test_import_linter_contracts_hold():
    exe = BIN / "lint-imports"
    if not exe.exists():
        pytest.skip("import-linter is not installed in this environment")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " kept, 0 broken." in proc.stdout


@pytest.mark.parametrize("module", ["quizapp.core.grading", "quizapp.core.answers", "quizapp.core.bank"])
def test_core_does_not_import_textual(module):
    mods = loaded_after(f"import {module}")
    assert "textual" not in mods and "rich" not in mods


def test_grading_a_problem_stays_free_of_the_ui():
    mods = loaded_after(
        "from solvers import make_problem\n"
        "from quizapp.core.grading import grade_problem\n"
        "p = make_problem('conv_output', 1, 'easy')\n"
        "grade_problem(p, {'output_size': '3'})")
    assert "textual" not in mods and "rich" not in mods


def test_help_does_not_import_sympy_or_textual():
    proc = python("import sys\nfrom quizapp.cli import main\n"
                  "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                  "print('LOADED', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    assert proc.returncode == 0, proc.stderr
    mods = set(proc.stdout.rsplit("LOADED", 1)[1].split())
    assert "usage: quizapp" in proc.stdout
    assert "sympy" not in mods and "textual" not in mods


def test_python_m_quizapp_help_importtime():
    # the real entry point, measured with -X importtime (the import log goes to stderr)
    proc = python("import runpy, sys\nsys.argv = ['quizapp', '--help']\n"
                  "runpy.run_module('quizapp', run_name='__main__')", "-X", "importtime")
    assert "usage: quizapp" in proc.stdout, proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "quizapp" in imported  # the log is real
    assert "sympy" not in imported and "textual" not in imported


def test_generate_does_not_import_textual():
    proc = python("import sys\nfrom quizapp.cli import main\n"
                  "code = main(['generate', 'conv_output', '--count', '2', '--seed', '1', '--format', 'json'])\n"
                  "print('LOADED', code, ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    assert proc.returncode == 0, proc.stderr
    out, loaded = proc.stdout.rsplit("LOADED", 1)
    assert out.strip().startswith("[") and '"kind": "conv_output"' in out
    code, *mods = loaded.split()
    assert code == "0" and "numpy" in mods and "textual" not in mods and "rich" not in mods


def test_export_does_not_import_textual(tmp_path):
    out = tmp_path / "iou.xml"
    proc = python("import sys\nfrom quizapp.cli import main\n"
                  f"code = main(['export', 'moodle', '--kinds', 'iou', '--variants', '1', '-o', {str(out)!r}])\n"
                  "print('LOADED', code, ' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    assert proc.returncode == 0, proc.stderr
    code, *mods = proc.stdout.rsplit("LOADED", 1)[1].split()
    assert code == "0" and out.exists()
    assert "textual" not in mods and "rich" not in mods
