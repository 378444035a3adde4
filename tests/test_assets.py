"""The committed plotly.js bundle is the one the pinned build script makes, and it is served precompressed."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
BUILD = Path(__file__).resolve().parent.parent / "scripts" / "plotly"


def test_the_bundle_matches_its_checksums_and_its_gzip_form():
    sums = dict(reversed(line.split()) for line in (VENDOR / "SHA256SUMS").read_text().splitlines())
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    raw = (VENDOR / "plotly-partial.min.js").read_bytes()
    assert gzip.decompress((VENDOR / "plotly-partial.min.js.gz").read_bytes()) == raw
    assert b"Licensed under the MIT license" in raw[:400] and (VENDOR / "LICENSE").exists()


def test_the_build_pins_exact_versions():
    package = (BUILD / "package.json").read_text()
    assert '"plotly.js": "4.1.1"' in package and '"esbuild": "0.28.2"' in package
    assert "npm ci" in (BUILD / "build.sh").read_text()


def test_plotly_is_served_precompressed_and_cached_for_a_year(client):
    from quiz.web.assets import plotly_asset

    url = f"/static-v/{plotly_asset().name}"
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.data == (VENDOR / "plotly-partial.min.js.gz").read_bytes()
    assert "immutable" in zipped.headers["Cache-Control"] and "max-age=31536000" in zipped.headers["Cache-Control"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.data == (VENDOR / "plotly-partial.min.js").read_bytes() and "Content-Encoding" not in plain.headers
    assert client.get("/static-v/plotly-000000000000.min.js").status_code == 404
