"""The `quiz` command: validate banks, print the schema, score answers, serve the app."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO

import click

from quiz import DEFAULT_BANKS_DIR, create_app, server
from quiz.bank import Bank, InvalidBank
from quiz.catalog import load_catalog
from quiz.cli_data import COMMANDS, app_for
from quiz.coach.auth import FIRST_PASSWORD_FILE, ensure_password
from quiz.engine.report import score_submission
from quiz.web.embed import snippets


@click.group()
def main() -> None:
    """Run the coaching-fit self-assessment widget."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check banks (files or folders; default questions/) and print file:line: key.path: message per error."""
    targets = list(paths) or [DEFAULT_BANKS_DIR]
    if missing := [p for p in targets if not p.exists()]:
        raise click.BadParameter(f"no such file or folder: {missing[0]}", param_hint="PATH")
    try:
        banks = load_catalog(targets)
    except InvalidBank as exc:
        click.echo(str(exc))  # one file:line: key.path: message per error
        sys.exit(1)
    for bank in banks.values():
        click.echo(f"ok: {bank.id} v{bank.version} ({sum(len(s.questions) for s in bank.sections)} questions)")


@main.command()
def schema() -> None:
    """Print the JSON Schema of a question bank."""
    found = Bank.model_json_schema(by_alias=True)
    found |= {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Coaching-fit question bank"}
    click.echo(json.dumps(found, indent=2))


@main.command()
@click.argument("quiz_id")
@click.argument("answers_file", type=click.File("r"))
@click.option("--banks", "banks_dir", type=click.Path(path_type=Path), default=None, help="Folder of banks.")
def score(quiz_id: str, answers_file: IO[str], banks_dir: Path | None) -> None:
    """Score ANSWERS.json (an object of question id to value, or {"answers": {...}}) and print the result."""
    banks = load_catalog([banks_dir or DEFAULT_BANKS_DIR])
    if quiz_id not in banks:
        raise click.BadParameter(f"unknown quiz '{quiz_id}'; known: {', '.join(banks)}", param_hint="QUIZ_ID")
    try:
        payload = json.load(answers_file)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise click.BadParameter(f"not JSON (or nested too deeply): {exc}", param_hint="ANSWERS_FILE") from None
    answers = payload.get("answers", payload) if isinstance(payload, dict) else payload
    result, errors = score_submission(banks[quiz_id], answers)
    if errors:
        click.echo(json.dumps({"errors": errors, **(result or {})}, indent=2))
        sys.exit(1)
    click.echo(json.dumps(result, indent=2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the app with waitress; refuse to start while its data on disk is open to other users."""
    try:
        app = create_app()
    except InvalidBank as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except ValueError as exc:  # a configuration value the app cannot work with; the message says which
        raise click.ClickException(str(exc)) from None
    if problems := server.exposed(app):
        click.echo("Refusing to start: the answers and keys must be readable by this user only.", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    _first_password(Path(app.instance_path))
    for line in server.welcome(app, f"http://{host}:{port}"):
        click.echo(line)
    server.run(app, host, port)  # looked up on the module, so tests can replace it


def _first_password(instance: Path) -> None:
    """Make a coach password on the first start and write it to a file only this user can read, never to the log."""
    password = ensure_password(instance)
    if not password:
        return
    path = instance / FIRST_PASSWORD_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{password}\n")
    path.chmod(0o600)  # the mode given to open is masked by the umask
    click.echo(
        f"Coach login: no password was set, so one was made and written to {path} (readable by this user only).\n"
        "Log in with it, then choose your own with `quiz set-password`, which deletes that file."
    )


@main.command("embed-snippet")
@click.option("--quiz", "quiz_id", default="coaching-fit", show_default=True)
@click.option("--url", "public_url", default=None, help="The quiz's public URL (default: QUIZ_PUBLIC_URL).")
@click.pass_context
def embed_snippet(ctx: click.Context, quiz_id: str, public_url: str | None) -> None:
    """Print the code a coach pastes into a website: the script tag, a noscript link and a plain iframe."""
    app = app_for(ctx)
    url = public_url or app.config.get("PUBLIC_URL")
    if not url:
        raise click.UsageError("set QUIZ_PUBLIC_URL (e.g. https://quiz.example.com) or pass --url")
    bank = app.extensions["quiz.banks"].get(quiz_id)
    if bank is None:
        raise click.BadParameter(f"unknown quiz '{quiz_id}'", param_hint="--quiz")
    click.echo(snippets(url, quiz_id, bank.title))


for command in COMMANDS:
    main.add_command(command)
