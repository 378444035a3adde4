"""axe-core finds nothing, at any impact, on every kind of quiz page: light, dark, forced dark, and other accents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .quizpages import QUIZ, RESULT_KINDS, answer_step, example, open_intro, result_url, steps, submit

pytestmark = pytest.mark.browser

# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, and its best practices), reporting only violations.
EVERY_RULE = {"resultTypes": ["violations"]}
# A forced mode or another accent changes only colours (theme.css sets custom properties, nothing else), so those
# runs need only the rules that look at colour; the default theme runs every rule, in light and in dark.
COLOUR_RULES = {"resultTypes": ["violations"], "runOnly": ["color-contrast", "link-in-text-block"]}
FEW = {"start", "step answered", "result therapy_and_coaching"}  # buttons, links, a summary, chosen segments
THEMES = {
    # name: (query string, colour schemes the visitor's browser asks for, pages (None: every page))
    "default": ("", ("light", "dark"), None),
    "forced dark": ("?mode=dark", ("light",), None),  # the coach chose dark; the visitor's setting is light
    "accent ffdd00": ("?accent=%23ffdd00", ("light", "dark"), FEW),
    "accent 00703c": ("?accent=%2300703c", ("light", "dark"), FEW),
    "accent d4351c": ("?accent=%23d4351c", ("light", "dark"), FEW),
}


def stops(page, site, query: str, only: set[str] | None) -> Iterator[str]:
    """Visit the start page, a step's error state, an answered step, a crisis panel, every result and help."""

    def wanted(label: str) -> bool:
        return only is None or label in only

    open_intro(page, site, query)
    yield "start"
    submit(page, "#start")
    submit(page)
    assert page.locator("#error-summary").count() == 1
    if wanted("error state"):
        yield "error state"
    answers = example(site, "crisis_support", "often")
    answer_step(page, answers)  # checked segments: the accent behind the number
    yield "step answered"
    if wanted("crisis panel on a step"):
        walk = steps(page, answers)
        while next(walk) != "day_to_day":
            pass
        assert page.locator("#crisis").count() == 1
        yield "crisis panel on a step"
    for outcome, variant in RESULT_KINDS:
        label = f"result {outcome}" + (f" {variant}" if variant else "")
        if wanted(label):
            page.goto(result_url(site, example(site, outcome, variant), query))
            if page.locator("#details").count():
                page.locator("#details summary").click()  # the tables, the map and the credits are checked open
            yield label
    if wanted("help"):
        page.goto(f"{site.quiz.origin}/q/{QUIZ}/help{query}")
        yield "help"


@pytest.mark.parametrize("theme", list(THEMES))
def test_axe_finds_nothing(browser, site, axe_script, theme):
    query, schemes, only = THEMES[theme]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # An init script is not subject to the page's CSP, so the pages are checked exactly as they are served.
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    found: dict[str, list[str]] = {}
    checked = []
    for label in stops(page, site, query, only):
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            result: dict[str, Any] = page.evaluate("o => axe.run(document, o)", COLOUR_RULES if query else EVERY_RULE)
            checked.append(f"{label} ({scheme})")
            for v in result["violations"]:
                found.setdefault(f"{label} ({scheme})", []).append(
                    f"{v['id']} [{v['impact']}]: {v['help']} {[n['target'] for n in v['nodes']][:5]}"
                )
    expected = len(only) if only is not None else 4 + len(RESULT_KINDS) + 1
    assert len(checked) == expected * len(schemes), checked
    assert found == {}, found
    context.close()
