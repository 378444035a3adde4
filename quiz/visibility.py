"""Decide which questions a set of answers shows, and keep only the answers to those; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quiz.conditions import Context
from quiz.gates import Gate
from quiz.model import AnswerValue, Bank, ScaleScore
from quiz.plan import Layout, Plan, plan_for
from quiz.scales import score_batch, score_scale

MAX_VIEWS = 256
Visible = tuple[dict[str, AnswerValue], tuple[str, ...], dict[str, ScaleScore]]


def visible(plan: Plan, answers: Mapping[str, AnswerValue]) -> Visible:
    """Return the shown answers, the shown ids in order, and the scores of the scales in plan.early."""
    return walk(plan, answers) if plan.gates is None else by_gates(plan, plan.gates.gates, answers)


def by_gates(plan: Plan, gates: tuple[Gate, ...], answers: Mapping[str, AnswerValue]) -> Visible:
    """Evaluate each show-if once, in order, dropping the answers it hides; valid when plan.gates is set."""
    kept = dict(answers)
    scales: dict[str, ScaleScore] = {}
    score_batch(plan.early, kept, scales)  # final already: show-ifs read only questions asked of everyone
    ctx = Context(kept, scales)
    hidden = 0
    for bit, (rule, ids) in enumerate(gates):
        if not rule(ctx):
            hidden |= 1 << bit
            for qid in ids:
                kept.pop(qid, None)
    shown = plan.views.get(hidden) or _view(plan, gates, hidden)
    return kept, shown, scales


def _view(plan: Plan, gates: tuple[Gate, ...], hidden: int) -> tuple[str, ...]:
    """Return the shown ids for one combination of hidden parts, remembering it in the plan."""
    gone = {q for bit, (_, ids) in enumerate(gates) if hidden >> bit & 1 for q in ids}
    shown = tuple(q for q in plan.items if q not in gone)
    if len(plan.views) < MAX_VIEWS:  # a bank with many show-ifs could otherwise fill memory, one answer set at a time
        plan.views[hidden] = shown
    return shown


class LazyScales(dict[str, ScaleScore]):
    """Scale scores computed on first look, for show-if conditions mid-walk."""

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


def walk(plan: Plan, answers: Mapping[str, AnswerValue]) -> Visible:
    """Walk the bank in order, keeping shown answers; the general path, for show-ifs that look ahead."""
    kept: dict[str, AnswerValue] = {}
    shown: list[str] = []
    scales = LazyScales(plan, kept)
    ctx = Context(kept, scales)
    for section in plan.layout:
        if section.rule is None or section.rule(ctx):
            _take(section, answers, ctx, kept, shown)
    return kept, tuple(shown), {}  # plan.early is empty on this path


def _take(
    section: Layout, answers: Mapping[str, AnswerValue], ctx: Context, kept: dict[str, AnswerValue], shown: list[str]
) -> None:
    """Add a shown section's shown questions to `shown` and their answers to `kept` (the context's answers)."""
    scales = ctx.scales
    assert isinstance(scales, LazyScales)
    if section.rules is None:  # nothing to evaluate between its questions, so take them all at once
        shown += section.ids
        for qid in section.ids:
            if qid in answers:
                kept[qid] = answers[qid]
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


def visible_answers(bank: Bank, answers: Mapping[str, AnswerValue]) -> tuple[dict[str, AnswerValue], list[str]]:
    """Keep only answers to questions shown, and list the shown question ids in order."""
    kept, shown, _ = visible(plan_for(bank), answers)
    return kept, list(shown)
