"""The coach's Embed page: behind login, each quiz's snippets for the public URL, copy script, preview, no framing."""

from __future__ import annotations

import html
import re

import pytest

from quiz import create_app
from quiz.coach import auth as coach_auth
from quiz.web.embed import snippet_parts
from tests.test_coach import PASSWORD, login

PUBLIC = "https://quiz.example.com"


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test" * 32, "PUBLIC_URL": PUBLIC, "EMBED_ORIGINS": "https://coach.example.com"}
    )
    coach_auth.set_password(app.instance_path, PASSWORD)
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def page(client):
    login(client)
    response = client.get("/coach/embed")
    assert response.status_code == 200
    return response


def test_embed_page_needs_login(client):
    response = client.get("/coach/embed")
    assert response.status_code == 302 and "/coach/login?next=/coach/embed" in response.headers["Location"]


def test_dashboard_links_to_the_embed_page(client):
    login(client)
    assert 'href="/coach/embed"' in client.get("/coach/").text


def test_each_quiz_shows_its_snippets_for_the_public_url(app, page):
    text = html.unescape(page.text)
    quizzes = app.extensions["quiz.banks"]
    assert quizzes
    for quiz_id, bank in quizzes.items():
        part = snippet_parts(PUBLIC, quiz_id, bank.title)
        for code in part:
            assert f">{code}</textarea>" in text
        assert f'<script src="{PUBLIC}/embed.js" data-quiz="{quiz_id}" async></script>' in text
    assert "https://coach.example.com" in page.text and "QUIZ_EMBED_ORIGINS" in page.text
    assert 'id="public-url-note"' in page.text and "opened at" not in page.text


def test_without_a_public_url_the_page_uses_the_host_and_says_to_set_it(app, client):
    app.config["PUBLIC_URL"] = ""
    login(client)
    text = html.unescape(client.get("/coach/embed").text)
    assert '<script src="http://localhost/embed.js" data-quiz="coaching-fit" async></script>' in text
    assert "QUIZ_PUBLIC_URL" in text and "opened at" in text


def test_copy_script_is_referenced_and_served(client, page):
    src = re.search(r'<script src="(/static/coach-embed\.js[^"]*)" defer></script>', page.text)
    assert src
    script = client.get(html.unescape(src.group(1)))
    assert script.status_code == 200 and "navigator.clipboard.writeText" in script.text
    assert re.search(r'<button[^>]*data-copy="snippet-coaching-fit-script"', page.text)
    assert 'role="status" aria-live="polite"' in page.text


def test_no_inline_script_or_style(page):
    # The snippets' own style="border:0" is escaped text in a textarea, so a raw attribute would be real markup.
    assert not re.search(r'\sstyle="|<style', page.text)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    assert not re.search(r"\son[a-z]+=", page.text)


def test_preview_iframe_points_at_the_quiz_in_embed_mode(client, page):
    frame = re.search(
        r'<iframe class="embed-preview" src="([^"]+)" title="Preview of [^"]+" loading="lazy">', page.text
    )
    assert frame and html.unescape(frame.group(1)) == "/q/coaching-fit?embed=1"
    quiz = client.get("/q/coaching-fit?embed=1")
    assert quiz.status_code == 200
    assert "frame-ancestors 'self'" in quiz.headers["Content-Security-Policy"]


def test_embed_page_cannot_be_framed(page):
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
