"""Theme tokens for the quiz pages: validated values in, CSS custom properties out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

ACCENT_RE = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
FAMILY_RE = re.compile(r"[A-Za-z][A-Za-z0-9 -]{0,39}")
RADIUS_RE = re.compile(r"(\d{1,2})(?:px)?")
MAX_RADIUS = 24
MIN_CONTRAST = 4.5

GENERIC_FAMILIES = frozenset(
    "serif sans-serif monospace cursive system-ui ui-serif ui-sans-serif ui-rounded ui-monospace".split()
)
NAMED_STACKS = {
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    "serif": 'Georgia, "Times New Roman", serif',
    "rounded": 'ui-rounded, "SF Pro Rounded", "Nunito", system-ui, sans-serif',
    "humanist": '"Seravek", "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif',
    "mono": 'ui-monospace, "Cascadia Code", Menlo, Consolas, monospace',
}
MODES = {
    "light": {
        "bg": "#ffffff",
        "fg": "#1b1b1b",
        "muted": "#505a5f",
        "surface": "#f3f2f1",
        "border": "#6f777b",
        "error": "#b00020",
        "crisis": "#6b1d1d",
        "crisis-bg": "#fff4f2",
        "focus": "#ffdd00",
        "focus-text": "#0b0c0c",
    },
    "dark": {
        "bg": "#121212",
        "fg": "#f0f0f0",
        "muted": "#b8bec2",
        "surface": "#1f2326",
        "border": "#8d9499",
        "error": "#ff9e9e",
        "crisis": "#ffc2bd",
        "crisis-bg": "#2b1716",
        "focus": "#ffdd00",
        "focus-text": "#0b0c0c",
    },
}


@dataclass(frozen=True)
class Theme:
    """A validated theme: every field is safe to write into CSS as it stands."""

    accent: str = "#1d70b8"
    font: str = "system"
    radius: int = 6
    mode: str = "auto"  # follow the visitor's light or dark setting, unless the coach picks one


DEFAULT = Theme()


def clean_accent(value: object) -> str | None:
    """Return the colour as lower-case #rrggbb, or None unless it is #rgb or #rrggbb."""
    if not isinstance(value, str) or not ACCENT_RE.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def clean_font(value: object) -> str | None:
    """Return a named stack's key or a safe comma-separated family list, or None."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    text = value.strip()
    if text.lower() in NAMED_STACKS:
        return text.lower()
    families = [f.strip().strip("\"'") for f in text.split(",")]
    if not 0 < len(families) <= 6 or not all(FAMILY_RE.fullmatch(f) for f in families):
        return None
    return ", ".join(families)


def clean_radius(value: object) -> int | None:
    """Return a radius of 0–24 px from an int or a string like "8" or "8px", or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_RADIUS else None
    match = RADIUS_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    return int(match.group(1)) if match and int(match.group(1)) <= MAX_RADIUS else None


def clean_mode(value: object) -> str | None:
    """Return "light" or "dark", or None."""
    text = value.strip().lower() if isinstance(value, str) else None
    return text if text in MODES else None


CLEANERS = {"accent": clean_accent, "font": clean_font, "radius": clean_radius, "mode": clean_mode}


def theme_from(*layers: Mapping[str, object]) -> Theme:
    """Merge layers of raw values (later layers win); an invalid or missing value keeps the one below."""
    values: dict[str, object] = {}
    for layer in layers:
        for key, clean in CLEANERS.items():
            found = clean(layer.get(key))
            if found is not None:
                values[key] = found
    return Theme(**values)  # type: ignore[arg-type]


def overrides(raw: Mapping[str, object]) -> dict[str, str]:
    """Return only the valid theme values in raw, as strings for a URL's query."""
    found = {key: clean(raw.get(key)) for key, clean in CLEANERS.items()}
    return {key: str(value) for key, value in found.items() if value is not None}


def luminance(colour: str) -> float:
    """Return the WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """Return the WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(accent: str) -> str:
    """Pick black or white text for the accent, whichever contrasts more.

    The better of the two always reaches at least 4.58:1 (the worst case is a mid grey), so no
    accent ever needs darkening for its own text.
    """
    return "#ffffff" if contrast(accent, "#ffffff") >= contrast(accent, "#000000") else "#000000"


def mix(colour: str, target: str, share: float) -> str:
    """Return colour moved `share` (0–1) of the way towards target, as #rrggbb."""
    parts = (round(int(colour[i : i + 2], 16) * (1 - share) + int(target[i : i + 2], 16) * share) for i in (1, 3, 5))
    return "#" + "".join(f"{p:02x}" for p in parts)


def ink(accent: str, background: str) -> str:
    """Return the accent, darkened or lightened just enough to read as text on the background (≥4.5:1)."""
    target = "#000000" if luminance(background) > 0.5 else "#ffffff"
    for step in range(21):
        candidate = mix(accent, target, step / 20)
        if contrast(candidate, background) >= MIN_CONTRAST:
            return candidate
    return target


def css(theme: Theme) -> str:
    """Return the theme as custom properties on :root: one mode, or light with dark for visitors who prefer it."""
    shared = {
        "accent": theme.accent,
        "accent-text": text_on(theme.accent),
        "radius": f"{theme.radius}px",
        "font": NAMED_STACKS.get(theme.font) or ", ".join(_family(f) for f in theme.font.split(", ")),
    }
    head = "".join(f"--{name}:{value};" for name, value in shared.items())
    if theme.mode in MODES:
        return f":root{{color-scheme:{theme.mode};{head}{_palette(theme, theme.mode)}}}\n"
    dark = f"@media (prefers-color-scheme: dark){{:root{{color-scheme:dark;{_palette(theme, 'dark')}}}}}"
    return f":root{{color-scheme:light;{head}{_palette(theme, 'light')}}}\n{dark}\n"


def _palette(theme: Theme, mode: str) -> str:
    """Return one mode's colours, with the accent made readable as text on that mode's background."""
    palette = {**MODES[mode], "accent-ink": ink(theme.accent, MODES[mode]["bg"])}
    return "".join(f"--{name}:{value};" for name, value in palette.items())


def _family(name: str) -> str:
    """Quote a family name unless it is a generic keyword (quoted generics would name a font)."""
    return name if name.lower() in GENERIC_FAMILIES else f'"{name}"'
