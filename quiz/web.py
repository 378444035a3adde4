"""Glue shared by the blueprints: the loaded banks and JSON error replies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from quiz.catalog import load_catalog
from quiz.model import Bank


def init_app(app: Flask) -> None:
    """Load and validate every bank once; an invalid bank stops the app from starting."""
    app.extensions["quiz.banks"] = load_catalog([Path(app.config["BANKS_DIR"])])
    app.register_error_handler(HTTPException, http_error)
    app.before_request(refuse_bad_host)


def refuse_bad_host() -> Response | None:
    """Answer a malformed Host header (a port out of range, spaces) with a plain 400 before anything reads it."""
    try:
        request.host_url  # noqa: B018 - parsing it is the check
    except ValueError:
        return Response("Bad Host header.", 400, mimetype="text/plain")
    return None


def http_error(exc: HTTPException) -> tuple[Any, int]:
    """Answer errors outside the blueprints' own handlers: JSON under /api/, a calm page elsewhere."""
    code = exc.code or 500
    if request.path.startswith("/api/"):
        return {"errors": {"request": exc.description or exc.name}}, code
    return render_template("quiz/error.html", bank=None, code=code, message=exc.description), code


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
