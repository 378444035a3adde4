"""The `quiz` commands for data: set-password, demo-data, export, purge."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

import click
from flask import Flask

from quiz import demo
from quiz.coach import auth as coach_auth
from quiz.coach import dashboard, filters
from quiz.coach import export as exporting
from quiz.store.database import today

BATCH = 1000


def _app(ctx: click.Context) -> Flask:
    """Return the app from Flask's script info when run under a test runner, else build it."""
    from flask.cli import ScriptInfo

    from quiz import create_app

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
    try:
        coach_auth.set_password(_app(ctx).instance_path, password)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="password") from None
    click.echo("Password set; sessions signed in with the old one are logged out.")


@click.command("demo-data")
@click.option("--responses", "count", type=click.IntRange(1, 10_000_000), default=500, show_default=True)
@click.option("--quiz", "quiz_id", default="coaching-fit", show_default=True)
@click.option("--seed", type=int, default=None, help="Repeat the same data.")
@click.pass_context
def demo_data(ctx: click.Context, count: int, quiz_id: str, seed: int | None) -> None:
    """Fill the database with plausible synthetic respondents, so a new coach sees a living dashboard."""
    app = _app(ctx)
    bank = app.extensions["quiz.banks"].get(quiz_id)
    if bank is None:
        raise click.BadParameter(f"unknown quiz '{quiz_id}'", param_hint="--quiz")
    store = app.extensions["quiz.store"]
    rng = random.Random(seed)
    origins: list[str | None] = [None, *app.extensions.get("quiz.embed_origins", ())]
    events: Counter[Any] = Counter()
    batch = []
    with click.progressbar(
        demo.respondents(bank, count, origins, seed=seed), length=count, label="Adding respondents"
    ) as bar:
        for record, steps in bar:
            batch.append(record)
            events.update(demo.funnel(record, steps, rng))
            if len(batch) == BATCH:
                store.save_bulk(batch)
                batch = []
    if batch:
        store.save_bulk(batch)
    store.add_events(events)
    click.echo(f"Added {count} synthetic responses to '{quiz_id}'.")


def _filter_options(command: Any) -> Any:
    for name, text in reversed(
        (
            ("start", "First day (YYYY-MM-DD)."),
            ("end", "Last day (YYYY-MM-DD)."),
            ("quiz", "Quiz id."),
            ("version", "Bank version."),
            ("origin", f"Website origin, or '{filters.DIRECT}' for none."),
        )
    ):
        command = click.option(f"--{name}", default=None, help=text)(command)
    return command


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@_filter_options
@click.pass_context
def export(ctx: click.Context, fmt: str, **options: str | None) -> None:
    """Stream the anonymous responses to stdout as CSV (UTF-8 with BOM) or JSON with a suppressed summary."""
    app = _app(ctx)
    store, banks = app.extensions["quiz.store"], app.extensions["quiz.banks"]
    found, errors = filters.parse(options, set(banks) | set(store.choices()["quizzes"]))
    if errors:
        name, message = next(iter(errors.items()))
        raise click.BadParameter(message, param_hint=f"--{name}")
    k = int(app.config["MIN_GROUP_SIZE"])
    if store.count(found) < k:
        click.echo(f"Fewer than {k} responses match, so none are exported.", err=True)
        sys.exit(1)
    in_view = filters.banks_in_view(banks, found)
    if fmt == "csv":
        chunks = exporting.csv_chunks(store.export(found), in_view)
    else:
        summary = dashboard.summary(dashboard.build(store.aggregate(found), in_view, k))
        chunks = exporting.json_chunks(store.export(found), summary)
    for chunk in chunks:
        sys.stdout.buffer.write(chunk.encode("utf-8"))
    sys.stdout.buffer.flush()


@click.command("purge")
@click.option("--older-than", "days", type=click.IntRange(0), required=True, help="Keep this many days.")
@click.pass_context
def purge(ctx: click.Context, days: int) -> None:
    """Delete responses older than DAYS days; the daily funnel counts stay."""
    store = _app(ctx).extensions["quiz.store"]
    gone = store.purge(today() - timedelta(days=days))
    click.echo(f"Deleted {gone} responses from before {today() - timedelta(days=days)}.")


COMMANDS = (set_password, demo_data, export, purge)
