"""The JSON API: list and describe quizzes, score answers, refuse bad input with one message per question."""

from __future__ import annotations

import pytest
from answer_sets import GAD7_MORE, PHQ9_MORE, all_of, answers, phq2, who5

from quiz import create_app

SCORE = "/api/v1/quizzes/coaching-fit/score"
FIXED_SCALES = {
    *("life_gap", "resistance", "self_access", "readiness"),
    *("functioning", "wellbeing", "anxiety", "depression"),
}
FIXED_OUTCOMES = {"crisis_support", "therapy_first", "therapy_and_coaching", "parts_work_coaching", "coaching"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Share one app across this module: scoring stores nothing, and building an app per test is slow."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        # module-scoped, so conftest's per-test environment does not reach it: lift the rate limit here
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret" * 32, "SUBMIT_LIMIT": "100000 per minute"})
        yield app.test_client(use_cookies=False)


def post(client, body):
    return client.post(SCORE, json=body)


def assert_json_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert isinstance(response.get_json()["errors"], dict)
    return response.get_json()["errors"]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


# --- describing quizzes --------------------------------------------------------------------------------


def test_list_quizzes(client):
    response = client.get("/api/v1/quizzes")
    assert response.status_code == 200
    [quiz] = [q for q in response.get_json()["quizzes"] if q["id"] == "coaching-fit"]
    assert quiz["url"] == "/api/v1/quizzes/coaching-fit"
    assert quiz["title"] and quiz["version"] >= 1


def test_describe_quiz_shape(client):
    response = client.get("/api/v1/quizzes/coaching-fit")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "coaching-fit"
    questions = [q for s in body["sections"] for q in s["questions"]]
    for section in body["sections"]:
        assert section["id"] and section["title"] and section["questions"]
    for q in questions:
        assert {"id", "kind", "scale", "reverse", "options"} <= set(q)
        assert q["kind"] in {"single", "scale", "yesno", "multi"}
        assert isinstance(q["reverse"], bool)
        assert q["options"] and all(set(o) == {"value", "label"} for o in q["options"])
        assert all(isinstance(o["value"], int) and o["label"] for o in q["options"])
    scale_ids = {s["id"] for s in body["scales"]}
    assert FIXED_SCALES <= scale_ids
    assert {"healing_need", "growth_capacity"} <= {i["id"] for i in body["indices"]}
    assert FIXED_OUTCOMES <= set(body["outcomes"])
    assert {q["scale"] for q in questions if q["scale"]} <= scale_ids


def test_describe_quiz_fixed_items(client):
    body = client.get("/api/v1/quizzes/coaching-fit").get_json()
    questions = {q["id"]: q for s in body["sections"] for q in s["questions"]}
    order = list(questions)
    phq4 = ["gad2_1", "gad2_2", "phq2_1", "phq2_2"]
    assert [order.index(i) for i in phq4] == sorted(order.index(i) for i in phq4)  # published order
    frequency = [
        {"value": 0, "label": "Not at all"},
        {"value": 1, "label": "Several days"},
        {"value": 2, "label": "More than half the days"},
        {"value": 3, "label": "Nearly every day"},
    ]
    for item in [*phq4, "phq9_9"]:
        assert questions[item]["options"] == frequency
    assert "better off dead" in questions["phq9_9"]["text"]
    assert questions["phq9_9"]["show_if"] is None
    for item in ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5"):
        assert sorted(o["value"] for o in questions[item]["options"]) == [0, 1, 2, 3, 4, 5]
    assert [i for i, q in questions.items() if q["reverse"]] == ["fn_work", "fn_home", "fn_social", "fn_close"]
    assert questions["gad2_1"]["scale"] == "anxiety" and questions["phq2_1"]["scale"] == "depression"
    assert questions["readiness_importance"]["kind"] == "scale"
    assert [o["value"] for o in questions["readiness_importance"]["options"]] == list(range(11))


def test_describe_unknown_quiz_is_a_json_404(client):
    errors = assert_json_error(client.get("/api/v1/quizzes/no-such-quiz"), 404)
    assert "no-such-quiz" in errors["request"]


# --- scoring ----------------------------------------------------------------------------------------------


def test_score_happy_path(client):
    response = post(client, {"answers": answers()})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["outcome"]["id"] == "coaching"
    assert body["outcome"]["headline"]
    assert body["outcome"]["reasons"] and body["outcome"]["profile"]
    assert body["flags"] == []
    assert body["scores"]["wellbeing"] == {"raw": 20, "score": 80.0, "band": "in the usual range", "complete": True}
    assert body["scores"]["phq4"]["band"] == "none"
    assert 0 <= body["scores"]["healing_need"]["score"] < body["scores"]["growth_capacity"]["score"] <= 100
    assert "errors" not in body


def test_score_with_follow_ups(client):
    raw = answers(phq2(4), all_of(PHQ9_MORE, 1), phq_difficulty=1, gad2_1=0)
    body = post(client, {"answers": raw}).get_json()
    assert body["outcome"]["id"] == "therapy_and_coaching"
    assert body["scores"]["phq9"]["raw"] == 10
    assert "positive_screen" in body["flags"]


def test_answers_to_hidden_questions_are_ignored(client):
    plain = post(client, {"answers": answers()}).get_json()
    extra = post(client, {"answers": answers(all_of(PHQ9_MORE, 3), all_of(GAD7_MORE, 3), phq_difficulty=3)})
    assert extra.status_code == 200
    assert extra.get_json() == plain


def test_score_unknown_ids(client):
    errors = assert_json_error(post(client, {"answers": answers(nope=1, also_not=2)}), 422)
    assert errors == {"nope": "unknown question", "also_not": "unknown question"}


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("gad2_1", 4),
        ("gad2_1", -1),
        ("who5_2", 6),
        ("lg_work_sat", 11),
        ("lg_friends_sat", -1),
        ("ptsd_event", 2),
        ("readiness_importance", 99),
    ],
)
def test_score_out_of_range_values(client, item, value):
    errors = assert_json_error(post(client, {"answers": answers(**{item: value})}), 422)
    assert list(errors) == [item]
    assert errors[item].startswith("must be") or errors[item].startswith("each value must be")


@pytest.mark.parametrize("value", ["2", True, False, 1.0, 2.5, [1], None, {"value": 1}, "", 1e308])
def test_score_wrong_types(client, value):
    errors = assert_json_error(post(client, {"answers": answers(gad2_1=value)}), 422)
    assert list(errors) == ["gad2_1"]


def test_does_not_apply_is_an_answer_where_the_question_offers_it(client):
    body = post(client, {"answers": answers(lg_work_sat=-1, fn_work=-1)}).get_json()
    assert body["outcome"]["id"] == "coaching"
    assert body["scores"]["functioning"]["complete"] and body["scores"]["life_gap"]["complete"]


def test_every_bad_answer_gets_its_own_message(client):
    raw = answers(gad2_1="x", who5_1=9, nope=1)
    del raw["fn_work"]
    errors = assert_json_error(post(client, {"answers": raw}), 422)
    assert set(errors) == {"gad2_1", "who5_1", "nope"}


def test_missing_answers_get_select_an_answer(client):
    raw = answers()
    del raw["gad2_1"], raw["who5_3"], raw["self_kind"]
    errors = assert_json_error(post(client, {"answers": raw}), 422)
    assert errors == {"gad2_1": "Select an answer", "who5_3": "Select an answer", "self_kind": "Select an answer"}


def test_missing_shown_follow_ups_are_required(client):
    errors = assert_json_error(post(client, {"answers": answers(phq2(3))}), 422)
    assert errors == dict.fromkeys([*PHQ9_MORE, "phq_difficulty"], "Select an answer")


def test_empty_answers_list_every_required_question(client, bank):
    errors = assert_json_error(post(client, {"answers": {}}), 422)
    required = [q.id for s in bank.sections if s.show_if is None for q in s.questions if q.required and not q.show_if]
    assert errors == dict.fromkeys(required, "Select an answer")


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"null",
        b"[1, 2]",
        b'"answers"',
        b"42",
        b'{"answers": [1]}',
        b'{"answers": "x"}',
        b'{"answer": {}}',
        b"{}",
        b'{"answers": null}',
        b'{"answers": {"gad2_1": 1}',
    ],
)
def test_malformed_bodies_are_400(client, body):
    response = client.post(SCORE, data=body, content_type="application/json")
    errors = assert_json_error(response, 400)
    assert "answers" in errors["body"]


def test_a_body_that_is_not_json_is_400(client):
    response = client.post(SCORE, data="gad2_1=1", content_type="application/x-www-form-urlencoded")
    assert_json_error(response, 400)


def test_score_unknown_quiz_is_a_json_404(client):
    assert_json_error(client.post("/api/v1/quizzes/nope/score", json={"answers": answers()}), 404)


def test_an_oversized_body_is_refused_as_json(client):
    body = b'{"answers": {"x": "' + b"a" * 200_000 + b'"}}'
    response = client.post(SCORE, data=body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response.is_json


@pytest.mark.parametrize(
    "answers_",
    [
        {"": 1},
        {"a" * 10_000: 1},
        {"gad2_1": 10**100},
        {"gad2_1": -(10**100)},
        {"focus_areas": [[1]]},
        {"focus_areas": [None]},
        {"focus_areas": [1, "1"]},
        {"gad2_1": {"$gt": 0}},
        {"phq9_9": "three"},
        {"phq9_9": 1e308},
    ],
)
def test_odd_answers_never_cause_a_500(client, answers_):
    response = post(client, {"answers": answers_})
    assert 400 <= response.status_code < 500
    assert response.is_json


# --- safety reaches the crisis path whatever else is wrong --------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 3])
def test_safety_answer_alone_still_gives_crisis_support(client, value):
    response = post(client, {"answers": {"phq9_9": value}})
    body = response.get_json()
    assert response.status_code == 200  # unanswered questions do not hold back the crisis result
    assert body["outcome"]["id"] == "crisis_support"
    assert "safety" in body["flags"]
    assert "errors" not in body


@pytest.mark.parametrize("value", [1, 2, 3])
def test_safety_answer_with_part_of_the_quiz_missing_gives_crisis_support(client, value):
    raw = answers(phq2(5), phq9_9=value)
    del raw["who5_1"], raw["fn_work"]
    body = post(client, {"answers": raw}).get_json()
    assert body["outcome"]["id"] == "crisis_support"


def test_safety_answer_beside_invalid_answers_still_gives_crisis_support(client):
    response = post(client, {"answers": {"phq9_9": 1, "gad2_1": "often", "nope": 3}})
    body = response.get_json()
    assert response.status_code == 200, "clients often drop error bodies; a crisis result must not be one"
    assert body["outcome"]["id"] == "crisis_support"
    assert set(body["errors"]) == {"gad2_1", "nope"}


@pytest.mark.parametrize("value", ["1", 1.0, True, "3", 2.0])
def test_a_mistyped_safety_answer_still_reaches_crisis_support(client, value):
    response = post(client, {"answers": {"phq9_9": value}})
    body = response.get_json()
    assert response.status_code == 200 and body["outcome"]["id"] == "crisis_support"
    assert list(body["errors"]) == ["phq9_9"], "the wrong type is still reported"


@pytest.mark.parametrize("value", ["0", 0.0, False, "never", None, [1]])
def test_a_mistyped_non_crisis_safety_answer_is_just_an_error(client, value):
    response = post(client, {"answers": {"phq9_9": value}})
    assert response.status_code == 422 and "outcome" not in response.get_json()


def test_complete_safety_answers_are_a_plain_200(client):
    response = post(client, {"answers": answers(who5(25), phq9_9=1)})
    assert response.status_code == 200
    assert response.get_json()["outcome"]["id"] == "crisis_support"


def test_without_the_safety_answer_missing_answers_give_no_outcome(client):
    body = post(client, {"answers": {"phq9_9": 0}}).get_json()
    assert "outcome" not in body


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/api/v1/nope", 404), ("GET", SCORE, 405), ("PUT", "/api/v1/quizzes", 405)],
)
def test_errors_outside_api_routes_are_json_too(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status and response.is_json
    assert set(response.get_json()) == {"errors"}


def test_unknown_page_is_a_calm_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
