"""The stock rate limiter: a route's limit answers 429 once spent, and counts live in memory only."""

from __future__ import annotations

from quiz import create_app
from quiz.web.limits import limiter


def test_the_submit_limit_answers_429_once_spent(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "SUBMIT_LIMIT": "2 per minute"})
    client = app.test_client()
    codes = [client.post("/api/v1/quizzes/coaching-fit/score", json={"answers": {}}).status_code for _ in range(3)]
    assert codes[:2] == [422, 422]
    assert codes[2] == 429


def test_counts_are_kept_in_memory_only(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "RATELIMIT_STORAGE_URI": "redis://elsewhere"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert type(limiter.storage).__name__ == "MemoryStorage"
