"""Compile a bank's `because` sentences once, so explaining an outcome costs a few calls per reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from quiz.conditions import Context, Predicate, value_getter
from quiz.model import AllOf, AnyOf, Comparison, Condition, FlagIs, IndexIs, ItemIs, Ref, ScaleIs
from quiz.plan import Plan

PLACEHOLDER = re.compile(r"\{(\w+)\}")
Explainer = Callable[[Context, list[str]], None]  # appends the sentences of the parts that hold
Say = Callable[[Context], str]
Piece = str | Say  # a literal, or what a placeholder reads from the scores
TEXT, SAY, NESTED = range(3)  # what a step adds when its part holds: a fixed sentence, a filled one, or its parts'


def explainer(plan: Plan, cond: Condition) -> Explainer:
    """Return a function appending the `because` sentences of the parts of a condition that hold."""
    compiled: dict[int, Explainer] = plan.memo.setdefault("reasons", {})
    found = compiled.get(id(cond))  # conditions live as long as their bank, so their ids stay theirs
    if found is None:
        found = compiled[id(cond)] = _compile(plan, cond)
    return found


def _compile(plan: Plan, cond: Condition) -> Explainer:
    """Follow all/any parts that hold, and flags to their definitions, down to comparisons that explain."""
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        return _explain_parts(tuple(_step(plan, p) for p in parts if not isinstance(p, Comparison) or p.because))
    if isinstance(cond, FlagIs):
        return explainer(plan, plan.bank.flags[cond.flag])
    if isinstance(cond, Comparison) and cond.because:
        return _explain_parts((_step(plan, cond),))
    return _explain_nothing


def _step(plan: Plan, part: Condition) -> tuple[Predicate, Any, int]:
    """Pair a part's predicate with what it adds when it holds."""
    if not isinstance(part, Comparison):
        return plan.predicate(part), explainer(plan, part), NESTED
    say = sentence(plan, part)
    return plan.predicate(part), say, TEXT if isinstance(say, str) else SAY


def _explain_parts(steps: tuple[tuple[Predicate, Any, int], ...]) -> Explainer:
    def explain(ctx: Context, found: list[str]) -> None:
        for holds, say, kind in steps:
            if holds(ctx):
                if kind == SAY:
                    found.append(say(ctx))
                elif kind == TEXT:
                    found.append(say)
                else:
                    say(ctx, found)

    return explain


def _explain_nothing(ctx: Context, found: list[str]) -> None:
    return None


def sentence(plan: Plan, cond: Comparison) -> str | Say:
    """Split a `because` template once into literals and the values its placeholders quote."""
    assert isinstance(cond, ItemIs | ScaleIs | IndexIs) and cond.because
    bank = plan.bank
    value = value_getter(cond)
    _, operand = cond.operator
    other = value_getter(operand) if isinstance(operand, Ref) else None
    names: dict[str, Piece] = {
        "value": lambda ctx: show(value(ctx)),
        "other": (lambda ctx: show(other(ctx))) if other else show(operand),
    }
    if isinstance(cond, ScaleIs):
        scale = cond.scale
        names["label"] = bank.scales[scale].label
        names["band"] = lambda ctx: ctx.scales[scale].band or ""
    elif isinstance(cond, IndexIs):
        names["label"] = bank.indices[cond.index].label
    split = PLACEHOLDER.split(cond.because)  # literal, name, literal, name, …, literal
    return joiner([text if at % 2 == 0 else names.get(text, "{" + text + "}") for at, text in enumerate(split)])


def joiner(pieces: list[Piece]) -> str | Say:
    """Return the text when no piece reads the scores, else a function that joins the pieces for a context."""
    literals, says = [""], []  # literals[i] comes before says[i]; the last literal ends the text
    for piece in pieces:
        if isinstance(piece, str):
            literals[-1] += piece
        else:
            says.append(piece)
            literals.append("")
    if not says:
        return literals[0]
    if len(says) == 1:  # most sentences quote one value: two concatenations, no join
        (a, b), (f,) = literals, says
        return lambda ctx: a + f(ctx) + b
    if len(says) == 2:
        (a, b, c), (f, g) = literals, says
        return lambda ctx: a + f(ctx) + b + g(ctx) + c
    steps = tuple(zip(literals, says, strict=False))
    end = literals[-1]
    return lambda ctx: "".join([text + say(ctx) for text, say in steps]) + end


def show(value: Any) -> str:
    """Write a quoted value as a whole number when it is one, else with one decimal; '?' when missing."""
    if value is None:
        return "?"
    if type(value) is int:  # the usual raw score, written without a float round trip
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
