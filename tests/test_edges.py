"""Edges a hostile or careless client can reach: bad Host headers, deep JSON, odd config, logged failures."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from answer_sets import THRIVING
from api_helpers import started
from werkzeug.test import EnvironBuilder

from quiz import create_app
from quiz.bank import InvalidBank, parse_bank


@pytest.mark.parametrize("host", ["x:99999", "quiz.example:70000"])
def test_malformed_host_header_is_a_plain_400(app, host):
    environ = EnvironBuilder(path="/q/coaching-fit", query_string={"host": "https://evil.example"}).get_environ()
    environ["HTTP_HOST"] = host
    status: list[str] = []
    body = b"".join(app.wsgi_app(environ, lambda s, headers: status.append(s)))
    assert status == ["400 BAD REQUEST"] and body == b"Bad Host header."


@pytest.mark.parametrize("url", ["/api/v1/quizzes/coaching-fit/score", "/api/v1/quizzes/coaching-fit/responses"])
def test_json_nested_thousands_deep_is_a_400(client, url):
    body = b'{"answers": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_yaml_nested_thousands_deep_is_a_bank_error():
    with pytest.raises(InvalidBank, match="nested too deeply"):
        parse_bank("a: " + "[" * 5000 + "]" * 5000)


def test_a_numeric_secret_key_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QUIZ_SECRET_KEY", "1234567890" * 4)
    response = create_app({"TESTING": True}).test_client(use_cookies=False).get("/q/coaching-fit")
    assert response.status_code == 200


def test_an_unknown_consent_mode_stops_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ValueError, match="QUIZ_CONSENT_MODE"):
        create_app({"TESTING": True, "CONSENT_MODE": "opt_in"})


def test_a_failed_save_logs_no_answers(app, client, caplog):
    with app.extensions["quiz.store"].engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE monthly"))  # the next save fails half-way through, after its response row
    marker = {**THRIVING, "lg_work_sat": 7, "lg_work_imp": 3}
    with caplog.at_level(logging.ERROR):
        body = started(client, {"answers": marker, "consent": True})
        response = client.post("/api/v1/quizzes/coaching-fit/responses", json=body)
    assert response.status_code == 200 and response.get_json()["stored"] is False
    assert "could not store a response" in caplog.text
    assert "lg_work_sat" not in caplog.text, "the statement's parameters (the answers) reached the log"
    with app.extensions["quiz.store"].engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 0, "nothing half-written"
