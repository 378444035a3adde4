"""Load banks and check them fully: structure, references and golden examples."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from quiz.bank import Bank, load_banks
from quiz.engine import check_examples


def load_catalog(paths: Iterable[Path]) -> dict[str, Bank]:
    """Load and fully validate every bank under the paths, raising InvalidBank with all errors."""
    return load_banks(paths, (check_examples,))
