"""The settings page: the coach sets what a server's QUIZ_ variables otherwise set, checked as strictly."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from quiz.coach.auth import LogoutForm
from quiz.store.database import store
from quiz.store.settings import DEFAULTS, server_settings, setting
from quiz.web import theme
from quiz.web.security import parse_origins

PHOTO_BYTES = 40_000
PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}
CONSENT_MODES = {
    "opt-out": "Keep answers unless the person unticks the box (the box starts ticked)",
    "opt-in": "Keep answers only when the person ticks the box (the box starts unticked)",
    "off": "Never keep answers; the quiz still gives guidance",
}


def _booking(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(text) > 500 or not text.isprintable():
        raise ValueError("use a full web address starting with https://, like https://example.com/book")
    if any(c in text for c in " \"'<>"):
        raise ValueError("a web address has no spaces, quotes or angle brackets")
    return text


def _cleaned(clean: Callable[[str], object | None], message: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        found = clean(text)
        if found is None:
            raise ValueError(message)
        return str(found)

    return check


CLEANERS: dict[str, Callable[[str], str]] = {
    "booking_url": _booking,
    "coach_name": _cleaned(
        lambda v: v if len(v) <= 60 and v.isprintable() else None, "use at most 60 letters, without line breaks"
    ),
    "coach_initials": _cleaned(
        lambda v: v.upper() if v.isalpha() and len(v) <= 3 else None, "use one to three letters, like JS"
    ),
    "embed_origins": lambda text: " ".join(parse_origins(text)),
    "theme_accent": _cleaned(theme.clean_accent, "use a colour like #1d70b8"),
    "theme_font": _cleaned(theme.clean_font, "choose one of the fonts listed"),
    "theme_radius": _cleaned(theme.clean_radius, "use a whole number of pixels from 0 to 24"),
    "theme_mode": _cleaned(theme.clean_mode, "choose light or dark"),
    "consent_mode": _cleaned(lambda v: v if v in CONSENT_MODES else None, "choose one of the three options"),
    "retention_days": _cleaned(
        lambda v: int(v) if v.isdigit() and int(v) <= 3650 else None,
        "use a whole number of days from 0 (keep answers) to 3650",
    ),
}


def _photo(errors: dict[str, str]) -> str | None:
    """Return an uploaded photo as a data: URL, or None when none was sent; note a bad one in errors."""
    upload = request.files.get("coach_photo")
    if upload is None or not upload.filename:
        return None
    data = upload.read(PHOTO_BYTES + 1)
    kind = next((t for magic, t in PHOTO_TYPES.items() if data.startswith(magic)), None)
    if kind is None or len(data) > PHOTO_BYTES or (kind == "image/webp" and data[8:12] != b"WEBP"):
        errors["coach_photo"] = f"use a PNG, JPEG or WebP picture of at most {PHOTO_BYTES // 1000} kB"
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def read_form() -> tuple[dict[str, str | None], dict[str, str]]:
    """Return the settings the form changes (None: back to the default) and one message per field it refused."""
    values, errors = {}, {}
    for name, clean in CLEANERS.items():
        text = request.form.get(name, "").strip()
        if name in server_settings() or name not in request.form:
            continue
        try:
            values[name] = clean(text) if text else None
        except ValueError as exc:
            errors[name] = str(exc)
    photo = _photo(errors)
    if photo is not None and "coach_photo" not in server_settings():
        values["coach_photo"] = photo
    elif request.form.get("remove_photo") == "yes":
        values["coach_photo"] = None
    return values, errors


def settings_page() -> Any:
    """Show the coach's settings, and save them when the form is sent and every field is valid."""
    form = FlaskForm(formdata=request.form or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            errors["form"] = "This form expired. Please make your changes again."
        else:
            values, errors = read_form()
            if not errors:
                store().save_settings(values)
                g.pop("quiz_settings", None)
                return redirect(url_for("coach.settings_page", saved=1), 303)
    shown = {name: request.form.get(name, setting(name)) if errors else setting(name) for name in DEFAULTS}
    return render_template(
        "coach/settings.html",
        form=form,
        values=shown,
        errors=errors,
        server=server_settings(),
        fonts=theme.NAMED_STACKS,
        consent_modes=CONSENT_MODES,
        saved=request.args.get("saved") == "1",
        logout=LogoutForm(),
    ), (400 if errors else 200)
