"""Cookie-free state: signed form tokens and state fields, encrypted result permalinks."""

from __future__ import annotations

import base64
import time
import zlib

import pytest
from itsdangerous import TimestampSigner

from quiz.web.tokens import QuizState, StateError, Tokens


@pytest.fixture()
def tokens() -> Tokens:
    return Tokens("test-secret", max_age=3600)


def test_state_round_trips(bank, tokens):
    state = QuizState("mood", {"gad2_1": 2, "lg_work_sat": -1}, ("gad2_1",), consent=True, origin="https://a.example")
    back = tokens.load_state(tokens.dump_state(bank, state), bank)
    assert back == state


def test_state_is_compressed(bank, tokens):
    answers = {f"q{i}": i % 4 for i in range(45)}
    token = tokens.dump_state(bank, QuizState("parts", answers))
    assert token.startswith(".")  # itsdangerous marks a zlib-compressed payload with a leading dot


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: t.replace(".", "!", 1), lambda t: ""])
def test_tampered_state_is_refused(bank, tokens, mangle):
    token = tokens.dump_state(bank, QuizState("mood", {"gad2_1": 1}))
    with pytest.raises(StateError):
        tokens.load_state(mangle(token), bank)


def test_state_from_another_secret_is_refused(bank, tokens):
    forged = Tokens("other-secret", 3600).dump_state(bank, QuizState())
    with pytest.raises(StateError):
        tokens.load_state(forged, bank)


def test_form_token_checks_quiz_and_version(bank, tokens):
    token = tokens.form_token(bank)
    tokens.check_form_token(token, bank)
    with pytest.raises(StateError):
        tokens.check_form_token(token, bank.model_copy(update={"version": bank.version + 1}))


def test_expired_tokens_are_refused(bank, tokens, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 7200)
    old_form, old_state = tokens.form_token(bank), tokens.dump_state(bank, QuizState())
    monkeypatch.undo()
    with pytest.raises(StateError, match="expired"):
        tokens.check_form_token(old_form, bank)
    with pytest.raises(StateError):
        tokens.load_state(old_state, bank)


def test_salts_keep_token_kinds_apart(bank, tokens):
    with pytest.raises(StateError):
        tokens.load_state(tokens.form_token(bank), bank)
    with pytest.raises(StateError):
        tokens.check_form_token(tokens.dump_state(bank, QuizState()), bank)


def test_result_token_round_trips_and_hides_the_answers(bank, tokens):
    answers = {"phq9_9": 2, "gad2_1": 3, "lg_work_sat": -1}
    token = tokens.result_token(bank, answers)
    assert tokens.load_result(token, bank) == {"phq9_9": 2, "gad2_1": 3, "lg_work_sat": -1}
    assert len(token) < 200
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"phq9_9" not in raw and b"phq9_9" not in zlib.compress(b"") + raw
    assert "phq9_9" not in token


def test_result_token_refuses_tampering_other_keys_and_other_banks(bank, tokens):
    token = tokens.result_token(bank, {"gad2_1": 1})
    for bad in (token[:-4] + "AAAA", token[5:], "x", Tokens("other", 3600).result_token(bank, {"gad2_1": 1})):
        with pytest.raises(StateError):
            tokens.load_result(bad, bank)
    with pytest.raises(StateError):
        tokens.load_result(token, bank.model_copy(update={"version": bank.version + 1}))


def test_result_token_can_expire(bank, tokens):
    token = tokens.result_token(bank, {"gad2_1": 1})
    time.sleep(1.1)
    with pytest.raises(StateError):
        tokens.load_result(token, bank, max_age=0)
