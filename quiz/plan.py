"""Compile a bank once into look-up tables and predicates for fast, repeated scoring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quiz.checks import response_of, scale_range
from quiz.conditions import Predicate, compile_condition
from quiz.model import Band, Bank, Condition, IndexTerm, Question, Scale, Section


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
    ids: frozenset[str]
    forward: tuple[str, ...]
    reverse: tuple[str, ...]
    reverse_offset: int  # the sum of lo + hi over reverse items: a reverse answer v counts lo + hi - v
    lo: int
    hi: int
    table: tuple[tuple[float, str | None], ...]  # (score, band) for raw = lo, lo + 1, ... hi
    min_answered: float


@dataclass(frozen=True, slots=True)
class GapScale:
    """A life-gap scale: pairs of (satisfaction, importance) questions with their ranges."""

    pairs: tuple[tuple[str, int, int, str, int, int], ...]
    min_answered: float


@dataclass(frozen=True, slots=True)
class Term:
    """An index term ready to evaluate: an item with its range, or scales combined by max, min or as one."""

    weight: float
    invert: bool
    item: str | None
    lo: int
    span: int
    scales: tuple[str, ...]
    pick: str  # "one", "max" or "min"


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
        self.indices = {iid: tuple(self._compile_term(t) for t in ix.terms) for iid, ix in bank.indices.items()}
        self.flags = tuple((name, compile_condition(c)) for name, c in bank.flags.items())
        self.outcomes = tuple((rule.id, compile_condition(rule.when)) for rule in bank.outcomes)
        self._compiled: dict[int, Predicate] = {}
        self.memo: dict[str, Any] = {}  # things later layers derive once per bank, such as form classes
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

    def _compile_scale(self, scale: Scale) -> SumScale | GapScale:
        share = scale.min_answered or self.bank.min_answered
        if scale.method == "gap":
            pairs = []
            for sat, imp in scale.pairs:
                a, b = self.items[sat], self.items[imp]
                pairs.append((sat, a.lo, a.hi, imp, b.lo, b.hi))
            return GapScale(tuple(pairs), share)
        items = tuple((i, self.items[i].question.reverse, self.items[i].lo, self.items[i].hi) for i in scale.items)
        lo, hi = scale_range(self.bank, scale)
        table = tuple((round((raw - lo) * 100 / (hi - lo), 1), band_of(scale.bands, raw)) for raw in range(lo, hi + 1))
        forward = tuple(i for i, rev, _, _ in items if not rev)
        reverse = tuple(i for i, rev, _, _ in items if rev)
        offset = sum(a + b for _, rev, a, b in items if rev)
        return SumScale(items, frozenset(scale.items), forward, reverse, offset, lo, hi, table, share)

    def _compile_term(self, term: IndexTerm) -> Term:
        if term.item is not None:
            item = self.items[term.item]
            return Term(term.weight, term.invert, term.item, item.lo, item.hi - item.lo, (), "one")
        pick = "max" if term.max is not None else "min" if term.min is not None else "one"
        names = (term.scale,) if term.scale is not None else (term.max or term.min or ())
        return Term(term.weight, term.invert, None, 0, 1, names, pick)


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
    id_set: frozenset[str]


def _section_layout(
    items: dict[str, Item], section: Section, rule: Predicate | None, feeds: dict[str, tuple[str, ...]]
) -> Layout:
    """Lay a section out: its rule, question ids, their rules and the scales each question feeds."""
    ids = tuple(q.id for q in section.questions)
    rules = tuple(items[q].show_if for q in ids)
    every = tuple(dict.fromkeys(sid for q in ids for sid in feeds[q]))
    return Layout(rule, ids, rules if any(rules) else None, tuple(feeds[q] for q in ids), every, frozenset(ids))


_plans: dict[int, tuple[Bank, Plan]] = {}


def plan_for(bank: Bank) -> Plan:
    """Return the compiled plan for a bank, compiling it on first use."""
    cached = _plans.get(id(bank))
    if cached is None or cached[0] is not bank:
        cached = (bank, Plan(bank))
        _plans[id(bank)] = cached
    return cached[1]
