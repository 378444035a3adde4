"""Crisis resources per country and the country picked for a request; pure, no app."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz import support as crisis

COUNTRIES = {"US", "CA", "GB", "IE", "AU", "NZ", "DE", "AT", "CH", "FR", "NL", "ES", "IN", "ZA"}


def test_every_country_has_crisis_lines_and_ways_to_find_a_therapist():
    book = crisis.directory()
    assert set(book.countries) == set(book.therapists) == COUNTRIES | {book.default}
    for entry in book.countries.values():
        assert isinstance(entry.verified, dt.date) and entry.emergency and entry.lines
        for line in entry.lines:
            assert all(c.href.startswith(("tel:", "sms:", "https://")) for c in line.contacts)
    for finding in book.therapists.values():
        assert finding.steps and all(
            step.href is None or step.href.startswith(("tel:", "https://")) for step in finding.steps
        )
        assert any(
            step.href is None and "doctor" in (step.name + step.detail).lower() or "GP" in step.name
            for step in finding.steps
        )
    assert book.ifs_directory.href.startswith("https://")


def _year_ago(today: dt.date) -> dt.date:
    return today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else today - dt.timedelta(365)


@pytest.mark.parametrize("kind", ["countries", "therapists"])
def test_no_entry_was_last_verified_more_than_twelve_months_ago(kind):
    """Fail when a number or link may have gone stale: re-check it and update `verified:` in quiz/data/."""
    today = dt.date.today()
    entries = getattr(crisis.directory(), kind)
    stale = {code: e.verified for code, e in entries.items() if e.verified < _year_ago(today)}
    assert not stale, f"{kind} not verified since {_year_ago(today)}: {stale}"
    assert all(e.verified <= today for e in entries.values()), "verified dates in the future"


def test_the_staleness_check_would_catch_an_old_entry():
    assert dt.date(2025, 11, 29) < _year_ago(dt.date(2026, 11, 30)) <= dt.date(2025, 11, 30)


def test_required_numbers_are_listed():
    text = {code: repr(entry) for code, entry in crisis.directory().countries.items()}
    assert "tel:988" in text["US"] and "741741" in text["US"] and "988lifeline.org" in text["US"]
    assert "AYUDA" in text["US"] and "911" in text["US"]
    assert "9-8-8" in text["CA"]
    assert "116 123" in text["GB"] and "85258" in text["GB"] and "999" in text["GB"]
    assert "116 123" in text["IE"] and "1800 247 247" in text["IE"] and "112" in text["IE"]
    assert "13 11 14" in text["AU"] and "0477 13 11 14" in text["AU"] and "000" in text["AU"]
    assert "1737" in text["NZ"] and "111" in text["NZ"]
    for code in ("DE", "AT", "FR", "NL", "ES"):
        assert "112" in text[code], code
    assert "findahelpline.com" in text[crisis.directory().default]


def test_the_panel_speaks_to_someone_worried_about_another_person_and_of_a_safety_plan():
    texts = crisis.directory().texts
    assert "someone else" in texts["someone_else"].lower()
    assert "safety plan" in texts["safety_plan"].lower()
    assert "{emergency}" in texts["danger"]
    assert not any("telling us" in text.lower() for text in texts.values())


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("fr-CA", "CA"),
        ("en;q=0.9, en-AU;q=0.8, en-US;q=0.5", "AU"),
        ("en-US;q=0.2, en-IE;q=0.9", "IE"),
        ("de-DE", "DE"),
        ("pt-BR", None),
        ("en", None),
        ("", None),
        (None, None),
        ("zh-Hant-TW", None),
        ("en-us", "US"),
        ("garbage;;;", None),
        ("en-GB;q=0", None),
    ],
)
def test_country_from_accept_language(header, code):
    assert crisis.country_from_accept_language(header, set(crisis.directory().countries)) == code


def test_pick_prefers_the_picker_then_the_header_then_the_fallback():
    assert crisis.pick("au", "en-GB").code == "AU"
    assert crisis.pick("ZZ", "en-GB").code == "GB"
    assert crisis.pick(None, "pt-BR").code == crisis.directory().default


def test_choices_put_the_fallback_last():
    choices = crisis.directory().choices()
    assert choices[-1][0] == crisis.directory().default and len(choices) == len(crisis.directory().countries)


def test_parse_rejects_a_missing_default():
    with pytest.raises(ValueError, match="default"):
        crisis.parse("default: XX\ncountries: {}\n", "countries: {}\nifs_directory: {name: x, detail: x, href: null}")
