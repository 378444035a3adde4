"""Read the coach's filters (date range, quiz, bank version, site) from a query string or CLI options."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from quiz.bank import Bank
from quiz.store import Filters

DIRECT = "direct"  # the filter value for responses that came from no allow-listed site
# Dates and versions stay where the dashboard's date arithmetic and the database's integers can follow them.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_VERSION_DIGITS = 9


def parse(args: Mapping[str, str | None], known_quizzes: set[str]) -> tuple[Filters, dict[str, str]]:
    """Return the filters and one message per field that could not be read (that field is then ignored)."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("start", "end"):
        days[name], problem = _day((args.get(name) or "").strip())
        if problem:
            errors[name] = problem
    start, end = days["start"], days["end"]
    if start and end and start > end:
        errors["end"], end = "the end date is before the start date", None
    quiz = (args.get("quiz") or "").strip() or None
    if quiz is not None and quiz not in known_quizzes:
        errors["quiz"], quiz = f"there is no quiz called '{quiz[:64]}'", None
    version_text = (args.get("version") or "").strip()
    # isdecimal, not isdigit: int() cannot read a digit such as "²"
    version = int(version_text) if version_text.isdecimal() and len(version_text) <= MAX_VERSION_DIGITS else None
    if version_text and version is None:
        errors["version"] = "use a whole number"
    origin = (args.get("origin") or "").strip() or None
    if origin == DIRECT:
        origin = ""
    return Filters(quiz_id=quiz, start=start, end=end, version=version, origin=origin), errors


def _day(text: str) -> tuple[date | None, str | None]:
    """Read one date filter; return the day (None if empty or unreadable) and what was wrong with it."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None, "use a date like 2025-01-31"
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        return None, f"use a date between {FIRST_DAY.year} and {LAST_DAY.year}"
    return day, None


def banks_in_view(banks: Mapping[str, Bank], f: Filters) -> list[Bank]:
    """Return the bank the filters name, else every loaded bank, for labels and export columns."""
    if f.quiz_id is not None and f.quiz_id in banks:
        return [banks[f.quiz_id]]
    return list(banks.values())
