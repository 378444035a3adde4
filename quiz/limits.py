"""Rate limits keyed by client address, held in memory only and never stored."""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage
from werkzeug.middleware.proxy_fix import ProxyFix

STORAGE = "quiz-memory://"  # addresses live in this process's memory only, never in a database
SWEEP_EVERY = 1.0  # seconds between sweeps of expired counters


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory counters, with expired ones swept inline at most once a second.

    The stock storage starts a fresh timer thread every 10 ms while requests come in, just to sweep;
    in a test-client loop of stored submissions that was about a quarter of the limiter's time.
    """

    STORAGE_SCHEME = ["quiz-memory"]
    _next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the hook the stock storage calls on every hit
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


limiter = Limiter(key_func=get_remote_address, storage_uri=STORAGE, headers_enabled=False)


def init_app(app: Flask) -> None:
    """Attach the limiter; trust X-Forwarded-For only from as many proxies as QUIZ_PROXY_COUNT says."""
    app.config.setdefault("SUBMIT_LIMIT", "30 per minute;300 per hour")
    app.config.setdefault("LOGIN_LIMIT", "5 per minute;20 per hour")
    app.config["RATELIMIT_STORAGE_URI"] = STORAGE  # addresses must never reach a database
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)
    if not (app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")):
        # Every limit here is a route decorator's, which checks itself. The extension's own before-request
        # check would evaluate the (empty) app-wide limits once more on every request, for a tenth of a
        # stored submission's time.
        hooks = app.before_request_funcs.get(None, [])
        app.before_request_funcs[None] = [f for f in hooks if f != limiter._check_request_limit]


TOO_MANY = "Too many submissions from this address. Please wait a minute and try again."


def submit_limit() -> str:
    """Return the configured limit for submissions."""
    return str(current_app.config["SUBMIT_LIMIT"])


def login_limit() -> str:
    """Return the configured limit for coach login attempts."""
    return str(current_app.config["LOGIN_LIMIT"])
