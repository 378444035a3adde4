"""Compile a bank once into look-up tables and predicates for fast, repeated scoring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from quiz.checks import response_of, scale_range
from quiz.conditions import Predicate, compile_condition
from quiz.gates import compile_gates
from quiz.indices import compile_index
from quiz.model import AnswerValue, Band, Bank, Condition, Question, Scale, ScaleScore, Section

Values = Callable[[Mapping[str, AnswerValue]], tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Item:
    """A question compiled for scoring: allowed values, range and visibility."""

    question: Question
    section: int
    allowed: frozenset[int]
    lo: int
    hi: int
    show_if: Predicate | None


@dataclass(frozen=True, slots=True)
class SumScale:
    """A sum scale: its items, its raw range, and the 0-100 score and band of every whole raw score."""

    items: tuple[tuple[str, bool, int, int], ...]  # id, reverse, lo, hi
    values: Values  # the answers to all items in order, in one C call; KeyError when one is missing
    signs: tuple[int, ...] | None  # +1 forward, -1 reverse; None when no item is reversed
    reverse_offset: int  # the sum of lo + hi over reverse items: a reverse answer v counts lo + hi - v
    lo: int
    table: tuple[tuple[float, str | None], ...]  # (score, band) for raw = lo, lo + 1, ... hi
    complete: tuple[ScaleScore, ...]  # the whole score for each raw score when every item is answered
    short: tuple[ScaleScore | None, ...]  # for each number of items answered, the incomplete score, or None: prorate
    min_answered: float


@dataclass(frozen=True, slots=True)
class GapScale:
    """A life-gap scale: pairs of (satisfaction, importance) questions, each with its gap for every answer pair."""

    gaps: tuple[tuple[str, str, dict[tuple[int, int], float]], ...]  # per pair: its ids, and each answer pair's gap
    complete: dict[float, ScaleScore]  # the whole score for each raw score, 0.0 to 10.0, when every pair is answered
    min_answered: float


def area_gap(sat: int, s_lo: int, s_hi: int, imp: int, i_lo: int, i_hi: int) -> float:
    """Return an area's gap, 0-1: how far satisfaction falls short, weighted by how much change matters."""
    return (s_hi - sat) / (s_hi - s_lo) * (imp - i_lo) / (i_hi - i_lo)


def band_of(bands: tuple[Band, ...], raw: float) -> str | None:
    """Return the label of the band a raw score falls in."""
    for band in bands:
        if (band.min is None or raw >= band.min) and (band.max is None or raw <= band.max):
            return band.label
    return None


class Plan:
    """A bank compiled once for fast, repeated scoring."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self.items: dict[str, Item] = {}
        sections = [compile_condition(s.show_if) if s.show_if else None for s in bank.sections]
        self.section_show_if = tuple(sections)
        for si, section in enumerate(bank.sections):
            for q in section.questions:
                values = [o.value for o in response_of(bank, q).choices()]
                show = compile_condition(q.show_if) if q.show_if else None
                self.items[q.id] = Item(q, si, frozenset(values), min(values), max(values), show)
        self.scales = {sid: self._compile_scale(s) for sid, s in bank.scales.items()}
        ranges = {qid: (item.lo, item.hi) for qid, item in self.items.items()}
        self.indices = tuple((iid, compile_index(ix, ranges)) for iid, ix in bank.indices.items())
        self.flags = tuple((name, compile_condition(c)) for name, c in bank.flags.items())
        self.outcomes = tuple((rule.id, compile_condition(rule.when)) for rule in bank.outcomes)
        self._compiled: dict[int, Predicate] = {}
        self.memo: dict[str, Any] = {}  # things later layers derive once per bank, such as form classes
        # every (question, value) a one-answer question takes, so a valid answer is checked with one look-up
        self.single = frozenset((q, v) for q, i in self.items.items() if i.question.kind != "multi" for v in i.allowed)
        self.multi = tuple(q for q, i in self.items.items() if i.question.kind == "multi")
        feeds = {qid: tuple(sid for sid, sc in bank.scales.items() if _feeds(sc, qid)) for qid in self.items}
        self.layout = tuple(
            _section_layout(self.items, section, rule, feeds)
            for section, rule in zip(bank.sections, self.section_show_if, strict=True)
        )
        self.position = {qid: at for at, qid in enumerate(self.items)}
        self.gates = compile_gates(bank, self.position)  # None: visibility walks the quiz question by question
        early = self.gates.scales if self.gates else ()
        self.early = _batch({sid: self.scales[sid] for sid in early})  # what show-ifs read, scored before them
        self.late = _batch({sid: scale for sid, scale in self.scales.items() if sid not in early})
        self.views: dict[int, tuple[str, ...]] = {}  # the shown ids for each combination of hidden parts

    def predicate(self, cond: Condition) -> Predicate:
        """Return the compiled predicate for one of the bank's conditions, compiling it once."""
        found = self._compiled.get(id(cond))
        if found is None:
            found = self._compiled[id(cond)] = compile_condition(cond)
        return found

    def _compile_scale(self, scale: Scale) -> SumScale | GapScale:
        share = scale.min_answered or self.bank.min_answered
        if scale.method == "gap":
            gaps = []
            for sat, imp in scale.pairs:
                a, b = self.items[sat], self.items[imp]
                gaps.append(
                    (sat, imp, {(s, i): area_gap(s, a.lo, a.hi, i, b.lo, b.hi) for s in a.allowed for i in b.allowed})
                )
            count = len(gaps)
            # a raw score is a mean of gaps times 10, rounded to 0.1: one of 101 values, each the float k / 10
            whole = {k / 10: ScaleScore(k / 10, round(k / 10 * 10, 1), None, count, count) for k in range(101)}
            return GapScale(tuple(gaps), whole, share)
        items = tuple((i, self.items[i].question.reverse, self.items[i].lo, self.items[i].hi) for i in scale.items)
        lo, hi = scale_range(self.bank, scale)
        table = tuple((round((raw - lo) * 100 / (hi - lo), 1), band_of(scale.bands, raw)) for raw in range(lo, hi + 1))
        count = len(items)
        complete = tuple(ScaleScore(lo + at, score, band, count, count) for at, (score, band) in enumerate(table))
        signs = tuple(-1 if rev else 1 for _, rev, _, _ in items) if any(rev for _, rev, _, _ in items) else None
        offset = sum(a + b for _, rev, a, b in items if rev)
        short = tuple(
            ScaleScore(None, None, None, n, count) if n == 0 or n / count < share else None for n in range(count + 1)
        )
        return SumScale(items, values_of(scale.items), signs, offset, lo, table, complete, short, share)


def values_of(ids: tuple[str, ...] | list[str]) -> Values:
    """Return a function that reads the answers to these questions, in order, as one tuple."""
    if len(ids) == 1:
        only = ids[0]
        return lambda answers: (answers[only],)
    return itemgetter(*ids)


# A sum scale's place in ScaleBatch.ids: its items at `where`, forward ones first and the reversed ones from
# `middle` on (None: none reversed), and raw - lo = sum + base.
SumSlice = tuple[str, slice, "int | None", int, SumScale]  # id, where, middle, base, scale


class ScaleBatch(NamedTuple):
    """Scales scored together: sum scales' items end to end, so that one C call reads all their answers."""

    ids: tuple[str, ...]
    sums: tuple[SumSlice, ...]
    gaps: tuple[tuple[str, GapScale], ...]


def _batch(scales: dict[str, SumScale | GapScale]) -> ScaleBatch:
    """Lay the sum scales' items end to end, forward items first within each scale."""
    ids: list[str] = []
    sums: list[SumSlice] = []
    for sid, scale in scales.items():
        if isinstance(scale, SumScale):
            start = len(ids)
            ids += [qid for qid, reverse, _, _ in scale.items if not reverse]
            middle = len(ids) - start
            ids += [qid for qid, reverse, _, _ in scale.items if reverse]
            where = slice(start, len(ids))
            sums.append((sid, where, middle if scale.signs else None, scale.reverse_offset - scale.lo, scale))
    gaps = tuple((sid, scale) for sid, scale in scales.items() if isinstance(scale, GapScale))
    return ScaleBatch(tuple(ids), tuple(sums), gaps)


def _feeds(scale: Scale, question_id: str) -> bool:
    return question_id in scale.items or any(question_id in pair for pair in scale.pairs)


@dataclass(frozen=True, slots=True)
class Layout:
    """A section as visible_answers walks it; `rules` is None when no question has its own show-if."""

    rule: Predicate | None
    ids: tuple[str, ...]
    rules: tuple[Predicate | None, ...] | None
    feeds: tuple[tuple[str, ...], ...]
    all_feeds: tuple[str, ...]


def _section_layout(
    items: dict[str, Item], section: Section, rule: Predicate | None, feeds: dict[str, tuple[str, ...]]
) -> Layout:
    """Lay a section out: its rule, question ids, their rules and the scales each question feeds."""
    ids = tuple(q.id for q in section.questions)
    rules = tuple(items[q].show_if for q in ids)
    every = tuple(dict.fromkeys(sid for q in ids for sid in feeds[q]))
    return Layout(rule, ids, rules if any(rules) else None, tuple(feeds[q] for q in ids), every)


_plans: dict[int, tuple[Bank, Plan]] = {}


def plan_for(bank: Bank) -> Plan:
    """Return the compiled plan for a bank, compiling it on first use."""
    cached = _plans.get(id(bank))
    if cached is None or cached[0] is not bank:
        cached = (bank, Plan(bank))
        _plans[id(bank)] = cached
    return cached[1]
