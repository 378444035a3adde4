"""What API tests share: a body carrying a fresh start token, as a client that stores responses sends it."""

from __future__ import annotations

from typing import Any


def started(client: Any, body: dict[str, Any], quiz: str = "coaching-fit") -> dict[str, Any]:
    """Return the body with a fresh start token from GET /api/v1/quizzes/<quiz>/start."""
    response = client.get(f"/api/v1/quizzes/{quiz}/start")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {**body, "token": response.get_json()["token"]}
