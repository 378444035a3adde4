"""Check a structurally valid bank for broken references, bad bands and unreachable outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from quiz.model import (
    YES_NO,
    AllOf,
    AnyOf,
    Bank,
    Band,
    Comparison,
    Condition,
    FlagIs,
    IndexIs,
    ItemIs,
    NotOf,
    Question,
    Ref,
    ResponseScale,
    Scale,
    ScaleIs,
)

Problem = tuple[tuple[str | int, ...], str]


def response_of(bank: Bank, question: Question) -> ResponseScale:
    """Return the response scale a question uses (yes/no questions have their own)."""
    if question.kind == "yesno":
        return YES_NO
    assert question.response is not None
    return bank.response_scales[question.response]


def value_range(bank: Bank, question: Question) -> tuple[int, int]:
    """Return the lowest and highest value a question can take."""
    values = [o.value for o in response_of(bank, question).choices()]
    return min(values), max(values)


def scale_range(bank: Bank, scale: Scale) -> tuple[int, int]:
    """Return the lowest and highest raw score a sum scale can reach."""
    by_id = {q.id: q for q in bank_questions(bank)}
    ranges = [value_range(bank, by_id[item]) for item in scale.items]
    return sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges)


def bank_questions(bank: Bank) -> Iterator[Question]:
    """Yield every question in the order asked."""
    for section in bank.sections:
        yield from section.questions


def check_bank(bank: Bank) -> list[Problem]:
    """Return every semantic problem in a bank, each with its key path."""
    problems = list(_check_ids(bank))
    problems += _check_questions(bank)
    if problems:
        return problems  # later checks assume ids and responses resolve
    problems += _check_scales(bank)
    problems += _check_logic(bank)
    problems += _check_outcomes(bank)
    problems += _check_profile(bank)
    return problems


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def _check_ids(bank: Bank) -> Iterator[Problem]:
    dup_sections = _duplicates([s.id for s in bank.sections])
    dup_questions = _duplicates([q.id for q in bank_questions(bank)])
    for si, section in enumerate(bank.sections):
        if section.id in dup_sections:
            yield ("sections", si, "id"), f"duplicate section id '{section.id}'"
        for qi, q in enumerate(section.questions):
            if q.id in dup_questions:
                yield ("sections", si, "questions", qi, "id"), f"duplicate question id '{q.id}'"
    dup_outcomes = _duplicates([o.id for o in bank.outcomes])
    for oi, rule in enumerate(bank.outcomes):
        if rule.id in dup_outcomes:
            yield ("outcomes", oi, "id"), f"duplicate outcome id '{rule.id}'"
    dup_areas = _duplicates([a.id for a in bank.areas])
    for ai, area in enumerate(bank.areas):
        if area.id in dup_areas:
            yield ("areas", ai, "id"), f"duplicate area id '{area.id}'"
    names = [*bank.scales, *bank.indices]
    for name in _duplicates(names):
        yield ("indices", name), f"'{name}' is both a scale and an index"


def _check_questions(bank: Bank) -> Iterator[Problem]:
    for rid, rs in bank.response_scales.items():
        values = [o.value for o in rs.choices()]
        for value in _duplicates([str(v) for v in values]):
            yield ("response_scales", rid, "options"), f"option value {value} appears twice"
    for si, section in enumerate(bank.sections):
        for qi, q in enumerate(section.questions):
            at = ("sections", si, "questions", qi)
            if q.kind == "yesno":
                if q.response is not None:
                    yield (*at, "response"), "a yes/no question has its own options; remove 'response'"
                continue
            if q.response is None:
                yield (*at, "response"), f"a '{q.kind}' question needs a 'response' scale"
            elif q.response not in bank.response_scales:
                yield (*at, "response"), f"unknown response scale '{q.response}'"
            elif q.kind == "scale" and bank.response_scales[q.response].min is None:
                yield (*at, "response"), "a 'scale' question needs a response scale with min and max"


def _check_scales(bank: Bank) -> Iterator[Problem]:
    questions = {q.id: q for q in bank_questions(bank)}
    for si, section in enumerate(bank.sections):
        for qi, q in enumerate(section.questions):
            at = ("sections", si, "questions", qi)
            if q.scale is None and not q.unscored and not _in_any_scale(bank, q.id):
                yield (*at, "id"), "question is on no scale; name a 'scale' or set 'unscored: true'"
            if q.scale is not None and q.unscored:
                yield (*at, "unscored"), "a question on a scale cannot be 'unscored'"
            if q.scale is not None and q.scale not in bank.scales:
                yield (*at, "scale"), f"unknown scale '{q.scale}'"
            elif q.scale is not None and not _in_scale(bank.scales[q.scale], q.id):
                yield (*at, "scale"), f"question is not listed in the items of scale '{q.scale}'"
            if q.kind == "multi" and q.scale is not None:
                yield (*at, "kind"), "a multiple-choice question cannot be scored on a scale"
    for sid, scale in bank.scales.items():
        at = ("scales", sid)
        if scale.method == "sum" and not scale.items:
            yield (*at, "items"), "a sum scale needs items"
        if scale.method == "gap" and (not scale.pairs or scale.items or scale.bands):
            yield (*at, "pairs"), "a gap scale needs 'pairs' of [satisfaction, importance] and no items or bands"
        known = [i for i in scale.items if i in questions and questions[i].kind != "multi"]
        for ii, item in enumerate(scale.items):
            if item not in questions:
                yield (*at, "items", ii), f"unknown question '{item}'"
        for pi, pair in enumerate(scale.pairs):
            for item in pair:
                if item not in questions:
                    yield (*at, "pairs", pi), f"unknown question '{item}'"
        if scale.bands and len(known) == len(scale.items):
            yield from _check_bands(scale.bands, scale_range(bank, scale), at)


def _in_scale(scale: Scale, question_id: str) -> bool:
    return question_id in scale.items or any(question_id in pair for pair in scale.pairs)


def _in_any_scale(bank: Bank, question_id: str) -> bool:
    return any(_in_scale(s, question_id) for s in bank.scales.values())


def _check_bands(bands: tuple[Band, ...], span: tuple[int, int], at: tuple[str, ...]) -> Iterator[Problem]:
    """Check that bands cover every whole raw score in the span exactly once."""
    lo, hi = span
    covering: dict[int, list[int]] = {v: [] for v in range(lo, hi + 1)}
    for bi, band in enumerate(bands):
        first = lo if band.min is None else band.min
        last = hi if band.max is None else band.max
        if first > last:
            yield (*at, "bands", bi), f"band '{band.label}' has min above max"
        if first < lo or last > hi:
            yield (*at, "bands", bi), f"band '{band.label}' reaches outside the scale's range {lo}-{hi}"
        for value in covering:
            if first <= value <= last:
                covering[value].append(bi)
    gaps = [v for v, hits in covering.items() if not hits]
    if gaps:
        yield (*at, "bands"), f"bands leave a gap: no band covers {_ranges(gaps)} (range {lo}-{hi})"
    for value, hits in covering.items():
        if len(hits) > 1:
            yield (*at, "bands", hits[1]), f"bands overlap at {value}"
            break


def _ranges(values: list[int]) -> str:
    runs: list[list[int]] = []
    for v in values:
        if runs and runs[-1][-1] == v - 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _check_logic(bank: Bank) -> Iterator[Problem]:
    asked: list[str] = []
    for si, section in enumerate(bank.sections):
        if section.show_if is not None:
            yield from check_condition(bank, section.show_if, ("sections", si, "show_if"), set(asked), set())
        for qi, q in enumerate(section.questions):
            if q.show_if is not None:
                at = ("sections", si, "questions", qi, "show_if")
                yield from check_condition(bank, q.show_if, at, set(asked), set())
            asked.append(q.id)
    flags_so_far: set[str] = set()
    everything = set(asked)
    for name, condition in bank.flags.items():
        yield from check_condition(bank, condition, ("flags", name), everything, flags_so_far)
        flags_so_far.add(name)
    for iid, index in bank.indices.items():
        for ti, term in enumerate(index.terms):
            for scale in (term.scale,) if term.scale else (term.max or term.min or ()):
                if scale not in bank.scales:
                    yield ("indices", iid, "terms", ti), f"unknown scale '{scale}'"
            if term.item is not None and term.item not in everything:
                yield ("indices", iid, "terms", ti, "item"), f"unknown question '{term.item}'"


def check_condition(
    bank: Bank, cond: Condition, at: tuple[str | int, ...], items: set[str], flags: set[str]
) -> Iterator[Problem]:
    """Check that a condition names only known items, scales, indices and flags."""
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        key = "all" if isinstance(cond, AllOf) else "any"
        for i, part in enumerate(parts):
            yield from check_condition(bank, part, (*at, key, i), items, flags)
    elif isinstance(cond, NotOf):
        yield from check_condition(bank, cond.not_, (*at, "not"), items, flags)
    elif isinstance(cond, FlagIs) and cond.flag not in flags:
        yield (*at, "flag"), f"unknown flag '{cond.flag}' (flags can only use flags defined before them)"
    elif isinstance(cond, ItemIs):
        yield from _check_item_compare(bank, cond, at, items)
    elif isinstance(cond, ScaleIs) and cond.scale not in bank.scales:
        yield (*at, "scale"), f"unknown scale '{cond.scale}'"
    elif isinstance(cond, IndexIs) and cond.index not in bank.indices:
        yield (*at, "index"), f"unknown index '{cond.index}'"
    if isinstance(cond, Comparison):
        _, operand = cond.operator
        if isinstance(operand, Ref):
            if operand.index is not None and operand.index not in bank.indices:
                yield at, f"unknown index '{operand.index}'"
            if operand.scale is not None and operand.scale not in bank.scales:
                yield at, f"unknown scale '{operand.scale}'"


def _check_item_compare(bank: Bank, cond: ItemIs, at: tuple[str | int, ...], items: set[str]) -> Iterator[Problem]:
    questions = {q.id: q for q in bank_questions(bank)}
    if cond.item not in questions:
        yield (*at, "item"), f"unknown question '{cond.item}'"
        return
    if cond.item not in items:
        yield (*at, "item"), f"question '{cond.item}' is not asked before this point"
        return
    op, operand = cond.operator
    lo, hi = value_range(bank, questions[cond.item])
    if isinstance(operand, int | float) and not lo <= operand <= hi:
        yield (*at, op), f"value {operand} is outside the response scale of '{cond.item}' ({lo}-{hi})"


def _check_outcomes(bank: Bank) -> Iterator[Problem]:
    flags = set(bank.flags)
    items = {q.id for q in bank_questions(bank)}
    for oi, rule in enumerate(bank.outcomes):
        yield from check_condition(bank, rule.when, ("outcomes", oi, "when"), items, flags)
        if rule.when == "always" and oi != len(bank.outcomes) - 1:
            later = ", ".join(r.id for r in bank.outcomes[oi + 1 :])
            yield ("outcomes", oi, "when"), f"'always' here makes later outcomes unreachable: {later}"
        if rule.id not in bank.guidance:
            yield ("outcomes", oi, "id"), f"outcome '{rule.id}' has no guidance"
    if bank.outcomes[-1].when != "always":
        yield ("outcomes", len(bank.outcomes) - 1, "when"), "the last outcome must be a catch-all: 'when: always'"
    ids = {r.id for r in bank.outcomes}
    for gid, guidance in bank.guidance.items():
        if gid not in ids:
            yield ("guidance", gid), f"guidance for unknown outcome '{gid}'"
        for xi, extra in enumerate(guidance.explain):
            yield from check_condition(bank, extra, ("guidance", gid, "explain", xi), items, flags)
        for vi, variant in enumerate(guidance.variants):
            yield from check_condition(bank, variant.when, ("guidance", gid, "variants", vi, "when"), items, flags)


def _check_profile(bank: Bank) -> Iterator[Problem]:
    items = {q.id for q in bank_questions(bank)}
    for ai, area in enumerate(bank.areas):
        for key in ("satisfaction", "importance", "functioning"):
            item = getattr(area, key)
            if item is not None and item not in items:
                yield ("areas", ai, key), f"unknown question '{item}'"
    if bank.profile is not None:
        if not bank.areas:
            yield ("profile",), "a profile needs 'areas'"
        for ni, note in enumerate(bank.profile.notes):
            yield from check_condition(bank, note.when, ("profile", "notes", ni, "when"), items, set(bank.flags))
    for ei, example in enumerate(bank.examples):
        if example.expect not in {r.id for r in bank.outcomes}:
            yield ("examples", ei, "expect"), f"unknown outcome '{example.expect}'"
