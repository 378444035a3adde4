"""The settings page: checked as strictly as the QUIZ_ variables, server settings win, changes apply at once."""

from __future__ import annotations

import base64
import io
import re

import pytest
from werkzeug.security import generate_password_hash

from quiz import create_app
from quiz.coach import auth as coach_auth

PASSWORD = "correct horse battery"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def make(tmp_path, monkeypatch, **config):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, **config})
    coach_auth.password_file(app.instance_path).write_text(generate_password_hash(PASSWORD, "pbkdf2:sha256:1"))
    client = app.test_client()
    client.post("/coach/login", data={"csrf_token": token(client, "/coach/login"), "password": PASSWORD})
    return app, client


def token(client, path="/coach/settings"):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)


def save(client, **fields):
    return client.post("/coach/settings", data={"csrf_token": token(client), **fields})


@pytest.fixture()
def coach(tmp_path, monkeypatch):
    return make(tmp_path, monkeypatch)


def test_a_change_applies_to_the_quiz_at_once(coach):
    app, client = coach
    response = save(
        client,
        booking_url="https://coach.example/book",
        coach_name="Sam Lee",
        embed_origins="https://www.coach.example\nhttps://blog.example:8443/",
        theme_accent="#336699",
        consent_mode="opt-in",
        retention_days="400",
    )
    assert response.status_code == 303 and "saved=1" in response.headers["Location"]
    quiz = app.test_client(use_cookies=False)
    page = quiz.get("/q/coaching-fit")
    frame = page.headers["Content-Security-Policy"]
    assert "https://www.coach.example" in frame and "https://blog.example:8443" in frame
    assert 'name="consent" value="yes" checked' not in page.text, "opt-in: the box starts unticked"
    assert "--accent:#336699" in quiz.get("/theme.css").text
    assert 'id="booking-notice"' not in client.get("/coach/").text
    assert "https://blog.example:8443" in client.get("/coach/embed").text
    saved = app.extensions["quiz.store"].settings(["retention_days", "embed_origins", "coach_name"])
    assert saved == {
        "retention_days": "400",
        "embed_origins": "https://www.coach.example https://blog.example:8443",
        "coach_name": "Sam Lee",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("booking_url", "javascript:alert(1)"),
        ("booking_url", "https://coach.example/a b"),
        ("booking_url", "coach.example/book"),
        ("coach_name", "x" * 61),
        ("coach_name", "line\nbreak"),
        ("coach_initials", "J.S"),
        ("embed_origins", "https://*.example"),
        ("embed_origins", "https://coach.example/path"),
        ("theme_accent", "red"),
        ("theme_font", "Arial;}"),
        ("theme_radius", "25"),
        ("theme_mode", "dim"),
        ("consent_mode", "opt_in"),
        ("retention_days", "-1"),
        ("retention_days", "soon"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(coach, field, value):
    app, client = coach
    other = "coach_initials" if field == "coach_name" else "coach_name"
    response = save(client, **{other: "SL", field: value})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text and f'id="{field}-error"' in response.text
    assert app.extensions["quiz.store"].settings([other, field]) == {}


def test_an_empty_field_goes_back_to_the_default(coach):
    app, client = coach
    save(client, coach_name="Sam")
    save(client, coach_name="")
    assert app.extensions["quiz.store"].settings(["coach_name"]) == {}


def test_the_server_setting_wins_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_BOOKING_URL", "https://server.example/book")
    app, client = make(tmp_path, monkeypatch)
    page = client.get("/coach/settings").text
    assert "Set by the server" in page and "https://server.example/book" in page
    assert 'name="booking_url"' not in page
    assert save(client, booking_url="https://coach.example/other").status_code == 303
    assert app.extensions["quiz.store"].settings(["booking_url"]) == {}


def test_a_photo_is_kept_as_a_data_url_and_can_go(coach):
    app, client = coach
    sent = {"csrf_token": token(client), "coach_photo": (io.BytesIO(PNG), "me.png")}
    assert client.post("/coach/settings", data=sent, content_type="multipart/form-data").status_code == 303
    photo = app.extensions["quiz.store"].settings(["coach_photo"])["coach_photo"]
    assert photo.startswith("data:image/png;base64,") and base64.b64decode(photo.split(",", 1)[1]) == PNG
    assert photo in client.get("/coach/settings").text
    bad = {"csrf_token": token(client), "coach_photo": (io.BytesIO(b"<svg onload=x>"), "x.svg")}
    response = client.post("/coach/settings", data=bad, content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="coach_photo-error"' in response.text
    assert save(client, remove_photo="yes").status_code == 303
    assert app.extensions["quiz.store"].settings(["coach_photo"]) == {}


def test_the_form_needs_its_token(coach):
    app, client = coach
    assert client.post("/coach/settings", data={"coach_name": "Sam"}).status_code == 400
    assert app.extensions["quiz.store"].settings(["coach_name"]) == {}
