"""The coach's settings: the server's configuration wins where it is set, else what the coach saved, else a default.

Pages read a setting on every request (a small query), so a change on the settings page reaches every process
at once, without a restart.
"""

from __future__ import annotations

import logging
import os

import sqlalchemy as sa
from flask import current_app, g

log = logging.getLogger(__name__)
DEFAULTS = {  # setting -> the default when neither the server nor the coach sets it
    "booking_url": "",
    "coach_name": "your coach",
    "coach_initials": "",
    "coach_photo": "",  # a data: URL, so the person's page loads nothing from elsewhere
    "embed_origins": "",
    "theme_accent": "",
    "theme_font": "",
    "theme_radius": "",
    "theme_mode": "",
    "consent_mode": "opt-in",
    "retention_days": "0",
}
BULKY = {"coach_photo"}  # read only when asked for, not with the rest on every request


def from_server(name: str) -> str | None:
    """Return a setting's value when the server sets it (a QUIZ_ variable, or config.py unlike the default)."""
    value = current_app.config.get(name.upper())
    if value is None or (str(value) == DEFAULTS[name] and f"QUIZ_{name.upper()}" not in os.environ):
        return None
    return str(value)


def server_settings() -> dict[str, str]:
    """Return the settings the server's configuration sets; these win over the coach's."""
    return {name: value for name in DEFAULTS if (value := from_server(name)) is not None}


def setting(name: str) -> str:
    """Return a setting's value: the server's, else the coach's saved one, else the default."""
    if (server := from_server(name)) is not None:
        return server
    if name in BULKY:
        return _saved([name]).get(name, DEFAULTS[name])
    if "quiz_settings" not in g:
        g.quiz_settings = _saved([n for n in DEFAULTS if n not in BULKY])
    return g.quiz_settings.get(name, DEFAULTS[name])


def _saved(names: list[str]) -> dict[str, str]:
    """Read the coach's saved settings; while the database is down, the defaults apply."""
    try:
        return current_app.extensions["quiz.store"].settings(names)
    except sa.exc.SQLAlchemyError:
        log.exception("could not read the settings; using the server's and the defaults")
        return {}
