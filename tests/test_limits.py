"""The rate limiter checks each route once per request, keeps app-wide limits, and sweeps counters inline."""

from __future__ import annotations

import threading
import time

from quiz import create_app
from quiz.limits import SweptMemoryStorage, limiter


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


def test_submissions_start_no_threads_to_sweep_counters(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SUBMIT_LIMIT": "1000 per minute"})
    assert isinstance(limiter.storage, SweptMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    client = app.test_client()
    for _ in range(20):
        client.post("/api/v1/quizzes/coaching-fit/score", json={"answers": {}})
        time.sleep(0.002)  # the stock storage starts a sweeping thread whenever its last one (10 ms) is done
    assert started == []


def test_expired_counters_and_their_addresses_are_swept(monkeypatch):
    storage = SweptMemoryStorage()
    storage.timer.join()  # the one sweep the stock constructor schedules, 10 ms on
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    storage.incr("limit/192.0.2.1", expiry=0.01)
    assert "limit/192.0.2.1" in storage.storage
    time.sleep(0.02)  # the counter expires (limits keeps expiry times on the wall clock)
    clock[0] += 0.5
    storage.incr("limit/192.0.2.2", expiry=60)
    assert "limit/192.0.2.1" in storage.expirations, "no sweep within a second of the last"
    clock[0] += 1
    storage.incr("limit/192.0.2.2", expiry=60)
    assert "limit/192.0.2.1" not in storage.storage and "limit/192.0.2.1" not in storage.expirations
    assert storage.get("limit/192.0.2.2") == 2
