"""The health check."""

from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Answer 200 when the database answers, 503 otherwise."""
    check = current_app.extensions.get("quiz.db_check")
    if check is not None and not check():
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
