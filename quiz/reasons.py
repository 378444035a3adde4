"""Compile a bank's `because` sentences and area strains once, so explaining an outcome is a few calls."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from quiz.conditions import Context, value_getter
from quiz.model import AllOf, AnyOf, Bank, Comparison, Condition, FlagIs, IndexIs, ItemIs, Ref, ScaleIs
from quiz.plan import Plan, area_gap, plan_for

PLACEHOLDER = re.compile(r"\{(\w+)\}")
Explainer = Callable[[Context], list[str]]
Piece = str | Callable[[Context], str]  # a literal, or what a placeholder reads from the scores


def explainer(bank: Bank, cond: Condition) -> Explainer:
    """Return a function listing the `because` sentences of the parts of a condition that hold."""
    plan = plan_for(bank)
    compiled: dict[int, Explainer] = plan.memo.setdefault("reasons", {})
    found = compiled.get(id(cond))  # conditions live as long as their bank, so their ids stay theirs
    if found is None:
        found = compiled[id(cond)] = _compile(bank, plan, cond)
    return found


def _compile(bank: Bank, plan: Plan, cond: Condition) -> Explainer:
    """Follow all/any parts that hold, and flags to their definitions, down to comparisons that explain."""
    if isinstance(cond, AllOf | AnyOf):
        steps: list[tuple[Callable[[Context], bool], Explainer]] = []
        for part in cond.all if isinstance(cond, AllOf) else cond.any:
            if not isinstance(part, Comparison):
                steps.append((plan.predicate(part), explainer(bank, part)))
            elif part.because:
                steps.append((plan.predicate(part), _sentence(bank, part)))

        def explain(ctx: Context) -> list[str]:
            found: list[str] = []
            for holds, more in steps:
                if holds(ctx):
                    found += more(ctx)
            return found

        return explain
    if isinstance(cond, FlagIs):
        return explainer(bank, bank.flags[cond.flag])
    if isinstance(cond, Comparison) and cond.because:
        holds, sentence = plan.predicate(cond), _sentence(bank, cond)
        return lambda ctx: sentence(ctx) if holds(ctx) else []
    return lambda ctx: []


def _sentence(bank: Bank, cond: Comparison) -> Explainer:
    """Split a `because` template once into literals and the values its placeholders quote."""
    assert isinstance(cond, ItemIs | ScaleIs | IndexIs) and cond.because
    value = value_getter(cond)
    _, operand = cond.operator
    other = value_getter(operand) if isinstance(operand, Ref) else None
    static_other = show(operand) if not isinstance(operand, Ref) else ""
    names: dict[str, Piece] = {
        "value": lambda ctx: show(value(ctx)),
        "other": (lambda ctx: show(other(ctx))) if other else static_other,
    }
    if isinstance(cond, ScaleIs):
        scale = cond.scale
        names["label"] = bank.scales[scale].label
        names["band"] = lambda ctx: ctx.scales[scale].band or ""
    elif isinstance(cond, IndexIs):
        names["label"] = bank.indices[cond.index].label
    split = PLACEHOLDER.split(cond.because)  # literal, name, literal, name, …, literal
    pieces: list[Piece] = [text if at % 2 == 0 else names.get(text, "{" + text + "}") for at, text in enumerate(split)]
    return lambda ctx: ["".join(p if isinstance(p, str) else p(ctx) for p in pieces)]


def show(value: Any) -> str:
    """Write a quoted value as a whole number when it is one, else with one decimal; '?' when missing."""
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class AreaTable(NamedTuple):
    """One life area's strain for every valid answer, 0-100 and rounded: by life gap, and by difficulty."""

    id: str
    satisfaction: str
    importance: str
    gaps: dict[int, dict[int, float]]  # satisfaction -> importance -> strain
    functioning: str | None
    levels: dict[int, float]  # functioning answer -> strain


def area_tables(bank: Bank) -> tuple[AreaTable, ...]:
    """Work out every area's strain for every valid answer, once per bank."""
    plan = plan_for(bank)
    found = plan.memo.get("areas")
    if found is None:
        found = plan.memo["areas"] = tuple(_area_table(plan, area) for area in bank.areas)
    return found


def _area_table(plan: Plan, area: Any) -> AreaTable:
    # Rounding is monotone, so the largest of the rounded parts is the rounded largest part.
    s, i = plan.items[area.satisfaction], plan.items[area.importance]
    gaps = {a: {b: round(area_gap(a, s.lo, s.hi, b, i.lo, i.hi) * 100, 1) for b in i.allowed} for a in s.allowed}
    levels: dict[int, float] = {}
    if area.functioning:
        f = plan.items[area.functioning]
        for v in f.allowed:
            difficulty = (v - f.lo) / (f.hi - f.lo)
            levels[v] = round((difficulty if f.question.reverse else 1 - difficulty) * 100, 1)
    return AreaTable(area.id, area.satisfaction, area.importance, gaps, area.functioning, levels)
