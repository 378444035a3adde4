"""Secrets and data on disk: private modes whatever the umask, a refusal to serve exposed data, strong credentials."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import create_app
from quiz.cli import main
from quiz.coach import auth as coach_auth
from quiz.store import Record

OWASP_SCRYPT = coach_auth.HASH_METHOD  # read at import, before conftest swaps in a cheap hash for speed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def umask():
    """Set the umask for one test, and put it back after."""
    found: list[int] = []
    yield lambda value: found.append(os.umask(value))
    if found:
        os.umask(found[0])


@pytest.mark.parametrize("value", [0o022, 0o000])
def test_the_instance_folder_is_0700_and_the_database_and_its_wal_files_0600(tmp_path, monkeypatch, umask, value):
    umask(value)
    instance = tmp_path / "instance"
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(instance))
    app = create_app({"TESTING": True})
    with app.extensions["quiz.store"].engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM responses")  # an open connection keeps -wal and -shm
        files = [instance / name for name in ("quiz.sqlite3", "quiz.sqlite3-wal", "quiz.sqlite3-shm", "secret_key")]
        assert all(f.exists() for f in files), sorted(p.name for p in instance.iterdir())
        assert [mode(f) for f in files] == [0o600] * 4
    assert mode(instance) == 0o700


def serve(env: dict[str, str], monkeypatch) -> tuple[int, str, list[object]]:
    """Run `quiz serve` without starting a server; return the exit code, the output, and what would have run."""
    started: list[object] = []
    monkeypatch.setattr("quiz.server.run", lambda app, host, port: started.append(app))
    result = CliRunner().invoke(main, ["serve"], env=env)
    return result.exit_code, result.output, started


def test_serve_refuses_an_instance_or_database_others_can_read(tmp_path, monkeypatch, umask):
    umask(0o022)
    instance = tmp_path / "instance"
    env = {"QUIZ_INSTANCE_PATH": str(instance)}
    code, _, started = serve(env, monkeypatch)
    assert code == 0 and len(started) == 1, "a fresh instance is private, so it serves"
    for path, fix in ((instance, "chmod 700"), (instance / "quiz.sqlite3", "chmod 600")):
        path.chmod(0o755 if path.is_dir() else 0o644)
        code, output, started = serve(env, monkeypatch)
        assert code == 1 and not started
        assert "Refusing to start" in output and f"{path} is open to other users" in output
        assert f"{fix} {path}" in output, output
        path.chmod(0o700 if path.is_dir() else 0o600)
    assert serve(env, monkeypatch)[0] == 0


def test_the_first_start_password_goes_to_a_private_file_not_the_log(tmp_path, monkeypatch, umask):
    umask(0o022)
    instance = tmp_path / "instance"
    code, output, started = serve({"QUIZ_INSTANCE_PATH": str(instance)}, monkeypatch)
    saved = instance / coach_auth.FIRST_PASSWORD_FILE
    assert code == 0 and started and mode(saved) == 0o600
    password = saved.read_text().strip()
    assert len(password) >= 20 and password not in output
    assert str(saved) in output
    assert coach_auth.check(instance, password)
    assert str(saved) not in serve({"QUIZ_INSTANCE_PATH": str(instance)}, monkeypatch)[1], "only on the first start"
    coach_auth.set_password(instance, "a new and long passphrase")
    assert not saved.exists(), "a password set by the coach retires the first one's file"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "at least 12 characters"),
        ("short one", "at least 12 characters"),
        ("qwerty123456", "10,000 most common passwords"),
        ("LeaveMeAlone", "10,000 most common passwords"),
        ("aaaaaaaaaaaa", "more than three different characters"),
        ("abababababab", "more than three different characters"),
    ],
)
def test_set_password_refuses_a_weak_password_and_says_why(app, runner, password, message):
    result = runner.invoke(main, ["set-password"], input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert coach_auth.stored_hash(app.instance_path) is None


def test_the_common_password_list_is_bundled_with_its_licence():
    assert len(coach_auth.common_passwords()) == 10_000
    licence = coach_auth.COMMON_PASSWORDS.with_name("common-passwords.LICENSE.txt").read_text()
    assert "MIT License" in licence and "zxcvbn" in licence


@pytest.mark.parametrize("secret", ["a", "x" * 31, "é" * 15])
def test_a_short_secret_key_is_refused_with_a_clear_message(tmp_path, monkeypatch, secret):
    env = {"QUIZ_INSTANCE_PATH": str(tmp_path / "instance"), "QUIZ_SECRET_KEY": secret}
    code, output, started = serve(env, monkeypatch)
    assert code == 1 and not started
    assert "QUIZ_SECRET_KEY must be at least 32 bytes long" in output and "secrets.token_urlsafe" in output
    assert "Traceback" not in output


def test_new_hashes_use_owasp_scrypt_and_old_ones_upgrade_at_login(tmp_path, monkeypatch):
    monkeypatch.setattr(coach_auth, "HASH_METHOD", OWASP_SCRYPT)
    assert OWASP_SCRYPT == "scrypt:131072:8:1"
    coach_auth.set_password(tmp_path, "a long coach passphrase")
    assert coach_auth.stored_hash(tmp_path).startswith("scrypt:131072:8:1$")
    from werkzeug.security import generate_password_hash

    old = generate_password_hash("an older passphrase", "scrypt:32768:8:1")
    coach_auth.password_file(tmp_path).write_text(old)
    assert not coach_auth.check(tmp_path, "not the passphrase")
    assert coach_auth.stored_hash(tmp_path) == old, "a failed login changes nothing"
    assert coach_auth.check(tmp_path, "an older passphrase")
    upgraded = coach_auth.stored_hash(tmp_path)
    assert upgraded.startswith("scrypt:131072:8:1$") and mode(coach_auth.password_file(tmp_path)) == 0o600
    assert coach_auth.check(tmp_path, "an older passphrase") and coach_auth.stored_hash(tmp_path) == upgraded


def test_no_response_id_starts_with_a_spreadsheet_formula_character():
    new_id = next(f for f in dataclasses.fields(Record) if f.name == "id").default_factory
    ids = [new_id() for _ in range(100_000)]  # type: ignore[misc]
    assert not [i for i in ids if i[0] in "-=+@"]
    assert len(set(ids)) == len(ids) and max(map(len, ids)) <= 24


def test_x_forwarded_host_is_never_trusted(tmp_path, monkeypatch, bank):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "PROXY_COUNT": 1})
    with app.app_context():
        link = app.extensions["quiz.tokens"].result_token(bank, {"phq9_9": 0})
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    html = app.test_client().get(f"/q/{bank.id}/r/{link}", headers=headers).get_data(as_text=True)
    assert "evil.example" not in html
    assert f"https://localhost/q/{bank.id}/r/" in html, "X-Forwarded-Proto from the one trusted proxy still counts"
