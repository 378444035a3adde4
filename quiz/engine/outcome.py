"""Choose the outcome for a set of scores, explain what drove it, and describe each life area; pure."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import chain
from types import MappingProxyType
from typing import Any, NamedTuple

from quiz.bank.model import (
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
    Path,
    Ref,
    ScaleIs,
)
from quiz.engine.answers import check_answers, walk
from quiz.engine.conditions import Facts, holds, number, value_of
from quiz.engine.scores import Scores, area_gap, score

PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_REASONS = 3  # a person reads three reasons; more read like a lab report


class Outcome(NamedTuple):
    """The guidance chosen for one set of scores: its wording, the reasons that drove it, and the area profile."""

    id: str
    headline: str
    body: str
    call_to_action: str
    reasons: tuple[str, ...] = ()
    profile: tuple[str, ...] = ()
    area_strain: Mapping[str, float] = MappingProxyType({})
    variant: str | None = None
    crisis_lines: bool = False  # a result other than crisis support that also shows the crisis lines
    offer_coach: bool = True
    ifs_directory: bool = False


def choose(bank: Bank, scores: Scores) -> str:
    """Return the id of the first outcome whose rule holds; a self-harm answer always reaches crisis support."""
    safety = scores.answers.get(SAFETY_ITEM)
    if isinstance(safety, int) and safety >= 1 and CRISIS_OUTCOME in bank.guidance:
        return CRISIS_OUTCOME
    facts = scores.facts()
    return next(rule.id for rule in bank.outcomes if holds(rule.when, facts))  # the last rule is 'always'


def decide(bank: Bank, scores: Scores) -> Outcome:
    """Pick the outcome, its wording and the reasons behind it, and describe each life area."""
    facts = scores.facts()
    chosen = choose(bank, scores)
    rule = next(r.when for r in bank.outcomes if r.id == chosen)
    text = bank.guidance[chosen]
    variant = next((v for v in text.variants if holds(v.when, facts)), None)
    found: dict[str, str] = {}  # the first reason about each scale or screen, most important first
    for subject, sentence in chain.from_iterable(explain(bank, cond, facts) for cond in (rule, *text.explain)):
        found.setdefault(subject, sentence)
        if len(found) == MAX_REASONS:
            break
    strain = area_strain(bank, scores.answers)
    chosen_by = variant or text  # a variant's own setting wins where it has one
    return Outcome(
        id=chosen,
        headline=(variant and variant.headline) or text.headline,
        body=chosen_by.body,
        call_to_action=(variant and variant.call_to_action) or text.call_to_action,
        reasons=tuple(found.values()),
        profile=describe(bank, facts, strain),
        area_strain=strain,
        variant=variant.id if variant else None,
        crisis_lines=bank.crisis_lines is not None and holds(bank.crisis_lines, facts),
        offer_coach=text.offer_coach if variant is None or variant.offer_coach is None else variant.offer_coach,
        ifs_directory=text.ifs_directory if variant is None or variant.ifs_directory is None else variant.ifs_directory,
    )


def explain(bank: Bank, cond: Condition, facts: Facts) -> Iterator[tuple[str, str]]:
    """Yield (what it is about, sentence) for the `because` parts of a condition that hold, following flags."""
    if isinstance(cond, Comparison):
        if cond.because and holds(cond, facts):
            subject = cond.item if isinstance(cond, ItemIs) else cond.scale if isinstance(cond, ScaleIs) else cond.index
            yield subject, fill(bank, cond, cond.because, facts)
    elif isinstance(cond, FlagIs):
        yield from explain(bank, bank.flags[cond.flag], facts)
    elif isinstance(cond, AllOf | AnyOf):
        for part in cond.all if isinstance(cond, AllOf) else cond.any:
            if isinstance(part, Comparison) or holds(part, facts):  # a comparison is tried once, above
                yield from explain(bank, part, facts)


def fill(bank: Bank, cond: ItemIs | ScaleIs | IndexIs, template: str, facts: Facts) -> str:
    """Write a `because` sentence, quoting the value it compared ({value}, {other}, {label}, {band})."""
    _, operand = cond.operator
    names: dict[str, Any] = {
        "value": show(value_of(cond, facts)),
        "other": show(value_of(operand, facts) if isinstance(operand, Ref) else operand),
    }
    if isinstance(cond, ScaleIs):
        names["label"] = bank.scales[cond.scale].label
        names["band"] = facts.scales[cond.scale].band or ""
    elif isinstance(cond, IndexIs):
        names["label"] = bank.indices[cond.index].label
    return PLACEHOLDER.sub(lambda m: str(names.get(m.group(1), m.group(0))), template)


def show(value: Any) -> str:
    """Write a quoted value as a whole number when it is one, else with one decimal; '?' when missing."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def area_strain(bank: Bank, answers: Mapping[str, Any]) -> dict[str, float]:
    """Return each answered area's strain, 0-100: the larger of its life gap and its day-to-day difficulty."""
    strain: dict[str, float] = {}
    for area in bank.areas:
        gap = area_gap(bank, area.satisfaction, area.importance, answers)
        level = _difficulty(bank, area.functioning, answers)
        parts = [part for part in (None if gap is None else round(gap * 100, 1), level) if part is not None]
        if parts:
            strain[area.id] = max(parts)
    return strain


def describe(bank: Bank, facts: Facts, strain: Mapping[str, float]) -> tuple[str, ...]:
    """Return the profile sentences: where life goes well and where it is hard, then the notes that hold."""
    profile = bank.profile
    if profile is None or not strain:
        return ()
    labels = {area.id: area.label for area in bank.areas}
    well = [labels[a] for a, value in strain.items() if value < profile.well_below]
    hard = [labels[a] for a, value in strain.items() if value >= profile.hard_from]
    everywhere = len(well) == len(strain) > 1  # a list of every area reads worse than saying so
    largest = _largest_gap(bank, facts.answers)
    words = {
        "well": "most parts of your life" if everywhere else join_words(well),
        "hard": join_words(hard),
        "area": largest,
        "coping": _coping(bank, facts.answers, profile.well_below, largest),
    }
    found = []
    if well and hard:
        found.append(_name_areas(profile.mixed, words))
    elif len(hard) == len(strain):
        found.append(profile.all_hard)
    elif len(well) == len(strain):
        found.append(profile.all_well)
    if profile.largest_gap and words["area"]:
        found.append(_name_areas(profile.largest_gap, words))
    for note in profile.notes:
        named = {m.group(1) for m in PLACEHOLDER.finditer(note.text)}
        if all(words.get(name) for name in named) and holds(note.when, facts):
            found.append(_name_areas(note.text, words))
    return tuple(found)


def _coping(bank: Bank, answers: Mapping[str, Any], below: float, largest: str) -> str:
    """Name the areas where stress gets in the way little or not at all, day to day, but for the largest gap."""
    levels = {a.label: _difficulty(bank, a.functioning, answers) for a in bank.areas if a.functioning}
    coping = [label for label, level in levels.items() if level is not None and level < below and label != largest]
    if len(coping) > 2 and len(coping) == sum(level is not None for level in levels.values()):
        return "daily life"  # a list of every area reads worse than saying so
    return join_words(coping)


def _difficulty(bank: Bank, item: str | None, answers: Mapping[str, Any]) -> float | None:
    """Return how much a functioning answer says stress gets in the way, 0-100; None when there is none."""
    value = number(answers.get(item or ""))
    if value is None or item is None:
        return None
    lo, hi = bank.ranges[item]
    difficulty = (value - lo) / (hi - lo)
    return round((difficulty if bank.questions[item].reverse else 1 - difficulty) * 100, 1)


def _largest_gap(bank: Bank, answers: Mapping[str, Any]) -> str:
    """Return the label of the area with the largest life gap, or "" when no area has a gap."""
    gaps = [
        (gap, area.label) for area in bank.areas if (gap := area_gap(bank, area.satisfaction, area.importance, answers))
    ]
    return max(gaps, key=lambda found: found[0])[1] if gaps else ""


def _name_areas(template: str, words: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: words.get(m.group(1)) or m.group(0), template)


def join_words(words: list[str]) -> str:
    """Join labels as 'a', 'a and b' or 'a, b and c'; "" for none."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def assess(bank: Bank, answers: Mapping[str, Any]) -> tuple[Scores, Outcome]:
    """Walk, score and decide already-checked answers."""
    scores = score(bank, walk(bank, answers))
    return scores, decide(bank, scores)


def check_examples(bank: Bank) -> Iterator[tuple[Path, str]]:
    """Check that each golden example is valid and gives the outcome it expects."""
    for ei, example in enumerate(bank.examples):
        clean, errors = check_answers(bank, dict(example.answers))
        for qid, message in errors.items():
            yield ("examples", ei, "answers", qid), message
        if errors:
            continue
        _, outcome = assess(bank, clean)
        if outcome.id != example.expect:
            message = f"example '{example.name}' gives '{outcome.id}', not the expected '{example.expect}'"
            yield ("examples", ei, "expect"), message
        elif outcome.variant != example.variant:
            message = f"example '{example.name}' gives variant '{outcome.variant}', not '{example.variant}'"
            yield ("examples", ei, "variant"), message
