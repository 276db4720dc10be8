"""Load the question bank through one validated path.

Every file is parsed with line numbers kept, checked against the pydantic models
(:mod:`quizapp.core.bank.models`) and then against the rules the models cannot express (one
correct option, blanks matching the text, kinds the engine has, ...). All problems are collected,
each as a breadcrumb a teacher can act on::

    question_bank/ch1_cnn.yaml:42 at Question(id='cnn-conv-007') -> choices: a single-choice item
    needs exactly one correct option, got 2

A bank with any problem is never half-loaded: :func:`load_bank` raises :class:`BankError` listing
them all.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from quizapp.core.bank import rules
from quizapp.core.bank.glossary import GLOSSARY_FILE
from quizapp.core.bank.models import (
    Bilingual, Blueprint, Chapter, Chapters, File, MemorisePoint, Question,
)
from quizapp.core.errors import BankError
from quizapp.core.summary import clip, summarise

try:  # the C parser is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

CHAPTERS_FILE = "chapters.yaml"
NOT_ITEMS = (CHAPTERS_FILE, GLOSSARY_FILE)  # YAML files of the bank that hold no questions
BLUEPRINT_DIR = "blueprints"


def default_bank_dir() -> Path:
    """The bundled bank: ``question_bank/`` beside the package (or inside an installed wheel)."""
    env = os.environ.get("QUIZAPP_BANK")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[3]
    source_tree = here / "question_bank"
    if source_tree.is_dir():
        return source_tree
    return Path(__file__).resolve().parents[2] / "_bundled_bank"


@dataclass
class Bank:
    directory: Path
    questions: list[Question]
    chapters: list[Chapter]
    memorise: list[MemorisePoint]
    blueprints: dict[str, Blueprint]
    files: dict[str, Path] = field(default_factory=dict)  # question id -> file it came from
    topic_names: dict[str, Bilingual] = field(default_factory=dict)  # from chapters.yaml `topics:`
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}

    def get(self, qid: str) -> Question:
        try:
            return self._by_id[qid]
        except KeyError:
            close = difflib.get_close_matches(qid, list(self._by_id), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise BankError(f"The bank has no question {summarise(qid)}.{hint}") from None

    def chapter(self, cid: str) -> Chapter:
        for c in self.chapters:
            if c.id == cid:
                return c
        close = difflib.get_close_matches(cid, [c.id for c in self.chapters], n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise BankError(f"The bank has no chapter {summarise(cid)}.{hint}",
                        hint="Chapters: " + ", ".join(c.id for c in self.chapters))

    def topic_title(self, tag: str) -> Bilingual:
        """A topic tag's name in both languages; a tag chapters.yaml does not name shows as its
        words ('leaky-unit' -> 'leaky unit'), and `quizapp bank lint` lists it."""
        name = self.topic_names.get(tag)
        if name is None:
            words = tag.replace("-", " ")
            name = Bilingual(zh=words, en=words)
        return name

    def by_chapter(self, cid: str) -> list[Question]:
        return [q for q in self.questions if q.chapter == cid]

    def by_type(self, qtype: str) -> list[Question]:
        return [q for q in self.questions if q.type == qtype]

    def blueprint(self, bid: str) -> Blueprint:
        if bid in self.blueprints:
            return self.blueprints[bid]
        close = difflib.get_close_matches(bid, list(self.blueprints), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise BankError(f"The bank has no exam blueprint {summarise(bid)}.{hint}",
                        hint="Blueprints: " + ", ".join(sorted(self.blueprints)))


# ----------------------------------------------------------------------------------------------
# Parsing with positions
# ----------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    path: Path
    data: Any
    node: yaml.Node | None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_yaml(path: Path, problems: list[str]) -> Parsed | None:
    """Read one YAML file keeping its node tree (for line numbers); record problems, never raise."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{_display(path)}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                        "save the file as UTF-8")
        return None
    except OSError as exc:
        problems.append(f"{_display(path)}: cannot be read ({exc.strerror})")
        return None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()  # parsed once: the data is built from this tree
            if node is not None:
                bad = _structure_problems(node, shared="&" in text)
                if bad:
                    problems.extend(f"{_display(path)}{where}: {what}" for where, what in bad)
                    return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        problems.append(f"{_display(path)}{line}: YAML syntax error: {what}{context}")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{_display(path)}: YAML syntax error: {exc}")
        return None
    return Parsed(path, data, node)


MAX_ALIAS_EXPANSION = 100_000  # values that aliases (*name) may add to a file


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _duplicate_keys(node: yaml.MappingNode) -> list[tuple[str, str]]:
    found, seen = [], {}
    for k, _ in node.value:
        if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
            if k.value in seen:
                found.append((f":{k.start_mark.line + 1}",
                              f"the key '{k.value[:40]}' is given twice in the same mapping "
                              f"(first at line {seen[k.value]}); YAML would keep only the last"))
            else:
                seen[k.value] = k.start_mark.line + 1
    return found


def _structure_problems(root: yaml.Node, shared: bool = True) -> list[tuple[str, str]]:
    """What the YAML parser accepts but a bank must not: a key given twice in one mapping (the
    parser silently keeps the last), an alias that refers to itself, and aliases that expand to
    an enormous value (a "billion laughs" file of 1 KiB grew past 15 GiB). One pass over the
    node graph, each shared node counted once. A file without anchors (``shared`` False: no
    ``&`` in its text) is a plain tree, and only its mappings need looking at."""
    if not shared:
        found: list[tuple[str, str]] = []
        todo = [root]
        while todo:
            node = todo.pop()
            if isinstance(node, yaml.MappingNode):
                found += _duplicate_keys(node)
                todo.extend(v for _, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                todo.extend(node.value)
        return found
    found = []
    size: dict[int, int] = {}  # expanded size of each node finished
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_.discard(key)
            size[key] = min(1 + sum(size.get(id(k), 0) for k in _children(node)),
                            10 * MAX_ALIAS_EXPANSION)
            continue
        if key in size:
            continue
        if key in open_:
            found.append((f":{node.start_mark.line + 1}", "a YAML alias refers to itself"))
            return found
        open_.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            found += _duplicate_keys(node)
        for child in _children(node):
            if id(child) in open_:
                found.append((f":{child.start_mark.line + 1}", "a YAML alias refers to itself"))
                return found
            if id(child) not in size:
                stack.append((child, False))
    distinct = len(size)
    if size.get(id(root), 0) - distinct > MAX_ALIAS_EXPANSION:
        found.append(("", f"its YAML aliases (*name) expand to more than {MAX_ALIAS_EXPANSION:,} "
                          "values; write the values out instead of nesting aliases"))
    return found


def node_at(node: yaml.Node | None, loc: Iterable[Any]) -> yaml.Node | None:
    """The deepest node along a pydantic error location (keys and list indices).

    When the location ends on a mapping key, the key's node is returned, so a problem with
    ``choices:`` points at the line that says ``choices:``, not at its first option."""
    current = node
    parts = list(loc)
    for n, part in enumerate(parts):
        if isinstance(current, yaml.MappingNode):
            nxt = None
            for key_node, value_node in current.value:
                if key_node.value == part:
                    nxt = value_node
                    if n == len(parts) - 1:
                        return key_node
                    break
            if nxt is None:
                return current
            current = nxt
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                current = current.value[part]
            else:
                return current
        else:
            return current
    return current


def line_of(parsed: Parsed, loc: Iterable[Any]) -> int | None:
    n = node_at(parsed.node, loc)
    return n.start_mark.line + 1 if n is not None else None


def _where(parsed: Parsed, loc: tuple[Any, ...]) -> str:
    line = line_of(parsed, loc)
    where = _display(parsed.path) + (f":{line}" if line else "")
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        qs = parsed.data.get("questions") if isinstance(parsed.data, dict) else None
        if isinstance(qs, list) and loc[1] < len(qs) and isinstance(qs[loc[1]], dict):
            qid = qs[loc[1]].get("id")
            where += f" at Question(id={qid!r})" if qid else f" at question #{loc[1] + 1}"
    return where


def _crumb(loc: tuple[Any, ...]) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    return " -> ".join(names) + ": " if names else ""


def _model_for(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Follow a location through nested models to the model that owns its last key."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _plain_message(model: type[BaseModel], err: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    field_name = loc[-1] if loc else ""
    crumb = " -> ".join(str(p) for p in loc[2:] if not isinstance(p, int)) if loc[:1] == ("questions",) \
        else " -> ".join(str(p) for p in loc if not isinstance(p, int))
    prefix = f"{crumb}: " if crumb else ""
    if kind == "extra_forbidden":
        owner = _model_for(model, loc)
        known = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(field_name), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else \
            (f" (allowed: {', '.join(known)})" if known else "")
        parent = " -> ".join(str(p) for p in loc[2:-1] if not isinstance(p, int)) \
            if loc[:1] == ("questions",) else ""
        return loc, f"{parent + ': ' if parent else ''}unknown field '{field_name}'{hint}"
    if kind == "missing":
        if field_name in ("zh", "en"):
            lang = "Chinese" if field_name == "zh" else "English"
            return loc, f"{prefix}missing {lang} translation ('{field_name}')"
        return loc, f"{prefix}missing required field"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        given = err.get("input")
        close = difflib.get_close_matches(str(given), [s.strip("'") for s in expected.replace(" or ", ", ").split(", ")], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return loc, f"{prefix}{summarise(given)} is not allowed; expected {expected}{hint}"
    if kind == "string_too_short":
        return loc, f"{prefix}must not be empty"
    if kind == "string_pattern_mismatch":
        return loc, f"{prefix}{summarise(err.get('input'))} must be lower-case words and digits joined by '-', e.g. 'cnn-conv-007'"
    msg = err["msg"].removeprefix("Value error, ")
    return loc, f"{prefix}{msg}"


def validate_model(parsed: Parsed, model: type[BaseModel], problems: list[str]) -> BaseModel | None:
    if parsed.data is None:
        problems.append(f"{_display(parsed.path)}: the file is empty")
        return None
    try:
        return model.model_validate(parsed.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc, message = _plain_message(model, err)
            problems.append(f"{_where(parsed, loc)} -> {message}")
        return None


# ----------------------------------------------------------------------------------------------
# The whole bank
# ----------------------------------------------------------------------------------------------


def bank_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in NOT_ITEMS) + \
        sorted(p for p in directory.glob("*.yml"))


def item_locator(bank: Bank):
    """A function ``(item id, location inside the item) -> 'file:line at Question(id=...)'`` for
    reports made after loading (``quizapp bank lint``); each file is parsed once."""
    parsed_files: dict[Path, Parsed | None] = {}
    index: dict[str, tuple[Path, int]] = {}

    def locate(qid: str, loc: tuple[Any, ...]) -> str:
        path = bank.files[qid]
        if path not in parsed_files:
            parsed_files[path] = parse_yaml(path, [])
            data = parsed_files[path].data if parsed_files[path] else None
            for i, item in enumerate((data or {}).get("questions") or []):
                if isinstance(item, dict) and "id" in item:
                    index[str(item["id"])] = (path, i)
        parsed = parsed_files[path]
        if parsed is None or qid not in index:
            return f"{_display(path)} at Question(id={qid!r})"
        return _where(parsed, ("questions", index[qid][1]) + tuple(loc))

    return locate


def _is_dir(path: Path) -> bool:
    """``Path.is_dir`` that says False for any path the system refuses (a name too long...)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def load_bank(directory: str | Path | None = None, *, check_kinds: bool = True,
              cache: bool = True) -> Bank:
    """Load and validate the whole bank; raise :class:`BankError` listing every problem.

    A bank validated before with exactly these files (and this code) comes from the cache
    (:mod:`quizapp.core.bank.cache`) without validating again."""
    from quizapp.core.bank import cache as bank_cache

    root = Path(directory) if directory else default_bank_dir()
    key = bank_cache.fingerprint(root, check_kinds) if cache and _is_dir(root) else None
    if key is not None:
        cached = bank_cache.load(key)
        if isinstance(cached, Bank):
            return cached
    bank, problems = check_bank(directory, check_kinds=check_kinds)
    if not problems and bank is not None and key is not None:
        bank_cache.store(key, bank)
    if problems or bank is None:
        n = len(problems)
        raise BankError(
            f"The question bank in {_display(Path(directory or default_bank_dir()))} has "
            f"{n} problem{'s' if n != 1 else ''}; nothing was loaded.", problems,
            hint="Fix the files (run 'quizapp bank validate' to see the list again).")
    return bank


def check_bank(directory: str | Path | None = None, *, check_kinds: bool = True,
               progress: Callable[[int, int, str], None] | None = None
               ) -> tuple[Bank | None, list[str]]:
    """Validate everything; return the bank (if it could be built) and every problem found.
    ``progress(done, total, file name)`` is called before each item file."""
    root = Path(directory) if directory else default_bank_dir()
    problems: list[str] = []
    if not _is_dir(root):
        return None, [clip(f"{_display(root)}: no such bank directory", 400)]

    chapters: list[Chapter] = []
    memorise: list[MemorisePoint] = []
    topic_names: dict[str, Bilingual] = {}
    chapters_path = root / CHAPTERS_FILE
    chapters_ok = False
    if chapters_path.is_symlink() and not chapters_path.exists():
        problems.append(f"{_display(chapters_path)}: a symbolic link that leads nowhere (a loop or "
                        "a missing target); make it a plain file")
    elif chapters_path.exists():
        parsed = parse_yaml(chapters_path, problems)
        model = validate_model(parsed, Chapters, problems) if parsed else None
        if isinstance(model, Chapters):
            chapters, memorise = list(model.chapters), list(model.memorise)
            topic_names = dict(model.topics)
            chapters_ok = True
            for loc, message in rules.check_chapters(chapters):
                problems.append(f"{_where(parsed, loc)} -> {message}")
    else:
        problems.append(f"{_display(chapters_path)}: missing (it lists the chapters)")
    # Without a readable chapters.yaml, every chapter and memorise reference would be "unknown":
    # one problem is reported above, not one per item.
    known_memorise = memorise if chapters_ok else None

    questions: list[Question] = []
    files: dict[str, Path] = {}
    positions: dict[str, str] = {}
    item_files = bank_files(root)
    for done, path in enumerate(item_files):
        if progress is not None:
            progress(done, len(item_files), path.name)
        parsed = parse_yaml(path, problems)
        if parsed is None:
            continue
        model = validate_model(parsed, File, problems)
        if not isinstance(model, File):
            continue
        for index, q in enumerate(model.questions):
            where = _where(parsed, ("questions", index))
            if q.chapter is None:
                if model.chapter is None:
                    problems.append(f"{where} -> chapter: missing (set it on the item or at the top "
                                    "of the file)")
                    continue
                q = q.model_copy(update={"chapter": model.chapter})
            if q.id in positions:
                problems.append(f"{where} -> id: '{q.id}' is already used at {positions[q.id]}")
                continue
            line = line_of(parsed, ("questions", index))
            positions[q.id] = _display(path) + (f":{line}" if line else "")
            for loc, message in rules.check_question(q, chapters, known_memorise, check_kinds):
                problems.append(f"{_where(parsed, ('questions', index) + loc)} -> "
                                f"{_crumb(loc)}{message}")
            questions.append(q)
            files[q.id] = path

    blueprints: dict[str, Blueprint] = {}
    bp_dir = root / BLUEPRINT_DIR
    for path in sorted(bp_dir.glob("*.yaml")) if bp_dir.is_dir() else []:
        parsed = parse_yaml(path, problems)
        if parsed is None:
            continue
        model = validate_model(parsed, Blueprint, problems)
        if not isinstance(model, Blueprint):
            continue
        if model.id in blueprints:
            problems.append(f"{_where(parsed, ('id',))} -> id: blueprint '{model.id}' is defined twice")
            continue
        for loc, message in rules.check_blueprint(model, questions,
                                                  chapters if chapters_ok else None):
            problems.append(f"{_where(parsed, loc)} -> {_crumb(loc)}{message}")
        blueprints[model.id] = model

    bank = Bank(root, questions, chapters, memorise, blueprints, files, topic_names)
    return bank, [clip(p, 400) for p in problems]
