"""The coaching-fit self-assessment widget: `create_app` builds the Flask application."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULT_BANKS_DIR = Path(__file__).resolve().parent.parent / "questions"
MIN_SECRET_BYTES = 32  # 256 bits: the tokens' AES-GCM keys are derived from it
DEFAULTS: dict[str, Any] = {  # and DATABASE_URL, an SQLite file in the instance folder
    "BANKS_DIR": str(DEFAULT_BANKS_DIR),
    "EMBED_ORIGINS": "",
    "BOOKING_URL": "",
    "COACH_NAME": "your coach",
    "MIN_GROUP_SIZE": 5,
    "CONSENT_MODE": "opt-in",
    "RETENTION_DAYS": 0,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "FORM_MAX_AGE": 24 * 3600,
    "RESULT_MAX_AGE": 90 * 24 * 3600,
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


def private_folder(path: Path) -> None:
    """Create a folder only its owner can enter (0700, whatever the umask); leave an existing one as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        return
    path.chmod(0o700)  # mkdir's mode is masked by the umask


def _check_secret(secret: str) -> None:
    """Refuse a secret key too short to keep tokens safe, saying how to make a good one."""
    if (size := len(secret.encode())) < MIN_SECRET_BYTES:
        raise ValueError(
            f"QUIZ_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes long, not {size}. Make one with\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(48))'\n"
            "or unset it to let the quiz make and keep one in its instance folder."
        )


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
    private_folder(instance)
    app.config.from_mapping(DEFAULTS, DATABASE_URL=f"sqlite:///{instance / 'quiz.sqlite3'}")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("QUIZ")
    if test_config:
        app.config.update(test_config)
    # str(): QUIZ_SECRET_KEY=123 would arrive as a number
    app.config["SECRET_KEY"] = str(app.config.get("SECRET_KEY") or _secret_key(instance))
    _check_secret(app.config["SECRET_KEY"])
    if app.config["CONSENT_MODE"] not in ("opt-out", "opt-in", "off"):
        raise ValueError(f"QUIZ_CONSENT_MODE must be opt-out, opt-in or off, not {app.config['CONSENT_MODE']!r}")

    from quiz import web
    from quiz.coach import views as coach
    from quiz.store import database

    web.init_app(app)
    database.init_app(app)
    coach.init_app(app)
    return app
