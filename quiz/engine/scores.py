"""Score a walk's answers: scales, derived indices and flags, every number from the bank; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from quiz.bank.model import AnswerValue, Band, Bank, Index, IndexTerm, Scale
from quiz.engine.conditions import Facts, ScaleScore, holds

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
    scales = {sid: score_scale(bank, scale, answers) for sid, scale in bank.scales.items()}
    indices = {iid: index_value(bank, index, scales, answers) for iid, index in bank.indices.items()}
    raised: list[str] = []
    for name, condition in bank.flags.items():  # a flag may read the flags raised before it
        if holds(condition, Facts(answers, scales, indices, raised)):
            raised.append(name)
    return Scores(answers, scales, indices, tuple(raised), walk.shown)


def score_scale(bank: Bank, scale: Scale, answers: Mapping[str, AnswerValue]) -> ScaleScore:
    """Score one scale, prorating when enough of its items were answered."""
    share = scale.min_answered or bank.min_answered
    parts = _gaps(bank, scale, answers) if scale.method == "gap" else _items(bank, scale, answers)
    count = len(scale.pairs or scale.items)
    if not parts or len(parts) / count < share:
        return ScaleScore(None, None, None, len(parts), count)
    if scale.method == "gap":
        raw = round(sum(parts) / len(parts) * 10, 1)  # the mean gap, 0-10
        return ScaleScore(raw, round(raw * 10, 1), None, len(parts), count)
    total = int(sum(parts) * count / len(parts) + 0.5)  # prorated, rounding half up as the PHQ manuals do
    lo, hi = bank.scale_range(scale)
    return ScaleScore(total, round((total - lo) * 100 / (hi - lo), 1), band_of(scale.bands, total), len(parts), count)


def _items(bank: Bank, scale: Scale, answers: Mapping[str, AnswerValue]) -> list[int]:
    """Return the scored value of each answered item, reverse-keyed ones turned around."""
    found = []
    for item in scale.items:
        value = answers.get(item)
        if isinstance(value, int):
            lo, hi = bank.ranges[item]
            found.append(lo + hi - value if bank.questions[item].reverse else value)
    return found


def _gaps(bank: Bank, scale: Scale, answers: Mapping[str, AnswerValue]) -> list[float]:
    """Return the gap, 0-1, of each (satisfaction, importance) pair answered."""
    found = []
    for satisfaction, importance in scale.pairs:
        gap = area_gap(bank, satisfaction, importance, answers)
        if gap is not None:
            found.append(gap)
    return found


def area_gap(bank: Bank, satisfaction: str, importance: str, answers: Mapping[str, AnswerValue]) -> float | None:
    """Return how far satisfaction falls short, weighted by how much change matters, 0-1; None if unanswered."""
    sat, imp = answers.get(satisfaction), answers.get(importance)
    if not isinstance(sat, int) or not isinstance(imp, int):
        return None
    (s_lo, s_hi), (i_lo, i_hi) = bank.ranges[satisfaction], bank.ranges[importance]
    return (s_hi - sat) / (s_hi - s_lo) * (imp - i_lo) / (i_hi - i_lo)


def band_of(bands: tuple[Band, ...], raw: float) -> str | None:
    """Return the label of the band a raw score falls in."""
    for band in bands:
        if (band.min is None or raw >= band.min) and (band.max is None or raw <= band.max):
            return band.label
    return None


def index_value(
    bank: Bank, index: Index, scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    """Return an index, 0-100: the weighted mean of the terms that have a value; None when none has."""
    weighted = weights = 0.0
    for term in index.terms:
        value = _term_value(bank, term, scales, answers)
        if value is not None:
            weighted += term.weight * (1.0 - value if term.invert else value)
            weights += term.weight
    return round(weighted / weights * 100.0, 1) if weights else None


def _term_value(
    bank: Bank, term: IndexTerm, scales: Mapping[str, ScaleScore], answers: Mapping[str, AnswerValue]
) -> float | None:
    """Return one term's value on 0-1: an answer within its range, or a 0-100 score (the max or min of several)."""
    if term.item is not None:
        answer = answers.get(term.item)
        if not isinstance(answer, int):
            return None
        lo, hi = bank.ranges[term.item]
        return (answer - lo) / (hi - lo)
    names = (term.scale,) if term.scale is not None else term.max or term.min or ()
    found = [scales[name].score for name in names]
    if None in found:
        return None
    pick = min if term.min is not None else max
    return pick(f for f in found if f is not None) / 100.0
