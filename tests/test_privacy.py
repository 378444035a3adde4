"""Read back every stored table and column: no address, browser, URL, name, e-mail or free text is kept."""

from __future__ import annotations

import json
import re
import zlib

import pytest
import sqlalchemy as sa
from api_helpers import started

from quiz import create_app

ALLOWED = "https://coach.example"
IP = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}\b", re.I)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
COLUMNS = {
    "responses": {
        "id",
        "quiz_id",
        "bank_version",
        "day",
        "locale",
        "origin",
        "outcome",
        "crisis",
        "consent",
        "careless",
        "flags",
        "answers",
    },
    "response_scores": {"response_id", "scale", "raw", "score", "answered", "total"},
    "funnel": {"quiz_id", "day", "step", "event", "count"},
}
# The queue holds each saved response's rollup contributions until a fold adds them, keyed by its random id.
COLUMNS["queue"] = {"response_id", "day", "quiz_id", "bank_version", "origin", "contributions"}
COLUMNS["fold_lease"] = {"id", "until"}  # when a process may stop folding; nothing about anyone
CONTRIBUTIONS = {"outcome", "crisis", "scores", "items", "alpha"}


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "EMBED_ORIGINS": ALLOWED})


def _submit(client, bank, i, origin, consent=True):
    example = bank.examples[i % len(bank.examples)]
    return client.post(
        f"/api/v1/quizzes/{bank.id}/responses",
        json=started(
            client,
            {
                "answers": dict(example.answers),
                "consent": consent,
                "name": "Ada Lovelace",
                "email": "ada@example.org",
                "note": "I feel a lot of things today",
            },
            bank.id,
        ),
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0",
            "Origin": origin,
            "Referer": "https://coach.example/private/page?email=ada@example.org",
            "X-Forwarded-For": "203.0.113.7",
            "Cookie": "track=abc123",
        },
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )


def _every_value(engine):
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            columns = [c["name"] for c in sa.inspect(engine).get_columns(table)]
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    # The queue's contributions are compressed JSON: check the JSON itself.
                    yield table, column, zlib.decompress(value).decode() if column == "contributions" else value


def test_nothing_identifying_is_stored(app, bank):
    client = app.test_client()
    for i in range(6):
        assert _submit(client, bank, i, ALLOWED if i % 2 else "https://evil.example").status_code == 200
    _submit(client, bank, 0, ALLOWED, consent=False)
    engine = app.extensions["quiz.store"].engine
    inspector = sa.inspect(engine)
    for table, expected in COLUMNS.items():
        assert {c["name"] for c in inspector.get_columns(table)} == expected, table
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM queue")) == 6, "the queue is read below, unfolded"
        for packed in conn.scalars(sa.text("SELECT contributions FROM queue")):
            found = json.loads(zlib.decompress(packed))
            assert set(found) == CONTRIBUTIONS, "a queued response holds its outcome, scores and numbers only"
    seen = 0
    for table, column, value in _every_value(engine):
        seen += 1
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        assert not IP.search(text) or column == "day", (table, column, value)
        assert not EMAIL.search(text), (table, column, value)
        for needle in ("Mozilla", "TestBrowser", "Ada", "Lovelace", "abc123", "private", "feel"):
            assert needle not in text, (table, column, value)
        if "http" in text:
            assert (table, column, value) in {(table, "origin", ALLOWED)}, (table, column, value)
        if isinstance(value, str) and column not in ("answers", "flags"):
            assert " " not in value, (table, column, value)  # ids and codes only, never sentences
    assert seen > 100
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM responses")) == 6
        origins = set(conn.scalars(sa.text("SELECT origin FROM responses")))
    assert origins == {ALLOWED, None}


def test_answers_hold_only_numbers(app, bank):
    client = app.test_client()
    _submit(client, bank, 0, ALLOWED)
    with app.extensions["quiz.store"].engine.connect() as conn:
        answers = json.loads(conn.scalar(sa.text("SELECT answers FROM responses")))
    for value in answers.values():
        assert isinstance(value, int) or all(isinstance(v, int) for v in value)
