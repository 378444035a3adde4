"""Attach the database to the app: engine, migrations, the Store, and what the pages call to keep a response."""

from __future__ import annotations

import logging
import os
import sqlite3
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
from quiz.store import Store, record_from
from quiz.store.writes import EVENTS

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_311_954  # any fixed number: app servers starting together take turns migrating


def make_engine(url: str) -> sa.Engine:
    """Create the engine; SQLite gets WAL, synchronous=NORMAL and a busy timeout on every connection."""
    # hide_parameters: a failed statement's error must never write a person's answers into the log
    engine = sa.create_engine(url, pool_pre_ping=not url.startswith("sqlite"), hide_parameters=True)
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:":
            _private_file(Path(database))
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # Rows sent straight to the driver carry dates; store them as ISO text, as SQLAlchemy's Date does
        # (and without the default adapter that Python 3.12 deprecates).
        sqlite3.register_adapter(date, date.isoformat)
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
    # A checkpoint (copying the WAL into the database, with two fsyncs) every 1000 pages, SQLite's default,
    # came every 15 or so stored responses and cost a quarter of each; every 10000 pages (40 MB) amortises it.
    pragmas = (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=5000",
        "foreign_keys=ON",
        "wal_autocheckpoint=10000",
    )
    for pragma in pragmas:
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
    found: Store = current_app.extensions["quiz.store"]
    return found


def keep(
    bank: Bank, scores: Scores, outcome: Outcome, origin: str | None, locale: str, careless: bool | None = None
) -> str | None:
    """Store a finished response the person agreed to keep; return its random id, or None if it was not stored."""
    origin = allowed_origin(origin, current_app.config.get("EMBED_ORIGINS", ""))
    record = record_from(bank, scores, outcome, today(), origin, _locale(locale), careless)
    found = store()
    try:
        found.save([record])
    except sa.exc.SQLAlchemyError:
        log.exception("could not store a response for %s; the person still gets their result", bank.id)
        return None
    config = dict(current_app.config)
    _after_response(lambda: tidy(found, config))
    return record.id


def count(quiz_id: str, step_id: str, event: str) -> None:
    """Count one funnel event (started, step, finished, cta) for today, with no identifiers."""
    if event not in EVENTS:
        raise ValueError(f"unknown funnel event {event!r}")
    try:
        store().add_events({(quiz_id, today(), step_id[:64], event): 1})
    except sa.exc.SQLAlchemyError:
        log.exception("could not count a funnel event for %s", quiz_id)


def spend(digest: str) -> bool | None:
    """Mark a single-use token used: True the first time, False if used before, None if the database fails."""
    try:
        return store().spend(digest, today())
    except sa.exc.SQLAlchemyError:
        log.exception("could not mark a single-use token as used, so nothing it came with is kept")
        return None


def tidy(found: Store, config: dict[str, Any]) -> None:
    """Fold the rollup queue when due, and purge past the retention period; log failures, never raise."""
    try:
        found.settle()
    except sa.exc.SQLAlchemyError:  # the response is already safe in the queue; the next fold takes it
        log.exception("could not fold the rollup queue")
    try:
        retain(found, config)
    except sa.exc.SQLAlchemyError:  # the response is already safe; a failed purge is retried tomorrow
        log.exception("could not delete responses past the retention period")


def retain(found: Store, config: Any, force: bool = False) -> int:
    """Delete responses older than RETENTION_DAYS, at most once a day per process unless forced."""
    days = int(config.get("RETENTION_DAYS") or 0)
    if days <= 0 or (not force and time.monotonic() - found.last_purge < 24 * 3600):
        return 0
    found.last_purge = time.monotonic()
    return found.purge(today() - timedelta(days=days))


def _after_response(task: Callable[[], None]) -> None:
    """Run a task once the response is sent (a fold of a thousand responses can take a while), or now."""
    if not has_request_context():
        task()
        return

    def later(response: Response) -> Response:
        response.call_on_close(task)
        return response

    after_this_request(later)


def _locale(value: str | None) -> str | None:
    """Keep a locale only if it looks like a language tag, so no free text is ever stored here."""
    if not value or len(value) > 16 or not all(p.isalnum() for p in value.replace("_", "-").split("-")):
        return None
    return value


def init_app(app: Flask) -> None:
    """Connect, migrate, purge past the retention period, and publish the store."""
    engine = make_engine(app.config["DATABASE_URL"])
    migrate(engine)
    found = Store(engine)
    retain(found, app.config, force=True)
    # Forked workers must not share pooled connections: leave the pool empty before any fork.
    engine.dispose()
    app.extensions["quiz.store"] = found
