"""Turn answers into scale scores, bands, derived indices and flags; pure, every number from the bank."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quiz.checks import response_of, scale_range
from quiz.conditions import Context, Predicate, compile_condition
from quiz.model import AnswerValue, Band, Bank, Condition, Question, Scale, ScaleScore, Scores, Section

ANSWER_REQUIRED = "Select an answer"


@dataclass(frozen=True, slots=True)
class _Item:
    """A question compiled for scoring: allowed values, range and visibility."""

    question: Question
    section: int
    allowed: frozenset[int]
    lo: int
    hi: int
    show_if: Predicate | None


@dataclass(frozen=True, slots=True)
class _SumScale:
    items: tuple[tuple[str, bool, int, int], ...]  # id, reverse, lo, hi
    lo: int
    hi: int
    bands: tuple[Band, ...]
    min_answered: float


@dataclass(frozen=True, slots=True)
class _GapScale:
    pairs: tuple[tuple[str, int, int, str, int, int], ...]
    min_answered: float


class Plan:
    """A bank compiled once for fast, repeated scoring."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self.items: dict[str, _Item] = {}
        sections = [compile_condition(s.show_if) if s.show_if else None for s in bank.sections]
        self.section_show_if = tuple(sections)
        for si, section in enumerate(bank.sections):
            for q in section.questions:
                values = [o.value for o in response_of(bank, q).choices()]
                show = compile_condition(q.show_if) if q.show_if else None
                self.items[q.id] = _Item(q, si, frozenset(values), min(values), max(values), show)
        self.scales = {sid: self._compile_scale(s) for sid, s in bank.scales.items()}
        self.flags = tuple((name, compile_condition(c)) for name, c in bank.flags.items())
        self._compiled: dict[int, Predicate] = {}
        # every (question, value) a one-answer question takes, so a valid answer is checked with one look-up
        self.single = frozenset((q, v) for q, i in self.items.items() if i.question.kind != "multi" for v in i.allowed)
        feeds = {qid: tuple(sid for sid, sc in bank.scales.items() if _feeds(sc, qid)) for qid in self.items}
        self.layout = tuple(
            _section_layout(self.items, section, rule, feeds)
            for section, rule in zip(bank.sections, self.section_show_if, strict=True)
        )

    def predicate(self, cond: Condition) -> Predicate:
        """Return the compiled predicate for one of the bank's conditions, compiling it once."""
        found = self._compiled.get(id(cond))
        if found is None:
            found = self._compiled[id(cond)] = compile_condition(cond)
        return found

    def _compile_scale(self, scale: Scale) -> _SumScale | _GapScale:
        share = scale.min_answered or self.bank.min_answered
        if scale.method == "gap":
            pairs = []
            for sat, imp in scale.pairs:
                a, b = self.items[sat], self.items[imp]
                pairs.append((sat, a.lo, a.hi, imp, b.lo, b.hi))
            return _GapScale(tuple(pairs), share)
        items = tuple((i, self.items[i].question.reverse, self.items[i].lo, self.items[i].hi) for i in scale.items)
        lo, hi = scale_range(self.bank, scale)
        return _SumScale(items, lo, hi, scale.bands, share)


def _feeds(scale: Scale, question_id: str) -> bool:
    return question_id in scale.items or any(question_id in pair for pair in scale.pairs)


@dataclass(frozen=True, slots=True)
class _Layout:
    """A section as visible_answers walks it; `rules` is None when no question has its own show-if."""

    rule: Predicate | None
    ids: tuple[str, ...]
    rules: tuple[Predicate | None, ...] | None
    feeds: tuple[tuple[str, ...], ...]
    all_feeds: tuple[str, ...]
    id_set: frozenset[str]


def _section_layout(
    items: dict[str, _Item], section: Section, rule: Predicate | None, feeds: dict[str, tuple[str, ...]]
) -> _Layout:
    """Lay a section out: its rule, question ids, their rules and the scales each question feeds."""
    ids = tuple(q.id for q in section.questions)
    rules = tuple(items[q].show_if for q in ids)
    every = tuple(dict.fromkeys(sid for q in ids for sid in feeds[q]))
    return _Layout(rule, ids, rules if any(rules) else None, tuple(feeds[q] for q in ids), every, frozenset(ids))


_plans: dict[int, tuple[Bank, Plan]] = {}


def plan_for(bank: Bank) -> Plan:
    """Return the compiled plan for a bank, compiling it on first use."""
    cached = _plans.get(id(bank))
    if cached is None or cached[0] is not bank:
        cached = (bank, Plan(bank))
        _plans[id(bank)] = cached
    return cached[1]


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


def _check_value(item: _Item, value: Any) -> AnswerValue | str:
    if item.question.kind == "multi":
        if not isinstance(value, list | tuple) or not all(_is_int(v) for v in value):
            return "expected a list of option values"
        if len(set(value)) != len(value) or not set(value) <= item.allowed:
            return f"each value must be one of {sorted(item.allowed)}, once"
        return tuple(sorted(value))
    if not _is_int(value):
        return "expected a whole number"
    if value not in item.allowed:
        return f"must be between {item.lo} and {item.hi}" if item.question.kind == "scale" else (
            f"must be one of {sorted(item.allowed)}"
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
    section: _Layout, answers: Mapping[str, AnswerValue], ctx: Context, kept: dict[str, AnswerValue], shown: list[str]
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


def _copy_answers(section: _Layout, answers: Mapping[str, AnswerValue], kept: dict[str, AnswerValue]) -> None:
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


def is_shown(bank: Bank, section_index: int, answers: Mapping[str, AnswerValue]) -> bool:
    """Say whether a section is shown, given the answers so far."""
    plan = plan_for(bank)
    rule = plan.section_show_if[section_index]
    return rule is None or rule(Context(answers, _LazyScales(plan, answers)))


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


def score_scale(scale: _SumScale | _GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    """Score one scale, prorating when enough items were answered."""
    if isinstance(scale, _GapScale):
        return _score_gap(scale, answers)
    total = 0
    answered = 0
    for qid, reverse, lo, hi in scale.items:
        value = answers.get(qid)
        if isinstance(value, int):
            total += lo + hi - value if reverse else value
            answered += 1
    count = len(scale.items)
    if answered < count:
        if answered == 0 or answered / count < scale.min_answered:
            return ScaleScore(None, None, None, answered, count)
        total = int(total * count / answered + 0.5)  # prorate, rounding half up as the PHQ manuals do
    score = round((total - scale.lo) * 100 / (scale.hi - scale.lo), 1)
    return ScaleScore(total, score, _band(scale.bands, total), answered, count)


def _band(bands: tuple[Band, ...], raw: float) -> str | None:
    for band in bands:
        if (band.min is None or raw >= band.min) and (band.max is None or raw <= band.max):
            return band.label
    return None


def _score_gap(scale: _GapScale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
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
    plan: Plan, terms: Any, scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    weighted = 0.0
    weights = 0.0
    for term in terms:
        value = _term_value(plan, term, scales, answers)
        if value is None:
            continue
        weighted += term.weight * (1 - value if term.invert else value)
        weights += term.weight
    return round(weighted / weights * 100, 1) if weights else None


def _term_value(
    plan: Plan, term: Any, scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    if term.item is not None:
        value = answers.get(term.item)
        item = plan.items[term.item]
        return (value - item.lo) / (item.hi - item.lo) if isinstance(value, int) else None
    names = (term.scale,) if term.scale is not None else (term.max or term.min)
    values = [s / 100 for n in names if (s := scales[n].score) is not None]
    if len(values) != len(names):
        return None
    return max(values) if term.max is not None else min(values)


def score(bank: Bank, answers: Mapping[str, AnswerValue]) -> Scores:
    """Score checked answers: hidden questions are dropped, then scales, indices and flags follow."""
    plan = plan_for(bank)
    kept, _, seen = _visible(plan, answers)
    scales = {sid: seen[sid] if sid in seen else score_scale(s, kept) for sid, s in plan.scales.items()}
    indices = {iid: _index(plan, ix.terms, scales, kept) for iid, ix in bank.indices.items()}
    ctx = Context(kept, scales, indices, set())
    raised = []
    for name, predicate in plan.flags:
        if predicate(ctx):
            ctx.flags.add(name)
            raised.append(name)
    return Scores(kept, scales, indices, tuple(raised))
