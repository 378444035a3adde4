"""Security headers on every response, and the allow-list of sites that may frame the quiz."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from quiz.store.settings import setting

DEFAULT_PORTS = {"http": 80, "https": 443}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)
HSTS = "max-age=31536000; includeSubDomains"
EMPTY_STYLE_HASH = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def parse_origin(text: str) -> str:
    """Return text as a normalised origin (scheme://host[:port]), or raise ValueError saying why not."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"'{text}' is not an origin") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"'{text}' is not an origin: use http:// or https:// and a host")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"'{text}' is not an origin: drop the path, query and user name")
    if any(c in parts.hostname for c in "*;' "):
        raise ValueError(f"'{text}' is not an origin: wildcards and quotes are not allowed")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    suffix = f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{suffix}"


def parse_origins(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Parse a space-separated string (or a list) of origins; raise ValueError naming the first bad one."""
    items = value.split() if isinstance(value, str) else list(value or ())
    found: list[str] = []
    for item in items:
        origin = parse_origin(item)
        if origin not in found:
            found.append(origin)
    return tuple(found)


def embed_origins() -> tuple[str, ...]:
    """Return the origins, besides this site, that may frame the quiz pages."""
    return parse_origins(setting("embed_origins"))


def csp(frame_ancestors: str, force_https: bool) -> str:
    """Return the Content-Security-Policy: files only, nothing inline, nothing from another host."""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js adds an empty <style> and fills it through CSSOM, which CSP does not govern; this hash
        # admits only an empty element, so injected markup still cannot style the page.
        f"style-src 'self' '{EMPTY_STYLE_HASH}'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ]
    if force_https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def frame_ancestors(path: str) -> str:
    """Return who may frame the page at path: allowed sites for the quiz, nobody for the coach."""
    if path == "/coach" or path.startswith("/coach/"):
        return "'none'"
    if path == "/q" or path.startswith("/q/"):
        return " ".join(("'self'", *embed_origins()))
    return "'self'"


def add_headers(response: Response) -> Response:
    """Set the security headers on every response."""
    ancestors = frame_ancestors(request.path)
    force_https = bool(current_app.config.get("FORCE_HTTPS"))
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp(ancestors, force_https))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if ancestors == "'none'":
        # Old browsers ignore frame-ancestors; X-Frame-Options cannot express an allow-list, so only here.
        headers.setdefault("X-Frame-Options", "DENY")
    if force_https:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Validate QUIZ_EMBED_ORIGINS, log who may embed the quiz, and add the headers to every response."""
    try:
        origins = parse_origins(app.config.get("EMBED_ORIGINS"))
    except ValueError as exc:
        raise ValueError(f"QUIZ_EMBED_ORIGINS: {exc}") from None
    if app.logger.level == logging.NOTSET:
        # Without a level Flask's logger drops INFO, and this start-up line is the coach's only confirmation.
        app.logger.setLevel(logging.INFO)
    if origins:
        app.logger.info("Embedding: the quiz may be framed by this site and %s", " ".join(origins))
    else:
        app.logger.info("Embedding: only this site may frame the quiz (set QUIZ_EMBED_ORIGINS to allow others)")
    app.after_request(add_headers)
