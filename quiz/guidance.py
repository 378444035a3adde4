"""Choose the outcome for a set of scores, explain what drove it, and describe each life area."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from quiz.checks import Problem
from quiz.conditions import Context
from quiz.model import (
    CRISIS_OUTCOME,
    SAFETY_ITEM,
    Bank,
    Outcome,
    Scores,
)
from quiz.reasons import PLACEHOLDER, area_tables, explainer
from quiz.scoring import check_answers, plan_for, score


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace {name} placeholders with values; unknown names stay as written (no format-string tricks)."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def _context(scores: Scores) -> Context:
    return Context(scores.answers, scores.scales, scores.indices, set(scores.flags))


def choose(bank: Bank, scores: Scores) -> str:
    """Return the id of the first outcome whose rule holds (the bank's last rule always does)."""
    safety = scores.answers.get(SAFETY_ITEM)
    if isinstance(safety, int) and safety >= 1 and CRISIS_OUTCOME in bank.guidance:
        return CRISIS_OUTCOME  # whatever the bank's rules say, a self-harm answer reaches the crisis path
    ctx = _context(scores)
    for oid, holds in plan_for(bank).outcomes:
        if holds(ctx):
            return oid
    raise AssertionError("the bank's last outcome is 'always'")  # the validator makes sure of it


def decide(bank: Bank, scores: Scores) -> Outcome:
    """Pick the first outcome whose rule holds and explain it."""
    ctx = _context(scores)
    holds = plan_for(bank).predicate
    chosen = choose(bank, scores)
    rule = next(r for r in bank.outcomes if r.id == chosen)
    text = bank.guidance[rule.id]
    body = next((v.body for v in text.variants if holds(v.when)(ctx)), text.body)
    found = explainer(bank, rule.when)(ctx)
    for extra in text.explain:
        found += explainer(bank, extra)(ctx)
    reasons = tuple(dict.fromkeys(found))
    strain = area_strain(bank, scores)
    return Outcome(
        id=rule.id,
        headline=text.headline,
        body=body,
        call_to_action=text.call_to_action,
        reasons=reasons,
        profile=tuple(_profile(bank, ctx, strain)),
        area_strain=strain,
    )


def area_strain(bank: Bank, scores: Scores) -> dict[str, float]:
    """Return each answered area's strain, 0-100: the larger of its life gap and its day-to-day difficulty."""
    answers = scores.answers
    strain: dict[str, float] = {}
    for area in area_tables(bank):
        parts: list[float] = []
        sat, imp = answers.get(area.satisfaction), answers.get(area.importance)
        if isinstance(sat, int) and isinstance(imp, int):
            parts.append(area.gaps[sat][imp])  # scored answers are checked ones, so they are in the table
        value = answers.get(area.functioning) if area.functioning else None
        if isinstance(value, int):
            parts.append(area.levels[value])
        if parts:
            strain[area.id] = max(parts)
    return strain


def join_words(words: list[str]) -> str:
    """Join labels as 'a', 'a and b' or 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _profile(bank: Bank, ctx: Context, strain: Mapping[str, float]) -> Iterator[str]:
    profile = bank.profile
    if profile is None or not strain:
        return
    labels = {a.id: a.label for a in bank.areas}
    well = [labels[a] for a, v in strain.items() if v < profile.well_below]
    hard = [labels[a] for a, v in strain.items() if v >= profile.hard_from]
    if well and hard:
        yield fill(profile.mixed, {"well": join_words(well), "hard": join_words(hard)})
    elif len(hard) == len(strain):
        yield profile.all_hard
    elif len(well) == len(strain):
        yield profile.all_well
    holds = plan_for(bank).predicate
    for note in profile.notes:
        if holds(note.when)(ctx):
            yield note.text


def assess(bank: Bank, answers: Mapping[str, object]) -> tuple[Scores, Outcome]:
    """Score already-checked answers and decide the outcome."""
    scores = score(bank, answers)  # type: ignore[arg-type]
    return scores, decide(bank, scores)


def check_examples(bank: Bank) -> Iterator[Problem]:
    """Check that each golden example is valid and gives the outcome it expects."""
    for ei, example in enumerate(bank.examples):
        clean, errors = check_answers(bank, dict(example.answers))
        for qid, message in errors.items():
            yield ("examples", ei, "answers", qid), message
        if errors:
            continue
        _, outcome = assess(bank, clean)
        if outcome.id != example.expect:
            yield (
                ("examples", ei, "expect"),
                (f"example '{example.name}' gives '{outcome.id}', not the expected '{example.expect}'"),
            )
