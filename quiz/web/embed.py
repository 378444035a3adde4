"""Embedding: the loader script, the theme stylesheet, and the embed parameters kept across quiz steps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import Any, NamedTuple
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, has_request_context, request, url_for

from quiz.store.settings import setting
from quiz.web import theme
from quiz.web.security import embed_origins, parse_origin

bp = Blueprint("embed", __name__)

LOCALE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2})?")
LOADER_MAX_AGE = 3600  # the loader's URL is fixed in coaches' pages, so it must not be cached for long
THEME_MAX_AGE = 3600
FALLBACK_HEIGHT = 900


def own_origins() -> set[str]:
    """Return this site's origins: the configured public URL's and the one this request came to."""
    found = set()
    for url in filter(None, (request.host_url, current_app.config.get("PUBLIC_URL"))):
        try:
            found.add(parse_origin(url))
        except ValueError:  # a malformed Host header is the client's problem, never a 500
            continue
    return found


def allowed_host(value: object) -> str:
    """Return value as an origin if it may frame the quiz (this site or the allow-list), else ""."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        origin = parse_origin(value)
    except ValueError:
        return ""
    return origin if origin in embed_origins() or origin in own_origins() else ""


def embed_args(args: Mapping[str, Any]) -> dict[str, str]:
    """Return the valid embed parameters in args (embed flag, host, locale, theme) as strings."""
    found = theme.overrides(args)
    if args.get("embed") == "1":
        found["embed"] = "1"
    host = allowed_host(args.get("host"))
    if host:
        found["host"] = host
    locale = args.get("locale")
    if isinstance(locale, str) and LOCALE_RE.fullmatch(locale):
        found["locale"] = locale
    return found


@bp.app_url_defaults
def keep_embed_args(endpoint: str, values: dict[str, Any]) -> None:
    """Carry the embed parameters into every quiz-page URL, so steps stay themed and sized without a cookie."""
    if endpoint.startswith("taker.") and has_request_context():
        for key, value in embed_args(request.args).items():
            values.setdefault(key, value)


@bp.app_context_processor
def embed_context() -> dict[str, Any]:
    """Give templates the framing site's origin (for frame.js) and the theme stylesheet's URL."""
    return {"embed_host": allowed_host(request.args.get("host")), "theme_css_url": theme_css_url}


def theme_css_url() -> str:
    """Return the URL of the theme stylesheet for this request's valid theme parameters."""
    values: dict[str, Any] = theme.overrides(request.args)
    return url_for("embed.theme_css", **values)


@bp.get("/theme.css")
def theme_css() -> Response:
    """Serve the theme as CSS custom properties: the theme settings, overridden by valid query values."""
    settings = {key: setting(f"theme_{key}") for key in theme.CLEANERS}
    body = theme.css(theme.theme_from(settings, request.args))
    response = Response(body, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = THEME_MAX_AGE
    return response


@bp.get("/embed.js")
def embed_js() -> Response:
    """Serve the loader script, cached for an hour; web.compress gzips it for browsers that accept gzip."""
    response = current_app.send_static_file("embed.js")
    response.cache_control.public = True
    response.cache_control.max_age = LOADER_MAX_AGE
    # Coaches' pages load this cross-site; say so for sites that require it (Cross-Origin-Embedder-Policy).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


class Snippet(NamedTuple):
    """The three pieces of a coach's embed code."""

    script: str
    noscript: str
    iframe: str


def snippet_parts(public_url: str, quiz_id: str, title: str) -> Snippet:
    """Return the script tag, the noscript link and the plain iframe for a quiz at public_url."""
    base = public_url.rstrip("/")
    page = f"{base}/q/{quiz_id}"
    frame = f"{page}?{urlencode({'embed': '1'})}"
    name = escape(title)
    return Snippet(
        f'<script src="{escape(base)}/embed.js" data-quiz="{escape(quiz_id)}" async></script>',
        f'<noscript><a href="{escape(page)}">{name}</a></noscript>',
        f'<iframe src="{escape(frame)}" title="{name}" loading="lazy" width="100%" height="{FALLBACK_HEIGHT}"'
        ' style="border:0"></iframe>',
    )


def snippets(public_url: str, quiz_id: str, title: str) -> str:
    """Return the coach's embed code: the script tag with a noscript link, and a plain iframe fallback."""
    part = snippet_parts(public_url, quiz_id, title)
    return (
        "<!-- Paste where the quiz should appear. It sizes itself and matches your colours (see data-accent). -->\n"
        f"{part.script}\n{part.noscript}\n\n"
        f"<!-- Or, where scripts are not allowed: a frame with a fixed height. -->\n{part.iframe}"
    )
