"""Input bytes that are not UTF-8 (a GBK-configured PuTTY or Xshell sends "，" as A3 AC).

Textual's input thread decodes with a strict UTF-8 decoder: one such byte killed the app (and the
process then exited 0). Here the decoder replaces what it cannot read with U+FFFD and the app is
told once, so the student reads one sentence saying how to fix the terminal instead of a
traceback. Textual offers no hook for this, so the driver module's decoder factory is wrapped;
the wrapping is idempotent and only changes what happens on bytes that would have crashed.
"""

from __future__ import annotations

import codecs
import functools
from typing import Callable

ERRORS = "quizapp-terminal-input"

NOT_UTF8 = ("终端发送的不是 UTF-8 编码，无法识别的字符显示为 �。请把终端的字符编码设为 UTF-8"
            "（PuTTY：Window → Translation；Xshell：编码）。",
            "The terminal is not sending UTF-8: characters it sent show as �. Set its character "
            "encoding to UTF-8 (PuTTY: Window > Translation; Xshell: Encoding).")

_report: Callable[[], None] = lambda: None  # noqa: E731


def _replace_and_report(exc: UnicodeError) -> tuple[str, int]:
    _report()
    return "\ufffd", exc.end  # type: ignore[attr-defined]


def install(report: Callable[[], None]) -> None:
    """Decode terminal input tolerantly from now on; ``report()`` is called (from the input
    thread) for every unreadable sequence. Call before the app starts its driver."""
    global _report
    _report = report
    codecs.register_error(ERRORS, _replace_and_report)
    try:
        from textual.drivers import linux_driver
    except ImportError:  # pragma: no cover - Windows: its driver reads Unicode key events
        return
    if getattr(linux_driver.getincrementaldecoder, "quizapp_tolerant", False):
        return

    def tolerant(encoding: str):
        return functools.partial(codecs.getincrementaldecoder(encoding), errors=ERRORS)
    tolerant.quizapp_tolerant = True  # type: ignore[attr-defined]
    linux_driver.getincrementaldecoder = tolerant
