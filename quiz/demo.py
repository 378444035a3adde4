"""Plausible synthetic respondents for a new coach's dashboard; no Flask, no SQL."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from quiz.bank.model import Bank, Question
from quiz.engine import check_answers, decide, score, walk
from quiz.store import Record, record_from

# Which latent trait drives a scale's items: answers then correlate within a scale, as real ones do.
DISTRESS = {"anxiety", "depression", "phq9", "gad7"}
HELD_BACK = {"old_hurt", "resistance"}  # a part that holds back, which many people without distress know too
GROWTH = {"readiness", "self_access"}
WELLNESS = {"wellbeing", "functioning"}  # functioning items are reverse-keyed, so they follow distress


def _pull(q: Question, distress: float, growth: float, held_back: float) -> float:
    """Return where on its range (0-1) a person with these traits leans for this question."""
    if q.id == "phq9_9":
        return -1.0 if distress < 0.75 else distress - 0.55  # far below 0, so noise alone never says yes
    if q.scale in ("ptsd", "alcohol") or q.id == "ptsd_event":
        return distress * distress  # most people who look for a coach answer these near the bottom
    if q.scale in DISTRESS or q.id == "phq_difficulty":
        return distress * 0.8
    if q.scale in HELD_BACK:
        return held_back
    if q.scale in WELLNESS and q.reverse:
        return distress
    if q.scale in WELLNESS:
        return 1 - distress
    if q.scale == "self_access":
        return growth * (1 - 0.5 * held_back)
    if q.scale in GROWTH:
        return growth
    if q.id.endswith("_sat"):
        return 1 - 0.7 * distress
    return 0.6


def answers(bank: Bank, rng: random.Random) -> dict[str, object]:
    """Draw one plausible answer set: each answer near the person's traits, with noise."""
    distress, growth = rng.betavariate(1.6, 4.5), rng.betavariate(4, 2.5)
    held_back = min(1.0, 0.5 * distress + rng.betavariate(2, 3.5))
    found: dict[str, object] = {}
    for q in bank.questions.values():
        lo, hi = bank.ranges[q.id]
        if q.kind == "multi":
            found[q.id] = sorted(rng.sample(range(lo, hi + 1), rng.randint(0, min(3, hi - lo + 1))))
            continue
        level = min(max(_pull(q, distress, growth, held_back) + rng.gauss(0, 0.15), 0.0), 1.0)
        found[q.id] = lo + round(level * (hi - lo))
    return found


def respondents(
    bank: Bank, count: int, origins: list[str | None], days: int = 90, seed: int | None = None
) -> Iterator[tuple[Record, list[str]]]:
    """Yield scored synthetic responses spread over recent days, with the steps each one saw."""
    rng = random.Random(seed)
    today = date.today()
    for _ in range(count):
        clean, _ = check_answers(bank, answers(bank, rng))
        route = walk(bank, clean)
        scores = score(bank, route)
        outcome = decide(bank, scores)
        day = today - timedelta(days=int(rng.triangular(0, days, 0)))
        steps = [bank.sections[i].id for i in route.steps]
        yield record_from(bank, scores, outcome, day, rng.choice(origins), bank.locale), steps


def funnel(record: Record, steps: list[str], rng: random.Random) -> Counter[tuple[str, date, str, str]]:
    """Return the funnel events behind one finished response, plus a few people who stopped early."""
    key = (record.quiz_id, record.day)
    found: Counter[tuple[str, date, str, str]] = Counter({(*key, "intro", "started"): 1})
    found.update((*key, s, "step") for s in steps)
    found[(*key, "result", "finished")] += 1
    if record.outcome not in ("crisis_support", "therapy_first") and rng.random() < 0.3:
        found[(*key, "result", "cta")] += 1
    if rng.random() < 0.4:  # someone else started that day and gave up part way
        stop = rng.randrange(len(steps) + 1)
        found[(*key, "intro", "started")] += 1
        found.update((*key, s, "step") for s in steps[:stop])
    return found
