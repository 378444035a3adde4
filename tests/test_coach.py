"""The coach's pages: login with CSRF, throttling, logout, cookie flags, small groups hidden, the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from api_helpers import started

from quiz import create_app
from quiz.coach import auth as coach_auth
from quiz.store import Filters
from quiz.store.database import today
from tests.storage_helpers import example_record

PASSWORD = "correct horse battery"


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "LOGIN_LIMIT": "3 per minute"})
    coach_auth.set_password(app.instance_path, PASSWORD)
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def _token(client, path="/coach/login"):
    page = client.get(path)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def login(client, password=PASSWORD, **kw):
    return client.post("/coach/login", data={"csrf_token": _token(client), "password": password}, **kw)


def fill(app, bank, count, crisis=0):
    records = [example_record(bank, i, today()) for i in range(count)]
    safety = next(i for i, e in enumerate(bank.examples) if e.expect == "crisis_support")
    records += [example_record(bank, safety, today()) for _ in range(crisis)]
    app.extensions["quiz.store"].save_bulk(records)
    return records


def test_dashboard_needs_login(client):
    response = client.get("/coach/")
    assert response.status_code == 302 and "/coach/login" in response.headers["Location"]


def test_login_needs_the_csrf_token(client):
    assert client.post("/coach/login", data={"password": PASSWORD}).status_code == 400
    assert client.get("/coach/").status_code == 302


def test_login_logout_and_cookie_flags(client):
    response = login(client)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/coach/")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    assert client.post("/coach/logout").status_code == 400
    assert client.post("/coach/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/coach/").status_code == 302


def test_cookie_is_secure_behind_tls(app):
    client = app.test_client()
    page = client.get("/coach/login", base_url="https://coach.example")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/coach/login", data={"csrf_token": token, "password": PASSWORD}, base_url="https://coach.example"
    )
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


def test_failed_logins_are_throttled(client):
    for _ in range(3):
        assert login(client, "wrong password!").status_code == 401
    assert login(client, "wrong password!").status_code == 429
    assert login(client).status_code == 429  # even the right password waits out the limit


def test_new_password_ends_old_sessions(app, client):
    login(client)
    coach_auth.set_password(app.instance_path, "another long password")
    assert client.get("/coach/").status_code == 302


def test_small_cells_never_reach_the_page(app, bank, client):
    fill(app, bank, 12, crisis=2)
    login(client)
    page = client.get("/coach/").text
    summary = page[page.index('id="summary-table"') : page.index("</table>", page.index('id="summary-table"'))]
    assert "Responses kept</th><td>14<" in summary
    assert "hidden: fewer than 5" in summary  # the crisis count of 2
    outcomes = page[page.index('id="outcomes-table"') : page.index("</table>", page.index('id="outcomes-table"'))]
    crisis_row = re.search(r"<tr><th scope=\"row\">You deserve support[^<]*</th><td>(.*?)</td>", outcomes)
    assert crisis_row and "hidden" in crisis_row.group(1)
    assert ">2<" not in outcomes
    charts = re.findall(r'<script type="application/json" id="chart-outcomes-data">(.*?)</script>', page)
    assert '"x":[' in charts[0] and ",2," not in charts[0] and "[2," not in charts[0]


def test_below_the_minimum_everything_is_hidden(app, bank, client):
    fill(app, bank, 4)
    login(client)
    page = client.get("/coach/").text
    assert "The map is hidden" in page
    assert client.get("/coach/export.csv").status_code == 403


def test_export_csv_shape(app, bank, client):
    records = fill(app, bank, 7)
    login(client)
    response = client.get("/coach/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    header, data = rows[0], rows[1:]
    assert len(data) == len(records) and all(len(r) == len(header) for r in data)
    assert {"id", "day", "outcome", "who5_1", "phq9_9", "wellbeing.score", "healing_need.score"} <= set(header)
    assert {r[header.index("day")] for r in data} == {today().isoformat()}


def test_export_takes_the_filters(app, bank, client):
    fill(app, bank, 6)
    login(client)
    assert client.get("/coach/export.csv?start=2000-01-01&end=2000-01-31").status_code == 403
    assert client.get("/coach/export.csv?start=not-a-date").status_code == 400
    assert client.get(f"/coach/export.csv?start={today().isoformat()}").status_code == 200


def test_dashboard_filters_and_charts_render(app, bank, client):
    fill(app, bank, 10)
    login(client)
    page = client.get(f"/coach/?start={date(2000, 1, 1)}&quiz=coaching-fit&origin=direct")
    assert page.status_code == 200
    for name in ("over_time", "funnel", "outcomes", "scale_means", "distributions", "item_means", "plane"):
        assert f'id="chart-{name}-data"' in page.text
    assert "<script>" not in page.text  # no inline scripts


def test_storage_failure_still_returns_the_result_and_fails_health(app, bank, caplog):
    store = app.extensions["quiz.store"]
    store.engine = sa.create_engine("sqlite:////nonexistent/folder/quiz.sqlite3")
    client = app.test_client()
    example = bank.examples[0]
    body = started(client, {"answers": dict(example.answers), "consent": True}, bank.id)
    response = client.post(f"/api/v1/quizzes/{bank.id}/responses", json=body)
    assert response.status_code == 200
    assert response.json["outcome"]["id"] == example.expect and response.json["stored"] is False
    assert "nothing it came with is kept" in caplog.text
    assert client.get("/healthz").status_code == 503


def test_responses_endpoint_stores_only_with_consent(app, bank):
    client = app.test_client()
    example = bank.examples[0]
    url = f"/api/v1/quizzes/{bank.id}/responses"
    assert client.post(url, json=started(client, {"answers": dict(example.answers)})).json["stored"] is False
    kept = started(client, {"answers": dict(example.answers), "consent": True})
    assert client.post(url, json=kept).json["stored"] is True
    assert client.post(url, json=started(client, {"answers": {"who5_1": 99}, "consent": True})).status_code == 422
    assert client.post(url, data="nope").status_code == 400
    assert app.extensions["quiz.store"].count(Filters()) == 1
    assert client.get("/healthz").status_code == 200


def test_an_expired_login_form_says_so(client):
    response = client.post("/coach/login", data={"password": "whatever", "csrf_token": "stale"})
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
