"""Serve the partial plotly.js bundle, precompressed, under a content-hashed URL cached for a year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.wrappers import Response as BaseResponse

bp = Blueprint("assets", __name__)

VENDOR = Path(__file__).resolve().parent.parent.parent / "static" / "vendor"
PLOTLY = "plotly-partial.min.js"  # bar and scatter only, built by scripts/plotly/build.sh
YEAR = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class Asset:
    """A file held in memory with its gzip form, named by a hash of its content."""

    name: str
    raw: bytes
    gz: bytes


@cache
def plotly_asset() -> Asset:
    """Read the bundle and its committed gzip form once per process; the hash in its name changes with it."""
    raw = (VENDOR / PLOTLY).read_bytes()
    return Asset(f"plotly-{hashlib.sha256(raw).hexdigest()[:12]}.min.js", raw, (VENDOR / f"{PLOTLY}.gz").read_bytes())


@cache
def _static_version(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


@bp.app_template_global()
def plotly_url() -> str:
    """Return the fingerprinted URL of plotly.js."""
    return url_for("assets.versioned", name=plotly_asset().name)


@bp.app_template_global()
def asset_url(filename: str) -> str:
    """Return a static file's URL with a content hash, so a new release is never served from a stale cache."""
    folder = current_app.static_folder or ""
    return url_for("static", filename=filename, v=_static_version(str(Path(folder) / filename)))


@bp.get("/static-v/<name>")
def versioned(name: str) -> BaseResponse:
    """Serve plotly.js, gzipped when the browser accepts it, cached for a year."""
    asset = plotly_asset()
    if name != asset.name:
        abort(404)
    zipped = request.accept_encodings["gzip"] > 0  # honours "gzip;q=0", which means no gzip
    response = Response(asset.gz if zipped else asset.raw, mimetype="text/javascript")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = YEAR
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(asset.name + ("-gz" if zipped else ""))
    return response.make_conditional(request)
