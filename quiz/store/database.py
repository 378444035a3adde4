"""Attach the database to the app: engine, migrations, the Store, and what the pages call to keep a response."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask, Response, after_this_request, current_app, has_request_context

from quiz.bank.model import Bank
from quiz.engine import Outcome, Scores
from quiz.store import Record, Store, record_from
from quiz.store.records import best_locale
from quiz.store.settings import setting
from quiz.store.writes import EVENTS

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_311_954  # any fixed number: app servers starting together take turns migrating
TOKEN_DAYS = 2  # spent single-use tokens are kept this long, longer than any token is valid


def make_engine(url: str) -> sa.Engine:
    """Create the engine; SQLite gets WAL, synchronous=NORMAL and a busy timeout on every connection."""
    # hide_parameters: a failed statement's error must never write a person's answers into the log
    engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"), hide_parameters=True)
    if engine.dialect.name == "sqlite":
        if (database := engine.url.database) and database != ":memory:":
            _private_file(Path(database))
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _private_file(path: Path) -> None:
    """Create the SQLite file for its owner only (0600, whatever the umask); SQLite gives -wal and -shm its mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    path.chmod(0o600)  # the mode given to open is masked by the umask


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def allowed_origin(origin: str | None, allow: str) -> str | None:
    """Return the origin as scheme://host[:port] if it is on the space-separated allow-list, else None."""
    if not origin:
        return None
    try:
        parts = urlsplit(origin.strip().lower())
    except ValueError:  # e.g. "http://[" in a client's Origin header: not an origin, so not allowed
        return None
    found = f"{parts.scheme}://{parts.netloc}"
    return found if parts.scheme in ("http", "https") and found in allow.lower().split() else None


def today() -> date:
    """Return today's date in UTC, the only time a stored response keeps."""
    return datetime.now(UTC).date()


def store() -> Store:
    """Return the app's store."""
    return current_app.extensions["quiz.store"]


def record_for(
    bank: Bank,
    scores: Scores,
    outcome: Outcome,
    origin: str | None,
    accept_language: str | None,
    careless: bool | None = None,
) -> Record:
    """Build the response to keep: today's date, the origin only if allowed, the bank's locale that fits the visitor."""
    origin = allowed_origin(origin, setting("embed_origins"))
    # Only the bank's own locales can come out, never anything a link could set.
    locale = best_locale(accept_language, [bank.locale])
    return record_from(bank, scores, outcome, today(), origin, locale, careless)


def count(quiz_id: str, step_id: str, event: str) -> None:
    """Count one funnel event (started, step, finished, cta) for today, with no identifiers."""
    if event not in EVENTS:
        raise ValueError(f"unknown funnel event {event!r}")
    try:
        store().add_events({(quiz_id, today(), step_id[:64], event): 1})
    except sa.exc.SQLAlchemyError:
        log.exception("could not count a funnel event for %s", quiz_id)


def spend(digest: str, record: Record | None = None) -> bool | None:
    """Mark a single-use token used and keep the response it came with, all or nothing; purge old rows once a day.

    Return True the first time, False if it was used before, None if the database fails; only True keeps the response.
    """
    found, days = store(), int(setting("retention_days") or 0)
    try:
        first = found.spend(digest, today(), [record] if record else [])
    except sa.exc.SQLAlchemyError:
        log.exception("could not store a response or mark its single-use token as used; nothing it came with is kept")
        return None
    _after_response(lambda: tidy(found, days))
    return first


def tidy(found: Store, retention_days: int, force: bool = False) -> int:
    """Once a day per process, delete responses past the retention period and spent tokens; never raise."""
    if not force and time.monotonic() - found.last_tidy < 24 * 3600:
        return 0
    found.last_tidy = time.monotonic()
    keep_from = today() - timedelta(days=retention_days) if retention_days > 0 else date.min
    try:
        return found.purge(keep_from, today() - timedelta(days=TOKEN_DAYS))
    except sa.exc.SQLAlchemyError:  # the response is already safe; a failed purge is retried tomorrow
        log.exception("could not delete responses past the retention period")
        return 0


def _after_response(task: Callable[[], Any]) -> None:
    """Run a task once the response is sent, so the person never waits for housekeeping; outside a request, now."""
    if not has_request_context():
        task()
        return

    def later(response: Response) -> Response:
        response.call_on_close(task)
        return response

    after_this_request(later)


def init_app(app: Flask) -> None:
    """Connect, migrate, publish the store and the `setting` template function, and purge old responses."""
    engine = make_engine(app.config["DATABASE_URL"])
    migrate(engine)
    found = Store(engine)
    app.extensions["quiz.store"] = found
    app.add_template_global(setting)
    with app.app_context():
        tidy(found, int(setting("retention_days") or 0), force=True)
    # Forked workers must not share pooled connections: leave the pool empty before any fork.
    engine.dispose()
