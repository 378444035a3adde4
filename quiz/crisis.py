"""Crisis resources per country, and the country to show for a request; pure, no Flask."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "crisis.yaml"
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
class Resources:
    """Everything the crisis panel shows for one country."""

    code: str
    name: str
    emergency: str
    verified: dt.date
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Directory:
    """All countries' resources, and the code used when no country matches."""

    countries: dict[str, Resources]
    default: str

    def get(self, code: str | None) -> Resources:
        """Return a country's resources, or the fallback for an unknown code."""
        return self.countries.get((code or "").upper(), self.countries[self.default])

    def choices(self) -> list[tuple[str, str]]:
        """Return (code, name) pairs for the country picker, the fallback last."""
        named = sorted(((c, r.name) for c, r in self.countries.items() if c != self.default), key=lambda x: x[1])
        return [*named, (self.default, self.countries[self.default].name)]


def parse(text: str) -> Directory:
    """Build a directory from the YAML text of a crisis data file."""
    raw = yaml.safe_load(text)
    countries = {
        code: Resources(
            code=code,
            name=entry["name"],
            emergency=str(entry["emergency"]),
            verified=entry["verified"],
            lines=tuple(
                Line(line["name"], line.get("detail", ""), tuple(Contact(**c) for c in line["contacts"]))
                for line in entry["lines"]
            ),
        )
        for code, entry in raw["countries"].items()
    }
    if raw["default"] not in countries:
        raise ValueError(f"default country {raw['default']!r} has no entry")
    return Directory(countries, raw["default"])


@cache
def directory() -> Directory:
    """Return the bundled directory, read once."""
    return parse(DATA.read_text(encoding="utf-8"))


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
