"""One response per quiz taken: single-use form and start tokens, and rate limits that count finished quizzes only."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from answer_sets import THRIVING
from api_helpers import started
from test_taker import QUIZ, Taker, hidden, outcome_of

from quiz import create_app
from quiz.store import writes

RESPONSES = "/api/v1/quizzes/coaching-fit/responses"
TOKENS = importlib.import_module("quiz.web.tokens")  # the module, which quiz.web's tokens() function shadows


def kept(app: Any) -> tuple[int, int]:
    """Return the stored responses and the sum of every funnel count."""
    with app.extensions["quiz.store"].engine.connect() as conn:
        responses = conn.scalar(sa.text("SELECT count(*) FROM responses"))
        funnel = conn.scalar(sa.text("SELECT coalesce(sum(count), 0) FROM funnel"))
    return int(responses), int(funnel)


def final_post(taker: Taker, answers: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """Answer every step; return the last step's URL and form, and the redirect it earned."""
    taker.start()
    for _ in range(12):
        data: dict[str, Any] = {**hidden(taker.html), "action": "next"}
        data.update({k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in answers.items()})
        url = taker.action()
        response = taker.submit(answers)
        if response.status_code == 303:
            return url, data, response
    raise AssertionError("the quiz never finished")


def test_a_replayed_final_step_shows_the_same_result_and_stores_nothing_new(app, client):
    taker = Taker(client)
    url, form, first = final_post(taker, THRIVING)
    after_first = kept(app)
    assert after_first[0] == 1
    for _ in range(5):
        again = client.post(url, data=form)
        assert again.status_code == 303 and again.headers["Location"] != first.headers["Location"]
        assert outcome_of(taker.get(again.headers["Location"]).get_data(as_text=True)) == "coaching"
    assert kept(app) == after_first, "neither a response nor a funnel count for a replay"


def test_the_check_page_confirmation_is_single_use_too(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "CARELESS_CHECK": True, "MIN_HUMAN_SECONDS": 0})
    taker = Taker(app.test_client(use_cookies=False))
    same = {**THRIVING, **{k: 5 for k in THRIVING if k.startswith("lg_")}}  # straight-lined: the check page comes
    taker.start()
    while 'data-step="check"' not in taker.html:
        assert taker.submit(same).status_code == 200
    confirm = {**hidden(taker.html), "action": "confirm"}
    assert taker.client.post(taker.action(), data=confirm).status_code == 303
    before = kept(app)
    assert before[0] == 1
    assert taker.client.post(taker.action(), data=confirm).status_code == 303
    assert kept(app) == before


def test_api_refuses_a_response_without_a_start_token(app, client):
    response = client.post(RESPONSES, json={"answers": THRIVING, "consent": True})
    assert response.status_code == 400
    assert "GET /api/v1/quizzes/coaching-fit/start" in response.get_json()["errors"]["token"]
    for token in ("", "junk", 7, ["x"], hidden(client.get(QUIZ).get_data(as_text=True))["state"]):
        response = client.post(RESPONSES, json={"answers": THRIVING, "consent": True, "token": token})
        assert response.status_code == 400 and response.get_json()["errors"]["token"]
    assert kept(app)[0] == 0


def test_a_start_token_stores_one_response_once(app, client):
    start = client.get("/api/v1/quizzes/coaching-fit/start")
    assert start.status_code == 200 and start.headers["Cache-Control"] == "no-store"
    assert set(start.get_json()) == {"token", "min_seconds", "max_seconds"}
    body = {"answers": THRIVING, "consent": True, "token": start.get_json()["token"]}
    first = client.post(RESPONSES, json=body)
    assert first.status_code == 200 and first.get_json()["stored"] is True
    again = client.post(RESPONSES, json=body)
    assert again.status_code == 409 and "already used" in again.get_json()["errors"]["token"]
    assert kept(app)[0] == 1


def test_a_failed_save_leaves_the_start_token_unused(app, client, monkeypatch):
    def failing(conn, records):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database down"))

    body = started(client, {"answers": THRIVING, "consent": True})
    with monkeypatch.context() as patched:
        patched.setattr(writes, "save", failing)
        down = client.post(RESPONSES, json=body)
    assert down.status_code == 200 and down.get_json()["stored"] is False and down.get_json()["outcome"]
    again = client.post(RESPONSES, json=body)
    assert again.status_code == 200 and again.get_json()["stored"] is True
    assert kept(app)[0] == 1


def test_answers_are_checked_before_the_token_is_used(app, client):
    body = started(client, {"answers": {**THRIVING, "who5_1": 99}, "consent": True})
    assert client.post(RESPONSES, json=body).status_code == 422
    fixed = client.post(RESPONSES, json={**body, "answers": THRIVING})
    assert fixed.status_code == 200 and fixed.get_json()["stored"] is True


def test_a_start_token_younger_than_a_person_could_answer_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("QUIZ_MIN_HUMAN_SECONDS", "20")
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32})
    client = app.test_client(use_cookies=False)
    body = started(client, {"answers": THRIVING, "consent": True})
    early = client.post(RESPONSES, json=body)
    assert early.status_code == 400 and "too new" in early.get_json()["errors"]["token"]
    later = TOKENS.time.time() + 21
    monkeypatch.setattr(TOKENS, "time", SimpleNamespace(time=lambda: later))
    response = client.post(RESPONSES, json=body)
    assert response.status_code == 200 and response.get_json()["stored"] is True, "a refused token is not used up"


def test_a_self_harm_answer_gets_crisis_support_even_without_a_token(app, client):
    response = client.post(RESPONSES, json={"answers": {**THRIVING, "phq9_9": 2}, "consent": True})
    assert response.status_code == 400 and response.get_json()["outcome"]["id"] == "crisis_support"
    assert kept(app)[0] == 0


def household(limit: str | None, tmp_path: Any, monkeypatch: Any) -> tuple[Any, list[Taker]]:
    """Return an app with the given finished-quiz limit (None: the default) and five takers on one address."""
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    if limit is None:
        monkeypatch.delenv("QUIZ_SUBMIT_LIMIT")
    else:
        monkeypatch.setenv("QUIZ_SUBMIT_LIMIT", limit)
    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32})
    return app, [Taker(app.test_client(use_cookies=False)) for _ in range(5)]


def take_together(takers: list[Taker]) -> tuple[int, list[int]]:
    """Take the quiz with every taker at once, a step each in turn; return the number of posts and every status."""
    for taker in takers:
        taker.start()
    done = [False] * len(takers)
    for _ in range(12):
        for i, taker in enumerate(takers):
            if not done[i]:
                done[i] = taker.submit(THRIVING).status_code == 303
                if done[i]:
                    assert outcome_of(taker.get(taker.responses[-1].headers["Location"]).get_data(as_text=True))
    assert all(done), "every quiz finishes"
    posts = sum(len(taker.responses) - 2 for taker in takers)  # all but the intro and the result page
    return posts, [r.status_code for taker in takers for r in taker.responses]


def test_five_quizzes_at_once_from_one_address_all_finish_and_are_kept(tmp_path, monkeypatch):
    app, takers = household(None, tmp_path, monkeypatch)
    assert app.config["SUBMIT_LIMIT"] == "30 per minute;300 per hour"
    posts, codes = take_together(takers)
    assert posts > 30, "more steps within a minute than the limit allows finished quizzes"
    assert 429 not in codes
    assert kept(app)[0] == 5


def test_past_the_limit_a_quiz_still_finishes_but_is_not_kept(tmp_path, monkeypatch):
    app, takers = household("2 per minute", tmp_path, monkeypatch)
    assert 429 not in take_together(takers)[1], "a person always gets a result"
    assert kept(app)[0] == 2
    response = takers[0].client.post(RESPONSES, json=started(takers[0].client, {"answers": THRIVING}))
    assert response.status_code == 429, "the API shares the address's allowance of finished quizzes"
