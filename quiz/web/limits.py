"""Rate limits keyed by client address, held in memory only and never stored; a quiz counts once, when finished."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

STORAGE = "memory://"  # addresses live in this process's memory only, never in a database
TOO_MANY = "Too many finished quizzes from this address. Please wait a minute and try again."

limiter = Limiter(key_func=get_remote_address, storage_uri=STORAGE, headers_enabled=False)


def init_app(app: Flask) -> None:
    """Attach the limiter; trust X-Forwarded-For and -Proto from as many proxies as QUIZ_PROXY_COUNT says."""
    app.config.setdefault("SUBMIT_LIMIT", "30 per minute;300 per hour")
    app.config.setdefault("LOGIN_LIMIT", "5 per minute;20 per hour")
    app.config["RATELIMIT_STORAGE_URI"] = STORAGE
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        # Never X-Forwarded-Host: a client could send one through the proxy and name any host it likes.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)  # type: ignore[method-assign]
    limiter.init_app(app)


def submit_limit() -> str:
    """Return the configured limit for finished quizzes (and API scoring calls) per address."""
    return str(current_app.config["SUBMIT_LIMIT"])


def finish_allowed() -> bool:
    """Count one finished quiz against this address's allowance; say whether it is still within it.

    Steps are never counted, so several people behind one address never meet a limit in the middle of a quiz.
    """
    address = get_remote_address()
    return all(limiter.limiter.hit(item, "finished", address) for item in parse_many(submit_limit()))


def login_limit() -> str:
    """Return the configured limit for coach login attempts."""
    return str(current_app.config["LOGIN_LIMIT"])
