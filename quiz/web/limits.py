"""Rate limits keyed by client address, held in memory only and never stored."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

STORAGE = "memory://"  # addresses live in this process's memory only, never in a database
TOO_MANY = "Too many submissions from this address. Please wait a minute and try again."

limiter = Limiter(key_func=get_remote_address, storage_uri=STORAGE, headers_enabled=False)


def init_app(app: Flask) -> None:
    """Attach the limiter; trust X-Forwarded-For only from as many proxies as QUIZ_PROXY_COUNT says."""
    app.config.setdefault("SUBMIT_LIMIT", "30 per minute;300 per hour")
    app.config.setdefault("LOGIN_LIMIT", "5 per minute;20 per hour")
    app.config["RATELIMIT_STORAGE_URI"] = STORAGE
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)


def submit_limit() -> str:
    """Return the configured limit for submissions."""
    return str(current_app.config["SUBMIT_LIMIT"])


def login_limit() -> str:
    """Return the configured limit for coach login attempts."""
    return str(current_app.config["LOGIN_LIMIT"])
