"""Work out each life area's strain and the profile sentences, from tables compiled once per bank; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from quiz.conditions import Context, Predicate
from quiz.model import AnswerValue, Area
from quiz.plan import Plan, area_gap
from quiz.reasons import PLACEHOLDER


class AreaTable(NamedTuple):
    """One life area's strain for every valid answer, 0-100 and rounded: by life gap, and by difficulty."""

    id: str
    gaps: dict[tuple[int, int], float]  # (satisfaction, importance) -> strain
    levels: dict[int, float]  # functioning answer -> strain


class Portrait(NamedTuple):
    """A bank's profile, compiled: area tables, thresholds and sentences; `mixed` names areas by 0 (well) and 1."""

    areas: tuple[AreaTable, ...]
    reads: tuple[str, ...]  # each area's satisfaction, importance and functioning question ("": none)
    labels: dict[str, str]
    well_below: float
    hard_from: float
    mixed: tuple[str | int, ...]
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
    bank = plan.bank
    areas = tuple(_area_table(plan, area) for area in bank.areas)
    reads = tuple(qid for a in bank.areas for qid in (a.satisfaction, a.importance, a.functioning or ""))
    labels = {area.id: area.label for area in bank.areas}
    profile = bank.profile
    if profile is None:
        return Portrait(areas, reads, labels, 0, 0, (), "", "", (), speaks=False)
    split = PLACEHOLDER.split(profile.mixed)
    mixed = tuple(
        text if at % 2 == 0 else {"well": 0, "hard": 1}.get(text, "{" + text + "}") for at, text in enumerate(split)
    )
    notes = tuple((plan.predicate(note.when), note.text) for note in profile.notes)
    return Portrait(
        areas,
        reads,
        labels,
        profile.well_below,
        profile.hard_from,
        mixed,
        profile.all_well,
        profile.all_hard,
        notes,
        True,
    )


def _area_table(plan: Plan, area: Area) -> AreaTable:
    # Rounding is monotone, so the largest of the rounded parts is the rounded largest part.
    s, i = plan.items[area.satisfaction], plan.items[area.importance]
    gaps = {(a, b): round(area_gap(a, s.lo, s.hi, b, i.lo, i.hi) * 100, 1) for a in s.allowed for b in i.allowed}
    levels: dict[int, float] = {}
    if area.functioning:
        f = plan.items[area.functioning]
        for v in f.allowed:
            difficulty = (v - f.lo) / (f.hi - f.lo)
            levels[v] = round((difficulty if f.question.reverse else 1 - difficulty) * 100, 1)
    return AreaTable(area.id, gaps, levels)


def area_strain(compiled: Portrait, answers: Mapping[str, AnswerValue]) -> dict[str, float]:
    """Return each answered area's strain, 0-100: the larger of its life gap and its day-to-day difficulty."""
    strain: dict[str, float] = {}
    answer = iter(map(answers.get, compiled.reads))  # satisfaction, importance, functioning, area after area
    for (aid, gaps, levels), satisfaction, importance, functioning in zip(
        compiled.areas, answer, answer, answer, strict=True
    ):
        # checked answers are in the tables; a missing one (None) or a multiple choice (a tuple) finds nothing
        gap = gaps.get((satisfaction, importance))  # type: ignore[arg-type]
        level = levels.get(functioning)  # type: ignore[arg-type]
        if gap is None:
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
    labels = compiled.labels
    well = [labels[a] for a, v in strain.items() if v < compiled.well_below]
    hard = [labels[a] for a, v in strain.items() if v >= compiled.hard_from]
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
