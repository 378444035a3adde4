"""The pure core imports no web framework, directly or through the quiz modules it imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

QUIZ = Path(__file__).resolve().parent.parent / "quiz"
PURE = ("bank", "engine", "charts", "crisis")
WEB = {"flask", "flask_wtf", "flask_limiter", "werkzeug", "wtforms", "jinja2"}


def source_of(module: str) -> Path | None:
    """Return the file of a quiz module or package, or None for a name that is not one."""
    path = QUIZ / module.replace(".", "/")
    for found in (path.with_suffix(".py"), path / "__init__.py"):
        if found.exists():
            return found
    return None


def imports_of(module: str) -> set[str]:
    """Return the absolute names a quiz module (and, for a package, each of its modules) imports, from source."""
    path = source_of(module)
    files = sorted(path.parent.glob("*.py")) if path and path.name == "__init__.py" else [path] if path else []
    found = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return found


def reach(module: str) -> set[str]:
    """Return every name a quiz module imports, following the quiz modules it imports."""
    seen, todo, names = set(), [module], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in imports_of(current):
            names.add(name)
            if name.startswith("quiz.") and source_of(name[5:]):
                todo.append(name[5:])
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_packages_import_no_web_framework(module):
    web = sorted(name for name in reach(module) if name.split(".")[0] in WEB)
    assert web == [], f"quiz.{module} reaches {web}"


def test_the_check_sees_a_web_import_through_another_module(tmp_path, monkeypatch):
    (tmp_path / "leaky.py").write_text("from quiz.helper import x\n")
    (tmp_path / "helper.py").write_text("from flask import request\n")
    monkeypatch.setattr(sys.modules[__name__], "QUIZ", tmp_path)
    assert "flask" in reach("leaky")


def test_no_module_reaches_into_a_dependency_by_a_name_mangled_private_name():
    offenders = [str(p) for p in QUIZ.rglob("*.py") if re.search(r"\._[A-Za-z]*__", p.read_text())]
    assert offenders == []
