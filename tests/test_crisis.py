"""Crisis resources per country and the country picked for a request; pure, no app."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz import crisis


def test_every_entry_is_verified_and_reachable():
    book = crisis.directory()
    assert {"US", "CA", "GB", "IE", "AU", book.default} <= set(book.countries)
    for entry in book.countries.values():
        assert isinstance(entry.verified, dt.date) and entry.emergency and entry.lines
        for line in entry.lines:
            assert all(c.href.startswith(("tel:", "sms:", "https://")) for c in line.contacts)


def test_no_entry_was_last_verified_more_than_twelve_months_ago():
    """Fail when a number may have gone stale: re-check it and update `verified:` in quiz/data/crisis.yaml."""
    today = dt.date.today()
    year_ago = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else today - dt.timedelta(365)
    stale = {code: e.verified for code, e in crisis.directory().countries.items() if e.verified < year_ago}
    assert not stale, f"crisis resources not verified since {year_ago}: {stale}"
    assert all(e.verified <= today for e in crisis.directory().countries.values()), "verified dates in the future"


def test_required_numbers_are_listed():
    text = {code: repr(entry) for code, entry in crisis.directory().countries.items()}
    assert (
        "tel:988" in text["US"] and "741741" in text["US"] and "988lifeline.org" in text["US"] and "911" in text["US"]
    )
    assert "9-8-8" in text["CA"]
    assert "116 123" in text["GB"] and "999" in text["GB"] and "116 123" in text["IE"] and "112" in text["IE"]
    assert "13 11 14" in text["AU"] and "0477 13 11 14" in text["AU"] and "000" in text["AU"]
    assert "findahelpline.com" in text[crisis.directory().default]


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("fr-CA", "CA"),
        ("en;q=0.9, en-AU;q=0.8, en-US;q=0.5", "AU"),
        ("en-US;q=0.2, en-IE;q=0.9", "IE"),
        ("de-DE", None),
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
    assert crisis.pick(None, "de-DE").code == crisis.directory().default


def test_choices_put_the_fallback_last():
    choices = crisis.directory().choices()
    assert choices[-1][0] == crisis.directory().default and len(choices) == len(crisis.directory().countries)


def test_parse_rejects_a_missing_default():
    with pytest.raises(ValueError, match="default"):
        crisis.parse("default: XX\ncountries: {}\n")
