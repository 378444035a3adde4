"""What the coach looks at: one whole calendar period (week, month, quarter or year), one quiz, at most one filter."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("week", "month", "quarter", "year")
# Years 1000 to 2999 only, so a period, the one before it and the one after all fit Python's calendar.
PATTERNS = {
    "week": re.compile(r"([12][0-9]{3})-W([0-9]{2})"),
    "month": re.compile(r"([12][0-9]{3})-([0-9]{2})"),
    "quarter": re.compile(r"([12][0-9]{3})-Q([1-4])"),
    "year": re.compile(r"([12][0-9]{3})"),
}
DIRECT = "direct"  # the site filter's value for responses that came from no allow-listed site


@dataclass(frozen=True, slots=True)
class Period:
    """A whole calendar week (Monday to Sunday), month, quarter or year, named by its kind and first day."""

    kind: str
    start: date

    @property
    def end(self) -> date:
        """Return the period's last day."""
        if self.kind == "week":
            return self.start + timedelta(days=6)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        year, month = divmod(self.start.month - 1 + months, 12)
        return date(self.start.year + year, month + 1, 1) - timedelta(days=1)

    @property
    def id(self) -> str:
        """Return the period's name in URLs: 2025-W07, 2025-03, 2025-Q1 or 2025."""
        year, month = self.start.year, self.start.month
        if self.kind == "week":
            iso_year, week, _ = self.start.isocalendar()
            return f"{iso_year}-W{week:02d}"
        return {"month": f"{year}-{month:02d}", "quarter": f"{year}-Q{(month + 2) // 3}", "year": str(year)}[self.kind]

    @property
    def label(self) -> str:
        """Return the period as a coach reads it."""
        s, e = self.start, self.end
        if self.kind == "week":
            return f"the week of {s.day} {calendar.month_name[s.month]} {s.year}"
        if self.kind == "month":
            return f"{calendar.month_name[s.month]} {s.year}"
        if self.kind == "quarter":
            return f"{calendar.month_name[s.month]} to {calendar.month_name[e.month]} {s.year}"
        return str(s.year)

    @property
    def short(self) -> str:
        """Return a short name for chart axes: 3 Mar, Mar 2025, Q1 2025 or 2025."""
        s = self.start
        if self.kind == "week":
            return f"{s.day} {calendar.month_abbr[s.month]}"
        if self.kind == "month":
            return f"{calendar.month_abbr[s.month]} {s.year}"
        return f"Q{(s.month + 2) // 3} {s.year}" if self.kind == "quarter" else str(s.year)

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        return period_of(self.kind, self.start - timedelta(days=1))


def period_of(kind: str, day: date) -> Period:
    """Return the period of a kind that holds a day."""
    if kind == "week":
        return Period(kind, day - timedelta(days=day.weekday()))
    first = {"month": day.month, "quarter": (day.month - 1) // 3 * 3 + 1, "year": 1}[kind]
    return Period(kind, date(day.year, first, 1))


def parse_period(text: str) -> Period | None:
    """Read a period's id (2025-W07, 2025-03, 2025-Q1, 2025), or return None."""
    for kind, pattern in PATTERNS.items():
        if found := pattern.fullmatch(text):
            year, number = int(found[1]), int(found.group(found.re.groups))
            try:
                if kind == "week":
                    return Period(kind, date.fromisocalendar(year, number, 1))
                return period_of(kind, date(year, {"month": number, "quarter": number * 3 - 2}.get(kind, 1), 1))
            except ValueError:
                return None
    return None


def closed(period: Period, today: date) -> bool:
    """Say whether a whole day has passed since the period ended: only then can nothing more join it."""
    return period.end < today - timedelta(days=1)


def periods(kind: str, days: Iterable[date], today: date) -> list[Period]:
    """Return the closed periods of a kind that hold any of the days, newest first."""
    return sorted({p for p in (period_of(kind, d) for d in days) if closed(p, today)}, key=lambda p: p.start)[::-1]


@dataclass(frozen=True, slots=True)
class Choice:
    """What the coach asked to see: a period (None for the latest), a quiz, and a site or a bank version."""

    kind: str = "month"
    period: Period | None = None
    quiz_id: str | None = None
    site: str | None = None  # an origin, or DIRECT
    version: int | None = None


def parse(args: Mapping[str, str], quizzes: Iterable[str]) -> tuple[Choice, dict[str, str]]:
    """Read the coach's choice from a query string; return it and one message per field it ignored."""
    errors: dict[str, str] = {}
    kind = args.get("kind", "month")
    if kind not in KINDS:
        errors["kind"], kind = "choose a week, month, quarter or year", "month"
    period = parse_period(args.get("period", "").strip())
    if args.get("period") and period is None:
        errors["period"] = "use a period like 2025-W07, 2025-03, 2025-Q1 or 2025"
    if period is not None and period.kind != kind:
        period = None  # the coach switched kinds: show the newest period of the new kind
    quiz = args.get("quiz") or None
    if quiz is not None and quiz not in set(quizzes):
        errors["quiz"], quiz = f"there is no quiz called '{quiz[:64]}'", None
    version_text = args.get("version", "")
    version = int(version_text) if re.fullmatch(r"[0-9]{1,8}", version_text) else None
    if version_text and version is None:
        errors["version"] = "use a whole number"
    site = args.get("site") or None
    if site and version is not None:
        errors["version"], version = "choose a website or a bank version, not both", None
    return Choice(kind, period, quiz, site[:255] if site else None, version), errors
