"""Shared fixtures: an app on a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz import create_app
from quiz.bank import Bank
from quiz.catalog import load_catalog
from quiz.coach import auth as coach_auth

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bank() -> Bank:
    """Return the default bank, fully validated."""
    return load_catalog([ROOT / "questions"])["coaching-fit"]


@pytest.fixture(autouse=True)
def machine_speed_is_not_careless(monkeypatch):
    """Let tests submit at machine speed: no careless check, bot floor or rate limit (their own tests opt in)."""
    monkeypatch.setenv("QUIZ_CARELESS_CHECK", "false")
    monkeypatch.setenv("QUIZ_MIN_HUMAN_SECONDS", "0")
    monkeypatch.setenv("QUIZ_SUBMIT_LIMIT", "100000 per minute")  # tests/test_abuse.py checks the real limit


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    """Hash coach passwords in microseconds (tests/test_passwords.py checks the real scrypt parameters)."""
    monkeypatch.setattr(coach_auth, "HASH_METHOD", "pbkdf2:sha256:1")


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret" * 32})
    yield app


@pytest.fixture()
def client(app):
    return app.test_client(use_cookies=False)


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()
