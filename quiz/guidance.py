"""Choose the outcome for a set of scores, explain what drove it, and describe each life area."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from quiz.checks import Problem
from quiz.conditions import Context, Predicate, value_getter
from quiz.model import (
    CRISIS_OUTCOME,
    SAFETY_ITEM,
    AllOf,
    AnyOf,
    Bank,
    Comparison,
    Condition,
    FlagIs,
    IndexIs,
    ItemIs,
    Outcome,
    Ref,
    ScaleIs,
    Scores,
)
from quiz.plan import area_gap
from quiz.scoring import check_answers, plan_for, score

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace {name} placeholders with values; unknown names stay as written (no format-string tricks)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


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
    found = [*_reasons(bank, holds, rule.when, ctx)]
    for extra in text.explain:
        found += _reasons(bank, holds, extra, ctx)
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


def _reasons(bank: Bank, holds: Callable[[Condition], Predicate], cond: Condition, ctx: Context) -> Iterator[str]:
    """Yield the `because` text of every comparison that held, following flags to their definitions."""
    if isinstance(cond, AllOf | AnyOf):
        for part in cond.all if isinstance(cond, AllOf) else cond.any:
            if isinstance(part, Comparison):  # handled here, not by recursion: most parts are comparisons
                if part.because and holds(part)(ctx):
                    yield fill(part.because, _describe(bank, part, ctx))
            elif holds(part)(ctx):
                yield from _reasons(bank, holds, part, ctx)
    elif isinstance(cond, FlagIs):
        yield from _reasons(bank, holds, bank.flags[cond.flag], ctx)
    elif isinstance(cond, Comparison) and cond.because and holds(cond)(ctx):
        yield fill(cond.because, _describe(bank, cond, ctx))


def _describe(bank: Bank, cond: Comparison, ctx: Context) -> dict[str, object]:
    """Name the values a `because` sentence may quote."""
    assert isinstance(cond, ItemIs | ScaleIs | IndexIs)
    values: dict[str, object] = {"value": _show(value_getter(cond)(ctx))}
    if isinstance(cond, ScaleIs):
        values["label"] = bank.scales[cond.scale].label
        values["band"] = ctx.scales[cond.scale].band or ""
    elif isinstance(cond, IndexIs):
        values["label"] = bank.indices[cond.index].label
    _, operand = cond.operator
    values["other"] = _show(value_getter(operand)(ctx) if isinstance(operand, Ref) else operand)
    return values


def _show(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def area_strain(bank: Bank, scores: Scores) -> dict[str, float]:
    """Return each answered area's strain, 0-100: the larger of its life gap and its day-to-day difficulty."""
    items = plan_for(bank).items
    strain: dict[str, float] = {}
    for area in bank.areas:
        parts: list[float] = []
        sat, imp = scores.answers.get(area.satisfaction), scores.answers.get(area.importance)
        if isinstance(sat, int) and isinstance(imp, int):
            s, i = items[area.satisfaction], items[area.importance]
            parts.append(area_gap(sat, s.lo, s.hi, imp, i.lo, i.hi))
        value = scores.answers.get(area.functioning) if area.functioning else None
        if isinstance(value, int) and area.functioning:
            f = items[area.functioning]
            difficulty = (value - f.lo) / (f.hi - f.lo)
            parts.append(difficulty if f.question.reverse else 1 - difficulty)
        if parts:
            strain[area.id] = round(max(parts) * 100, 1)
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
