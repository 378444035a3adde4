"""Guidance pins the outcome table, the reasons that drive it, the crisis wording and the area profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_sets import (
    FUNCTIONING,
    GAD7_MORE,
    PHQ9_MORE,
    RESISTANCE,
    SELF_ACCESS,
    all_of,
    answers,
    fill,
    gad2,
    phq2,
    run,
    scored,
    who5,
)

from quiz.bank import parse_bank
from quiz.engine import assess, decide
from quiz.engine.outcome import area_strain, join_words

ROOT = Path(__file__).resolve().parent

# a screen that is positive but not severe; follow-ups answered mildly so PHQ-9 and GAD-7 stay below 10
LOW_MOOD = {**phq2(3), **all_of(PHQ9_MORE, 1), "phq_difficulty": 1}
WORRY = {**gad2(3), **all_of(GAD7_MORE, 1), "phq_difficulty": 1}
# little capacity for growth: low confidence, strong resistance, little access to Self, day-to-day life strained
STUCK = {
    **all_of(RESISTANCE, 4),
    **all_of(SELF_ACCESS, 0),
    **all_of(FUNCTIONING, 2),
    "readiness_confidence": 1,
    "readiness_importance": 5,
    "res_old_hurt": 2,
}


def outcome_of(bank, *parts, **overrides):
    return run(bank, answers(*parts, **overrides))[1].id


def indices(bank, *parts, **overrides):
    scores, _ = run(bank, answers(*parts, **overrides))
    return scores.indices["healing_need"], scores.indices["growth_capacity"]


# --- the outcome table, row by row ----------------------------------------------------------------


def test_thriving_gives_coaching(bank):
    assert outcome_of(bank) == "coaching"


@pytest.mark.parametrize("value", [1, 2, 3])
def test_safety_gives_crisis_support_even_when_all_else_is_well(bank, value):
    assert outcome_of(bank, phq9_9=value) == "crisis_support"


@pytest.mark.parametrize("value", [1, 2, 3])
def test_safety_overrides_severe_answers(bank, value):
    severe = {**phq2(6), **gad2(6), **all_of(PHQ9_MORE, 3), **all_of(GAD7_MORE, 3), "phq_difficulty": 3}
    assert outcome_of(bank, severe, who5(0), phq9_9=value) == "crisis_support"


def test_safety_item_at_0_is_not_a_crisis(bank):
    assert outcome_of(bank, phq9_9=0) != "crisis_support"


@pytest.mark.parametrize(
    "severe",
    [
        {**phq2(6), **gad2(3), **all_of(PHQ9_MORE, 0), **all_of(GAD7_MORE, 0), "phq_difficulty": 1},  # PHQ-4 9
        who5(7),  # WHO-5 28 of 100
        {**LOW_MOOD, **all_of(PHQ9_MORE, 2)},  # PHQ-9 3 + 12 = 15
        {**WORRY, "gad7_3": 3, "gad7_4": 3, "gad7_5": 3, "gad7_6": 2},  # GAD-7 3 + 12 = 15
        {**LOW_MOOD, "phq_difficulty": 3},  # extremely difficult
        all_of(FUNCTIONING, 3),  # functioning 4 of 16 = 25 of 100
    ],
    ids=["phq4-9", "who5-28", "phq9-15", "gad7-15", "extremely-difficult", "functioning-25"],
)
def test_severe_tier_gives_therapy_first_even_when_growth_leads(bank, severe):
    healing, growth = indices(bank, severe)
    assert healing <= growth  # so it is the severe tier, not the blend, that decides
    assert outcome_of(bank, severe) == "therapy_first"


@pytest.mark.parametrize(
    "just_below",
    [
        {**phq2(5), **gad2(3), **all_of(PHQ9_MORE, 0), **all_of(GAD7_MORE, 0), "phq_difficulty": 1},  # PHQ-4 8
        who5(8),  # WHO-5 32 of 100
        {**LOW_MOOD, **all_of(PHQ9_MORE, 2), "phq9_8": 1},  # PHQ-9 14
        {**LOW_MOOD, "phq_difficulty": 2},  # very difficult
        {**all_of(FUNCTIONING, 3), "fn_close": 2},  # functioning 5 of 16 = 31 of 100
    ],
    ids=["phq4-8", "who5-32", "phq9-14", "very-difficult", "functioning-31"],
)
def test_just_below_the_severe_tier_is_therapy_and_coaching(bank, just_below):
    assert outcome_of(bank, just_below) == "therapy_and_coaching"


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY, who5(12), {"fn_home": 3}], ids=["phq2", "gad2", "who5", "fn"])
def test_positive_screen_with_healing_above_growth_gives_therapy_first(bank, screen):
    healing, growth = indices(bank, STUCK, screen)
    assert healing > growth
    assert outcome_of(bank, STUCK, screen) == "therapy_first"


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY, who5(12), {"fn_home": 3}], ids=["phq2", "gad2", "who5", "fn"])
def test_positive_screen_with_growth_leading_gives_therapy_and_coaching(bank, screen):
    healing, growth = indices(bank, screen)
    assert healing <= growth
    assert outcome_of(bank, screen) == "therapy_and_coaching"


def test_just_below_the_screens_is_not_a_positive_screen(bank):
    below = {**phq2(2), **gad2(2), **who5(13), "fn_home": 2}
    assert outcome_of(bank, below) == "coaching"
    assert outcome_of(bank, below, STUCK) == "parts_work_coaching"


@pytest.mark.parametrize(("importance", "expected"), [(0, "not_yet"), (3, "not_yet"), (4, "coaching")])
def test_importance_3_or_less_gives_not_yet(bank, importance, expected):
    assert outcome_of(bank, readiness_importance=importance) == expected


def test_not_yet_never_hides_a_positive_screen(bank):
    assert outcome_of(bank, LOW_MOOD, readiness_importance=1) == "therapy_and_coaching"
    assert outcome_of(bank, who5(7), readiness_importance=1) == "therapy_first"


def test_not_yet_comes_before_parts_work(bank):
    assert outcome_of(bank, STUCK, readiness_importance=2) == "not_yet"


def test_healing_above_growth_without_a_screen_gives_parts_work(bank):
    healing, growth = indices(bank, STUCK)
    assert healing > growth
    assert outcome_of(bank, STUCK) == "parts_work_coaching"


@pytest.mark.parametrize(("values", "expected"), [((3, 3, 2, 2), "parts_work_coaching"), ((3, 2, 2, 2), "coaching")])
def test_resistance_of_60_or_more_gives_parts_work(bank, values, expected):
    resistance = dict(zip(RESISTANCE, values, strict=True))  # 10 of 16 = 62.5; 9 of 16 = 56.25
    scores, outcome = run(bank, answers(resistance))
    assert (scores.scales["resistance"].score >= 60) is (expected == "parts_work_coaching")
    assert outcome.id == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(4, "parts_work_coaching"), (3, "parts_work_coaching"), (2, "coaching")]
)
def test_old_hurt_of_75_or_more_gives_parts_work(bank, value, expected):
    assert outcome_of(bank, res_old_hurt=value) == expected


def test_the_first_matching_outcome_wins_in_bank_order(bank):
    order = [r.id for r in bank.outcomes]
    assert order == [
        "crisis_support",
        "therapy_first",
        "therapy_and_coaching",
        "not_yet",
        "parts_work_coaching",
        "coaching",
    ]


# --- reasons name the scores that drove the outcome ---------------------------------------------------


def reasons_of(bank, *parts, **overrides):
    return run(bank, answers(*parts, **overrides))[1].reasons


def test_who5_reason_quotes_the_score(bank):
    reasons = reasons_of(bank, who5(12))
    assert any("well-being score is 48 of 100" in r for r in reasons)
    assert not any("PHQ-2" in r or "GAD-2" in r for r in reasons)


def test_very_low_who5_reason_quotes_the_score(bank):
    reasons = reasons_of(bank, who5(7))
    assert any("well-being score is 28 of 100" in r and "28 or less" in r for r in reasons)


def test_phq2_and_gad2_reasons_quote_their_totals(bank):
    reasons = reasons_of(bank, LOW_MOOD, WORRY)
    assert any("(PHQ-2) is 3 of 6" in r for r in reasons)
    assert any("(GAD-2) is 3 of 6" in r for r in reasons)


def test_severe_phq4_reason_quotes_the_total_and_band(bank):
    severe = {**phq2(5), **gad2(5), **all_of(PHQ9_MORE, 0), **all_of(GAD7_MORE, 0), "phq_difficulty": 1}
    reasons = reasons_of(bank, severe)
    assert any("(PHQ-4) add up to 10 of 12, in the severe range" in r for r in reasons)


def test_healing_above_growth_reason_quotes_both_indices(bank):
    scores, outcome = run(bank, answers(LOW_MOOD, STUCK))
    healing, growth = scores.indices["healing_need"], scores.indices["growth_capacity"]
    assert outcome.id == "therapy_first"
    assert any(f"({healing:g} of 100)" in r and f"({growth:g} of 100)" in r for r in outcome.reasons)


def test_not_yet_reason_quotes_the_importance(bank):
    assert any("importance of change at 2 of 10" in r for r in reasons_of(bank, readiness_importance=2))


def test_resistance_reason_quotes_the_score(bank):
    reasons = reasons_of(bank, all_of(RESISTANCE, 3))  # 12 of 16 = 75
    assert any("holds back" in r and "(75 of 100)" in r for r in reasons)


def test_coaching_reasons_say_why_coaching_fits(bank):
    scores, outcome = run(bank, answers())
    wellbeing = scores.scales["wellbeing"].score
    assert any("(PHQ-4) add up to 0 of 12" in r for r in outcome.reasons)
    assert any(f"well-being score is {wellbeing:g} of 100" in r for r in outcome.reasons)


def test_crisis_reason_names_the_answer_and_nothing_else_drives_it(bank):
    reasons = reasons_of(bank, phq9_9=1)
    assert len(reasons) == 1
    assert "hurting yourself" in reasons[0]


def test_reasons_are_not_repeated(bank):
    for parts in ([LOW_MOOD, STUCK], [WORRY, who5(7)], [who5(12)]):
        reasons = reasons_of(bank, *parts)
        assert len(reasons) == len(set(reasons))


# --- crisis wording -----------------------------------------------------------------------------------


def test_crisis_wording_gets_more_direct_from_2(bank):
    text = bank.guidance["crisis_support"]
    [stronger] = text.variants
    _, once = run(bank, answers(phq9_9=1))
    _, often = run(bank, answers(phq9_9=2))
    _, daily = run(bank, answers(phq9_9=3))
    assert once.body == text.body
    assert often.body == daily.body == stronger.body
    assert often.body != once.body
    assert "emergency" in often.body


@pytest.mark.parametrize("value", [1, 2, 3])
def test_crisis_has_no_booking_call_to_action(bank, value):
    _, outcome = run(bank, answers(phq9_9=value))
    assert outcome.call_to_action == "crisis"
    assert outcome.headline == bank.guidance["crisis_support"].headline


# --- per-area profile ---------------------------------------------------------------------------------


def test_area_strain_is_the_larger_of_gap_and_difficulty(bank):
    scores = scored(bank, answers(lg_work_sat=2, lg_work_imp=10, fn_work=1, lg_partner_sat=10, fn_close=3))
    strain = area_strain(bank, scores.answers)
    assert strain["work"] == 80  # gap (10 - 2) / 10 x 10 / 10 beats difficulty 1 / 4
    assert strain["partner"] == 75  # difficulty 3 / 4 beats a gap of 0
    assert strain["health"] == 18  # no functioning item, so the gap alone: (10 - 7) / 10 x 6 / 10
    assert set(strain) == {"work", "partner", "family", "friends", "health"}


def test_mixed_profile_names_where_it_goes_well_and_where_it_is_hard(bank):
    labels = {a.id: a.label for a in bank.areas}
    # strain: work 3, partner 90, family 72, friends 15, health 18 (well below 35, hard from 60)
    raw = answers(
        lg_work_sat=9, lg_work_imp=3, lg_partner_sat=1, lg_partner_imp=10, fn_close=3, lg_family_sat=2, lg_family_imp=9
    )
    _, outcome = run(bank, raw)
    assert outcome.area_strain == {"work": 3, "partner": 90, "family": 72, "friends": 15, "health": 18}
    well = f"{labels['work']}, {labels['friends']} and {labels['health']}"
    hard = f"{labels['partner']} and {labels['family']}"
    assert outcome.profile[0] == fill(bank.profile.mixed, {"well": well, "hard": hard})
    assert outcome.profile[0].startswith("Things may be going well in work and career")


def test_all_well_and_all_hard_profiles(bank):
    _, thriving = run(bank, answers())
    assert thriving.profile[0] == bank.profile.all_well
    hard = {f"lg_{a}_sat": 1 for a in ("work", "partner", "family", "friends", "health")}
    hard |= {f"lg_{a}_imp": 10 for a in ("work", "partner", "family", "friends", "health")}
    _, struggling = run(bank, answers(hard, all_of(FUNCTIONING, 3)))
    assert struggling.profile[0] == bank.profile.all_hard


def test_join_words():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


# --- the quiet-struggle note ---------------------------------------------------------------------------


def quiet_note(bank):
    [note] = bank.profile.notes
    return note.text


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY], ids=["phq2", "gad2"])
@pytest.mark.parametrize("work", [0, 1])
def test_doing_well_at_work_with_a_positive_screen_gets_the_quiet_struggle_note(bank, screen, work):
    _, outcome = run(bank, answers(screen, fn_work=work))
    assert quiet_note(bank) in outcome.profile
    assert "Doing well at work does not rule out" in quiet_note(bank)


def test_no_quiet_struggle_note_when_work_is_affected(bank):
    _, outcome = run(bank, answers(LOW_MOOD, fn_work=2))
    assert quiet_note(bank) not in outcome.profile


def test_no_quiet_struggle_note_without_a_positive_mood_screen(bank):
    _, outcome = run(bank, answers(phq2(2), gad2(2)))
    assert quiet_note(bank) not in outcome.profile


# --- decide on hand-made scores ------------------------------------------------------------------------


def test_decide_uses_the_flags_it_is_given(bank):
    scores = scored(bank, answers())
    assert decide(bank, scores).id == "coaching"
    flagged = type(scores)(scores.answers, scores.scales, scores.indices, ("safety",))
    assert decide(bank, flagged).id == "crisis_support"


def test_unknown_placeholders_in_a_reason_stay_as_written():
    text = (ROOT / "banks" / "good.yaml").read_text()
    because = "Your low-mood score is {value} of {max} {0.__class__}, {band}."
    bank = parse_bank(text.replace("Your low-mood score is {value} of 6.", because), "placeholders.yaml")
    _, outcome = assess(bank, {"low_1": 2, "low_2": 2, "harm": 0, "ready": 8})
    assert outcome.reasons == ("Your low-mood score is 4 of {max} {0.__class__}, positive screen.",)
