"""The coach's password: hashed in the instance folder, generated once on first start, checked on login."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import check_password_hash, generate_password_hash

FILE = "coach_password"
MIN_LENGTH = 10


def password_file(instance: str | Path) -> Path:
    """Return where the password hash lives."""
    return Path(instance) / FILE


def stored_hash(instance: str | Path) -> str | None:
    """Return the stored hash, or None when no password is set yet."""
    try:
        return password_file(instance).read_text().strip() or None
    except FileNotFoundError:
        return None


def set_password(instance: str | Path, password: str) -> None:
    """Hash and store a new password, replacing the file atomically so a reader never sees half of it."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"use at least {MIN_LENGTH} characters")
    path = password_file(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{FILE}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_password_hash(password))
    os.replace(temporary, path)


def ensure_password(instance: str | Path) -> str | None:
    """Create a strong password if none is set and return it; only the process that creates the file gets it."""
    path = password_file(instance)
    if path.exists():
        return None
    password = secrets.token_urlsafe(18)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race and printed its own
        return None
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_password_hash(password))
    return password


def check(instance: str | Path, password: str) -> bool:
    """Say whether the password matches the stored hash."""
    found = stored_hash(instance)
    return bool(found) and check_password_hash(found, password)  # type: ignore[arg-type]


def fingerprint(instance: str | Path) -> str | None:
    """Return a short digest of the stored hash; a session remembers it, so a new password ends old sessions."""
    found = stored_hash(instance)
    return hashlib.sha256(found.encode()).hexdigest()[:16] if found else None


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure behind TLS, or always with QUIZ_FORCE_HTTPS."""
        return bool(app.config.get("SESSION_COOKIE_SECURE") or app.config.get("FORCE_HTTPS") or request.is_secure)
