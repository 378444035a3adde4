"""The data commands: set-password from stdin, demo-data, export, purge."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from quiz.cli import main
from quiz.coach import auth as coach_auth
from quiz.store import Filters
from quiz.store.database import today


def test_set_password_reads_stdin(app, runner):
    result = runner.invoke(main, ["set-password"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert coach_auth.check(app.instance_path, "a long enough password")
    assert not coach_auth.check(app.instance_path, "something else entirely")


def test_set_password_refuses_a_short_one(app, runner):
    result = runner.invoke(main, ["set-password"], input="short\n")
    assert result.exit_code != 0 and "at least" in result.output
    assert coach_auth.stored_hash(app.instance_path) is None


def test_first_start_password_is_made_once(tmp_path):
    first = coach_auth.ensure_password(tmp_path)
    assert first and len(first) >= 20 and coach_auth.check(tmp_path, first)
    assert coach_auth.ensure_password(tmp_path) is None


def test_demo_data_export_and_purge(app, runner):
    result = runner.invoke(main, ["demo-data", "--responses", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    store = app.extensions["quiz.store"]
    assert store.count(Filters()) == 30
    raw = store.aggregate(Filters())
    assert len(raw.outcomes) >= 2 and raw.funnel_steps

    result = runner.invoke(main, ["export"])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 31 and len({len(r) for r in rows}) == 1

    result = runner.invoke(main, ["export", "--format", "json"])
    document = json.loads(result.stdout_bytes)
    assert len(document["responses"]) == 30 and document["summary"]["total"] == 30

    cutoff = today() - timedelta(days=20)
    result = runner.invoke(main, ["purge", "--older-than", "20"])
    assert result.exit_code == 0, result.output
    kept = store.count(Filters())
    assert kept == store.count(Filters(start=cutoff)) and kept < 30
    assert store.aggregate(Filters()).funnel_steps == raw.funnel_steps  # funnel counts stay


def test_export_refuses_small_groups_and_bad_filters(app, runner):
    runner.invoke(main, ["demo-data", "--responses", "3", "--seed", "1"])
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 1 and "Fewer than 5" in result.output
    result = runner.invoke(main, ["export", "--start", "yesterday"])
    assert result.exit_code == 2 and "--start" in result.output


def test_json_summary_hides_small_cells(app, runner):
    runner.invoke(main, ["demo-data", "--responses", "40", "--seed", "5"])
    document = json.loads(runner.invoke(main, ["export", "--format", "json"]).stdout_bytes)
    summary = document["summary"]
    for outcome in summary["outcomes"]:
        assert outcome["n"] is None or outcome["n"] >= 5
    for row in summary["plane"] or []:
        assert all(c is None or c == 0 or c >= 5 for c in row)
    assert summary["crisis"] is None or summary["crisis"] == 0 or summary["crisis"] >= 5
