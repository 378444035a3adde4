"""Embedding: the loader script, headers per path, the allow-list, the theme sheet and the coach's snippet."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from quiz import create_app
from quiz.cli import main
from quiz.web import embed
from quiz.web.security import parse_origin, parse_origins

ROOT = Path(__file__).resolve().parent.parent
LOADER_LIMIT = 3 * 1024
ORIGINS = "https://coach.example.com http://127.0.0.1:5000"


@pytest.fixture()
def make_app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))

    def make(**config):
        return create_app({"TESTING": True, "SECRET_KEY": "test-secret" * 32, **config})

    return make


@pytest.fixture()
def framed(make_app):
    return make_app(EMBED_ORIGINS=ORIGINS).test_client(use_cookies=False)


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict((part.split(" ", 1) + [""])[:2] for part in policy.split("; "))


def test_embed_js_is_served_as_javascript_gzipped_and_small(client):
    response = client.get("/embed.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.cache_control.max_age <= 3600
    assert len(response.data) <= LOADER_LIMIT
    assert gzip.decompress(response.data) == (ROOT / "static" / "embed.js").read_bytes()


def test_embed_js_plain_and_revalidated(client):
    first = client.get("/embed.js")
    assert "Content-Encoding" not in first.headers
    assert first.data == (ROOT / "static" / "embed.js").read_bytes()
    again = client.get("/embed.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["embed.js", "frame.js"])
def test_scripts_use_no_cookies_storage_or_other_requests(name):
    source = (ROOT / "static" / name).read_text()
    for banned in (
        "document.cookie",
        "localStorage",
        "sessionStorage",
        "fetch(",
        "XMLHttpRequest",
        "eval(",
        "'*'",
        '"*"',
    ):
        assert banned not in source, banned


def test_quiz_pages_may_be_framed_by_the_allow_list_only(framed):
    found = directives(framed.get("/q/coaching-fit"))
    assert found["frame-ancestors"] == "'self' https://coach.example.com http://127.0.0.1:5000"
    assert found["script-src"] == "'self'"
    assert found["style-src"] == "'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # empty <style> only
    assert found["img-src"] == "'self' data:"


@pytest.mark.parametrize("path", ["/coach/", "/coach/login", "/coach/export.csv", "/coach"])
def test_coach_pages_can_never_be_framed(framed, path):
    response = framed.get(path)
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/q/coaching-fit", "/coach/login", "/healthz", "/embed.js", "/theme.css", "/nowhere"])
def test_every_response_carries_the_common_headers(framed, path):
    response = framed.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/embed.js", "/theme.css", "/q/coaching-fit"])
def test_embedding_sets_no_cookie(framed, path):
    assert "Set-Cookie" not in framed.get(path + "?embed=1&host=https://coach.example.com").headers


def test_hsts_only_when_https_is_forced(make_app):
    response = make_app(FORCE_HTTPS=True).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "upgrade-insecure-requests" in directives(response)


def test_allow_list_comes_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("QUIZ_EMBED_ORIGINS", "https://Coach.Example:443/ http://localhost:8080")
    found = directives(make_app().test_client().get("/q/coaching-fit"))
    assert found["frame-ancestors"] == "'self' https://coach.example http://localhost:8080"


@pytest.mark.parametrize(
    "bad",
    [
        "coach.example.com",
        "ftp://x.org",
        "https://x.org/path",
        "https://*.x.org",
        "https://u:p@x.org",
        "https://x.org?q=1",
        "https://x.org:99999",
        "'self'",
    ],
)
def test_bad_origin_stops_the_start_naming_it(make_app, bad):
    with pytest.raises(ValueError, match="QUIZ_EMBED_ORIGINS") as caught:
        make_app(EMBED_ORIGINS=f"https://ok.example {bad}")
    assert bad in str(caught.value)


def test_origins_are_normalised_and_deduplicated():
    assert parse_origin("HTTP://[::1]:80") == "http://[::1]"
    assert parse_origins(["https://a.example", "https://a.example:443/"]) == ("https://a.example",)
    assert parse_origins("") == ()


def test_start_up_log_says_who_may_embed(make_app, caplog):
    with caplog.at_level(logging.INFO):
        make_app(EMBED_ORIGINS=ORIGINS)
        make_app()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Embedding:")]
    assert lines == [
        "Embedding: the quiz may be framed by this site and https://coach.example.com http://127.0.0.1:5000",
        "Embedding: only this site may frame the quiz (set QUIZ_EMBED_ORIGINS to allow others)",
    ]


def test_theme_sheet_takes_config_then_valid_query_values(make_app):
    client = make_app(THEME_ACCENT="#336699", THEME_RADIUS=10).test_client()
    css = client.get("/theme.css").get_data(as_text=True)
    assert "--accent:#336699;" in css and "--radius:10px;" in css and "--accent-text:#ffffff;" in css
    css = client.get("/theme.css?accent=%23ffcc00&radius=99&mode=dark").get_data(as_text=True)
    assert "--accent:#ffcc00;" in css and "--radius:10px;" in css and "--accent-text:#000000;" in css
    assert "color-scheme:dark" in css


def test_theme_sheet_ignores_injection(client):
    response = client.get("/theme.css", query_string={"accent": "#fff;}body{x:y", "font": "a;}*{b:c"})
    assert response.mimetype == "text/css"
    text = response.get_data(as_text=True)
    assert text.count("}") == 3 and "body{" not in text and "*{" not in text  # :root, and :root inside @media


def test_embed_args_keep_only_valid_values(framed):
    app = framed.application
    query = "/q/x?embed=1&host=https://coach.example.com&accent=%23f00&font=a;b&locale=de-DE&radius=3&junk=1"
    with app.test_request_context(query):
        assert embed.embed_args(embed.request.args) == {
            "embed": "1",
            "host": "https://coach.example.com",
            "accent": "#ff0000",
            "radius": "3",
            "locale": "de-DE",
        }
        values: dict[str, object] = {"quiz_id": "x"}
        embed.keep_embed_args("taker.step", values)
        assert values["host"] == "https://coach.example.com" and values["accent"] == "#ff0000"
        untouched: dict[str, object] = {}
        embed.keep_embed_args("coach.dashboard", untouched)
        assert untouched == {}


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("https://coach.example.com", "https://coach.example.com"),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        ("http://localhost", "http://localhost"),
        ("https://evil.example", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_frame_script_only_learns_allowed_hosts(framed, host, allowed):
    with framed.application.test_request_context("/q/x", query_string={"host": host}):
        assert embed.embed_context()["embed_host"] == allowed


def test_snippet_for_the_public_url(app, runner):
    app.config["PUBLIC_URL"] = "https://quiz.example.com/"
    result = runner.invoke(main, ["embed-snippet"])
    assert result.exit_code == 0, result.output
    assert '<script src="https://quiz.example.com/embed.js" data-quiz="coaching-fit" async></script>' in result.output
    assert '<noscript><a href="https://quiz.example.com/q/coaching-fit">' in result.output
    assert '<iframe src="https://quiz.example.com/q/coaching-fit?embed=1" title="' in result.output


def test_snippet_needs_a_public_url(runner):
    result = runner.invoke(main, ["embed-snippet"])
    assert result.exit_code == 2
    assert "QUIZ_PUBLIC_URL" in result.output


def test_snippet_url_option_and_unknown_quiz(runner):
    assert (
        "https://other.example/embed.js"
        in runner.invoke(main, ["embed-snippet", "--url", "https://other.example"]).output
    )
    assert runner.invoke(main, ["embed-snippet", "--url", "https://x.example", "--quiz", "nope"]).exit_code == 2


@pytest.mark.parametrize(("accept", "zipped"), [("gzip", True), ("gzip;q=0", False), ("identity", False)])
def test_embed_js_honours_a_refused_gzip(make_app, accept, zipped):
    client = make_app().test_client()
    response = client.get("/embed.js", headers={"Accept-Encoding": accept})
    assert (response.headers.get("Content-Encoding") == "gzip") is zipped
