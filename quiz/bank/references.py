"""Check that a bank's conditions, outcomes and profile refer only to things the bank defines."""

from __future__ import annotations

from collections.abc import Iterator

from quiz.bank.checks import Problem
from quiz.bank.model import (
    CRISIS_OUTCOME,
    SAFETY_ITEM,
    Bank,
    Comparison,
    Condition,
    FlagIs,
    IndexIs,
    ItemIs,
    Path,
    Ref,
    ScaleIs,
    leaves,
)


def check_references(bank: Bank) -> list[Problem]:
    """Return every broken reference and unreachable outcome, each with its key path."""
    checks = (_check_logic, _check_indices, _check_outcomes, _check_profile, _check_safety)
    return [problem for check in checks for problem in check(bank)]


def _check_safety(bank: Bank) -> Iterator[Problem]:
    """Hold a bank that asks the self-harm question to the crisis path: asked of all, first outcome, no sales."""
    where = [(si, qi) for si, s in enumerate(bank.sections) for qi, q in enumerate(s.questions) if q.id == SAFETY_ITEM]
    if not where:
        return
    si, qi = where[0]
    question = bank.sections[si].questions[qi]
    if question.show_if is not None or bank.sections[si].show_if is not None or not question.required:
        yield ("sections", si, "questions", qi), f"'{SAFETY_ITEM}' must be asked of everyone: required, no show_if"
    rule = bank.flags.get("safety")
    if not (isinstance(rule, ItemIs) and rule.item == SAFETY_ITEM and rule.operator == ("gte", 1)):
        yield ("flags", "safety"), f"the 'safety' flag must be {{item: {SAFETY_ITEM}, gte: 1}}"
    first = bank.outcomes[0]
    if first.id != CRISIS_OUTCOME or first.when != FlagIs(flag="safety"):
        yield ("outcomes", 0), f"the first outcome must be {{id: {CRISIS_OUTCOME}, when: {{flag: safety}}}}"
    guidance = bank.guidance.get(CRISIS_OUTCOME)
    if guidance is not None and guidance.call_to_action != "crisis":
        yield ("guidance", CRISIS_OUTCOME, "call_to_action"), "crisis guidance must use call_to_action: crisis"
    if guidance is not None and (
        guidance.offer_coach or any(v.offer_coach or v.call_to_action for v in guidance.variants)
    ):
        yield ("guidance", CRISIS_OUTCOME), "crisis guidance must not offer the coach: set offer_coach: false"


def _check_logic(bank: Bank) -> Iterator[Problem]:
    asked: list[str] = []
    for si, section in enumerate(bank.sections):
        if section.show_if is not None:
            yield from _check_show_if(bank, section.show_if, ("sections", si, "show_if"), set(asked))
        for qi, q in enumerate(section.questions):
            if q.show_if is not None:
                yield from _check_show_if(bank, q.show_if, ("sections", si, "questions", qi, "show_if"), set(asked))
            asked.append(q.id)
    flags_so_far: set[str] = set()
    for name, condition in bank.flags.items():
        yield from check_condition(bank, condition, ("flags", name), set(asked), flags_so_far)
        flags_so_far.add(name)


def _check_show_if(bank: Bank, cond: Condition, at: Path, asked: set[str]) -> Iterator[Problem]:
    """Check a show-if: names that exist, questions asked before it, and no index (known only once all are in)."""
    yield from check_condition(bank, cond, at, asked, set())
    for where, leaf in leaves(cond, at):
        operand = leaf.operator[1] if isinstance(leaf, Comparison) else None
        if isinstance(leaf, IndexIs) or (isinstance(operand, Ref) and operand.index is not None):
            yield where, "a show-if cannot use an index; indices are only known once every answer is in"


def _check_indices(bank: Bank) -> Iterator[Problem]:
    for iid, index in bank.indices.items():
        for ti, term in enumerate(index.terms):
            for scale in (term.scale,) if term.scale else (term.max or term.min or ()):
                if scale not in bank.scales:
                    yield ("indices", iid, "terms", ti), f"unknown scale '{scale}'"
            if term.item is not None and term.item not in bank.questions:
                yield ("indices", iid, "terms", ti, "item"), f"unknown question '{term.item}'"


def check_condition(bank: Bank, cond: Condition, at: Path, items: set[str], flags: set[str]) -> Iterator[Problem]:
    """Check that a condition names only known items, scales, indices and flags."""
    for where, leaf in leaves(cond, at):
        if isinstance(leaf, FlagIs) and leaf.flag not in flags:
            yield (*where, "flag"), f"unknown flag '{leaf.flag}' (flags can only use flags defined before them)"
        elif isinstance(leaf, ItemIs):
            yield from _check_item_compare(bank, leaf, where, items)
        elif isinstance(leaf, ScaleIs) and leaf.scale not in bank.scales:
            yield (*where, "scale"), f"unknown scale '{leaf.scale}'"
        elif isinstance(leaf, IndexIs) and leaf.index not in bank.indices:
            yield (*where, "index"), f"unknown index '{leaf.index}'"
        if isinstance(leaf, Comparison):
            yield from _check_operand(bank, leaf, where)


def _check_operand(bank: Bank, cond: Comparison, at: Path) -> Iterator[Problem]:
    _, operand = cond.operator
    if isinstance(operand, Ref):
        if operand.index is not None and operand.index not in bank.indices:
            yield at, f"unknown index '{operand.index}'"
        if operand.scale is not None and operand.scale not in bank.scales:
            yield at, f"unknown scale '{operand.scale}'"


def _check_item_compare(bank: Bank, cond: ItemIs, at: Path, items: set[str]) -> Iterator[Problem]:
    if cond.item not in bank.questions:
        yield (*at, "item"), f"unknown question '{cond.item}'"
        return
    if cond.item not in items:
        yield (*at, "item"), f"question '{cond.item}' is not asked before this point"
        return
    op, operand = cond.operator
    if isinstance(operand, Ref):
        yield (*at, op), f"compare '{cond.item}' with a number, not with another score"
        return
    lo, hi = bank.ranges[cond.item]
    if isinstance(operand, int | float) and not lo <= operand <= hi:
        yield (*at, op), f"value {operand} is outside the response scale of '{cond.item}' ({lo}-{hi})"


def _check_outcomes(bank: Bank) -> Iterator[Problem]:
    flags = set(bank.flags)
    items = set(bank.questions)
    for oi, rule in enumerate(bank.outcomes):
        yield from check_condition(bank, rule.when, ("outcomes", oi, "when"), items, flags)
        if rule.when == "always" and oi != len(bank.outcomes) - 1:
            later = ", ".join(r.id for r in bank.outcomes[oi + 1 :])
            yield ("outcomes", oi, "when"), f"'always' here makes later outcomes unreachable: {later}"
        if rule.id not in bank.guidance:
            yield ("outcomes", oi, "id"), f"outcome '{rule.id}' has no guidance"
    if bank.outcomes[-1].when != "always":
        yield ("outcomes", len(bank.outcomes) - 1, "when"), "the last outcome must be a catch-all: 'when: always'"
    if bank.crisis_lines is not None:
        yield from check_condition(bank, bank.crisis_lines, ("crisis_lines",), items, flags)
    ids = {r.id for r in bank.outcomes}
    for gid, guidance in bank.guidance.items():
        if gid not in ids:
            yield ("guidance", gid), f"guidance for unknown outcome '{gid}'"
        for xi, extra in enumerate(guidance.explain):
            yield from check_condition(bank, extra, ("guidance", gid, "explain", xi), items, flags)
        for vi, variant in enumerate(guidance.variants):
            yield from check_condition(bank, variant.when, ("guidance", gid, "variants", vi, "when"), items, flags)


def _check_profile(bank: Bank) -> Iterator[Problem]:
    items = set(bank.questions)
    for ai, area in enumerate(bank.areas):
        for key in ("satisfaction", "importance", "functioning"):
            if (item := getattr(area, key)) is not None and item not in items:
                yield ("areas", ai, key), f"unknown question '{item}'"
    if bank.profile is not None:
        if not bank.areas:
            yield ("profile",), "a profile needs 'areas'"
        for ni, note in enumerate(bank.profile.notes):
            yield from check_condition(bank, note.when, ("profile", "notes", ni, "when"), items, set(bank.flags))
    for ei, example in enumerate(bank.examples):
        if example.expect not in {r.id for r in bank.outcomes}:
            yield ("examples", ei, "expect"), f"unknown outcome '{example.expect}'"
