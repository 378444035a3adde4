"""The rate limiter checks each decorated route once per request, and keeps app-wide limits when set."""

from __future__ import annotations

from quiz import create_app
from quiz.limits import limiter


def _checks(app):
    return [f for f in app.before_request_funcs.get(None, []) if f == limiter._check_request_limit]


def test_route_limits_are_checked_once_not_again_before_every_request(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SUBMIT_LIMIT": "2 per minute"})
    assert _checks(app) == []
    client = app.test_client()
    codes = [client.post("/api/v1/quizzes/coaching-fit/score", json={"answers": {}}).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_app_wide_limits_keep_the_before_request_check(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RATELIMIT_DEFAULT": "1000 per minute"})
    assert len(_checks(app)) == 1
