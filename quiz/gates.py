"""Compile a bank's show-ifs into gates for the fast visibility pass, when the bank allows one; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from quiz.conditions import Predicate, compile_condition
from quiz.model import AllOf, AnyOf, Bank, Condition, ItemIs, NotOf, Ref, ScaleIs

Gate = tuple[Predicate, tuple[str, ...]]  # a show-if, and the question ids it hides when it does not hold


class Reads(NamedTuple):
    """What a condition reads: questions, directly or through scales, and the scales themselves."""

    items: frozenset[str]
    scales: frozenset[str]


class Gates(NamedTuple):
    """The bank's show-ifs as gates in quiz order, and the scales they read."""

    gates: tuple[Gate, ...]
    scales: tuple[str, ...]


def compile_gates(bank: Bank, position: Mapping[str, int]) -> Gates | None:
    """Return the show-ifs as gates, equal ones merged; None when the bank needs the question-by-question walk.

    When every show-if reads only questions that are asked before it and asked of everyone, evaluating the show-ifs
    once, in order, against all the answers gives the same result as walking the quiz question by question.
    """
    found: list[tuple[Condition, list[str]]] = []
    read: set[str] = set()
    scales: dict[str, None] = {}
    for section in bank.sections:
        units = [(section.show_if, [q.id for q in section.questions])] if section.show_if else []
        units += [(q.show_if, [q.id]) for q in section.questions if q.show_if]
        for cond, ids in units:
            reads = condition_reads(bank, cond)
            if not ids:
                continue
            if reads is None or any(position[i] >= position[ids[0]] for i in reads.items):
                return None
            read |= reads.items
            scales.update(dict.fromkeys(sorted(reads.scales)))
            # equal conditions read the same answers, which no show-if hides, so they agree: evaluate them once
            same = next((hidden for known, hidden in found if known == cond), None)
            if same is None:
                found.append((cond, ids))
            else:
                same += ids
    if any(read.intersection(ids) for _, ids in found):
        return None
    return Gates(tuple((compile_condition(cond), tuple(ids)) for cond, ids in found), tuple(scales))


def condition_reads(bank: Bank, cond: Condition) -> Reads | None:
    """Return the questions and scales a condition reads, or None when it reads an index or a flag."""
    if cond == "always":
        return Reads(frozenset(), frozenset())
    if isinstance(cond, AllOf | AnyOf | NotOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any if isinstance(cond, AnyOf) else (cond.not_,)
        found = [condition_reads(bank, part) for part in parts]
        if any(f is None for f in found):
            return None
        return Reads(
            frozenset().union(*(f.items for f in found if f)), frozenset().union(*(f.scales for f in found if f))
        )
    if not isinstance(cond, ItemIs | ScaleIs):
        return None
    names = {cond.scale} if isinstance(cond, ScaleIs) else set()
    _, operand = cond.operator
    if isinstance(operand, Ref):
        if operand.scale is None:
            return None
        names.add(operand.scale)
    items = {cond.item} if isinstance(cond, ItemIs) else set()
    for name in names:
        scale = bank.scales[name]
        items |= {*scale.items, *(i for pair in scale.pairs for i in pair)}
    return Reads(frozenset(items), frozenset(names))
