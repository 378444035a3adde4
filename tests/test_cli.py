"""`quiz score` prints the result JSON, or the errors and exit 1; `quiz validate` and `quiz schema` are in test_bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from answer_sets import answers, gad2
from click.testing import CliRunner

from quiz.cli import main

BANKS = Path(__file__).resolve().parent / "banks"


def score(tmp_path, payload, *args: str):
    path = tmp_path / "answers.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return CliRunner().invoke(main, ["score", *args, "coaching-fit", str(path)])


def test_score_prints_the_result_json(tmp_path):
    result = score(tmp_path, answers())
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["outcome"]["id"] == "coaching"
    assert body["scores"]["wellbeing"]["score"] == 80
    assert body["flags"] == []


def test_score_accepts_an_answers_wrapper(tmp_path):
    result = score(
        tmp_path, {"answers": answers(gad2(5), gad7_3=1, gad7_4=1, gad7_5=1, gad7_6=1, gad7_7=1, phq_difficulty=1)}
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["outcome"]["id"] == "therapy_and_coaching"
    assert "positive_screen" in body["flags"]


def test_score_matches_the_api(tmp_path, client):
    raw = answers(readiness_importance=2)
    printed = json.loads(score(tmp_path, raw).output)
    served = client.post("/api/v1/quizzes/coaching-fit/score", json={"answers": raw}).get_json()
    assert printed == served
    assert printed["outcome"]["id"] == "not_yet"


def test_score_prints_errors_and_exits_1(tmp_path):
    raw = answers(gad2_1=7, nope=1)
    del raw["who5_1"]
    result = score(tmp_path, raw)
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"] == {"gad2_1": "must be one of [0, 1, 2, 3]", "nope": "unknown question"}
    del raw["gad2_1"], raw["nope"]
    result = score(tmp_path, raw)
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"] == {"gad2_1": "Select an answer", "who5_1": "Select an answer"}


def test_score_with_a_safety_answer_prints_the_crisis_result(tmp_path):
    result = score(tmp_path, {"phq9_9": 2})
    body = json.loads(result.output)
    assert body["outcome"]["id"] == "crisis_support"


@pytest.mark.parametrize("payload", ["{not json", ""])
def test_score_refuses_a_file_that_is_not_json(tmp_path, payload):
    result = score(tmp_path, payload)
    assert result.exit_code == 2
    assert "not JSON" in result.output


def test_score_refuses_json_that_is_not_an_answers_object(tmp_path):
    result = score(tmp_path, "[1, 2]")
    assert result.exit_code == 1
    assert list(json.loads(result.output)["errors"]) == ["answers"]


def test_score_unknown_quiz(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", "no-such-quiz", str(path)])
    assert result.exit_code == 2
    assert "unknown quiz 'no-such-quiz'" in result.output


def test_score_with_another_banks_folder(tmp_path):
    good = tmp_path / "banks"
    good.mkdir()
    (good / "good.yaml").write_text((BANKS / "good.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"low_1": 2, "low_2": 1, "harm": 0, "sleep": 0, "ready": 9, "before": 1}))
    result = CliRunner().invoke(main, ["score", "--banks", str(good), "tiny", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcome"]["id"] == "therapy"


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "schema", "score", "serve"):
        assert command in result.output


def test_the_start_up_lines_name_the_quiz_the_dashboard_and_a_missing_booking_link(app):
    from quiz.server import welcome

    lines = welcome(app, "http://127.0.0.1:8000")
    assert lines[0] == "Quiz: http://127.0.0.1:8000/q/coaching-fit"
    assert "Coach's dashboard: http://127.0.0.1:8000/coach/" in lines
    assert any("no booking link is set" in line for line in lines)
    app.config["BOOKING_URL"] = "https://coach.example/book"
    assert not any("booking link" in line for line in welcome(app, "http://127.0.0.1:8000"))
