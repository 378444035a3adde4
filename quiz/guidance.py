"""Choose the outcome for a set of scores, explain what drove it, and describe each life area."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from quiz.checks import Problem
from quiz.conditions import Context, Predicate
from quiz.model import CRISIS_OUTCOME, SAFETY_ITEM, AnswerValue, Bank, Condition, Guidance, Outcome, Scores
from quiz.plan import Plan
from quiz.profiles import area_strain, describe, portrait
from quiz.reasons import Explainer, explainer
from quiz.scoring import check_answers, plan_for, score


class Telling(NamedTuple):
    """One outcome's guidance, compiled: its wording, the variants' rules, and what explains it."""

    headline: str
    body: str
    call_to_action: str
    variants: tuple[tuple[Predicate, str], ...]
    explain: tuple[Explainer, ...]  # the outcome's own rule first, then its extra `explain` conditions


def tellings(plan: Plan) -> dict[str, Telling]:
    """Compile every outcome's guidance once per bank."""
    found = plan.memo.get("tellings")
    if found is None:
        bank = plan.bank
        found = plan.memo["tellings"] = {
            rule.id: _telling(plan, rule.when, bank.guidance[rule.id]) for rule in bank.outcomes
        }
    return found


def _telling(plan: Plan, when: Condition, text: Guidance) -> Telling:
    variants = tuple((plan.predicate(v.when), v.body) for v in text.variants)
    explain = tuple(explainer(plan, cond) for cond in (when, *text.explain))
    return Telling(text.headline, text.body, text.call_to_action, variants, explain)


def _context(scores: Scores) -> Context:
    return Context(scores.answers, scores.scales, scores.indices, set(scores.flags))


def choose(bank: Bank, scores: Scores) -> str:
    """Return the id of the first outcome whose rule holds (the bank's last rule always does)."""
    return _choose(plan_for(bank), scores.answers, _context(scores))


def _choose(plan: Plan, answers: Mapping[str, AnswerValue], ctx: Context) -> str:
    safety = answers.get(SAFETY_ITEM)
    if isinstance(safety, int) and safety >= 1 and CRISIS_OUTCOME in plan.bank.guidance:
        return CRISIS_OUTCOME  # whatever the bank's rules say, a self-harm answer reaches the crisis path
    for oid, holds in plan.outcomes:
        if holds(ctx):
            return oid
    raise AssertionError("the bank's last outcome is 'always'")  # the validator makes sure of it


def decide(bank: Bank, scores: Scores) -> Outcome:
    """Pick the first outcome whose rule holds and explain it."""
    plan = plan_for(bank)
    ctx = _context(scores)
    chosen = _choose(plan, scores.answers, ctx)
    told = tellings(plan)[chosen]
    body = told.body
    for holds, text in told.variants:
        if holds(ctx):
            body = text
            break
    found: list[str] = []
    for explain in told.explain:
        explain(ctx, found)
    drawn = portrait(plan)
    strain = area_strain(drawn, scores.answers)
    return Outcome(
        id=chosen,
        headline=told.headline,
        body=body,
        call_to_action=told.call_to_action,
        reasons=tuple(dict.fromkeys(found)),
        profile=describe(drawn, ctx, strain),
        area_strain=strain,
    )


def assess(bank: Bank, answers: Mapping[str, object]) -> tuple[Scores, Outcome]:
    """Score already-checked answers and decide the outcome."""
    scores = score(bank, answers)  # type: ignore[arg-type]
    return scores, decide(bank, scores)


def check_examples(bank: Bank) -> Iterator[Problem]:
    """Check that each golden example is valid and gives the outcome it expects."""
    for ei, example in enumerate(bank.examples):
        clean, errors = check_answers(bank, dict(example.answers))
        for qid, message in errors.items():
            yield ("examples", ei, "answers", qid), message
        if errors:
            continue
        _, outcome = assess(bank, clean)
        if outcome.id != example.expect:
            yield (
                ("examples", ei, "expect"),
                (f"example '{example.name}' gives '{outcome.id}', not the expected '{example.expect}'"),
            )
