"""The real app in a pseudo-terminal (issue 13 C2): bytes that are not UTF-8, and the exit code
after a crash. These run `quizapp` as a student does, so they need a POSIX pty."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal")

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "tests" / "tui" / "fixtures" / "bank"


def _run_in_pty(argv: list[str], keys: list[bytes], wait: float = 6.0) -> tuple[int | str, str]:
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    out = bytearray()

    def pump(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    out.extend(os.read(master, 65536))
                except OSError:
                    return
    pump(wait)
    for key in keys:
        os.write(master, key)
        pump(2.0)
    try:
        rc: int | str = proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "hung"
    pump(0.5)
    os.close(master)
    return rc, out.decode("utf-8", "replace")


def test_gbk_bytes_from_the_terminal_are_named_not_a_crash(tmp_path):
    rc, screen = _run_in_pty(
        [sys.executable, "-m", "quizapp", "--data-dir", str(tmp_path), "--bank", str(BANK)],
        [b"\xa3\xac", b"\x11"])  # "，" as GBK sends it, then ctrl+q
    assert "Traceback" not in screen and "UnicodeDecodeError" not in screen
    assert "UTF-8" in screen  # the one sentence that says what to change
    assert rc == 0


CRASHING = """
import sys
from quizapp.cli import main
from textual._xterm_parser import XTermParser
feed = XTermParser.feed
def broken(self, data):
    if "z" in data:
        raise RuntimeError("a bug in the input thread")
    return feed(self, data)
XTermParser.feed = broken
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_in_the_input_thread_never_exits_0(tmp_path):
    """Textual ends the app with a traceback (a panic) but leaves the return code unset."""
    rc, screen = _run_in_pty(
        [sys.executable, "-c", CRASHING, "--data-dir", str(tmp_path), "--bank", str(BANK)], [b"z"])
    assert "RuntimeError" in screen
    assert rc not in (0, "hung")
