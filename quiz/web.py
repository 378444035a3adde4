"""Glue shared by the blueprints: the loaded banks and JSON error replies."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app

from quiz.catalog import load_catalog
from quiz.model import Bank


def init_app(app: Flask) -> None:
    """Load and validate every bank once; an invalid bank stops the app from starting."""
    app.extensions["quiz.banks"] = load_catalog([Path(app.config["BANKS_DIR"])])


def banks() -> dict[str, Bank]:
    """Return the loaded banks, keyed by quiz id."""
    found: dict[str, Bank] = current_app.extensions["quiz.banks"]
    return found


def bank_or_404(quiz_id: str) -> Bank:
    """Return the bank for a quiz id, or answer 404."""
    bank = banks().get(quiz_id)
    if bank is None:
        abort(404, description=f"There is no quiz called '{quiz_id[:64]}'.")
    return bank
