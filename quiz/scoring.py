"""Turn answers into scale scores, bands, derived indices and flags; pure, every number from the bank."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from quiz.conditions import Context
from quiz.model import AnswerValue, Bank, ScaleScore, Scores
from quiz.plan import GapScale, Item, Layout, Plan, SumScale, Term, plan_for

__all__ = ["check_answers", "visible_answers", "missing_required", "score", "score_scale", "plan_for"]

ANSWER_REQUIRED = "Select an answer"


def check_answers(bank: Bank, answers: Any) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Validate raw answers (ids, types, values); return clean answers and one message per bad id."""
    plan = plan_for(bank)
    clean: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    if not isinstance(answers, Mapping):
        return clean, {"answers": "answers must be an object of question id to value"}
    single = plan.single
    for key, value in answers.items():
        if type(value) is int and (key, value) in single:
            clean[key] = value  # the usual case; anything else gets the full check and its message
            continue
        item = plan.items.get(key) if isinstance(key, str) else None
        if item is None:
            errors[str(key)[:64]] = "unknown question"
            continue
        checked = _check_value(item, value)
        if isinstance(checked, str):
            errors[key] = checked
        else:
            clean[key] = checked
    return clean, errors


def _check_value(item: Item, value: Any) -> AnswerValue | str:
    if item.question.kind == "multi":
        if not isinstance(value, list | tuple) or not all(_is_int(v) for v in value):
            return "expected a list of option values"
        if len(set(value)) != len(value) or not set(value) <= item.allowed:
            return f"each value must be one of {sorted(item.allowed)}, once"
        return tuple(sorted(value))
    if not _is_int(value):
        return "expected a whole number"
    if value not in item.allowed:
        return (
            f"must be between {item.lo} and {item.hi}"
            if item.question.kind == "scale"
            else (f"must be one of {sorted(item.allowed)}")
        )
    return int(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def visible_answers(bank: Bank, answers: Mapping[str, AnswerValue]) -> tuple[dict[str, AnswerValue], list[str]]:
    """Keep only answers to questions shown, and list the shown question ids in order."""
    kept, shown, _ = _visible(plan_for(bank), answers)
    return kept, shown


def _visible(plan: Plan, answers: Mapping[str, AnswerValue]) -> tuple[dict[str, AnswerValue], list[str], _LazyScales]:
    """Walk the bank in order, keeping shown answers; also return the scale scores computed on the way."""
    kept: dict[str, AnswerValue] = {}
    shown: list[str] = []
    scales = _LazyScales(plan, kept)
    ctx = Context(kept, scales)
    for section in plan.layout:
        if section.rule is None or section.rule(ctx):
            _take(section, answers, ctx, kept, shown)
    return kept, shown, scales


def _take(
    section: Layout, answers: Mapping[str, AnswerValue], ctx: Context, kept: dict[str, AnswerValue], shown: list[str]
) -> None:
    """Add a shown section's shown questions to `shown` and their answers to `kept` (the context's answers)."""
    scales = ctx.scales
    assert isinstance(scales, _LazyScales)
    if section.rules is None:  # nothing to evaluate between its questions, so take them all at once
        shown += section.ids
        _copy_answers(section, answers, kept)
        if scales:
            for sid in section.all_feeds:  # new answers make the scores of their scales stale
                scales.pop(sid, None)
        return
    for qid, show_if, feeds in zip(section.ids, section.rules, section.feeds, strict=True):
        if show_if is not None and not show_if(ctx):
            continue
        shown.append(qid)
        if qid in answers:
            kept[qid] = answers[qid]
            for sid in feeds:
                scales.pop(sid, None)


def _copy_answers(section: Layout, answers: Mapping[str, AnswerValue], kept: dict[str, AnswerValue]) -> None:
    """Copy the section's answers into `kept` in question order, in one step when all are answered."""
    if answers.keys() >= section.id_set:
        kept.update(zip(section.ids, map(answers.__getitem__, section.ids), strict=True))
        return
    for qid in section.ids:
        if qid in answers:
            kept[qid] = answers[qid]


def missing_required(bank: Bank, answers: Mapping[str, AnswerValue], shown: list[str]) -> dict[str, str]:
    """Return an error for each shown, required question left unanswered."""
    items = plan_for(bank).items
    return {q: ANSWER_REQUIRED for q in shown if q not in answers and items[q].question.required}


class _LazyScales(dict[str, ScaleScore]):
    """Scale scores computed on first look, for show-if conditions mid-quiz."""

    def __init__(self, plan: Plan, answers: Mapping[str, AnswerValue]):
        super().__init__()
        self._plan, self._answers = plan, answers

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        scale = self._plan.scales.get(key)
        if scale is None:
            return default
        found = self[key] = score_scale(scale, self._answers)
        return found


def score_scale(scale: SumScale | GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    """Score one scale, prorating when enough items were answered."""
    if isinstance(scale, GapScale):
        return _score_gap(scale, answers)
    count = len(scale.items)
    if answers.keys() >= scale.ids:  # the usual case: sums and a table look-up, no loop in Python
        get = cast("Callable[[str], int]", answers.__getitem__)  # scale items are one-answer questions: ints
        total = sum(map(get, scale.forward)) + scale.reverse_offset - sum(map(get, scale.reverse))
        answered = count
    else:
        total, answered = _partial_sum(scale, answers)
        if answered == 0 or answered / count < scale.min_answered:
            return ScaleScore(None, None, None, answered, count)
        total = int(total * count / answered + 0.5)  # prorate, rounding half up as the PHQ manuals do
    score, band = scale.table[total - scale.lo]
    return ScaleScore(total, score, band, answered, count)


def _partial_sum(scale: SumScale, answers: Mapping[str, AnswerValue]) -> tuple[int, int]:
    total = answered = 0
    for qid, reverse, lo, hi in scale.items:
        value = answers.get(qid)
        if isinstance(value, int):
            total += lo + hi - value if reverse else value
            answered += 1
    return total, answered


def _score_gap(scale: GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    gaps = [
        area_gap(s, s_lo, s_hi, i, i_lo, i_hi)
        for sat, s_lo, s_hi, imp, i_lo, i_hi in scale.pairs
        if isinstance(s := answers.get(sat), int) and isinstance(i := answers.get(imp), int)
    ]
    count = len(scale.pairs)
    if not gaps or len(gaps) / count < scale.min_answered:
        return ScaleScore(None, None, None, len(gaps), count)
    raw = round(sum(gaps) / len(gaps) * 10, 1)
    return ScaleScore(raw, round(raw * 10, 1), None, len(gaps), count)


def area_gap(sat: int, s_lo: int, s_hi: int, imp: int, i_lo: int, i_hi: int) -> float:
    """Return an area's gap, 0-1: how far satisfaction falls short, weighted by how much change matters."""
    return (s_hi - sat) / (s_hi - s_lo) * (imp - i_lo) / (i_hi - i_lo)


def _index(
    terms: tuple[Term, ...], scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    weighted = weights = 0.0
    for term in terms:
        if term.item is not None:
            answer = answers.get(term.item)
            value = (answer - term.lo) / term.span if isinstance(answer, int) else None
        else:
            value = _combine(term, scales)
        if value is not None:
            weighted += term.weight * (1 - value if term.invert else value)
            weights += term.weight
    return round(weighted / weights * 100, 1) if weights else None


def _combine(term: Term, scales: Mapping[str, ScaleScore]) -> float | None:
    values = [found for name in term.scales if (found := scales[name].score) is not None]
    if len(values) < len(term.scales):
        return None
    return (max(values) if term.pick == "max" else min(values) if term.pick == "min" else values[0]) / 100


def score(bank: Bank, answers: Mapping[str, AnswerValue]) -> Scores:
    """Score checked answers: hidden questions are dropped, then scales, indices and flags follow."""
    plan = plan_for(bank)
    kept, shown, seen = _visible(plan, answers)
    scales = {sid: seen[sid] if sid in seen else score_scale(s, kept) for sid, s in plan.scales.items()}
    indices = {iid: _index(terms, scales, kept) for iid, terms in plan.indices.items()}
    ctx = Context(kept, scales, indices, set())
    raised = []
    for name, predicate in plan.flags:
        if predicate(ctx):
            ctx.flags.add(name)
            raised.append(name)
    return Scores(kept, scales, indices, tuple(raised), tuple(shown))
