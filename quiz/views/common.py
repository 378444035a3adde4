"""Glue the quiz pages share: the token maker, guarded hooks for other modules, and the crisis resources."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from quiz import crisis
from quiz.state import Tokens


def tokens() -> Tokens:
    """Return the token maker for this app's secret key, built once per app."""
    cached: Tokens | None = current_app.extensions.get("quiz.tokens")
    if cached is None:
        cached = Tokens(current_app.config["SECRET_KEY"], int(current_app.config["FORM_MAX_AGE"]))
        current_app.extensions["quiz.tokens"] = cached
    return cached


def call_hook(name: str, *args: Any, **kwargs: Any) -> None:
    """Call an optional hook another module registered (storage, analytics); its failure never breaks a page."""
    hook = current_app.extensions.get(name)
    if hook is None:
        return
    try:
        hook(*args, **kwargs)
    except Exception:  # a broken hook must not cost the person their result
        current_app.logger.exception("hook %s failed", name)


def event(quiz_id: str, step_id: str | None, what: str) -> None:
    """Report a funnel event: started, step, finished or cta."""
    call_hook("quiz.on_event", quiz_id, step_id, what)


def resources() -> crisis.Resources:
    """Return the crisis resources for the country picked on the page, else the browser's language region."""
    return crisis.pick(request.args.get("country"), request.headers.get("Accept-Language"))


def countries() -> list[tuple[str, str]]:
    """Return the country picker's choices."""
    return crisis.directory().choices()
