"""`quizapp kinds | generate | solve`: the calculation engine from the command line.

Item ``i`` of ``generate KIND --count N --seed S`` is ``solvers.make_problem(KIND,
solvers.item_seed(S, i), difficulty)``: its JSON carries that item seed, and
``generate KIND --item-seed <seed>`` prints it alone, exactly. ``KIND`` may be ``all`` (or
``mixed``): the kinds are dealt round-robin in an order shuffled by ``S``.

Only argparse, json and sys are imported at the top: solvers (NumPy, and SymPy in some kinds)
load inside the handlers, so ``quizapp --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

from quizapp.cli import Parser
from quizapp.core.errors import InputError

MIXED = ("all", "mixed")
MAX_COUNT = 100_000


def add_parsers(sub: argparse._SubParsersAction) -> None:
    k = sub.add_parser("kinds", help="list the calculation kinds the engine can generate and solve")
    k.add_argument("--format", choices=("text", "json"), default="text")
    k.set_defaults(handler=kinds)

    g = sub.add_parser(
        "generate", help="generate calculation problems with answers and worked solutions",
        description="Generate problems of one kind (or 'all' for a mix). The same command always "
                    "prints the same problems; each JSON item carries its own seed, and "
                    "--item-seed regenerates that one item.")
    g.add_argument("kind", metavar="KIND", help="a kind id from 'quizapp kinds', or 'all'/'mixed'")
    g.add_argument("--count", type=int, default=1, help="how many problems (default 1)")
    g.add_argument("--seed", type=int, default=0, help="batch seed, a whole number >= 0 (default 0)")
    g.add_argument("--item-seed", type=int, default=None, metavar="SEED",
                   help="regenerate exactly one item from its own seed (as printed in the JSON)")
    g.add_argument("--difficulty", choices=("easy", "medium", "hard"), default="medium")
    g.add_argument("--format", choices=("text", "json"), default="text")
    g.add_argument("--lang", choices=("zh", "en", "both"), default="both",
                   help="language of the text format (default both)")
    g.set_defaults(handler=generate)

    s = sub.add_parser(
        "solve", help="solve your own numbers and show the worked solution",
        description="Solve KIND for your own parameters, given as key=value pairs (values are "
                    "read as JSON when they can be: image=[[1,2],[3,4]] norm=l1 input_size=32) "
                    "or as --params '{json}' or --params @file.json.")
    s.__class__ = _IntermixedParser  # key=value pairs may come after --params/--format too
    s.add_argument("kind", metavar="KIND")
    s.add_argument("pairs", nargs="*", metavar="key=value")
    s.add_argument("--params", default=None, metavar="JSON|@FILE")
    s.add_argument("--image", default=None, metavar="FILE",
                   help="for kinds that take an image (otsu, sobel, morphology, ...): a PNG, JPEG "
                        "or PGM file, read as 8-bit grey levels (ITU-R 601-2 luma for colour)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--lang", choices=("zh", "en", "both"), default="both")
    s.set_defaults(handler=solve)


class _IntermixedParser(Parser):
    """A parser that lets positionals and options mix (``solve K --params @f padding=2``).

    Plain argparse stops matching ``key=value`` positionals once an option has been seen;
    ``parse_known_intermixed_args`` does not, and calls back into ``parse_known_args``."""

    _inner = False

    def parse_known_args(self, args=None, namespace=None):
        if self._inner:
            return super().parse_known_args(args, namespace)
        self._inner = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inner = False


# ----------------------------------------------------------------------------------------------
# kinds
# ----------------------------------------------------------------------------------------------


def kinds(args) -> int:
    from solvers import all_kinds

    rows = all_kinds()
    if args.format == "json":
        print(json.dumps([{
            "id": k.id, "topic": k.topic, "chapter": k.chapter,
            "title": {"zh": k.title.zh, "en": k.title.en}, "description": k.description,
            "params": dict(k.params_help), "comprehensive": bool(k.comprehensive),
        } for k in rows], ensure_ascii=False, indent=2))
        return 0
    table = [("KIND", "TOPIC", "CHAPTER", "DESCRIPTION")] + [
        (k.id, k.topic, k.chapter, k.description) for k in rows]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    print(f"\n{len(rows)} kinds. 'quizapp solve KIND' without parameters lists a kind's parameters.")
    return 0


# ----------------------------------------------------------------------------------------------
# generate
# ----------------------------------------------------------------------------------------------


def _kind(kind_id: str):
    from solvers import UnknownKind, get_kind

    try:
        return get_kind(kind_id)
    except UnknownKind as exc:
        raise InputError(str(exc), hint="Run 'quizapp kinds' to list them.") from None


def batch(kind_id: str, count: int, seed: int, difficulty: str) -> list:
    """The problems ``generate`` prints: item i from ``item_seed(seed, i)``."""
    return list(iter_batch(kind_id, count, seed, difficulty))


def iter_batch(kind_id: str, count: int, seed: int, difficulty: str) -> Iterator:
    """:func:`batch` one problem at a time (the kind is checked at once, before any is made)."""
    import numpy as np

    from solvers import all_kinds, item_seed, make_problem

    if kind_id in MIXED:
        ids = [k.id for k in all_kinds()]
        order = [ids[j] for j in np.random.default_rng(seed).permutation(len(ids))]
        pick = lambda i: order[i % len(order)]  # noqa: E731
    else:
        _kind(kind_id)
        pick = lambda i: kind_id  # noqa: E731
    return (make_problem(pick(i), item_seed(seed, i), difficulty) for i in range(count))


def generate(args) -> int:
    if args.item_seed is not None:
        if args.kind in MIXED:
            raise InputError("--item-seed needs the item's own kind, not 'all'.",
                             hint="The kind is in the item's JSON ('kind').")
        if args.item_seed < 0:
            raise InputError(f"--item-seed must be a whole number >= 0, got {args.item_seed}.")
        from solvers import make_problem

        _kind(args.kind)
        problems = [make_problem(args.kind, args.item_seed, args.difficulty)]
    else:
        if not 1 <= args.count <= MAX_COUNT:
            raise InputError(f"--count must be between 1 and {MAX_COUNT}, got {args.count}.")
        if args.seed < 0:
            raise InputError(f"--seed must be a whole number >= 0, got {args.seed}.")
        problems = _with_progress(iter_batch(args.kind, args.count, args.seed, args.difficulty),
                                  args.count)
    _print_problems(problems, args.format, getattr(args, "lang", "both"))
    return 0


def _with_progress(problems: Iterable, total: int) -> Iterator:
    """Pass the problems through; on a terminal, count them on stderr (never into a pipe or a
    file: the output stays clean JSON or text)."""
    if total < 50 or not sys.stderr.isatty():
        yield from problems
        return
    import time

    shown = 0.0
    for i, p in enumerate(problems, 1):
        now = time.monotonic()
        if now - shown >= 0.25 or i == total:
            sys.stderr.write(f"\rgenerated {i:,} / {total:,}")
            sys.stderr.flush()
            shown = now
        yield p
    sys.stderr.write("\n")


def _print_problems(problems: Iterable, fmt_: str, lang: str) -> None:
    """Each problem is written as soon as it is made (100,000 of them no longer wait, all in
    memory, for the last). JSON stays one array laid out as json.dumps(list, indent=2) would,
    with the same values (written by orjson, see quizapp/core/jsonio.py), so readers of the
    documented format see no change."""
    out = sys.stdout
    if fmt_ == "json":
        from quizapp.core.jsonio import dumps_item

        first = True
        for p in problems:
            item = dumps_item(p.to_dict()).replace("\n", "\n  ")
            out.write(("[\n  " if first else ",\n  ") + item)
            first = False
        out.write("[]\n" if first else "\n]\n")
        out.flush()
        return
    for i, p in enumerate(problems, 1):
        head = f"#{i}  {p.kind}"
        if p.seed is not None:
            head += f"  ({p.difficulty}, item seed {p.seed})"
        out.write(("\n\n" if i > 1 else "") + head + "\n" + format_problem(p, lang))
    out.write("\n")


def _pick(text, lang: str) -> list[str]:
    """Lines of a bilingual text for --lang (both: Chinese, then English)."""
    if lang == "both":
        return [text.zh, text.en] if text.zh != text.en else [text.zh]
    return [text.get(lang)]


def format_problem(p, lang: str = "both") -> str:
    """A problem as readable text: statement, answer, worked steps, common mistakes."""
    from quizapp.core.grading import expected_text
    from solvers import Text
    from solvers._base import fmt_matrix

    lines = [*_pick(p.question, lang), ""]
    label = {"zh": "答案", "en": "Answer", "both": "答案 Answer"}[lang]
    for f in p.fields:
        name = {"zh": f.label.zh, "en": f.label.en, "both": f"{f.label.zh} {f.label.en}"}[lang]
        value = p.answer[f.name]
        if f.shape == "matrix":
            lines.append(f"{label}: {name} =")
            lines.extend("  " + row for row in fmt_matrix(value, _decimals(f)).splitlines())
            continue
        exact = p.exact.get(f.name, "")
        shown = expected_text(f, value)
        unit = f" {f.unit}" if f.unit else ""
        extra = f"  (= {exact})" if exact and exact != shown and len(exact) <= 60 else ""
        lines.append(f"{label}: {name} = {shown}{unit}{extra}")
    lines.append({"zh": "解答：", "en": "Solution:", "both": "解答 Solution:"}[lang])
    for n, step in enumerate(p.steps, 1):
        words = _pick(Text(step.zh, step.en), lang)
        lines.append(f"  {n}. {words[0]}")
        lines.extend(f"     {w}" for w in words[1:])
        for m in step.math.splitlines():
            lines.append(f"       {m}")
    if p.mistakes:
        fields = {f.name: f for f in p.fields}
        lines.append({"zh": "常见错误：", "en": "Common mistakes:", "both": "常见错误 Common mistakes:"}[lang])
        for m in p.mistakes:
            wrong = ", ".join(f"{k} = {_short(fields.get(k), v)}" for k, v in m.answer.items())
            name = " / ".join(_pick(m.label, lang))
            lines.append(f"  - {name}: {wrong}")
    return "\n".join(lines)


def _decimals(f) -> int | None:
    return 0 if f.integer else f.decimals


def _short(f, value: Any) -> str:
    """A (wrong) value on one line, rounded like its field."""
    from solvers._base import fmt

    # a whole-number field's wrong value may have decimals (average instead of max pooling):
    # show them rather than round 2.75 to "3"
    d = (None if f.integer else f.decimals) if f is not None else 4
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        if len(value) > 16 or len(value[0]) > 16:  # a real image's map: its size, not 10^5 numbers
            return f"a {len(value)} x {len(value[0])} matrix (--format json gives every value)"
        return "[" + "; ".join(fmt(r, d) for r in value) + "]"
    return fmt(value, d) if not isinstance(value, str) else value


# ----------------------------------------------------------------------------------------------
# solve
# ----------------------------------------------------------------------------------------------


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_params(pairs: list[str], params: str | None) -> dict[str, Any]:
    """Parameters from ``--params`` (JSON text or @file) overlaid by ``key=value`` pairs."""
    out: dict[str, Any] = {}
    if params is not None:
        source = "--params"
        text = params
        if params.startswith("@"):
            path = Path(params[1:]).expanduser()
            source = str(path)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError(f"Cannot read the parameter file {path}: {exc.strerror or exc}.") from None
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} "
                             f"column {exc.colno}.") from None
        if not isinstance(loaded, dict):
            raise InputError(f"{source} must be a JSON object such as {{\"input_size\": 32}}.")
        out.update(loaded)
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise InputError(f"'{pair}' is not key=value (for example input_size=32).")
        out[key.strip()] = _json_or_text(value.strip())
    return out


def params_help_text(kind) -> str:
    if not kind.params_help:
        return f"'{kind.id}' takes no parameters."
    width = max(len(k) for k in kind.params_help)
    return f"Parameters of {kind.id}:\n" + "\n".join(
        f"  {k.ljust(width)}  {v}" for k, v in kind.params_help.items())


def solve(args) -> int:
    from solvers import ParamError, solve_params

    kind = _kind(args.kind)
    params = read_params(args.pairs, args.params)
    if getattr(args, "image", None):
        from quizapp.core.images import with_image

        params = with_image(params, args.image, dict(kind.params_help))
    if not params and kind.params_help:
        raise InputError(f"Give the parameters of {kind.id}.", hint=params_help_text(kind))
    try:
        problem = solve_params(kind.id, params)
    except ParamError as exc:
        raise InputError(f"{kind.id}: {exc}.", hint=params_help_text(kind)) from None
    _print_problems([problem], args.format, args.lang)
    return 0
