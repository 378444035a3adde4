"""Check a structurally valid bank for broken references, bad bands and unreachable outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import groupby

from quiz.bank.model import Band, Bank, Path, Scale

Problem = tuple[Path, str]
QUOTE_LIMIT = 80  # an error message quotes at most this much of a key or value


def clip(text: object) -> str:
    """Return text as an error message quotes it: at most QUOTE_LIMIT characters, marked when cut."""
    found = str(text)
    return found if len(found) <= QUOTE_LIMIT else found[: QUOTE_LIMIT - 1] + "…"


def check_structure(bank: Bank) -> list[Problem]:
    """Return every problem with ids, questions, scales and bands, each with its key path."""
    problems = [*_check_ids(bank), *_check_response_scales(bank), *_check_questions(bank)]
    # Scale checks assume ids and responses resolve, so they run only when these pass.
    return problems or [*_check_question_scales(bank), *_check_scales(bank)]


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def _check_ids(bank: Bank) -> Iterator[Problem]:
    dup_sections = _duplicates([s.id for s in bank.sections])
    dup_questions = _duplicates([q.id for s in bank.sections for q in s.questions])
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
    for name in _duplicates([*bank.scales, *bank.indices]):
        yield ("indices", name), f"'{name}' is both a scale and an index"


def _check_response_scales(bank: Bank) -> Iterator[Problem]:
    for rid, rs in bank.response_scales.items():
        values = [o.value for o in rs.choices]
        for value in _duplicates([str(v) for v in values]):
            yield ("response_scales", rid, "options"), f"option value {value} appears twice"
        if len(set(values)) < 2:
            yield ("response_scales", rid, "options"), "a response scale needs at least two different values"


def _check_questions(bank: Bank) -> Iterator[Problem]:
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


def _check_question_scales(bank: Bank) -> Iterator[Problem]:
    for si, section in enumerate(bank.sections):
        for qi, q in enumerate(section.questions):
            at = ("sections", si, "questions", qi)
            if q.scale is None and not q.unscored and not any(_in_scale(s, q.id) for s in bank.scales.values()):
                yield (*at, "id"), "question is on no scale; name a 'scale' or set 'unscored: true'"
            if q.scale is not None and q.unscored:
                yield (*at, "unscored"), "a question on a scale cannot be 'unscored'"
            if q.scale is not None and q.scale not in bank.scales:
                yield (*at, "scale"), f"unknown scale '{q.scale}'"
            elif q.scale is not None and not _in_scale(bank.scales[q.scale], q.id):
                yield (*at, "scale"), f"question is not listed in the items of scale '{q.scale}'"
            if q.kind == "multi" and q.scale is not None:
                yield (*at, "kind"), "a multiple-choice question cannot be scored on a scale"


def _check_scales(bank: Bank) -> Iterator[Problem]:
    questions = bank.questions
    for sid, scale in bank.scales.items():
        at = ("scales", sid)
        if scale.method == "sum" and not scale.items:
            yield (*at, "items"), "a sum scale needs items"
        if scale.method == "gap" and (not scale.pairs or scale.items or scale.bands):
            yield (*at, "pairs"), "a gap scale needs 'pairs' of [satisfaction, importance] and no items or bands"
        unknown = [(("items", i), q) for i, q in enumerate(scale.items) if q not in questions]
        unknown += [(("pairs", i), q) for i, pair in enumerate(scale.pairs) for q in pair if q not in questions]
        for where, item in unknown:
            yield (*at, *where), f"unknown question '{item}'"
        scorable = all(i in questions and questions[i].kind != "multi" for i in scale.items)
        if scale.bands and scorable:
            yield from _check_bands(scale.bands, bank.scale_ranges[sid], at)


def _in_scale(scale: Scale, question_id: str) -> bool:
    return question_id in scale.items or any(question_id in pair for pair in scale.pairs)


def _check_bands(bands: tuple[Band, ...], span: tuple[int, int], at: tuple[str, ...]) -> Iterator[Problem]:
    """Check that bands cover every whole raw score in the span exactly once."""
    lo, hi = span
    covering: dict[int, list[int]] = {v: [] for v in range(lo, hi + 1)}
    for bi, band in enumerate(bands):
        first = lo if band.min is None else band.min
        last = hi if band.max is None else band.max
        if first > last:
            yield (*at, "bands", bi), f"band '{clip(band.label)}' has min above max"
        if first < lo or last > hi:
            yield (*at, "bands", bi), f"band '{clip(band.label)}' reaches outside the scale's range {lo}-{hi}"
        for value in covering:
            if first <= value <= last:
                covering[value].append(bi)
    if gaps := [v for v, hits in covering.items() if not hits]:
        yield (*at, "bands"), f"bands leave a gap: no band covers {_ranges(gaps)} (range {lo}-{hi})"
    for value, hits in covering.items():
        if len(hits) > 1:
            yield (*at, "bands", hits[1]), f"bands overlap at {value}"
            break


def _ranges(values: list[int]) -> str:
    # In a run of consecutive values, each value less its position is the same number.
    runs = [[v for _, v in run] for _, run in groupby(enumerate(values), lambda pair: pair[1] - pair[0])]
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
