"""The coach's password, sessions that end, and a login throttle that every process shares through the database.

The password is hashed in the instance folder, generated once on first start and checked on login. A session is a
random token in the signed cookie whose SHA-256 the database keeps: logging out deletes it, it ends 12 hours after
login however busy it is, and a new password ends them all. Failed logins are counted in the database under a
keyed hash of the address whose key changes every day, so no address is kept and every process counts alike.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import FlaskForm
from limits import parse_many
from werkzeug.security import check_password_hash, generate_password_hash

from quiz.store.database import store, today
from quiz.web.limits import login_limit

FILE = "coach_password"
FIRST_PASSWORD_FILE = "first-coach-password.txt"  # `quiz serve` writes a first-start password here
MIN_LENGTH = 12
HASH_METHOD = "scrypt:131072:8:1"  # OWASP's current minimum for scrypt: N=2^17, r=8, p=1
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
LIFETIME = 12 * 3600  # a session ends this long after login, even while in use


def password_file(instance: str | Path) -> Path:
    """Return where the password hash lives."""
    return Path(instance) / FILE


def stored_hash(instance: str | Path) -> str | None:
    """Return the stored hash, or None when no password is set yet."""
    try:
        return password_file(instance).read_text().strip() or None
    except FileNotFoundError:
        return None


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the 10,000 most common passwords (data/common-passwords.LICENSE.txt says where they come from)."""
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def weakness(password: str) -> str | None:
    """Say why a password is too easy to guess for the coach's dashboard, or None when it will do."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if password.lower() in common_passwords():
        return "that is one of the 10,000 most common passwords; choose another"
    if len(set(password)) < 4:
        return "use more than three different characters"
    return None


def set_password(instance: str | Path, password: str) -> None:
    """Hash and store a new password, and delete the first-start password's file, which no longer works."""
    if problem := weakness(password):
        raise ValueError(problem)
    _write_hash(instance, generate_password_hash(password, HASH_METHOD))
    (Path(instance) / FIRST_PASSWORD_FILE).unlink(missing_ok=True)


def _write_hash(instance: str | Path, hashed: str) -> None:
    """Replace the hash file atomically, so a reader never sees half of it."""
    path = password_file(instance)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{FILE}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(hashed)
    os.replace(temporary, path)


def ensure_password(instance: str | Path) -> str | None:
    """Create a strong password if none is set and return it; only the process that creates the file gets it."""
    password = secrets.token_urlsafe(18)
    try:
        fd = os.open(password_file(instance), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # a password is set, or another process won the race and printed its own
        return None
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_password_hash(password, HASH_METHOD))
    return password


def check(instance: str | Path, password: str) -> bool:
    """Say whether the password matches the stored hash; a match re-hashes an older hash at today's cost."""
    found = stored_hash(instance)
    if not found or not check_password_hash(found, password):
        return False
    if not found.startswith(HASH_METHOD + "$"):
        _write_hash(instance, generate_password_hash(password, HASH_METHOD))
    return True


def fingerprint(instance: str | Path) -> str | None:
    """Return a short digest of the stored hash; a session remembers it, so a new password ends old sessions."""
    found = stored_hash(instance)
    return hashlib.sha256(found.encode()).hexdigest()[:16] if found else None


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure behind TLS, or always with QUIZ_FORCE_HTTPS."""
        return bool(app.config.get("SESSION_COOKIE_SECURE") or app.config.get("FORCE_HTTPS") or request.is_secure)


def now() -> float:
    """Return the time in seconds (tests move it)."""
    return time.time()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in() -> None:
    """Open a session for the coach, and forget sessions past their lifetime."""
    token, started = secrets.token_urlsafe(32), now()
    store().end_sessions(started_before=started - LIFETIME)
    store().open_session(_digest(token), started, fingerprint(current_app.instance_path) or "")
    session.clear()
    session["coach"] = token
    session.permanent = True


def signed_in() -> bool:
    """Say whether the request carries a session that is open, young enough, and from the current password."""
    token = session.get("coach")
    found = store().session(_digest(token)) if isinstance(token, str) else None
    if found is None:
        return False
    started, password = found
    return now() - started < LIFETIME and password == (fingerprint(current_app.instance_path) or "")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send visitors who are not signed in to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not signed_in():
            return redirect(url_for("coach.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


class LogoutForm(FlaskForm):
    """A button-only form, so logging out needs a POST with a CSRF token."""


def sign_out() -> None:
    """End the session on the server, so a copy of the cookie no longer works either."""
    if isinstance(token := session.get("coach"), str):
        store().end_sessions(digest=_digest(token))
    session.clear()


def _address() -> str:
    """Return the client's address hashed with a key made from the secret key and today's date."""
    key = hmac.new(current_app.secret_key.encode(), f"login {today()}".encode(), hashlib.sha256).digest()  # type: ignore[union-attr]
    return hmac.new(key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()


def wait() -> int:
    """Return how many seconds this address must wait before trying again (0: it may try now)."""
    moment, address = now(), _address()
    for limit in parse_many(login_limit()):
        if store().failures(address, moment - limit.get_expiry()) >= limit.amount:
            return limit.get_expiry()
    return 0


def failed() -> None:
    """Count a failed login from this address."""
    longest = max(limit.get_expiry() for limit in parse_many(login_limit()))
    moment = now()
    store().fail(_address(), moment, moment - longest)
