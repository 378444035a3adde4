"""The health check."""

from __future__ import annotations

from flask import Blueprint

from quiz.store.database import store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Answer 200 when the database answers, 503 otherwise."""
    if not store().ping():
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
