"""What the browser tests share: the default bank's golden answers, result links, and walking the quiz pages."""

from __future__ import annotations

from typing import Any

QUIZ = "coaching-fit"
# Every result kind the default bank gives, as (outcome, variant): each is reached from a golden example.
RESULT_KINDS = [
    ("crisis_support", None),
    ("crisis_support", "often"),
    ("therapy_first", None),
    ("therapy_first", "severe"),
    ("therapy_and_coaching", None),
    ("see_doctor", None),
    ("not_yet", None),
    ("parts_work_coaching", None),
    ("coaching", None),
]
# The radio and checkbox groups of a step, in page order, with the values they offer and the ones already chosen.
GROUPS = """() => {
  const groups = [];
  for (const e of document.querySelectorAll('#quiz-form input.choice-input')) {
    let last = groups[groups.length - 1];
    if (!last || last.name !== e.name) groups.push(last = {name: e.name, type: e.type, values: [], checked: []});
    last.values.push(e.value);
    if (e.checked) last.checked.push(e.value);
  }
  return groups;
}"""
NO_SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def example(site: Any, expect: str, variant: str | None = None) -> dict[str, Any]:
    """Return the answers of the default bank's first golden example with this outcome and variant."""
    bank = site.app.extensions["quiz.banks"][QUIZ]
    return next(dict(e.answers) for e in bank.examples if e.expect == expect and e.variant == variant)


def result_url(site: Any, answers: dict[str, Any], query: str = "") -> str:
    """Return the result page's permalink for these answers, as the app makes it."""
    bank = site.app.extensions["quiz.banks"][QUIZ]
    token = site.app.extensions["quiz.tokens"].result_token(bank, answers)
    return f"{site.quiz.origin}/q/{QUIZ}/r/{token}{query}"


def wanted(answers: dict[str, Any], name: str) -> list[str]:
    value = answers[name]
    return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]


def answer_step(page: Any, answers: dict[str, Any], click: bool = True) -> None:
    """Choose the given answer for every question on the step, by clicking or (quicker) by setting it."""
    chosen = {g["name"]: wanted(answers, g["name"]) for g in page.evaluate(GROUPS)}
    if not click:
        page.evaluate(
            """chosen => { for (const [name, values] of Object.entries(chosen)) for (const v of values)
                 document.querySelector(`input[name="${name}"][value="${v}"]`).checked = true; }""",
            chosen,
        )
        return
    for name, values in chosen.items():
        for value in values:
            page.locator(f'input[name="{name}"][value="{value}"]').check()


def submit(page: Any, button: str = "#next") -> None:
    with page.expect_navigation():
        page.locator(button).click()


def open_intro(page: Any, site: Any, query: str = "") -> None:
    page.goto(f"{site.quiz.origin}/q/{QUIZ}{query}")
    assert page.locator("h1").count() == 1


def at_result(page: Any) -> bool:
    return page.locator("main[data-outcome]").count() > 0


def steps(page: Any, answers: dict[str, Any], click: bool = False) -> Any:
    """Answer and submit every step up to the result, yielding on each step page before it is answered."""
    for _ in range(16):
        if at_result(page):
            return
        yield page.locator("main").get_attribute("data-step")
        answer_step(page, answers, click)
        submit(page)
    raise AssertionError("the quiz did not reach its result")
