"""Score a walk's answers: scales, derived indices and flags, every number from the bank; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from quiz.bank.model import NOT_APPLICABLE, AnswerValue, Band, Bank, Index, IndexTerm, Scale
from quiz.engine.conditions import Facts, ScaleScore, holds, number

if TYPE_CHECKING:
    from quiz.engine.answers import Walk


class Scores(NamedTuple):
    """Everything scoring derives from one set of answers."""

    answers: Mapping[str, AnswerValue]
    scales: Mapping[str, ScaleScore]
    indices: Mapping[str, float | None]
    flags: tuple[str, ...]
    shown: tuple[str, ...] = ()

    def facts(self) -> Facts:
        """Return what the bank's conditions may read."""
        return Facts(self.answers, self.scales, self.indices, self.flags)


def score(bank: Bank, walk: Walk) -> Scores:
    """Score the answers to shown questions: scales first, then indices, then flags in the bank's order."""
    answers = walk.answers
    scales = {sid: score_scale(bank, sid, _with_skipped(scale, walk)) for sid, scale in bank.scales.items()}
    indices = {iid: index_value(bank, index, Facts(answers, scales)) for iid, index in bank.indices.items()}
    raised: list[str] = []
    facts = Facts(answers, scales, indices, raised)  # a flag may read the flags raised before it
    for name, condition in bank.flags.items():
        if holds(condition, facts):
            raised.append(name)
    return Scores(answers, scales, indices, tuple(raised), walk.shown)


def score_scale(bank: Bank, scale_id: str, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    """Score one scale, prorating when enough of the items that apply to the person were answered."""
    scale = bank.scales[scale_id]
    share = scale.min_answered or bank.min_answered
    if scale.method == "gap":
        pairs = [(s, i) for s, i in scale.pairs if NOT_APPLICABLE not in (answers.get(s), answers.get(i))]
        parts: list[float] = [g for pair in pairs if (g := area_gap(bank, *pair, answers)) is not None]
        count = len(pairs)
    else:
        items = [item for item in scale.items if answers.get(item) != NOT_APPLICABLE]
        parts = [scored_value(bank, item, value) for item in items if (value := number(answers.get(item))) is not None]
        count = len(items)
    if not parts or len(parts) / count < share:
        return ScaleScore(None, None, None, len(parts), count)
    if scale.method == "gap":
        raw = round(sum(parts) / len(parts) * 10, 1)  # the mean gap, 0-10
        return ScaleScore(raw, round(raw * 10, 1), None, len(parts), count)
    # prorated over every item, as the WSAS substitutes the mean for an item that does not apply; half rounds up
    total = int(sum(parts) * len(scale.items) / len(parts) + 0.5)
    lo, hi = bank.scale_ranges[scale_id]
    score = round((total - lo) * 100 / (hi - lo), 1)
    return ScaleScore(total, score, band_of(scale.bands, total), len(parts), count)


def _with_skipped(scale: Scale, walk: Walk) -> Mapping[str, AnswerValue]:
    """Return the walk's answers, with a 0 for each item a show-if skipped when the scale scores them so."""
    if not scale.skipped_as_zero:
        return walk.answers
    return {**{item: 0 for item in scale.items if item not in walk.shown}, **walk.answers}


def scored_value(bank: Bank, item: str, value: int) -> int:
    """Return an answer's scored value, a reverse-keyed one turned around."""
    if not bank.questions[item].reverse:
        return value
    lo, hi = bank.ranges[item]
    return lo + hi - value


def area_gap(bank: Bank, satisfaction: str, importance: str, answers: Mapping[str, AnswerValue]) -> float | None:
    """Return how far satisfaction falls short, weighted by how much change matters, 0-1; None if not known."""
    sat, imp = number(answers.get(satisfaction)), number(answers.get(importance))
    if sat is None or imp is None:
        return None
    (s_lo, s_hi), (i_lo, i_hi) = bank.ranges[satisfaction], bank.ranges[importance]
    return (s_hi - sat) / (s_hi - s_lo) * (imp - i_lo) / (i_hi - i_lo)


def band_of(bands: tuple[Band, ...], raw: float) -> str | None:
    """Return the label of the band a raw score falls in."""
    return next((b.label for b in bands if (b.min is None or raw >= b.min) and (b.max is None or raw <= b.max)), None)


def index_value(bank: Bank, index: Index, facts: Facts) -> float | None:
    """Return an index, 0-100: the weighted mean of the terms that have a value; None when none has."""
    weighted = weights = 0.0
    for term in index.terms:
        if (value := _term_value(bank, term, facts)) is not None:
            weighted += term.weight * (1.0 - value if term.invert else value)
            weights += term.weight
    return round(weighted / weights * 100.0, 1) if weights else None


def _term_value(bank: Bank, term: IndexTerm, facts: Facts) -> float | None:
    """Return one term's value on 0-1: an answer within its range, or a 0-100 score (the max or min of several)."""
    if term.item is not None:
        answer = number(facts.answers.get(term.item))
        if answer is None:
            return None
        lo, hi = bank.ranges[term.item]
        return (answer - lo) / (hi - lo)
    names = (term.scale,) if term.scale is not None else term.max or term.min or ()
    found = [score for name in names if (score := facts.scales[name].score) is not None]
    if len(found) < len(names):
        return None
    return (min if term.min is not None else max)(found) / 100.0
