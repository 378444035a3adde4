"""Where to find help, by country: crisis lines and ways to find a therapist, and the country for a request; pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
# A language range with an optional weight, e.g. "en-GB;q=0.8" or "zh-Hant-TW".
_RANGE = re.compile(r"^\s*([A-Za-z0-9-]{1,35})\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$")


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a line: a visible label and a tel:, sms: or https: link."""

    label: str
    href: str


@dataclass(frozen=True, slots=True)
class Line:
    """A crisis line with the ways to reach it."""

    name: str
    detail: str
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One way to find a therapist: a name, a plain sentence, and a link when there is one."""

    name: str
    detail: str
    href: str | None


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything the crisis panel and the therapist list show for one country."""

    code: str
    name: str
    emergency: str
    verified: dt.date
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """How to find a therapist in one country."""

    code: str
    name: str
    verified: dt.date
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Directory:
    """Every country's crisis lines and therapist steps, the fallback code, and the crisis panel's words."""

    countries: dict[str, Resources]
    therapists: dict[str, Finding]
    default: str
    texts: dict[str, str]
    ifs_directory: Step

    def get(self, code: str | None) -> Resources:
        """Return a country's crisis resources, or the fallback's for an unknown code."""
        return self.countries.get((code or "").upper(), self.countries[self.default])

    def finding(self, code: str | None) -> Finding:
        """Return how to find a therapist in a country, or the fallback's for an unknown code."""
        return self.therapists.get((code or "").upper(), self.therapists[self.default])

    def choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for the country picker, the fallback last."""
        named = sorted(((c, r.name) for c, r in self.countries.items() if c != self.default), key=lambda x: x[1])
        return [*named, (self.default, self.countries[self.default].name)]


def _resources(code: str, entry: dict[str, Any]) -> Resources:
    lines = tuple(
        Line(line["name"], line.get("detail", ""), tuple(Contact(**c) for c in line["contacts"]))
        for line in entry["lines"]
    )
    return Resources(code, entry["name"], str(entry["emergency"]), entry["verified"], lines)


def parse(crisis_text: str, therapists_text: str) -> Directory:
    """Build a directory from the YAML text of the crisis and therapist data files."""
    crisis, therapists = yaml.safe_load(crisis_text), yaml.safe_load(therapists_text)
    countries = {code: _resources(code, entry) for code, entry in crisis["countries"].items()}
    finding = {
        code: Finding(code, entry["name"], entry["verified"], tuple(Step(**step) for step in entry["steps"]))
        for code, entry in therapists["countries"].items()
    }
    if crisis["default"] not in countries or crisis["default"] not in finding:
        raise ValueError(f"default country {crisis['default']!r} has no entry")
    if set(countries) != set(finding):
        raise ValueError(f"crisis lines and therapist steps cover different countries: {set(countries) ^ set(finding)}")
    texts = {key: " ".join(str(value).split()) for key, value in crisis.get("texts", {}).items()}
    return Directory(countries, finding, crisis["default"], texts, Step(**therapists["ifs_directory"]))


@cache
def directory() -> Directory:
    """Return the bundled directory, read once."""
    return parse((DATA / "crisis.yaml").read_text(encoding="utf-8"), (DATA / "therapists.yaml").read_text("utf-8"))


def country_from_accept_language(header: str | None, known: set[str]) -> str | None:
    """Pick the best-weighted known region from an Accept-Language header, e.g. en-GB → GB."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        match = _RANGE.match(part)
        if not match:
            continue
        weight = float(match.group(2) or 1)
        regions = [t.upper() for t in match.group(1).split("-")[1:] if len(t) == 2 and t.isalpha()]
        if regions and regions[0] in known and weight > 0:
            ranked.append((-weight, position, regions[0]))
    return min(ranked)[2] if ranked else None


def pick(choice: str | None, accept_language: str | None) -> Resources:
    """Return the resources for the chosen country, else the browser's region, else the fallback."""
    book = directory()
    if choice and choice.upper() in book.countries:
        return book.get(choice)
    return book.get(country_from_accept_language(accept_language, set(book.countries)))
