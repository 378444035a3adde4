"""The person's side: quiz pages, result, API, embed and assets, with the glue they share."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from quiz import support
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
    app.after_request(cache_hashed_assets)
    app.after_request(compress)
    app.context_processor(lambda: {"crisis_texts": support.directory().texts})
    security.init_app(app)
    limits.init_app(app)
    for blueprint in (health.bp, api.bp, embed.bp, pages.bp, assets.bp):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"), 301))


def home() -> Any:
    """Go straight to the quiz when there is one; list them when there are several."""
    found = banks()
    if len(found) == 1:
        return redirect(url_for("taker.intro", quiz_id=next(iter(found))))
    return render_template("quiz/home.html", bank=None, quizzes=sorted(found.values(), key=lambda b: b.title))


HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::(?P<port>[0-9]{1,5}))?")
YEAR = 365 * 24 * 3600
TEXT = {"text/html", "text/css", "text/javascript", "application/json", "image/svg+xml"}


def compress(response: Response) -> Response:
    """Gzip a text response for a client that accepts gzip, except the coach's pages.

    The coach's pages carry a CSRF token beside values a request can choose (the filters), which is what a
    compression side channel (BREACH) needs; they are small and few, so they go uncompressed.
    """
    if (
        request.blueprint == "coach"
        or response.mimetype not in TEXT
        or "Content-Encoding" in response.headers
        or not 200 <= response.status_code < 300
        or request.accept_encodings["gzip"] <= 0  # honours "gzip;q=0", which refuses it
    ):
        return response
    response.direct_passthrough = False  # a static file is read once here; they are a few kB each
    data = response.get_data()
    if len(data) < 500:
        return response
    response.set_data(gzip.compress(data, 6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gz", bool(weak))
    return response


def cache_hashed_assets(response: Response) -> Response:
    """Let browsers keep a static file for a year when its URL names its content's hash (asset_url adds ?v=)."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


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


def resources() -> support.Resources:
    """Return the crisis resources for the country picked on the page, else the browser's language region."""
    return support.pick(request.args.get("country"), request.headers.get("Accept-Language"))


def countries() -> list[tuple[str, str]]:
    """Return the country picker's choices."""
    return support.directory().choices()
