"""Work out each life area's strain and the profile sentences, from tables compiled once per bank; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from quiz.conditions import Context, Predicate
from quiz.model import AnswerValue, Area
from quiz.plan import Plan, area_gap
from quiz.reasons import PLACEHOLDER

# an area: its id, its satisfaction, importance and functioning ("": none) questions, and its strain, 0-100, by
# (satisfaction, importance) and by functioning answer
AreaRow = tuple[str, str, str, str, dict[tuple[int, int], float], dict[int, float]]


class Portrait(NamedTuple):
    """A bank's areas and profile, compiled: strain tables, thresholds, and sentences."""

    areas: tuple[AreaRow, ...]
    labels: dict[str, str]
    well_below: float
    hard_from: float
    mixed: tuple[str | int, ...]  # literals, and 0 and 1 where the areas that go well and the hard ones are named
    all_well: str
    all_hard: str
    notes: tuple[tuple[Predicate, str], ...]
    speaks: bool  # False when the bank has no profile: strain only, no sentences


def portrait(plan: Plan) -> Portrait:
    """Compile the bank's areas and profile once."""
    found = plan.memo.get("portrait")
    if found is None:
        found = plan.memo["portrait"] = _portrait(plan)
    return found


def _portrait(plan: Plan) -> Portrait:
    areas = plan.bank.areas
    profile = plan.bank.profile
    mixed: tuple[str | int, ...] = ()
    if profile is not None:
        split = PLACEHOLDER.split(profile.mixed)  # literal, name, literal, …
        names = {"well": 0, "hard": 1}
        mixed = tuple(text if at % 2 == 0 else names.get(text, "{" + text + "}") for at, text in enumerate(split))
    return Portrait(
        areas=tuple(
            (a.id, a.satisfaction, a.importance, a.functioning or "", _gaps(plan, a), _levels(plan, a)) for a in areas
        ),
        labels={a.id: a.label for a in areas},
        well_below=profile.well_below if profile else 0,
        hard_from=profile.hard_from if profile else 0,
        mixed=mixed,
        all_well=profile.all_well if profile else "",
        all_hard=profile.all_hard if profile else "",
        notes=tuple((plan.predicate(note.when), note.text) for note in profile.notes) if profile else (),
        speaks=profile is not None,
    )


def _gaps(plan: Plan, area: Area) -> dict[tuple[int, int], float]:
    # Rounding is monotone, so the largest of the rounded parts is the rounded largest part.
    s, i = plan.items[area.satisfaction], plan.items[area.importance]
    return {(a, b): round(area_gap(a, s.lo, s.hi, b, i.lo, i.hi) * 100, 1) for a in s.allowed for b in i.allowed}


def _levels(plan: Plan, area: Area) -> dict[int, float]:
    if not area.functioning:
        return {}
    f = plan.items[area.functioning]
    levels = {}
    for v in f.allowed:
        difficulty = (v - f.lo) / (f.hi - f.lo)
        levels[v] = round((difficulty if f.question.reverse else 1 - difficulty) * 100, 1)
    return levels


def area_strain(compiled: Portrait, answers: Mapping[str, AnswerValue]) -> dict[str, float]:
    """Return each answered area's strain, 0-100: the larger of its life gap and its day-to-day difficulty."""
    get = answers.get
    strain: dict[str, float] = {}
    for aid, satisfaction, importance, functioning, gaps, levels in compiled.areas:
        # a plain loop: for five areas it beat chains of map and zip, which cost more to set up than they saved
        gap = gaps.get((get(satisfaction), get(importance)))  # type: ignore[arg-type]
        level = levels.get(get(functioning))  # type: ignore[arg-type]
        if gap is None:  # unanswered, or a multiple choice: not in the table
            if level is not None:
                strain[aid] = level
        elif level is None or gap >= level:
            strain[aid] = gap
        else:
            strain[aid] = level
    return strain


def describe(compiled: Portrait, ctx: Context, strain: Mapping[str, float]) -> tuple[str, ...]:
    """Return the profile sentences: where life goes well and where it is hard, then the notes that hold."""
    if not compiled.speaks or not strain:
        return ()
    labels, well_below, hard_from = compiled.labels, compiled.well_below, compiled.hard_from
    well, hard = [], []
    for aid, value in strain.items():
        if value < well_below:
            well.append(labels[aid])
        if value >= hard_from:
            hard.append(labels[aid])
    found = []
    if well and hard:
        words = (join_words(well), join_words(hard))
        found.append("".join([words[p] if isinstance(p, int) else p for p in compiled.mixed]))
    elif len(hard) == len(strain):
        found.append(compiled.all_hard)
    elif len(well) == len(strain):
        found.append(compiled.all_well)
    for holds, text in compiled.notes:
        if holds(ctx):
            found.append(text)
    return tuple(found)


def join_words(words: list[str]) -> str:
    """Join labels as 'a', 'a and b' or 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
