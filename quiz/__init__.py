"""The coaching-fit self-assessment widget: `create_app` builds the Flask application."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULT_BANKS_DIR = Path(__file__).resolve().parent.parent / "questions"


def _defaults(instance: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'quiz.sqlite3'}",
        "BANKS_DIR": str(DEFAULT_BANKS_DIR),
        "EMBED_ORIGINS": "",
        "BOOKING_URL": "",
        "COACH_NAME": "your coach",
        "MIN_GROUP_SIZE": 5,
        "CONSENT_MODE": "opt-in",
        "RETENTION_DAYS": 0,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "FORM_MAX_AGE": 24 * 3600,
        "MIN_HUMAN_SECONDS": 20,
        "CARELESS_CHECK": True,
        "PUBLIC_URL": "",
    }


def _secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it on first start so restarts keep tokens valid."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the instance's config.py, then QUIZ_* variables, then test_config."""
    instance = Path(os.environ.get("QUIZ_INSTANCE_PATH", "instance")).resolve()
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(instance),
        instance_relative_config=True,
    )
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(_defaults(instance))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZ")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])  # QUIZ_SECRET_KEY=123 would arrive as a number
    if app.config["CONSENT_MODE"] not in ("opt-out", "opt-in", "off"):
        raise ValueError(f"QUIZ_CONSENT_MODE must be opt-out, opt-in or off, not {app.config['CONSENT_MODE']!r}")

    from quiz import coach, web
    from quiz.store import database

    web.init_app(app)
    database.init_app(app)
    coach.init_app(app)
    return app
