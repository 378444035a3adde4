"""Compile a bank's `because` sentences once, so explaining an outcome costs a few calls per reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from quiz.conditions import MISSING, Context, Getter, threshold, value_getter
from quiz.model import AllOf, AnyOf, Comparison, Condition, FlagIs, IndexIs, ItemIs, Ref, ScaleIs
from quiz.plan import Plan

PLACEHOLDER = re.compile(r"\{(\w+)\}")
Explainer = Callable[[Context, list[str]], None]  # appends the sentences of the parts that hold
Say = Callable[[Context, Any], str]  # writes a sentence, given the value its comparison read
Piece = str | Say  # a literal, or what a placeholder reads
# How a step tells whether its part holds: a scale or an item compared with a number, read inline (most parts);
# any other comparison, by its predicate; a nested condition, whose own parts then explain it.
SCALE, ITEM, COMPARE, NESTED = range(4)
Step = tuple[int, Any, Any, Any, Any, Any]  # kind, then: name, field, op, number, say; or predicate, getter, say


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


def _step(plan: Plan, part: Condition) -> Step:
    """Say how to tell whether a part holds, and what it adds when it does."""
    if not isinstance(part, Comparison):
        return NESTED, plan.predicate(part), None, None, None, explainer(plan, part)
    say = sentence(plan, part)
    found = threshold(part)
    if found is None:
        assert isinstance(part, ItemIs | ScaleIs | IndexIs)
        return COMPARE, plan.predicate(part), value_getter(part), None, None, say
    is_scale, name, at, op, number = found
    return SCALE if is_scale else ITEM, name, at, op, number, say


def _explain_parts(steps: tuple[Step, ...]) -> Explainer:
    def explain(ctx: Context, found: list[str]) -> None:
        scales, answers = ctx.scales, ctx.answers
        value: Any
        for kind, name, at, op, number, say in steps:
            # the tests of conditions.compile_condition, inline: a call per part cost more than the test
            if kind == SCALE:
                value = scales.get(name, MISSING)[at]
                holds = value is not None and op(value, number)
            elif kind == ITEM:
                value = answers.get(name)
                if isinstance(value, tuple):  # multiple choice: any picked option that matches; quoted as '?'
                    holds, value = any(op(v, number) for v in value), None
                else:
                    holds = value is not None and op(value, number)
            else:
                holds = name(ctx)
                value = at(ctx) if holds and at else None
            if holds:
                if kind == NESTED:
                    say(ctx, found)
                else:
                    found.append(say if isinstance(say, str) else say(ctx, value))

    return explain


def _explain_nothing(ctx: Context, found: list[str]) -> None:
    return None


def sentence(plan: Plan, cond: Comparison) -> str | Say:
    """Split a `because` template once into literals and the values its placeholders quote."""
    assert isinstance(cond, ItemIs | ScaleIs | IndexIs) and cond.because
    bank = plan.bank
    _, operand = cond.operator
    other = _quote(value_getter(operand)) if isinstance(operand, Ref) else show(operand)
    names: dict[str, Piece] = {"value": _quote_value, "other": other}
    if isinstance(cond, ScaleIs):
        scale = cond.scale
        names["label"] = bank.scales[scale].label
        names["band"] = lambda ctx, value: ctx.scales[scale].band or ""
    elif isinstance(cond, IndexIs):
        names["label"] = bank.indices[cond.index].label
    split = PLACEHOLDER.split(cond.because)  # literal, name, literal, name, …, literal
    return joiner([text if at % 2 == 0 else names.get(text, "{" + text + "}") for at, text in enumerate(split)])


def _quote_value(ctx: Context, value: Any) -> str:
    return show(value)


def _quote(get: Getter) -> Say:
    return lambda ctx, value: show(get(ctx))


def joiner(pieces: list[Piece]) -> str | Say:
    """Return the text when no piece reads the scores, else a function that joins the pieces."""
    literals, says = [""], []  # literals[i] comes before says[i]; the last literal ends the text
    for piece in pieces:
        if isinstance(piece, str):
            literals[-1] += piece
        else:
            says.append(piece)
            literals.append("")
    if not says:
        return literals[0]
    if says == [_quote_value]:  # the usual sentence quotes only its own value: no call but show's
        a, b = literals
        return lambda ctx, value: a + show(value) + b
    if len(says) == 2:
        (a, b, c), (f, g) = literals, says
        return lambda ctx, value: a + f(ctx, value) + b + g(ctx, value) + c
    steps = tuple(zip(literals, says, strict=False))
    end = literals[-1]
    return lambda ctx, value: "".join([text + say(ctx, value) for text, say in steps]) + end


def show(value: Any) -> str:
    """Write a quoted value as a whole number when it is one, else with one decimal; '?' when missing."""
    found = _shown.get(value)  # scores take few values, so most are written already
    if found is None:
        found = "?" if value is None else str(int(value)) if float(value).is_integer() else f"{value:.1f}"
        if len(_shown) < SHOWN_LIMIT:
            _shown[value] = found
    return found


SHOWN_LIMIT = 4096  # raw scores, and 0-100 scores and indices to one decimal: about a thousand in the default bank
_shown: dict[Any, str] = {}
