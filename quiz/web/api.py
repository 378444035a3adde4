"""The JSON API: list quizzes, describe one, score answers, and keep them with consent."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, request, url_for
from werkzeug.exceptions import HTTPException

from quiz.engine import report
from quiz.store import database
from quiz.web import bank_or_404, banks
from quiz.web.limits import TOO_MANY, limiter, submit_limit

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(HTTPException)
def json_error(exc: HTTPException) -> tuple[dict[str, Any], int]:
    """Answer every API error as JSON, never as an HTML page or a stack trace."""
    return {"errors": {"request": exc.description or exc.name}}, exc.code or 500


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


@bp.post("/quizzes/<quiz_id>/responses")
@limiter.limit(submit_limit, error_message=TOO_MANY)
def respond(quiz_id: str) -> Any:
    """Score answers like /score, and keep a complete set anonymously when the body says "consent": true."""
    bank = bank_or_404(quiz_id)
    scores, outcome, errors = report.evaluate(bank, read_answers())
    result = report.result_json(scores, outcome)
    if errors and "safety" not in scores.flags:
        return {"errors": errors}, 422
    stored = None
    consent = (request.get_json(silent=True) or {}).get("consent") is True
    if consent and not errors and report.complete(bank, scores):
        # A storage failure is logged and reported here as not stored; the person still gets their result.
        locale = database.locale_for(bank, request.headers.get("Accept-Language"))
        stored = database.keep(bank, scores, outcome, request.headers.get("Origin"), locale)
    extra = {"errors": errors} if errors else {}
    return {**result, **extra, "stored": stored is not None, **({"id": stored} if stored else {})}
