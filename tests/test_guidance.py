"""Guidance pins the outcome table, the reasons that drive it, the crisis wording and the area profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from answer_sets import (
    FUNCTIONING,
    GAD7_MORE,
    PHQ9_MORE,
    PTSD,
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

# Full scales worth a closer look (10) but not severe; and short forms that open the full scale, which then says no
LOW_MOOD = {**phq2(4), **all_of(PHQ9_MORE, 1), "phq_difficulty": 1}  # PHQ-9 4 + 6 = 10
WORRY = {**gad2(5), **all_of(GAD7_MORE, 1), "phq_difficulty": 1}  # GAD-7 5 + 5 = 10
MILD_MOOD = {**phq2(3), **all_of(PHQ9_MORE, 0), "phq_difficulty": 1}  # PHQ-2 3, PHQ-9 3
MILD_WORRY = {
    **gad2(3),
    "gad7_3": 1,
    "gad7_4": 1,
    "gad7_5": 1,
    "gad7_6": 1,
    "gad7_7": 0,
    "phq_difficulty": 1,
}  # GAD-7 7
# little capacity for growth: low confidence, strong resistance, little access to Self, day-to-day life strained
STUCK = {
    **all_of(RESISTANCE, 4),
    **all_of(SELF_ACCESS, 0),
    **all_of(FUNCTIONING, 2),
    "readiness_confidence": 1,
    "readiness_importance": 5,
    "res_old_hurt": 2,
}
TRAUMA = {"ptsd_event": 1, **dict(zip(PTSD, (1, 1, 1, 0, 0), strict=True))}  # PC-PTSD-5 of 3
DRINKING = {"audit_1": 2, "audit_2": 1, "audit_3": 0}  # AUDIT-C of 3


def outcome_of(bank, *parts, **overrides):
    return run(bank, answers(*parts, **overrides))[1].id


def decided(bank, *parts, **overrides):
    return run(bank, answers(*parts, **overrides))[1]


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
        {**LOW_MOOD, **all_of(PHQ9_MORE, 2), "phq9_8": 1},  # PHQ-9 4 + 11 = 15
        {**WORRY, "gad7_3": 3, "gad7_4": 3, "gad7_5": 2},  # GAD-7 5 + 10 = 15
        {**MILD_MOOD, "phq_difficulty": 3},  # extremely difficult
        all_of(FUNCTIONING, 3),  # functioning 4 of 16 = 25 of 100
    ],
    ids=["phq9-15", "gad7-15", "extremely-difficult", "functioning-25"],
)
def test_severe_tier_gives_therapy_first_with_the_see_your_doctor_wording(bank, severe):
    healing, growth = indices(bank, severe)
    assert healing <= growth  # so it is the severe tier, not the blend, that decides
    outcome = decided(bank, severe)
    assert (outcome.id, outcome.variant, outcome.call_to_action) == ("therapy_first", "severe", "doctor")
    assert outcome.crisis_lines and "this week" in outcome.headline


def test_a_short_form_alone_is_never_severe(bank):
    short_only = {**phq2(6), **gad2(3), **all_of(PHQ9_MORE, 0), **all_of(GAD7_MORE, 0), "phq_difficulty": 1}
    scores, outcome = run(bank, answers(short_only))
    assert scores.scales["phq4"].raw == 9 and scores.scales["phq4"].band == "severe"
    assert scores.scales["phq9"].raw == 6 and scores.scales["gad7"].raw == 3
    assert "severe" not in scores.flags and outcome.id == "coaching"


def test_very_low_wellbeing_with_calm_mood_answers_says_see_your_doctor(bank):
    raw = {**who5(6), **all_of(PHQ9_MORE, 1), "phq_difficulty": 1}  # WHO-5 24 opens the PHQ-9, which says 6
    scores, outcome = run(bank, answers(raw))
    assert scores.scales["wellbeing"].score == 24 and scores.scales["phq9"].raw == 6
    assert (outcome.id, outcome.call_to_action) == ("see_doctor", "doctor")


@pytest.mark.parametrize(
    "just_below",
    [
        {**LOW_MOOD, **all_of(PHQ9_MORE, 2), "phq9_7": 1, "phq9_8": 1},  # PHQ-9 14
        {**LOW_MOOD, "phq_difficulty": 2},  # very difficult
        {**all_of(FUNCTIONING, 3), "fn_close": 2},  # functioning 5 of 16 = 31 of 100
    ],
    ids=["phq9-14", "very-difficult", "functioning-31"],
)
def test_just_below_the_severe_tier_is_therapy_and_coaching(bank, just_below):
    assert outcome_of(bank, just_below) == "therapy_and_coaching"


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY, {"fn_home": 3}], ids=["phq9", "gad7", "fn"])
def test_a_screen_worth_a_look_with_healing_above_growth_gives_therapy_first(bank, screen):
    healing, growth = indices(bank, STUCK, screen)
    assert healing > growth
    assert outcome_of(bank, STUCK, screen) == "therapy_first"


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY, {"fn_home": 3}], ids=["phq9", "gad7", "fn"])
def test_a_screen_worth_a_look_with_growth_leading_gives_therapy_and_coaching(bank, screen):
    healing, growth = indices(bank, screen)
    assert healing <= growth
    outcome = decided(bank, screen)
    assert (outcome.id, outcome.call_to_action) == ("therapy_and_coaching", "therapist")


@pytest.mark.parametrize("short_form", [MILD_MOOD, MILD_WORRY], ids=["phq2-3-phq9-3", "gad2-3-gad7-7"])
def test_the_full_scale_decides_after_a_positive_short_form(bank, short_form):
    scores, outcome = run(bank, answers(short_form))
    assert scores.scales["depression"].raw >= 3 or scores.scales["anxiety"].raw >= 3
    assert "positive_screen" not in scores.flags
    assert outcome.id == "coaching"


@pytest.mark.parametrize(("answers_", "variant"), [(TRAUMA, "trauma"), (DRINKING, "alcohol")], ids=["ptsd", "audit"])
def test_a_trauma_or_alcohol_screen_at_3_gives_therapy_alongside_coaching(bank, answers_, variant):
    outcome = decided(bank, answers_)
    assert (outcome.id, outcome.variant) == ("therapy_and_coaching", variant)


def test_trauma_and_alcohol_screens_below_3_change_nothing(bank):
    assert outcome_of(bank, TRAUMA, ptsd_3=0) == "coaching"
    assert outcome_of(bank, DRINKING, audit_2=0) == "coaching"
    assert outcome_of(bank, ptsd_event=0) == "coaching"


def test_no_trauma_event_scores_0_and_never_drinking_scores_0(bank):
    scores, _ = run(bank, answers(ptsd_event=0, audit_1=0, audit_2=4, audit_3=4))
    assert scores.scales["ptsd"].raw == 0 and scores.scales["alcohol"].raw == 0


@pytest.mark.parametrize(
    ("value", "expected", "variant"),
    [(4, "therapy_and_coaching", "old_hurt"), (3, "therapy_and_coaching", "old_hurt"), (2, "coaching", None)],
)
def test_old_hurt_often_or_almost_always_gives_at_least_therapy_alongside_coaching(bank, value, expected, variant):
    outcome = decided(bank, res_old_hurt=value)
    assert (outcome.id, outcome.variant) == (expected, variant)


@pytest.mark.parametrize(("importance", "expected"), [(0, "not_yet"), (3, "not_yet"), (4, "coaching")])
def test_importance_3_or_less_gives_not_yet(bank, importance, expected):
    assert outcome_of(bank, readiness_importance=importance) == expected


def test_not_yet_never_hides_a_screen_worth_a_look(bank):
    assert outcome_of(bank, LOW_MOOD, readiness_importance=1) == "therapy_and_coaching"
    assert outcome_of(bank, who5(6), readiness_importance=1) == "see_doctor"


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


def test_the_first_matching_outcome_wins_in_bank_order(bank):
    order = [r.id for r in bank.outcomes]
    assert order == [
        "crisis_support",
        "therapy_first",
        "therapy_and_coaching",
        "see_doctor",
        "not_yet",
        "parts_work_coaching",
        "coaching",
    ]


# --- reasons: at most three, in plain words, the most important first ----------------------------------


def reasons_of(bank, *parts, **overrides):
    return run(bank, answers(*parts, **overrides))[1].reasons


@pytest.mark.parametrize(
    "parts",
    [[LOW_MOOD, STUCK], [WORRY, who5(6)], [who5(12)], [LOW_MOOD, WORRY, TRAUMA, DRINKING, {"fn_home": 3}], []],
)
def test_reasons_are_few_plain_and_not_repeated(bank, parts):
    reasons = reasons_of(bank, *parts)
    assert 1 <= len(reasons) <= 3
    assert len(reasons) == len(set(reasons))
    for reason in reasons:
        assert not re.search(r"\d", reason), reason
        assert "positive screen" not in reason.lower()


def test_the_most_important_reason_comes_first(bank):
    severe = {**WORRY, "gad7_3": 3, "gad7_4": 3, "gad7_5": 2, "fn_home": 3}
    reasons = reasons_of(bank, severe, TRAUMA)
    assert "a lot of worry" in reasons[0]


def test_one_reason_per_scale_or_question(bank):
    reasons = reasons_of(bank, who5(6), all_of(PHQ9_MORE, 1), phq_difficulty=1)
    assert sum("well-being" in r for r in reasons) == 1


def test_the_crisis_reason_names_the_answer_and_nothing_else(bank):
    reasons = reasons_of(bank, LOW_MOOD, phq9_9=1)
    assert len(reasons) == 1 and "hurting yourself" in reasons[0]


# --- crisis wording -----------------------------------------------------------------------------------


def test_crisis_wording_gets_more_direct_from_2(bank):
    text = bank.guidance["crisis_support"]
    [stronger] = text.variants
    once, often, daily = (decided(bank, phq9_9=value) for value in (1, 2, 3))
    assert (once.body, once.headline, once.variant) == (text.body, text.headline, None)
    assert often.body == daily.body == stronger.body and often.variant == daily.variant == "often"
    assert often.headline == stronger.headline != once.headline
    assert "today" in often.body


@pytest.mark.parametrize("value", [1, 2, 3])
def test_crisis_never_offers_booking(bank, value):
    outcome = decided(bank, phq9_9=value)
    assert outcome.call_to_action == "crisis"


def test_no_crisis_text_implies_someone_is_reading(bank):
    texts = [bank.guidance["crisis_support"].body, *(v.body for v in bank.guidance["crisis_support"].variants)]
    for text in texts:
        assert "telling us" not in text.lower() and "thank you" not in text.lower()
        assert "No one sees your answers" in text


# --- per-area profile ---------------------------------------------------------------------------------


def test_area_strain_is_the_larger_of_gap_and_difficulty(bank):
    scores = scored(bank, answers(lg_work_sat=2, lg_work_imp=10, fn_work=1, lg_partner_sat=10, fn_close=3))
    strain = area_strain(bank, scores.answers)
    assert strain["work"] == 80  # gap (10 - 2) / 10 x 10 / 10 beats difficulty 1 / 4
    assert strain["partner"] == 75  # difficulty 3 / 4 beats a gap of 0
    assert strain["health"] == 18  # no functioning item, so the gap alone: (10 - 7) / 10 x 6 / 10
    assert set(strain) == {"work", "partner", "family", "friends", "health"}


def test_an_area_that_does_not_apply_is_left_out(bank):
    scores, outcome = run(bank, answers(lg_work_sat=-1, lg_work_imp=0, fn_work=-1))
    assert "work" not in outcome.area_strain
    assert scores.scales["life_gap"].complete and scores.scales["life_gap"].total == 4
    assert scores.scales["functioning"].raw == 16  # the three that apply, prorated to all four
    assert not any("work" in sentence for sentence in outcome.profile)


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
    assert outcome.profile[1] == fill(bank.profile.largest_gap, {"area": labels["partner"]})


def test_every_result_with_a_gap_names_the_largest(bank):
    _, outcome = run(bank, answers())
    assert fill(bank.profile.largest_gap, {"area": "health and purpose"}) in outcome.profile
    no_gap = {f"lg_{a}_sat": 10 for a in ("work", "partner", "family", "friends", "health")}
    _, fulfilled = run(bank, answers(no_gap))
    assert not any("biggest gap" in sentence for sentence in fulfilled.profile)


def test_all_well_and_all_hard_profiles(bank):
    _, thriving = run(bank, answers())
    assert thriving.profile[0] == bank.profile.all_well
    hard = {f"lg_{a}_sat": 1 for a in ("work", "partner", "family", "friends", "health")}
    hard |= {f"lg_{a}_imp": 10 for a in ("work", "partner", "family", "friends", "health")}
    _, struggling = run(bank, answers(hard, all_of(FUNCTIONING, 3)))
    assert struggling.profile[0] == bank.profile.all_hard


def test_join_words():
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


# --- the quiet-struggle note ---------------------------------------------------------------------------


def quiet_notes(outcome):
    return [sentence for sentence in outcome.profile if "does not rule out anxiety or low mood" in sentence]


@pytest.mark.parametrize("screen", [LOW_MOOD, WORRY], ids=["phq9", "gad7"])
def test_an_area_going_well_beside_mood_worth_a_look_gets_the_quiet_struggle_note(bank, screen):
    _, outcome = run(bank, answers(screen, fn_home=3, lg_family_sat=2, lg_family_imp=9))
    [note] = quiet_notes(outcome)
    assert "family life" not in note and "work and career" in note


def test_the_quiet_struggle_note_speaks_of_daily_life_when_every_area_is_coping(bank):
    [note] = quiet_notes(decided(bank, LOW_MOOD))
    assert "coping well with daily life" in note


def test_the_quiet_struggle_note_never_calls_the_largest_gap_an_area_going_well(bank):
    outcome = decided(bank, LOW_MOOD, lg_work_sat=1, lg_work_imp=10, fn_home=2, fn_social=2)
    assert any("biggest gap" in s and "work and career" in s for s in outcome.profile)
    [note] = quiet_notes(outcome)
    assert "work and career" not in note and "close relationships" in note


def test_a_retired_person_is_not_told_about_work(bank):
    outcome = decided(bank, LOW_MOOD, lg_work_sat=-1, lg_work_imp=0, fn_work=-1, fn_home=3)
    assert not any("work" in sentence for sentence in outcome.profile)


def test_no_quiet_struggle_note_without_mood_worth_a_look(bank):
    assert quiet_notes(decided(bank, MILD_MOOD, MILD_WORRY)) == []


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
