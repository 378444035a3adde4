"""The `quiz` commands for data: set-password, demo-data, export, purge."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

from quiz import create_app, demo
from quiz.coach import auth as coach_auth
from quiz.coach import export as exporting
from quiz.store.database import TOKEN_DAYS, today
from quiz.store.settings import setting
from quiz.web.security import parse_origins

BATCH = 1000


def app_for(ctx: click.Context) -> Flask:
    """Return the app from Flask's script info when run under a test runner, else build it."""
    info = ctx.find_object(ScriptInfo)
    return info.load_app() if info else create_app()


@click.command("set-password")
@click.pass_context
def set_password(ctx: click.Context) -> None:
    """Set the coach's password: read from stdin when piped (echo … | quiz set-password), else prompted."""
    if sys.stdin.isatty():
        password = click.prompt("New coach password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    app = app_for(ctx)
    try:
        coach_auth.set_password(app.instance_path, password)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="password") from None
    app.extensions["quiz.store"].end_sessions()
    click.echo("Password set; sessions signed in with the old one are logged out.")


@click.command("demo-data")
@click.option("--responses", "count", type=click.IntRange(1, 10_000_000), default=500, show_default=True)
@click.option("--quiz", "quiz_id", default="coaching-fit", show_default=True)
@click.option("--seed", type=int, default=None, help="Repeat the same data.")
@click.pass_context
def demo_data(ctx: click.Context, count: int, quiz_id: str, seed: int | None) -> None:
    """Fill the database with plausible synthetic respondents, so a new coach sees a living dashboard."""
    app = app_for(ctx)
    bank = app.extensions["quiz.banks"].get(quiz_id)
    if bank is None:
        raise click.BadParameter(f"unknown quiz '{quiz_id}'", param_hint="--quiz")
    store = app.extensions["quiz.store"]
    rng = random.Random(seed)
    with app.app_context():
        origins: list[str | None] = [None, *parse_origins(setting("embed_origins"))]
    events: Counter[Any] = Counter()
    batch = []
    people = demo.respondents(bank, count, origins, seed=seed)
    with click.progressbar(people, length=count, label="Adding respondents") as bar:
        for record, steps in bar:
            batch.append(record)
            events.update(demo.funnel(record, steps, rng))
            if len(batch) == BATCH:
                store.save(batch)
                batch = []
    store.save(batch)
    store.add_events(events)
    click.echo(f"Added {count} synthetic responses to '{quiz_id}'.")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--quiz", "quiz_id", default=None, help="Only this quiz.")
@click.pass_context
def export(ctx: click.Context, fmt: str, quiz_id: str | None) -> None:
    """Stream responses for the operator: ISO week not day, no self-harm item, no site under the minimum that week."""
    app = app_for(ctx)
    store, banks = app.extensions["quiz.store"], app.extensions["quiz.banks"]
    if quiz_id is not None and quiz_id not in set(banks) | set(store.quizzes()):
        raise click.BadParameter(f"unknown quiz '{quiz_id}'", param_hint="--quiz")
    in_view = [banks[quiz_id]] if quiz_id in banks else list(banks.values())
    rows = exporting.operator_rows(store.responses(quiz_id), store.site_weeks(), int(app.config["MIN_GROUP_SIZE"]))
    chunks = exporting.csv_chunks(rows, in_view) if fmt == "csv" else exporting.json_chunks(rows, in_view)
    for chunk in chunks:
        sys.stdout.buffer.write(chunk.encode("utf-8"))
    sys.stdout.buffer.flush()


@click.command("purge")
@click.option("--older-than", "days", type=click.IntRange(0), required=True, help="Keep this many days.")
@click.pass_context
def purge(ctx: click.Context, days: int) -> None:
    """Delete responses older than DAYS days; the funnel counts stay, and a month's sums until it is all past."""
    store = app_for(ctx).extensions["quiz.store"]
    gone = store.purge(today() - timedelta(days=days), today() - timedelta(days=TOKEN_DAYS))
    click.echo(f"Deleted {gone} responses from before {today() - timedelta(days=days)}.")


COMMANDS = (set_password, demo_data, export, purge)
