"""Build answer sets for the default bank: a thriving baseline plus the overrides a test is about."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quiz.bank.model import Bank
from quiz.engine import Outcome, Scores, assess, check_answers, score, walk
from quiz.engine.outcome import PLACEHOLDER

PHQ9_MORE = ("phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8")
GAD7_MORE = ("gad7_3", "gad7_4", "gad7_5", "gad7_6", "gad7_7")
PTSD = ("ptsd_1", "ptsd_2", "ptsd_3", "ptsd_4", "ptsd_5")
WHO5 = ("who5_1", "who5_2", "who5_3", "who5_4", "who5_5")
FUNCTIONING = ("fn_work", "fn_home", "fn_social", "fn_close")
RESISTANCE = ("res_stall", "res_fear_loss", "res_slide_back", "res_numb")
SELF_ACCESS = ("self_curious", "self_calm", "self_kind")

# Someone doing well: satisfied enough, calm mood, good well-being, nothing in the way, ready, little holding back.
THRIVING: dict[str, Any] = {
    "lg_work_sat": 8,
    "lg_work_imp": 5,
    "lg_partner_sat": 8,
    "lg_partner_imp": 4,
    "lg_family_sat": 7,
    "lg_family_imp": 4,
    "lg_friends_sat": 7,
    "lg_friends_imp": 5,
    "lg_health_sat": 7,
    "lg_health_imp": 6,
    "gad2_1": 0,
    "gad2_2": 0,
    "phq2_1": 0,
    "phq2_2": 0,
    "phq9_9": 0,
    "who5_1": 4,
    "who5_2": 4,
    "who5_3": 4,
    "who5_4": 4,
    "who5_5": 4,
    "fn_work": 0,
    "fn_home": 0,
    "fn_social": 0,
    "fn_close": 0,
    "readiness_importance": 8,
    "readiness_confidence": 8,
    "res_stall": 1,
    "res_fear_loss": 1,
    "res_slide_back": 1,
    "res_old_hurt": 1,
    "res_numb": 1,
    "self_curious": 3,
    "self_calm": 3,
    "self_kind": 3,
    "ptsd_event": 0,
    "audit_1": 1,
    "audit_2": 0,
    "audit_3": 0,
}


def split(total: int, items: tuple[str, ...], top: int) -> dict[str, int]:
    """Spread a raw total over items that each go from 0 to `top`, filling the first ones first."""
    assert 0 <= total <= top * len(items), total
    values = {}
    for item in items:
        values[item] = min(top, total)
        total -= values[item]
    return values


def phq2(total: int) -> dict[str, int]:
    """Answer the PHQ-2 so that it adds up to `total` (0-6)."""
    return split(total, ("phq2_1", "phq2_2"), 3)


def gad2(total: int) -> dict[str, int]:
    """Answer the GAD-2 so that it adds up to `total` (0-6)."""
    return split(total, ("gad2_1", "gad2_2"), 3)


def who5(raw: int) -> dict[str, int]:
    """Answer the WHO-5 so that its raw score is `raw` (0-25)."""
    return split(raw, WHO5, 5)


def all_of(items: tuple[str, ...], value: int) -> dict[str, int]:
    """Give every item the same answer."""
    return dict.fromkeys(items, value)


def answers(*parts: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Return the thriving baseline with the given parts and overrides laid over it."""
    found = dict(THRIVING)
    for part in parts:
        found.update(part)
    found.update(overrides)
    return found


def run(bank: Bank, raw: dict[str, Any]) -> tuple[Scores, Outcome]:
    """Check, filter and assess answers the way the API does, failing on any invalid answer."""
    clean, errors = check_answers(bank, raw)
    assert not errors, errors
    return assess(bank, walk(bank, clean).answers)


def scored(bank: Bank, answers: Mapping[str, Any]) -> Scores:
    """Walk and score answers that are already clean."""
    return score(bank, walk(bank, answers))


def fill(template: str, values: Mapping[str, object]) -> str:
    """Replace {name} placeholders with values, unknown names left as written: the plain form of compiled text."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)
