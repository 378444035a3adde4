"""The pure core imports no web framework, directly or through the quiz modules it imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

QUIZ = Path(__file__).resolve().parent.parent / "quiz"
PURE = (
    "model bank checks reference_checks conditions plan gates scales visibility indices scoring reasons profiles "
    "guidance report charts careless dashboard"
).split()
WEB = {"flask", "flask_wtf", "flask_limiter", "werkzeug", "wtforms", "jinja2"}


def imports_of(module: str) -> set[str]:
    """Return the absolute names a quiz module imports, read from its source without running it."""
    tree = ast.parse((QUIZ / f"{module.replace('.', '/')}.py").read_text())
    found = set()
    for node in ast.walk(tree):
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
            if name.startswith("quiz.") and (QUIZ / f"{name[5:].replace('.', '/')}.py").exists():
                todo.append(name[5:])
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_web_framework(module):
    web = sorted(name for name in reach(module) if name.split(".")[0] in WEB)
    assert web == [], f"quiz.{module} reaches {web}"


def test_the_check_sees_a_web_import(tmp_path, monkeypatch):
    (tmp_path / "leaky.py").write_text("from quiz.model import Bank\nfrom flask import request\n")
    monkeypatch.setattr(sys.modules[__name__], "QUIZ", tmp_path)
    assert "flask" in reach("leaky")
