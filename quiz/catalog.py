"""Load banks and check them fully: structure, references and golden examples."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from quiz.bank import load_banks
from quiz.guidance import check_examples
from quiz.model import Bank


def load_catalog(paths: Iterable[Path]) -> dict[str, Bank]:
    """Load and fully validate every bank under the paths, raising InvalidBank with all errors."""
    return load_banks(paths, (check_examples,))
