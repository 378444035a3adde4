"""Turn answers into scale scores, bands, derived indices and flags; pure, every number from the bank."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quiz.conditions import Context
from quiz.indices import index_value
from quiz.model import AnswerValue, Bank, Scores
from quiz.plan import Item, Plan, plan_for
from quiz.scales import score_batch
from quiz.visibility import visible

__all__ = ["check_answers", "missing_required", "score", "plan_for"]

ANSWER_REQUIRED = "Select an answer"


def check_answers(bank: Bank, answers: Any) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Validate raw answers (ids, types, values); return clean answers and one message per bad id."""
    plan = plan_for(bank)
    if type(answers) is dict:  # the usual case, checked in a few C calls; anything odd gets the full check
        clean = dict(answers)
        multi = [(qid, clean.pop(qid)) for qid in plan.multi if qid in clean]
        if set(map(type, clean.values())) <= _INT and plan.single.issuperset(clean.items()):
            errors: dict[str, str] = {}
            for qid, value in multi:
                # the usual multiple choice, a list of distinct allowed ints, inline; anything else, in full
                if type(value) is list and set(map(type, value)) <= _INT:
                    picked = set(value)
                    if len(picked) == len(value) and picked <= plan.items[qid].allowed:
                        clean[qid] = tuple(sorted(picked))
                        continue
                _keep(plan.items[qid], qid, value, clean, errors)
            return clean, errors
    return _check_each(plan, answers)


_INT = {int}


def _check_each(plan: Plan, answers: Any) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    clean: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    if not isinstance(answers, Mapping):
        return clean, {"answers": "answers must be an object of question id to value"}
    for key, value in answers.items():
        item = plan.items.get(key) if isinstance(key, str) else None
        if item is None:
            errors[str(key)[:64]] = "unknown question"
        else:
            _keep(item, key, value, clean, errors)
    return clean, errors


def _keep(item: Item, key: str, value: Any, clean: dict[str, AnswerValue], errors: dict[str, str]) -> None:
    checked = _check_value(item, value)
    if isinstance(checked, str):
        errors[key] = checked
    else:
        clean[key] = checked


def _check_value(item: Item, value: Any) -> AnswerValue | str:
    if item.question.kind == "multi":
        if value == []:  # none of them: the usual answer to an optional multiple choice
            return ()
        if not isinstance(value, list | tuple) or not set(map(type, value)) <= _INT:
            return "expected a list of option values"
        picked = set(value)
        if len(picked) != len(value) or not picked <= item.allowed:
            return f"each value must be one of {sorted(item.allowed)}, once"
        return tuple(sorted(picked))
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


def missing_required(bank: Bank, answers: Mapping[str, AnswerValue], shown: list[str]) -> dict[str, str]:
    """Return an error for each shown, required question left unanswered."""
    items = plan_for(bank).items
    return {q: ANSWER_REQUIRED for q in shown if q not in answers and items[q].question.required}


def score(bank: Bank, answers: Mapping[str, AnswerValue]) -> Scores:
    """Score checked answers: hidden questions are dropped, then scales, indices and flags follow."""
    plan = plan_for(bank)
    kept, shown, scales = visible(plan, answers)
    score_batch(plan.late, kept, scales)
    indices: dict[str, float | None] = {}
    for iid, terms in plan.indices:  # a loop, not a comprehension: no extra frame on this hot path
        indices[iid] = index_value(terms, scales, kept)
    ctx = Context(kept, scales, indices, set())
    raised = []
    for name, predicate in plan.flags:
        if predicate(ctx):
            ctx.flags.add(name)
            raised.append(name)
    return Scores(kept, scales, indices, tuple(raised), shown)
