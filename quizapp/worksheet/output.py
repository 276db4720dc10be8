"""Files on disk: one sheet or a class set, in one format, with its key.

Key modes: ``separate`` (default; ``<name>-key.<ext>`` beside the sheet, or ``key.<ext>`` in a
class set's directory), ``appended`` (the key's pages follow the questions in the same file) and
``none``. A class set is one file per student in a directory, or, with ``merge``, one file with a
page break between students; the teacher's key always covers every variant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from quizapp.core.errors import InputError, OutputError
from quizapp.worksheet.classset import file_stem, variant_seed
from quizapp.worksheet.model import ClassList, Document, KeySheet, Page, Sheet, Student
from solvers import Text

FORMATS = ("pdf", "html", "md")
KEY_MODES = ("separate", "appended", "none")


@dataclass
class Options:
    format: str = "pdf"
    lang: str = "both"
    key: str = "separate"
    merge: bool = False
    fonts: object = None  # render_typst.Fonts; None: from the environment


@dataclass
class Written:
    sheets: list[Path] = field(default_factory=list)
    keys: list[Path] = field(default_factory=list)


def render(doc: Document, opts: Options) -> bytes:
    if opts.format == "pdf":
        from quizapp.worksheet.render_typst import render_pdf

        return render_pdf(doc, opts.lang, opts.fonts)  # type: ignore[arg-type]
    if opts.format == "html":
        from quizapp.worksheet.render_html import render_html

        return render_html(doc, opts.lang).encode("utf-8")
    if opts.format == "md":
        from quizapp.worksheet.render_md import render_md

        return render_md(doc, opts.lang).encode("utf-8")
    raise InputError(f"Unknown format '{opts.format}'; use one of {', '.join(FORMATS)}.")


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a full disk leaves no half PDF behind), turning any OS
    failure into one sentence (no traceback)."""
    part = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        os.replace(part, path)
    except OSError as exc:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass
        reason = exc.strerror or str(exc)
        raise OutputError(f"Cannot write {path}: {reason}.",
                          hint="Choose a writable place with -o, or free some disk space.") from None


def key_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-key{path.suffix}")


_SUFFIX_FORMAT = {"pdf": "pdf", "html": "html", "htm": "html", "md": "md", "markdown": "md"}


def _with_suffix(path: Path, ext: str) -> Path:
    """Add the format's extension when there is none; refuse one that names another format."""
    named = _SUFFIX_FORMAT.get(path.suffix.lower().lstrip("."))
    if named is not None and named != ext:
        raise InputError(f"-o {path} ends in {path.suffix} but the format is {ext}.",
                         hint=f"Use --format {named} or name the file .{ext}.")
    return path if path.suffix else path.with_name(path.name + f".{ext}")


def _title(sheet: Sheet) -> Text:
    return sheet.header.title


def write_single(sheet: Sheet, key: KeySheet, out: Path, opts: Options) -> Written:
    """One sheet (and its key) to ``out``."""
    out = _with_suffix(out, opts.format)
    pages: list[Page] = [sheet] + ([key] if opts.key == "appended" else [])
    written = Written()
    data = render(Document(pages, _title(sheet)), opts)
    write_bytes(out, data)
    written.sheets.append(out)
    if opts.key == "separate":
        kp = key_path(out)
        write_bytes(kp, render(Document([key], key.header.title), opts))
        written.keys.append(kp)
    return written


def write_class_set(variants: Sequence[tuple[Sheet, KeySheet]], students: Sequence[Student],
                    out: Path, opts: Options) -> Written:
    """Every student's variant: a directory of files (``out`` is the directory) or, with
    ``opts.merge``, one file (``out`` is the file). The key covers every variant."""
    written = Written()
    keys: list[Page] = [class_list(variants, students)] + [k for _, k in variants]
    if opts.merge:
        out = _with_suffix(out, opts.format)
        pages: list[Page] = [s for s, _ in variants] + (keys if opts.key == "appended" else [])
        write_bytes(out, render(Document(pages, _title(variants[0][0])), opts))
        written.sheets.append(out)
        if opts.key == "separate":
            kp = key_path(out)
            try:
                write_bytes(kp, render(Document(keys, variants[0][1].header.title), opts))
            except OutputError as exc:  # papers without their key are no use: remove them too
                out.unlink(missing_ok=True)
                raise OutputError(f"{exc.message.rstrip('.')}; {out.name} was removed too, so "
                                  "no paper is left without its key.", hint=exc.hint) from None
            written.keys.append(kp)
        return written
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, but a class set needs a directory for one file per "
                          "student.", hint="Give a directory with -o, or add --merge for one file.")
    # Every file is made in a staging directory inside ``out`` and moved into place only when all
    # of them (and the key) exist: a full disk half-way leaves no partial class set behind.
    made_out = not out.exists()
    staging = out / f".quizapp-class-set-{os.getpid()}.part"
    staged: list[tuple[Path, Path, list[Path]]] = []
    try:
        for (sheet, key), student in zip(variants, students):
            name = f"{file_stem(student)}.{opts.format}"
            pages = [sheet] + ([key] if opts.key == "appended" else [])
            write_bytes(staging / name, render(Document(pages, _title(sheet)), opts))
            staged.append((staging / name, out / name, written.sheets))
        if opts.key == "separate":
            name = f"key.{opts.format}"
            write_bytes(staging / name, render(Document(keys, variants[0][1].header.title), opts))
            staged.append((staging / name, out / name, written.keys))
        for src, dst, into in staged:
            os.replace(src, dst)
            into.append(dst)
    except (OutputError, OSError) as exc:
        _discard(staging, out if made_out else None, written)
        message = exc.message if isinstance(exc, OutputError) else f"Cannot write {out}: {exc.strerror}."
        raise OutputError(f"{message.rstrip('.')}; the class set was not written (the "
                          f"{len(staged)} of {len(variants)} student files made so far were "
                          "removed).",
                          hint="Free some disk space or choose another place with -o, then run "
                               "it again.") from None
    _discard(staging, None, None)
    return written


def _discard(staging: Path, made_dir: Path | None, written: Written | None) -> None:
    """Remove a failed class set's staging directory (and what was already moved, and ``out``
    itself if this run created it)."""
    import shutil

    shutil.rmtree(staging, ignore_errors=True)
    for path in (written.sheets + written.keys) if written else []:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
    if made_dir is not None:
        try:
            made_dir.rmdir()
        except OSError:
            pass


def class_list(variants: Sequence[tuple[Sheet, KeySheet]], students: Sequence[Student]) -> ClassList:
    title = variants[0][0].header.title
    return ClassList(
        title=Text(f"班级试卷清单 · {title.zh}", f"Class set · {title.en}"),
        rows=[(st, sheet.header.code) for (sheet, _), st in zip(variants, students)],
        facts=[(Text("份数", "Variants"), str(len(students)))])


def build_variants(make: Callable[[int, Student | None], tuple[Sheet, KeySheet]], base_seed: int,
                   students: Sequence[Student]) -> list[tuple[Sheet, KeySheet]]:
    """``make(seed, student)`` for each student, with the student's own derived seed."""
    return [make(variant_seed(base_seed, s), s) for s in students]
