"""The person's side: quiz pages, result, API, embed and assets, with the glue they share."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from quiz import crisis
from quiz.bank import Bank
from quiz.catalog import load_catalog
from quiz.web.tokens import Tokens


def init_app(app: Flask) -> None:
    """Load and validate every bank once, then attach security, limits and the person's blueprints."""
    from quiz.web import api, assets, embed, health, limits, pages, security

    app.extensions["quiz.banks"] = load_catalog([Path(app.config["BANKS_DIR"])])
    app.extensions["quiz.tokens"] = Tokens(
        app.config["SECRET_KEY"], int(app.config["FORM_MAX_AGE"]), int(app.config["RESULT_MAX_AGE"] or 0)
    )
    app.register_error_handler(HTTPException, http_error)
    app.before_request(refuse_bad_host)
    security.init_app(app)
    limits.init_app(app)
    for blueprint in (health.bp, api.bp, embed.bp, pages.bp, assets.bp):
        app.register_blueprint(blueprint)


HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::(?P<port>[0-9]{1,5}))?")


def refuse_bad_host() -> Response | None:
    """Answer a malformed Host header (a port out of range, spaces) with a plain 400 before anything reads it."""
    found = HOST.fullmatch(request.host)
    if found is None or int(found["port"] or 0) > 65535:
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


def tokens() -> Tokens:
    """Return the token maker for this app's secret key."""
    found: Tokens = current_app.extensions["quiz.tokens"]
    return found


def resources() -> crisis.Resources:
    """Return the crisis resources for the country picked on the page, else the browser's language region."""
    return crisis.pick(request.args.get("country"), request.headers.get("Accept-Language"))


def countries() -> list[tuple[str, str]]:
    """Return the country picker's choices."""
    return crisis.directory().choices()
