"""Read question banks from YAML and validate them, reporting errors by file, line and key path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quiz.bank.checks import check_structure, clip
from quiz.bank.model import Bank
from quiz.bank.model import Path as Path_
from quiz.bank.references import check_references


@dataclass(frozen=True)
class BankError:
    """One problem in a bank, located by file, line and key path."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class InvalidBank(Exception):
    """Raised when one or more banks do not validate; carries every error."""

    def __init__(self, errors: list[BankError]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


class _MarkedLoader(yaml.SafeLoader):
    """A safe loader that reads only true/false as booleans, so `label: Yes` stays text (YAML 1.2)."""


_MarkedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
MAX_NODES = 200_000  # far above any real bank; stops alias "billion laughs" expansion
MAX_BYTES = 1_000_000
MERGE_TAG = "tag:yaml.org,2002:merge"
PLAIN_MESSAGES = {"extra_forbidden": "unknown key", "missing": "missing required key"}  # by pydantic error type


def _refuse(message: str, node: yaml.Node) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


def _construct(loader: _MarkedLoader, node: yaml.Node, lines: dict[Path_, int], at: Path_) -> Any:
    """Build plain data from a node, noting 1-based lines under each key path; every key and value counts."""
    lines.setdefault(at, node.start_mark.line + 1)
    if len(lines) > MAX_NODES:
        raise _refuse("the bank is too large (aliases?)", node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _key(loader, key_node)
            lines[(*at, key)] = key_node.start_mark.line + 1
            if key in result:
                raise _refuse(f"duplicate key '{clip(key)}'", key_node)
            result[key] = _construct(loader, value_node, lines, (*at, key))
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, lines, (*at, i)) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _key(loader: _MarkedLoader, node: yaml.Node) -> str | int:
    """Return a mapping key, which must be one plain scalar: a list or mapping as a key could hide an alias bomb."""
    if node.tag == MERGE_TAG:
        raise _refuse("merge keys (<<) are not supported; write the keys out", node)
    if not isinstance(node, yaml.ScalarNode):
        raise _refuse("a key must be plain text, not a list or a mapping", node)
    key = loader.construct_object(node, deep=True)
    if not isinstance(key, str | int) or isinstance(key, bool):
        # YAML reads yes/no/on/off and numbers as non-text; a bank's keys must be names
        raise _refuse(f"the key '{clip(node.value)}' must be plain text; put it in quotes", node)
    return key


def _load_marked(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML safely and return the data with a key-path-to-line map."""
    loader = _MarkedLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = _construct(loader, node, lines, ()) if node is not None else None
        return data, lines
    finally:
        loader.dispose()


def format_path(path: Iterable[str | int]) -> str:
    """Render a key path as `sections[0].questions[2].scale`."""
    out = ""
    for part in path:
        out += f"[{clip(part)}]" if isinstance(part, int) else (f".{clip(part)}" if out else clip(part))
    return out or "(top)"


def _resolve(data: Any, loc: Iterable[str | int]) -> Path_:
    """Follow a pydantic error location through the data, dropping union tags."""
    path: list[str | int] = []
    node = data
    parts = ["not" if part == "not_" else part for part in loc]
    for i, key in enumerate(parts):
        following = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(node, dict) and key in node and following in node and following != key:
            continue  # a union tag that happens to share a key's name
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        elif isinstance(node, dict) and isinstance(key, str) and key.isidentifier():
            path.append(key)  # a missing key: report it, at its parent's line
            break
        else:
            continue
        path.append(key)
    return tuple(path)


def _line_of(lines: dict[Path_, int], path: Path_) -> int:
    """Return the line of the nearest ancestor of a path that has one."""
    return next((lines[path[:end]] for end in range(len(path), -1, -1) if path[:end] in lines), 1)


def _schema_errors(err: ValidationError, data: Any) -> Iterator[tuple[Path_, str]]:
    """Turn pydantic errors into (path, message), leaving out knock-on 'too short' noise."""
    found = [(e["loc"], e) for e in err.errors(include_url=False)]
    for loc, e in found:
        if e["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o, _ in found):
            continue
        yield _resolve(data, loc), PLAIN_MESSAGES.get(e["type"], e["msg"].removeprefix("Value error, "))


Check = Callable[[Bank], Iterable[tuple[Path_, str]]]


def _read_yaml(text: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse bank YAML into data and its line map, or raise InvalidBank saying what could not be read."""
    try:
        return _load_marked(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise InvalidBank([BankError(file, line, "(yaml)", str(exc.problem or exc))]) from None
    except yaml.YAMLError as exc:
        raise InvalidBank([BankError(file, 1, "(yaml)", str(exc))]) from None
    except RecursionError:
        raise InvalidBank([BankError(file, 1, "(yaml)", "the bank is nested too deeply")]) from None
    except ValueError as exc:  # a number too long to convert, or a date like 2024-13-45
        raise InvalidBank([BankError(file, 1, "(yaml)", f"a value cannot be read: {clip(exc)}")]) from None


def parse_bank(text: str, file: str = "<bank>", extra_checks: Iterable[Check] = ()) -> Bank:
    """Validate bank YAML text into a Bank, or raise InvalidBank with every error."""
    if len(text) > MAX_BYTES:
        raise InvalidBank([BankError(file, 1, "(file)", f"a bank must be under {MAX_BYTES:,} characters")])
    data, lines = _read_yaml(text, file)
    if not isinstance(data, dict):
        raise InvalidBank([BankError(file, 1, "(top)", "a bank must be a mapping of keys")])

    def located(found: Iterable[tuple[Path_, str]]) -> list[BankError]:
        return [BankError(file, _line_of(lines, p), format_path(p), m) for p, m in found]

    try:
        bank = Bank.model_validate(data)
    except ValidationError as err:
        raise InvalidBank(located(_schema_errors(err, data))) from None
    problems = located(check_structure(bank) or check_references(bank))
    for check in () if problems else extra_checks:
        problems += located(check(bank))
    if problems:
        raise InvalidBank(problems)
    return bank


def load_bank(path: Path, extra_checks: Iterable[Check] = ()) -> Bank:
    """Read and validate one bank file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidBank([BankError(str(path), 1, "(file)", f"cannot read: {exc}")]) from None
    return parse_bank(text, str(path), extra_checks)


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their .yaml and .yml files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


def load_banks(paths: Iterable[Path], extra_checks: Iterable[Check] = ()) -> dict[str, Bank]:
    """Load every bank under the paths, keyed by quiz id; raise with all errors from all files."""
    banks: dict[str, Bank] = {}
    errors: list[BankError] = []
    for path in bank_files(paths):
        try:
            bank = load_bank(path, extra_checks)
        except InvalidBank as exc:
            errors += exc.errors
            continue
        if bank.id in banks:
            errors.append(BankError(str(path), 1, "id", f"duplicate quiz id '{bank.id}'"))
        banks[bank.id] = bank
    if errors:
        raise InvalidBank(errors)
    return banks
