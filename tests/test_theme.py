"""Theme tokens: strict validation, readable text on any accent, no way to inject CSS."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.web import theme

GRID = [f"#{r:02x}{g:02x}{b:02x}" for r in range(0, 256, 17) for g in range(0, 256, 17) for b in range(0, 256, 17)]
PROPS = r'(--[a-z-]+:[#0-9a-zA-Z ,"\-]+;)+'
SAFE_CSS = re.compile(
    rf":root\{{color-scheme:(light|dark);{PROPS}\}}\n"
    rf"(@media \(prefers-color-scheme: dark\)\{{:root\{{color-scheme:dark;{PROPS}\}}\}}\n)?"
)
HOSTILE = [
    "red;}body{display:none",
    "#fff;background:url(//evil)",
    "#ffff",
    "#12345g",
    "url(x)",
    "expression(alert(1))",
    "Arial;}*{color:red",
    'Ari"al',
    "Arial/*",
    "Arial\\",
    "<style>",
    "a" * 300,
    "x:y",
    "Inter, 'Comic'; }",
    "16px;",
    "-1",
    "25",
    "1e1",
    "8em",
    "LIGHT;x",
    "dark\u200b",
]


@pytest.mark.parametrize(("raw", "clean"), [("#abc", "#aabbcc"), ("#ABCDEF", "#abcdef"), (" #123456 ", "#123456")])
def test_accepts_short_and_long_hex_accents(raw, clean):
    assert theme.clean_accent(raw) == clean


@pytest.mark.parametrize("raw", ["red", "#abcd", "#12345g", "rgb(0,0,0)", "#fff;}", "", None, 123, "#ffffff00"])
def test_rejects_other_colour_syntax(raw):
    assert theme.clean_accent(raw) is None


@pytest.mark.parametrize(("raw", "clean"), [(0, 0), (24, 24), ("8", 8), ("12px", 12), (" 4px ", 4)])
def test_accepts_radius_from_0_to_24_px(raw, clean):
    assert theme.clean_radius(raw) == clean


@pytest.mark.parametrize("raw", [-1, 25, "25px", "8em", "1.5", True, None, "", "px"])
def test_rejects_radius_out_of_range_or_unit(raw):
    assert theme.clean_radius(raw) is None


def test_mode_is_light_or_dark_only():
    assert theme.clean_mode("Dark") == "dark"
    assert theme.clean_mode("light") == "light"
    assert theme.clean_mode("auto") is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("system", "system"),
        ("Serif", "serif"),
        ("Inter, sans-serif", "Inter, sans-serif"),
        ('"Source Sans 3", Arial, sans-serif', "Source Sans 3, Arial, sans-serif"),
    ],
)
def test_font_is_a_named_stack_or_plain_family_names(raw, clean):
    assert theme.clean_font(raw) == clean


def test_font_families_are_quoted_and_generics_are_not():
    css = theme.css(theme.theme_from({"font": "Source Sans 3, sans-serif"}))
    assert '--font:"Source Sans 3", sans-serif;' in css


@pytest.mark.parametrize("raw", HOSTILE)
def test_injection_attempts_fall_back_to_defaults(raw):
    found = theme.theme_from({"accent": raw, "font": raw, "radius": raw, "mode": raw})
    assert found == theme.DEFAULT
    assert theme.overrides({"accent": raw, "font": raw, "radius": raw, "mode": raw}) == {}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["accent", "font", "radius", "mode"]), st.text(max_size=60)))
def test_any_input_gives_only_safe_css(raw):
    assert SAFE_CSS.fullmatch(theme.css(theme.theme_from(raw)))


def test_later_layers_win_and_invalid_values_keep_the_layer_below():
    found = theme.theme_from({"accent": "#336699", "radius": 10}, {"accent": "bad", "radius": "2"})
    assert (found.accent, found.radius) == ("#336699", 2)


def test_contrast_matches_wcag_reference_values():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert theme.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert theme.contrast("#ffffff", "#ffffff") == pytest.approx(1)


def test_text_on_every_accent_reaches_4_5_to_1():
    for accent in GRID:
        assert theme.contrast(accent, theme.text_on(accent)) >= theme.MIN_CONTRAST, accent


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_accent_ink_reads_on_the_page_background(mode):
    background = theme.MODES[mode]["bg"]
    for accent in GRID:
        assert theme.contrast(theme.ink(accent, background), background) >= theme.MIN_CONTRAST, accent


def test_ink_keeps_an_accent_that_already_reads():
    assert theme.ink("#1d70b8", "#ffffff") == "#1d70b8"


def test_mode_palettes_are_readable():
    for palette in theme.MODES.values():
        assert theme.contrast(palette["fg"], palette["bg"]) >= 7
        assert theme.contrast(palette["muted"], palette["bg"]) >= theme.MIN_CONTRAST
        assert theme.contrast(palette["fg"], palette["surface"]) >= theme.MIN_CONTRAST
