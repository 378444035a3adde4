"""Scoring pins the published cut-offs, proration, reverse keys and show-if follow-ups; no app needed."""

from __future__ import annotations

import itertools

import pytest
from answer_sets import (
    FUNCTIONING,
    GAD7_MORE,
    PHQ9_MORE,
    PTSD,
    RESISTANCE,
    SELF_ACCESS,
    WHO5,
    all_of,
    answers,
    gad2,
    phq2,
    scored,
    split,
    who5,
)

from quiz.bank import parse_bank
from quiz.engine import ANSWER_REQUIRED, check_answers, walk
from quiz.engine.answers import missing as missing_required

PHQ4 = ("gad2_1", "gad2_2", "phq2_1", "phq2_2")


def phq4_band(total: int) -> str:
    """Return the published PHQ-4 band (Kroenke 2009): 0-2 none, 3-5 mild, 6-8 moderate, 9-12 severe."""
    return "none" if total <= 2 else "mild" if total <= 5 else "moderate" if total <= 8 else "severe"


# --- PHQ-2, GAD-2 and PHQ-4 ------------------------------------------------------------------------


@pytest.mark.parametrize("total", range(7))
def test_phq2_bands_at_the_published_cut_off_of_3_and_never_decide_alone(bank, total):
    scores = scored(bank, answers(phq2(total), all_of(PHQ9_MORE, 0), phq_difficulty=0))
    depression = scores.scales["depression"]
    assert depression.raw == total
    assert depression.band.startswith("at or above") is (total >= 3)
    assert "positive_screen" not in scores.flags  # the full PHQ-9, here 0 + total, decides


@pytest.mark.parametrize("total", range(7))
def test_gad2_bands_at_the_published_cut_off_of_3_and_never_decide_alone(bank, total):
    scores = scored(bank, answers(gad2(total), all_of(GAD7_MORE, 0), phq_difficulty=0))
    anxiety = scores.scales["anxiety"]
    assert anxiety.raw == total
    assert anxiety.band.startswith("at or above") is (total >= 3)
    assert "positive_screen" not in scores.flags


def test_phq4_bands_at_every_total_and_every_combination(bank):
    seen = set()
    for values in itertools.product(range(4), repeat=4):
        scores = scored(bank, answers(dict(zip(PHQ4, values, strict=True))))
        phq4 = scores.scales["phq4"]
        assert phq4.raw == sum(values)
        assert phq4.band == phq4_band(sum(values)), values
        seen.add(phq4.raw)
    assert seen == set(range(13))


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (2, "none"),
        (3, "mild"),
        (5, "mild"),
        (6, "moderate"),
        (8, "moderate"),
        (9, "severe"),
        (12, "severe"),
        (0, "none"),
    ],
)
def test_phq4_boundaries(bank, total, band):
    scores = scored(bank, answers(split(total, PHQ4, 3)))
    assert scores.scales["phq4"].band == band


# --- WHO-5 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", range(26))
def test_who5_is_raw_times_four(bank, raw):
    wellbeing = scored(bank, answers(who5(raw))).scales["wellbeing"]
    assert (wellbeing.raw, wellbeing.score) == (raw, raw * 4)


@pytest.mark.parametrize(("raw", "percent", "opens"), [(12, 48, True), (13, 52, False), (0, 0, True), (25, 100, False)])
def test_who5_50_or_less_opens_the_phq9(bank, raw, percent, opens):
    scores = scored(bank, answers(who5(raw), all_of(PHQ9_MORE, 0), phq_difficulty=0))
    assert scores.scales["wellbeing"].score == percent
    assert all((item in scores.shown) is opens for item in PHQ9_MORE)
    assert "positive_screen" not in scores.flags  # the PHQ-9 it opens decides


@pytest.mark.parametrize(("raw", "percent", "low"), [(7, 28, True), (8, 32, False), (0, 0, True)])
def test_who5_28_or_less_is_very_low_but_never_severe(bank, raw, percent, low):
    scores = scored(bank, answers(who5(raw), all_of(PHQ9_MORE, 0), phq_difficulty=0))
    assert scores.scales["wellbeing"].score == percent
    assert ("very_low_wellbeing" in scores.flags) is low
    assert "severe" not in scores.flags


# --- proration ---------------------------------------------------------------------------------------


def test_who5_with_four_of_five_answered_is_prorated(bank):
    raw = answers(all_of(WHO5, 3))
    del raw["who5_5"]
    wellbeing = scored(bank, raw).scales["wellbeing"]
    assert (wellbeing.raw, wellbeing.score, wellbeing.answered, wellbeing.total) == (15, 60, 4, 5)
    assert wellbeing.complete


def test_proration_rounds_half_up(bank):
    raw = answers(dict(zip(WHO5, (3, 3, 3, 1), strict=False)))
    del raw["who5_5"]
    assert scored(bank, raw).scales["wellbeing"].raw == 13  # 10 * 5/4 = 12.5


def test_who5_with_three_of_five_answered_is_incomplete(bank):
    raw = answers(all_of(WHO5, 1))
    del raw["who5_4"], raw["who5_5"]
    scores = scored(bank, raw)
    wellbeing = scores.scales["wellbeing"]
    assert (wellbeing.raw, wellbeing.score, wellbeing.band, wellbeing.complete) == (None, None, None, False)
    assert (wellbeing.answered, wellbeing.total) == (3, 5)
    # an incomplete scale never trips a cut-off, even though the answers given are very low
    assert "severe" not in scores.flags and "positive_screen" not in scores.flags


def test_functioning_with_three_of_four_answered_is_incomplete(bank):
    raw = answers()
    del raw["fn_close"]
    assert not scored(bank, raw).scales["functioning"].complete


def test_phq9_is_prorated_with_eight_of_nine_and_incomplete_with_seven(bank):
    raw = answers(phq2(3), all_of(PHQ9_MORE, 2))
    phq9 = scored(bank, raw).scales["phq9"]
    assert (phq9.raw, phq9.answered) == (3 + 12 + 0, 9)
    del raw["phq9_8"]
    phq9 = scored(bank, raw).scales["phq9"]
    assert (phq9.raw, phq9.answered) == (round((3 + 10) * 9 / 8), 8)
    del raw["phq9_7"]
    assert not scored(bank, raw).scales["phq9"].complete


# --- reverse keys --------------------------------------------------------------------------------------


def test_only_the_functioning_items_are_reverse_keyed(bank):
    reversed_ = {q.id for s in bank.sections for q in s.questions if q.reverse}
    assert reversed_ == set(FUNCTIONING)


@pytest.mark.parametrize(("in_the_way", "raw", "percent"), [(0, 16, 100), (4, 0, 0), (2, 8, 50), (1, 12, 75)])
def test_functioning_counts_not_getting_in_the_way_as_intact(bank, in_the_way, raw, percent):
    functioning = scored(bank, answers(all_of(FUNCTIONING, in_the_way))).scales["functioning"]
    assert (functioning.raw, functioning.score) == (raw, percent)


def test_one_area_in_the_way_lowers_functioning_by_its_amount(bank):
    functioning = scored(bank, answers(fn_work=4)).scales["functioning"]
    assert functioning.raw == 12


REVERSED_BANK = """
id: reversed
version: 1
title: Reverse keys
intro: x
disclaimer: x
response_scales:
  agree:
    options: [{value: 1, label: Never}, {value: 2, label: Rarely}, {value: 3, label: Often}, {value: 4, label: Always}]
sections:
  - id: only
    title: Only
    questions:
      - {id: calm, response: agree, scale: ease, text: I feel calm}
      - {id: tense, response: agree, scale: ease, reverse: true, text: I feel tense}
scales:
  ease: {label: Ease, items: [calm, tense]}
outcomes:
  - {id: fine, when: always}
guidance:
  fine: {headline: Fine, body: Fine}
"""


@pytest.mark.parametrize(("calm", "tense", "raw"), [(4, 1, 8), (1, 4, 2), (2, 2, 5), (3, 4, 4)])
def test_a_reverse_item_counts_low_plus_high_minus_its_value(calm, tense, raw):
    tiny = parse_bank(REVERSED_BANK)
    ease = scored(tiny, {"calm": calm, "tense": tense}).scales["ease"]
    assert ease.raw == raw
    assert ease.score == round((raw - 2) * 100 / 6, 1)


# --- show-if follow-ups -------------------------------------------------------------------------------


def shown_for(bank, raw):
    clean, errors = check_answers(bank, raw)
    assert not errors
    route = walk(bank, clean)
    return route.answers, list(route.shown)


@pytest.mark.parametrize("total", range(7))
def test_phq9_follow_ups_open_when_phq2_is_2_or_more(bank, total):
    _, shown = shown_for(bank, answers(phq2(total)))
    assert all((item in shown) is (total >= 2) for item in PHQ9_MORE)
    assert not any(item in shown for item in GAD7_MORE)
    assert ("phq_difficulty" in shown) is (total >= 2)


@pytest.mark.parametrize("total", range(7))
def test_gad7_follow_ups_open_when_gad2_is_2_or_more(bank, total):
    _, shown = shown_for(bank, answers(gad2(total)))
    assert all((item in shown) is (total >= 2) for item in GAD7_MORE)
    assert not any(item in shown for item in PHQ9_MORE)
    assert ("phq_difficulty" in shown) is (total >= 2)


def test_the_self_harm_question_is_asked_of_everyone_after_phq9_items_3_to_8(bank):
    order = [q.id for s in bank.sections for q in s.questions]
    assert order.index("phq9_9") == order.index("phq9_8") + 1
    for raw in (answers(), answers(phq2(6)), answers(who5(0))):
        assert "phq9_9" in shown_for(bank, raw)[1]


def test_every_step_is_shown_to_everyone(bank):
    for raw in (answers(), answers(phq2(6), gad2(6)), answers(ptsd_event=1), answers(audit_1=0)):
        assert walk(bank, check_answers(bank, raw)[0]).steps == tuple(range(len(bank.sections)))


def test_shown_questions_keep_the_bank_order(bank):
    _, shown = shown_for(bank, answers(phq2(3), gad2(3), ptsd_event=1, audit_1=2))
    order = [q.id for s in bank.sections for q in s.questions]
    assert shown == order
    _, shown = shown_for(bank, answers(audit_1=0))
    hidden = (*PHQ9_MORE, *GAD7_MORE, "phq_difficulty", *PTSD, "audit_2", "audit_3")
    assert shown == [q for q in order if q not in hidden]


def test_answers_to_hidden_questions_are_dropped(bank):
    raw = answers(phq2(1), gad2(1), all_of(PHQ9_MORE, 3), all_of(GAD7_MORE, 3), phq_difficulty=3)
    kept, _ = shown_for(bank, raw)
    assert not set(kept) & {*PHQ9_MORE, *GAD7_MORE, "phq_difficulty"}
    scores = scored(bank, raw)
    assert not set(scores.answers) & {*PHQ9_MORE, *GAD7_MORE, "phq_difficulty"}
    assert not scores.scales["phq9"].complete and not scores.scales["gad7"].complete
    # had the hidden answers counted, PHQ-9, GAD-7 and "extremely difficult" would all be severe
    assert "severe" not in scores.flags


def test_follow_ups_count_once_shown(bank):
    raw = answers(phq2(3), all_of(PHQ9_MORE, 2), phq_difficulty=1)
    scores = scored(bank, raw)
    assert scores.scales["phq9"].raw == 15
    assert scores.scales["phq9"].band == "moderately severe"
    assert "severe" in scores.flags


def test_shown_follow_ups_are_required(bank):
    kept, shown = shown_for(bank, answers(gad2(4)))
    missing = missing_required(bank, kept, tuple(shown))
    assert missing == dict.fromkeys((*GAD7_MORE, "phq_difficulty"), ANSWER_REQUIRED)


def test_every_shown_question_of_the_default_bank_is_required(bank):
    raw = answers()
    del raw["audit_1"]
    kept, shown = shown_for(bank, raw)
    assert missing_required(bank, kept, tuple(shown)) == {"audit_1": ANSWER_REQUIRED}


# --- checking raw answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", True, False, 1.0, 1.5, [1], None, {"v": 1}])
def test_wrong_types_are_refused(bank, value):
    clean, errors = check_answers(bank, {"gad2_1": value, "gad2_2": 1})
    assert clean == {"gad2_2": 1}
    assert set(errors) == {"gad2_1"}


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("gad2_1", 4),
        ("gad2_1", -1),
        ("who5_1", 6),
        ("lg_work_sat", 11),
        ("lg_work_sat", -2),
        ("lg_friends_sat", -1),
        ("ptsd_event", 2),
    ],
)
def test_values_outside_the_response_scale_are_refused(bank, item, value):
    clean, errors = check_answers(bank, {item: value})
    assert clean == {}
    assert list(errors) == [item]


def test_ranges_name_their_ends(bank):
    _, errors = check_answers(bank, {"lg_work_sat": 11, "gad2_1": 9})
    assert errors == {
        "lg_work_sat": "must be between 0 and 10, or -1 for 'does not apply'",
        "gad2_1": "must be one of [0, 1, 2, 3]",
    }


def test_unknown_ids_are_refused(bank):
    clean, errors = check_answers(bank, {"nope": 1, "gad2_1": 1})
    assert clean == {"gad2_1": 1}
    assert errors == {"nope": "unknown question"}


MULTI_BANK = REVERSED_BANK.replace(
    "      - {id: tense, response: agree, scale: ease, reverse: true, text: I feel tense}",
    "      - {id: tense, response: agree, scale: ease, reverse: true, text: I feel tense}\n"
    '      - {id: when, kind: multi, response: agree, unscored: true, required: false, text: "When?"}',
)


@pytest.mark.parametrize(
    ("value", "clean", "error"),
    [
        ([4, 1, 3], (1, 3, 4), None),
        ([], (), None),
        (1, None, "expected a list of option values"),
        ([1, 1], None, "each value must be one of [1, 2, 3, 4], once"),
        ([0], None, "each value must be one of [1, 2, 3, 4], once"),
        ([True], None, "expected a list of option values"),
    ],
)
def test_multiple_choice_takes_a_list_of_distinct_options(value, clean, error):
    found, errors = check_answers(parse_bank(MULTI_BANK), {"when": value})
    assert found == ({} if clean is None else {"when": clean})
    assert errors == ({} if error is None else {"when": error})


def test_answers_must_be_an_object(bank):
    clean, errors = check_answers(bank, [1, 2])
    assert clean == {} and list(errors) == ["answers"]


# --- life gap and the two indices -------------------------------------------------------------------------


def test_life_gap_weighs_shortfall_by_importance(bank):
    fulfilled = {f"lg_{a}_sat": 10 for a in ("work", "partner", "family", "friends", "health")}
    assert scored(bank, answers(fulfilled)).scales["life_gap"].score == 0
    wanting = {**{k: 0 for k in fulfilled}, **{k.replace("_sat", "_imp"): 10 for k in fulfilled}}
    assert scored(bank, answers(wanting)).scales["life_gap"].score == 100
    half = {**wanting, "lg_work_sat": 5, "lg_partner_imp": 0}
    # work: 0.5 shortfall x 1.0 importance; partner: 1.0 x 0; the other three 1.0 -> mean 0.7
    assert scored(bank, answers(half)).scales["life_gap"].score == 70


def expected_indices(raw: dict) -> tuple[float, float]:
    """Compute need for healing and capacity for growth by the formulas of DESIGN.md section 5."""
    dep = (raw["phq2_1"] + raw["phq2_2"]) / 6
    anx = (raw["gad2_1"] + raw["gad2_2"]) / 6
    impairment = sum(raw[i] for i in FUNCTIONING) / 16
    low_wellbeing = 1 - sum(raw[i] for i in WHO5) / 25
    wound = raw["res_old_hurt"] / 4
    resistance = sum(raw[i] for i in RESISTANCE) / 16
    self_access = sum(raw[i] for i in SELF_ACCESS) / 12
    healing = 0.35 * max(dep, anx) + 0.10 * min(dep, anx) + 0.25 * impairment + 0.15 * low_wellbeing + 0.15 * wound
    growth = (
        0.25 * raw["readiness_confidence"] / 10
        + 0.15 * raw["readiness_importance"] / 10
        + 0.25 * (1 - resistance)
        + 0.20 * self_access
        + 0.15 * (1 - impairment)
    )
    return healing * 100, growth * 100


@pytest.mark.parametrize(
    "raw",
    [
        answers(),
        answers(phq2(4), gad2(1), who5(10), all_of(FUNCTIONING, 2), res_old_hurt=3),
        answers(all_of(RESISTANCE, 4), all_of(SELF_ACCESS, 0), readiness_confidence=1, readiness_importance=10),
        answers(phq2(6), gad2(6), who5(0), all_of(FUNCTIONING, 4), res_old_hurt=4),
        answers(
            phq2(0),
            gad2(0),
            who5(25),
            all_of(RESISTANCE, 0),
            all_of(SELF_ACCESS, 4),
            readiness_confidence=10,
            readiness_importance=10,
        ),
    ],
)
def test_indices_follow_the_design_formulas(bank, raw):
    indices = scored(bank, raw).indices
    healing, growth = expected_indices(raw)
    assert indices["healing_need"] == pytest.approx(healing, abs=0.051)
    assert indices["growth_capacity"] == pytest.approx(growth, abs=0.051)


def test_extremes_of_the_indices(bank):
    worst = answers(phq2(6), gad2(6), who5(0), all_of(FUNCTIONING, 4), res_old_hurt=4)
    best = answers(
        who5(25),
        all_of(RESISTANCE, 0),
        all_of(SELF_ACCESS, 4),
        res_old_hurt=0,
        readiness_confidence=10,
        readiness_importance=10,
    )
    assert scored(bank, worst).indices["healing_need"] == 100
    assert scored(bank, best).indices["healing_need"] == 0
    assert scored(bank, best).indices["growth_capacity"] == 100
