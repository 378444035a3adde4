"""Run the app under waitress, and find data on disk that other users of the machine could read."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import waitress
from flask import Flask
from sqlalchemy.engine import make_url

from quiz.store.settings import setting

THREADS = 8


def run(app: Flask, host: str, port: int) -> None:
    """Serve with waitress, which reads each request whole before a worker thread sees it."""
    threads = int(app.config.get("THREADS") or THREADS)
    print(f"Serving with {threads} threads", flush=True)
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        # Slow clients wait in waitress's event loop, which holds hundreds of connections, never in a thread.
        connection_limit=500,
        asyncore_use_poll=True,  # select() stops at 1,024 file descriptors; poll() does not
        # A body over the app's limit is refused by waitress before it is read, not buffered and then refused.
        max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"]),
        # QUIZ_PROXY_COUNT's ProxyFix decides which X-Forwarded-* headers to trust; waitress must leave them.
        clear_untrusted_proxy_headers=False,
    )


def welcome(app: Flask, address: str) -> list[str]:
    """Return the lines that tell the operator where the quizzes and the dashboard are, and what is missing."""
    base = str(app.config.get("PUBLIC_URL") or address).rstrip("/")
    lines = [f"Quiz: {base}/q/{quiz_id}" for quiz_id in sorted(app.extensions["quiz.banks"])]
    lines.append(f"Coach's dashboard: {base}/coach/")
    with app.app_context():
        booking = setting("booking_url")
    if not booking:
        lines.append(
            "Warning: no booking link is set, so a result that suggests coaching has no way to book you."
            " Add one in the dashboard's settings (or set QUIZ_BOOKING_URL)."
        )
    return lines


def exposed(app: Flask) -> list[str]:
    """List the instance folder and data files that other users can read, each with the command that fixes it."""
    if os.name != "posix":  # elsewhere the mode bits do not say who may read a file
        return []
    instance = Path(app.instance_path)
    paths = [instance, instance / "secret_key", instance / "coach_password"]
    url = make_url(str(app.config["DATABASE_URL"]))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        paths += [Path(url.database + suffix) for suffix in ("", "-wal", "-shm")]
    found = []
    for path in paths:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            continue
        if mode & 0o077:
            fix = "chmod 700" if path.is_dir() else "chmod 600"
            found.append(f"{path} is open to other users (mode {mode:o}); fix it with: {fix} {shlex.quote(str(path))}")
    return found
