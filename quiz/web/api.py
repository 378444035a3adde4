"""The JSON API: list quizzes, describe one, score answers, and keep them with consent and a start token."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, abort, current_app, make_response, request, url_for

from quiz.bank import Bank
from quiz.engine import report
from quiz.store import database
from quiz.web import bank_or_404, banks, tokens
from quiz.web.limits import TOO_MANY, finish_allowed, limiter, submit_limit
from quiz.web.tokens import StateError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/quizzes")
def list_quizzes() -> dict[str, Any]:
    """List the available quizzes."""
    return {
        "quizzes": [
            {
                "id": b.id,
                "title": b.title,
                "version": b.version,
                "locale": b.locale,
                "url": url_for("api.describe_quiz", quiz_id=b.id),
            }
            for b in banks().values()
        ]
    }


@bp.get("/quizzes/<quiz_id>")
def describe_quiz(quiz_id: str) -> dict[str, Any]:
    """Return one bank as JSON."""
    return report.bank_json(bank_or_404(quiz_id))


def read_answers() -> Any:
    """Read `{"answers": {...}}` from the body, or answer 400 for a malformed body."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep; the parser gives up
        payload = None
    answers = report.answers_from(payload)
    if answers is None:
        abort(make_response({"errors": {"body": 'send JSON shaped like {"answers": {"question_id": value}}'}}, 400))
    return answers


@bp.post("/quizzes/<quiz_id>/score")
@limiter.limit(submit_limit, error_message=TOO_MANY)
def score(quiz_id: str) -> Any:
    """Score answers without storing anything."""
    result, errors = report.score_submission(bank_or_404(quiz_id), read_answers())
    if result is None:
        return {"errors": errors}, 422
    return {**result, **({"errors": errors} if errors else {})}  # a crisis result comes with a 200, always


@bp.get("/quizzes/<quiz_id>/start")
def start(quiz_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Issue the single-use token that storing a response needs, usable once it is the minimum human time old."""
    bank = bank_or_404(quiz_id)
    config = current_app.config
    body = {
        "token": tokens().form_token(bank),
        "min_seconds": int(config["MIN_HUMAN_SECONDS"]),
        "max_seconds": int(config["FORM_MAX_AGE"]),
    }
    return body, 200, {"Cache-Control": "no-store"}


@bp.post("/quizzes/<quiz_id>/responses")
def respond(quiz_id: str) -> Any:
    """Score answers like /score, and with an unused start token keep a complete set when "consent" is true."""
    bank = bank_or_404(quiz_id)
    scores, outcome, errors = report.evaluate(bank, read_answers())
    result = report.result_json(scores, outcome)
    if errors and "safety" not in scores.flags:
        return {"errors": errors}, 422
    body = request.get_json(silent=True) or {}
    refusal = start_token_refusal(bank, body.get("token"))
    record = None
    if refusal is None and body.get("consent") is True and not errors and report.complete(bank, scores):
        headers = request.headers
        record = database.record_for(bank, scores, outcome, headers.get("Origin"), headers.get("Accept-Language"))
    # A storage failure is logged and reported as not stored, and leaves the token unused; the result still comes.
    spent = database.spend(tokens().spent_digest(body["token"]), record) if refusal is None else None
    if spent is False:
        refusal = f"this start token was already used; get a new one from {_start(bank)}", 409
    if refusal is not None:
        crisis = result if "safety" in scores.flags else {}  # a self-harm answer gets crisis support, whatever else
        return {**crisis, "errors": {"token": refusal[0]}}, refusal[1]
    stored = record.id if spent and record else None
    extra = {"errors": errors} if errors else {}
    return {**result, **extra, "stored": stored is not None, **({"id": stored} if stored else {})}


def start_token_refusal(bank: Bank, token: Any) -> tuple[str, int] | None:
    """Say why a start token cannot go with a response (and the status), or None when it can be used now."""
    if not isinstance(token, str) or not token:
        return f'send the token from {_start(bank)} as "token"', 400
    try:
        age = tokens().check_form_token(token, bank)
    except StateError:
        return f"this start token is not valid or has expired; get a new one from {_start(bank)}", 400
    wait = float(current_app.config["MIN_HUMAN_SECONDS"]) - age
    if wait > 0:
        return f"this start token is too new: send the answers again in {math.ceil(wait)} seconds", 400
    if not finish_allowed():
        return TOO_MANY, 429
    return None


def _start(bank: Bank) -> str:
    return f"GET {url_for('api.start', quiz_id=bank.id)}"
