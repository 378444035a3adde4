"""The data commands: set-password ends sessions, demo-data, the operator's row-level export, purge."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from quiz.cli import main
from quiz.coach import auth as coach_auth
from quiz.store.database import today
from tests.storage_helpers import varied_records


def test_set_password_reads_stdin_and_ends_every_session(app, runner):
    store = app.extensions["quiz.store"]
    store.open_session("a" * 64, 1.0, "old")
    result = runner.invoke(main, ["set-password"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert coach_auth.check(app.instance_path, "a long enough password")
    assert not coach_auth.check(app.instance_path, "something else entirely")
    assert store.session("a" * 64) is None


def test_set_password_refuses_a_short_one(app, runner):
    result = runner.invoke(main, ["set-password"], input="short\n")
    assert result.exit_code != 0 and "at least" in result.output
    assert coach_auth.stored_hash(app.instance_path) is None


def test_first_start_password_is_made_once(tmp_path):
    first = coach_auth.ensure_password(tmp_path)
    assert first and len(first) >= 20 and coach_auth.check(tmp_path, first)
    assert coach_auth.ensure_password(tmp_path) is None


def test_demo_data_fills_responses_sums_and_the_funnel(app, runner):
    result = runner.invoke(main, ["demo-data", "--responses", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    store = app.extensions["quiz.store"]
    assert store.count() == 30
    rows = store.months("coaching-fit", date(2000, 1, 1), date(2100, 1, 1))
    assert sum(row[5] for row in rows if row[3] == "responses") == 30
    funnel = store.funnel("coaching-fit", date(2000, 1, 1), date(2100, 1, 1))
    assert sum(n for _, step, event, n in funnel if event == "finished") == 30


def test_the_operator_export_keeps_weeks_not_days_and_leaves_out_self_harm(app, bank, runner):
    site = "https://coach.example"
    monday = date(2025, 3, 3)
    plan = [(monday, None, 1, 6), (monday + timedelta(days=2), site, 1, 2), (monday + timedelta(days=7), site, 1, 5)]
    app.extensions["quiz.store"].save(varied_records(bank, plan, seed=4))
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 13 and {"week", "outcome", "who5_1", "wellbeing.score"} <= set(rows[0])
    assert not {"day", "id", "phq9_9", "phq9.raw", "phq9.score", "crisis", "flags"} & set(rows[0])
    assert {r["week"] for r in rows} == {"2025-W10", "2025-W11"}
    sites = {(r["week"], r["origin"]) for r in rows}
    assert sites == {("2025-W10", ""), ("2025-W11", site)}, "two from the site in week 10 are too few to name it"
    assert "2025-03-0" not in text


def test_the_json_export_has_the_same_rows(app, bank, runner):
    app.extensions["quiz.store"].save(varied_records(bank, [(date(2025, 3, 3), None, 1, 5)], seed=6))
    document = json.loads(runner.invoke(main, ["export", "--format", "json"]).stdout_bytes)
    assert len(document["responses"]) == 5
    first = document["responses"][0]
    assert first["week"] == "2025-W10" and "day" not in first and "phq9_9" not in first["answers"]
    assert "phq9" not in first["scores"] and "wellbeing" in first["scores"]


def test_export_refuses_an_unknown_quiz(app, runner):
    result = runner.invoke(main, ["export", "--quiz", "nope"])
    assert result.exit_code == 2 and "--quiz" in result.output


def test_purge_keeps_the_funnel(app, runner):
    runner.invoke(main, ["demo-data", "--responses", "40", "--seed", "5"])
    store = app.extensions["quiz.store"]
    before = sorted(store.funnel("coaching-fit", date(2000, 1, 1), date(2100, 1, 1)))
    result = runner.invoke(main, ["purge", "--older-than", "20"])
    assert result.exit_code == 0, result.output
    kept = [r["day"] for r in store.responses()]
    assert kept and min(kept) >= today() - timedelta(days=20) and len(kept) < 40
    assert sorted(store.funnel("coaching-fit", date(2000, 1, 1), date(2100, 1, 1))) == before
