"""Cookie-free state: form tokens, state fields and result permalinks, each encrypted and authenticated."""

from __future__ import annotations

import base64
import importlib
import struct
from types import SimpleNamespace

import pytest

from quiz.web.tokens import QuizState, StateError, Tokens

TOKENS = importlib.import_module("quiz.web.tokens")  # the module, which quiz.web's tokens() function shadows
NOW = 1_790_000_000  # a fixed clock, so a test can look for the exact time in a token's bytes


@pytest.fixture()
def tokens() -> Tokens:
    return Tokens("test-secret" * 4, max_age=3600, result_max_age=7 * 24 * 3600)


@pytest.fixture()
def clock(monkeypatch):
    """Set the tokens' clock: clock(t) makes every token read and written at time t."""

    def set_to(seconds: float) -> None:
        monkeypatch.setattr(TOKENS, "time", SimpleNamespace(time=lambda: seconds))

    return set_to


def raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_state_round_trips(bank, tokens):
    state = QuizState("mood", {"gad2_1": 2, "lg_work_sat": -1}, ("gad2_1",), consent=True, origin="https://a.example")
    back = tokens.load_state(tokens.dump_state(bank, state), bank)
    assert back == state


def test_state_is_encrypted_and_compressed(bank, tokens):
    answers = {f"who5_{i}": 5 for i in range(1, 6)} | {f"q{i}": i % 4 for i in range(45)}
    token = tokens.dump_state(bank, QuizState("parts", answers, consent=True, origin="https://a.example"))
    for readable in (b"who5_1", b"a.example", b"parts", b'"c":true'):
        assert readable not in raw(token), "a shared screen's page source must show no answers"
    assert len(token) < 400, "45 answers fit a small hidden field"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("xx" if t[-2:] != "xx" else "yy"),
        lambda t: t[:20] + "A" + t[21:],
        lambda t: t[:40],
        str.upper,
    ],
)
def test_tampered_state_is_refused(bank, tokens, mangle):
    token = tokens.dump_state(bank, QuizState("mood", {"gad2_1": 1}))
    assert mangle(token) != token
    with pytest.raises(StateError):
        tokens.load_state(mangle(token), bank)


def test_state_from_another_secret_is_refused(bank, tokens):
    forged = Tokens("other-secret" * 4, 3600).dump_state(bank, QuizState())
    with pytest.raises(StateError):
        tokens.load_state(forged, bank)


def test_form_token_checks_quiz_and_version(bank, tokens):
    token = tokens.form_token(bank)
    tokens.check_form_token(token, bank)
    with pytest.raises(StateError):
        tokens.check_form_token(token, bank.model_copy(update={"version": bank.version + 1}))


def test_each_form_token_is_its_own_and_its_spent_mark_names_no_token(bank, tokens):
    first, second = tokens.form_token(bank), tokens.form_token(bank)
    assert first != second
    marks = {tokens.spent_digest(first), tokens.spent_digest(second), tokens.spent_digest(first)}
    assert len(marks) == 2 and all(len(m) == 64 and first not in m for m in marks)
    other = Tokens("other-secret" * 4, 3600)
    assert other.spent_digest(other.form_token(bank)) not in marks


def test_expired_tokens_are_refused(bank, tokens, clock):
    clock(NOW - 7200)
    old_form, old_state = tokens.form_token(bank), tokens.dump_state(bank, QuizState())
    clock(NOW)
    with pytest.raises(StateError, match="expired"):
        tokens.check_form_token(old_form, bank)
    with pytest.raises(StateError, match="expired"):
        tokens.load_state(old_state, bank)


def test_a_form_token_tells_its_age(bank, tokens, clock):
    clock(NOW - 90)
    token = tokens.form_token(bank)
    clock(NOW)
    assert tokens.check_form_token(token, bank) == 90


def test_token_kinds_are_kept_apart(bank, tokens):
    with pytest.raises(StateError):
        tokens.load_state(tokens.form_token(bank), bank)
    with pytest.raises(StateError):
        tokens.check_form_token(tokens.dump_state(bank, QuizState()), bank)
    with pytest.raises(StateError):
        tokens.load_result(tokens.form_token(bank), bank)


def test_result_token_round_trips_and_hides_the_answers(bank, tokens):
    answers = {"phq9_9": 2, "gad2_1": 3, "lg_work_sat": -1}
    token = tokens.result_token(bank, answers)
    assert tokens.load_result(token, bank) == {"phq9_9": 2, "gad2_1": 3, "lg_work_sat": -1}
    assert len(token) < 200
    assert b"phq9_9" not in raw(token) and "phq9_9" not in token


def test_a_result_link_carries_no_readable_time(bank, tokens, clock):
    clock(NOW)
    token = tokens.result_token(bank, {"gad2_1": 1})
    data = raw(token)
    made, expires = NOW, NOW + 7 * 24 * 3600
    for moment in (made, expires, made // 60, expires // 60, made // 3600, expires // 3600, made // 86400):
        for packed in (struct.pack(">Q", moment), struct.pack(">I", moment), str(moment).encode()):
            assert packed not in data, f"the link shows the time {moment}"
    assert tokens.load_result(token, bank) == {"gad2_1": 1}


def test_result_token_refuses_tampering_other_keys_and_other_banks(bank, tokens):
    token = tokens.result_token(bank, {"gad2_1": 1})
    other = Tokens("other" * 8, 3600).result_token(bank, {"gad2_1": 1})
    for bad in (token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), token[5:], "x", other):
        with pytest.raises(StateError):
            tokens.load_result(bad, bank)
    with pytest.raises(StateError):
        tokens.load_result(token, bank.model_copy(update={"version": bank.version + 1}))


def test_result_links_expire_after_the_result_max_age(bank, tokens, clock):
    clock(NOW)
    token = tokens.result_token(bank, {"gad2_1": 1})
    clock(NOW + 7 * 24 * 3600 - 1)
    assert tokens.load_result(token, bank) == {"gad2_1": 1}
    clock(NOW + 7 * 24 * 3600 + 1)
    with pytest.raises(StateError, match="expired"):
        tokens.load_result(token, bank)


def test_a_result_max_age_of_0_keeps_links_for_good(bank, clock):
    forever = Tokens("test-secret" * 4, 3600, result_max_age=0)
    clock(NOW)
    token = forever.result_token(bank, {"gad2_1": 1})
    clock(NOW + 10 * 365 * 24 * 3600)
    assert forever.load_result(token, bank) == {"gad2_1": 1}


def test_the_real_clock_is_used_by_default(bank, tokens):
    assert 0 <= tokens.check_form_token(tokens.form_token(bank), bank) < 5
