"""The coach's pages: login, sessions that end, the shared throttle, the dashboard, summary.json, export, settings."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from api_helpers import started

from quiz import create_app
from quiz.coach import auth as coach_auth
from quiz.coach import views
from quiz.coach.export import AGGREGATE
from tests.storage_helpers import example_record, varied_records

PASSWORD = "correct horse battery"
TODAY = date(2025, 5, 3)
MONTH = [(date(2025, 3, d), None, 1, 4) for d in (3, 10, 17, 24)]  # 16 responses in March


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setattr(views, "today", lambda: TODAY)
    # A one-round hash keeps the many logins quick; the check itself is the production code.
    monkeypatch.setattr(coach_auth, "HASH_METHOD", "pbkdf2:sha256:1")
    app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "LOGIN_LIMIT": "3 per minute;10 per hour"})
    coach_auth.set_password(app.instance_path, PASSWORD)
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def clock(monkeypatch):
    """Let a test move the coach's clock forward."""
    now = [1_000_000.0]
    monkeypatch.setattr(coach_auth, "now", lambda: now[0])
    return now


def _token(client, path="/coach/login"):
    page = client.get(path)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def login(client, password=PASSWORD, **kw):
    return client.post("/coach/login", data={"csrf_token": _token(client), "password": password}, **kw)


def fill(app, bank, plan=MONTH):
    records = varied_records(bank, plan, seed=2)
    app.extensions["quiz.store"].save(records)
    app.extensions["quiz.store"].add_events(Counter(("coaching-fit", r.day, "intro", "started") for r in records * 3))
    return records


def test_dashboard_needs_login(client):
    for path in ("/coach/", "/coach/summary.json", "/coach/export.csv", "/coach/settings", "/coach/embed"):
        response = client.get(path)
        assert response.status_code == 302 and "/coach/login" in response.headers["Location"], path


def test_login_needs_the_csrf_token(client):
    assert client.post("/coach/login", data={"password": PASSWORD}).status_code == 400
    assert client.get("/coach/").status_code == 302


def test_login_and_cookie_flags(client):
    response = login(client)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    client.get("/coach/")  # the first page after login keeps a form token in the session
    page = client.get("/coach/")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers, "a busy session is not renewed"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_cookie_is_secure_behind_tls(app):
    client = app.test_client()
    page = client.get("/coach/login", base_url="https://coach.example")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/coach/login", data={"csrf_token": token, "password": PASSWORD}, base_url="https://coach.example"
    )
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


def test_a_saved_cookie_fails_after_logout(app, client):
    login(client)
    saved = client.get_cookie("session").value
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/coach/").text).group(1)
    assert client.post("/coach/logout").status_code == 400
    assert client.post("/coach/logout", data={"csrf_token": token}).status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/coach/").status_code == 302
    assert thief.get("/coach/summary.json").status_code == 302


def test_a_session_ends_at_its_absolute_lifetime(client, clock):
    login(client)
    for _ in range(3):
        clock[0] += 4 * 3600 - 1  # in use all along
        assert client.get("/coach/").status_code == 200
    clock[0] += 4
    assert client.get("/coach/").status_code == 302, "12 hours after login, however busy"


def test_new_password_ends_old_sessions(app, client):
    login(client)
    coach_auth.set_password(app.instance_path, "another long password")  # even without `quiz set-password`
    assert client.get("/coach/").status_code == 302


def test_failed_logins_are_throttled_and_the_window_passes(client, clock):
    for _ in range(3):
        assert login(client, "wrong password!").status_code == 401
    assert login(client, "wrong password!").status_code == 429
    assert login(client).status_code == 429  # the right password waits too, or the throttle would tell it
    clock[0] += 30
    assert login(client).status_code == 429, "attempts while throttled do not count, but the window still holds"
    clock[0] += 31
    assert login(client).status_code == 303, "once the window has passed the right password works"


def test_the_throttle_keys_the_address_not_a_header(client, clock):
    for i in range(3):
        headers = {"X-Forwarded-For": f"203.0.113.{i}"}
        assert login(client, "wrong password!", headers=headers).status_code == 401
    assert login(client, headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 429
    other = {"REMOTE_ADDR": "198.51.100.7"}
    assert login(client, "wrong password!", environ_base=other).status_code == 401, "another address counts apart"


def test_the_hourly_limit_holds_too(client, clock):
    for _ in range(10):
        assert login(client, "wrong password!").status_code == 401
        clock[0] += 25  # under 3 a minute
    assert login(client).status_code == 429
    clock[0] += 3600
    assert login(client).status_code == 303


def test_failed_logins_keep_no_address(app, client, clock):
    login(client, "wrong password!", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    with app.extensions["quiz.store"].engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM login_failures")).all()
    assert len(rows) == 1 and "198.51.100.23" not in json.dumps([list(r) for r in rows])


def test_the_dashboard_reads_as_an_overview_then_details(app, bank, client):
    fill(app, bank)
    login(client)
    page = client.get("/coach/").text
    assert "Overview: March 2025" in page and page.index("overview-title") < page.index("scales-title")
    for anchor in ("trend-title", "scales-title", "questions-title", "reliability-title", "map-title", "export-title"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert bank.questions["who5_1"].text in page, "questions by their text"
    assert "<script>" not in page and "heatmap" not in page
    types = {
        t["type"]
        for f in re.findall(r'type="application/json"[^>]*>(.*?)</script>', page)
        for t in json.loads(f)["data"]
    }
    assert types <= {"bar", "scatter"} and types
    assert 'id="booking-notice"' in page


def test_the_notice_goes_once_a_booking_link_is_set(app, bank, client):
    login(client)
    app.extensions["quiz.store"].save_settings({"booking_url": "https://coach.example/book"})
    assert 'id="booking-notice"' not in client.get("/coach/").text


def test_a_week_shows_visits_only(app, bank, client):
    fill(app, bank)
    login(client)
    page = client.get("/coach/?kind=week&period=2025-W11").text
    assert 'id="weeks-note"' in page and 'id="outcomes-table"' not in page
    view = client.get("/coach/summary.json?kind=week&period=2025-W11").get_json()
    assert view["answers_shown"] is False and "outcomes" not in view and view["overview"]["now"]["started"] == 12


def test_small_cells_never_reach_the_page_or_the_json(app, bank, client):
    fill(app, bank, [(date(2025, 3, 3), None, 1, 12)])
    safety = next(i for i, e in enumerate(bank.examples) if e.expect == "crisis_support")
    app.extensions["quiz.store"].save([example_record(bank, safety, date(2025, 3, 4)) for _ in range(2)])
    login(client)
    view = client.get("/coach/summary.json").get_json()
    assert view["kept"] == 14 and view["crisis"] is None
    crisis = next(o for o in view["outcomes"] if o["id"] == "crisis_support")
    assert crisis["n"] is None and crisis["share"] is None
    assert all(o["n"] is None or o["n"] >= 5 for o in view["outcomes"])
    page = client.get("/coach/").text
    table = page[page.index('id="outcomes-table"') : page.index("</table>", page.index('id="outcomes-table"'))]
    assert re.search(r"Crisis support</th><td><span class=\"hidden-cell\">hidden", table)


def test_before_any_whole_period_there_is_nothing_to_show(app, bank, client):
    fill(app, bank, [(date(2025, 5, 2), None, 1, 20)])  # this month: not over yet
    login(client)
    assert 'id="nothing-yet"' in client.get("/coach/").text
    assert client.get("/coach/summary.json").status_code == 404
    assert client.get("/coach/summary.json?kind=month&period=2025-05").status_code == 404


def test_odd_query_parameters_get_a_message_not_an_error(app, bank, client):
    fill(app, bank)
    login(client)
    for query in (
        "kind=fortnight",
        "period=2025-13",
        "period=junk",
        "version=x",
        "quiz=nope",
        "site=%00",
        "period=2025-W99",
    ):
        response = client.get(f"/coach/summary.json?{query}")
        assert response.status_code == 200 and response.get_json()["errors"], query
        assert client.get(f"/coach/?{query}").status_code == 200


def test_export_is_aggregate_with_the_same_cells_hidden(app, bank, client):
    fill(app, bank)
    fill(app, bank, [(date(2025, 4, 7), None, 1, 3)])  # April: under k, left out
    login(client)
    response = client.get("/coach/export.csv?kind=month")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert tuple(rows[0]) == AGGREGATE and {r["period"] for r in rows} == {"2025-03", "2025-04"}
    view = client.get("/coach/summary.json?kind=month&period=2025-03").get_json()
    kept = next(r for r in rows if r["period"] == "2025-03" and r["figure"] == "kept")
    assert int(kept["n"]) == view["kept"] == 16
    crisis = next(r for r in rows if r["period"] == "2025-03" and r["figure"] == "crisis")
    assert crisis["n"] == ("" if view["crisis"] is None else str(view["crisis"]))
    assert not any(r["figure"] == "question" and r["id"] == "who5_1" and r["period"] == "2025-04" for r in rows)


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
    assert app.extensions["quiz.store"].count() == 1
    assert client.get("/healthz").status_code == 200


def test_an_expired_login_form_says_so(client):
    response = client.post("/coach/login", data={"password": "whatever", "csrf_token": "stale"})
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
