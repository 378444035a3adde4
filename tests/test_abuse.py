"""Careless answers get a gentle check; honeypot and impossibly fast submissions are not kept."""

from __future__ import annotations

from typing import Any

import pytest
from answer_sets import THRIVING
from test_taker import Taker, kept_responses, outcome_of

from quiz import create_app

LIFE_NOW = [k for k in THRIVING if k.startswith("lg_")]
SAME_EVERYWHERE = {**THRIVING, **dict.fromkeys(LIFE_NOW, 5)}


@pytest.fixture()
def kept(tmp_path, monkeypatch) -> tuple[Taker, list[dict[str, Any]]]:
    """Return a quiz taker on an app that checks careless answers, and the list of responses it keeps."""
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "CARELESS_CHECK": True, "MIN_HUMAN_SECONDS": 0})
    return Taker(app.test_client(use_cookies=False)), kept_responses(monkeypatch)


def run_to_check_page(taker: Taker, answers: dict[str, Any]) -> None:
    """Answer every step; stop on the careless-answer check page."""
    taker.start()
    for _ in range(12):
        response = taker.submit(answers)
        assert response.status_code == 200, "expected the check page before any result"
        if 'data-step="check"' in taker.html:
            return
    raise AssertionError("the check page never came")


def test_fast_straightlined_answers_are_checked_then_kept_as_careless(kept):
    taker, calls = kept
    run_to_check_page(taker, SAME_EVERYWHERE)
    assert "Before we show your suggestions" in taker.html and "Your life now" in taker.html
    assert calls == [], "nothing is kept before the person confirms"
    response = taker.submit({}, action="confirm")
    assert response.status_code == 303
    taker.get(response.headers["Location"])
    assert outcome_of(taker.html) == "coaching"
    assert calls == [{"outcome": "coaching", "origin": None, "locale": "en", "careless": True}]


def test_revisiting_goes_back_to_the_straightlined_section(kept):
    taker, calls = kept
    run_to_check_page(taker, SAME_EVERYWHERE)
    taker.submit({}, action="revisit")
    assert 'data-step="life_now"' in taker.html and 'value="5" checked' in taker.html
    assert calls == []


def test_self_harm_answer_is_never_delayed_by_the_check(kept):
    taker, calls = kept
    response = taker.finish({**SAME_EVERYWHERE, "phq9_9": 1})
    assert response.status_code == 200 and outcome_of(taker.html) == "crisis_support"
    assert [c["outcome"] for c in calls] == ["crisis_support"]


def test_filled_honeypot_shows_the_result_but_keeps_nothing(kept):
    taker, calls = kept
    taker.start()
    for _ in range(12):
        response = taker.submit({**THRIVING, "website": "http://spam.example"})
        if response.status_code == 303:
            break
        if 'data-step="check"' in taker.html:
            response = taker.submit({"website": "http://spam.example"}, action="confirm")
            break
    assert response.status_code == 303
    assert calls == []


def test_submissions_faster_than_a_person_are_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "MIN_HUMAN_SECONDS": 600})
    calls = kept_responses(monkeypatch)
    taker = Taker(app.test_client(use_cookies=False))
    assert taker.finish(THRIVING).status_code == 200 and outcome_of(taker.html) == "coaching"
    assert calls == []


def test_submissions_are_rate_limited_per_address_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "SUBMIT_LIMIT": "3 per minute"})
    client = app.test_client(use_cookies=False)
    url = "/api/v1/quizzes/coaching-fit/score"
    codes = [client.post(url, json={"answers": THRIVING}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.post(url, json={"answers": THRIVING}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200, "another address has its own allowance"


def test_confirmed_careless_response_is_stored_with_its_flag(tmp_path, monkeypatch):
    import sqlalchemy as sa

    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "CARELESS_CHECK": True, "MIN_HUMAN_SECONDS": 0})
    taker = Taker(app.test_client(use_cookies=False))
    run_to_check_page(taker, SAME_EVERYWHERE)
    assert taker.submit({}, action="confirm").status_code == 303
    with app.extensions["quiz.store"].engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT outcome, careless FROM responses")).all()
    assert [tuple(r) for r in rows] == [("coaching", True)]
