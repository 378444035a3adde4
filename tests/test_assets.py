"""The committed plotly.js bundle is the one the pinned build script makes, and it is served precompressed."""

from __future__ import annotations

import gzip
import hashlib
import re
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


def test_pages_css_and_scripts_are_compressed_when_the_client_accepts_it(client):
    page = client.get("/q/coaching-fit", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert gzip.decompress(page.data).startswith(b"<!doctype html>")
    plain = client.get("/q/coaching-fit", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"<!doctype html>")
    for path in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=[0-9a-f]+)"', plain.get_data(as_text=True)):
        served = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert served.headers["Content-Encoding"] == "gzip", path
        refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, br"})
        assert "Content-Encoding" not in refused.headers, path
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable", path


def test_unhashed_static_files_are_revalidated_and_the_coach_pages_are_not_compressed(client):
    assert "immutable" not in client.get("/static/quiz.css").headers.get("Cache-Control", "")
    assert "Content-Encoding" not in client.get("/coach/login", headers={"Accept-Encoding": "gzip"}).headers
