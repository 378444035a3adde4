"""Properties over random complete answer sets of the default bank: safety, screens, monotonicity, ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_sets import GAD7_MORE, PHQ9_MORE, PTSD, WHO5
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quiz.bank import NOT_APPLICABLE, load_bank
from quiz.engine import assess, check_answers, walk

# the session `bank` fixture cannot feed strategies, which are built at import time
BANK = load_bank(Path(__file__).resolve().parent.parent / "questions" / "coaching-fit.yaml")
VALUES = {q.id: sorted(o.value for o in BANK.response_of(q).choices) for q in BANK.questions.values()}
MULTI = {q.id for q in BANK.questions.values() if q.kind == "multi"}
SAFETY_AT = list(VALUES).index("phq9_9")

# answers where a higher value means more distress, and WHO-5 items, where a lower one does
RAISED = (
    "gad2_1",
    "gad2_2",
    "phq2_1",
    "phq2_2",
    "phq9_9",
    *PHQ9_MORE,
    *GAD7_MORE,
    "phq_difficulty",
    "fn_work",
    "fn_home",
    "fn_social",
    "fn_close",
    "res_old_hurt",
)
LOWERED = WHO5
HIGHER_IS_BETTER = ("who5_", "self_", "readiness_", "lg_")

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _answers_from(data: bytes) -> dict:
    """Turn one byte per question into a complete answer set; multiple choice reads its byte as a bit set."""
    found: dict = {}
    for (qid, values), byte in zip(VALUES.items(), data, strict=True):
        if qid in MULTI:
            found[qid] = [v for bit, v in enumerate(values) if byte >> bit & 1]
        else:
            found[qid] = values[byte % len(values)]
    return found


def _leaning_from(data: bytes) -> dict:
    """Like _answers_from, but the first byte sets a level of distress that every answer leans towards."""
    distress = data[0] / 255
    found = _answers_from(data[1:])
    for (qid, values), byte in zip(VALUES.items(), data[1:], strict=True):
        if qid not in MULTI:
            lean = 1 - distress if qid.startswith(HIGHER_IS_BETTER) else distress
            at = round(lean * (len(values) - 1) + (byte - 128) / 128)  # give or take one step
            found[qid] = values[min(len(values) - 1, max(0, at))]
    if data[1 + SAFETY_AT] < 224:
        found["phq9_9"] = 0  # thoughts of self-harm stay the exception, so the calmer outcomes turn up too
    return found


# One draw per answer set rather than one per question keeps generation cheap, and zero bytes shrink to the lowest
# answers. Uniform answers are mostly crisis or therapy; leaning ones also reach the calmer outcomes.
complete_answers = st.one_of(
    st.binary(min_size=len(VALUES), max_size=len(VALUES)).map(_answers_from),
    st.binary(min_size=len(VALUES) + 1, max_size=len(VALUES) + 1).map(_leaning_from),
)


def assessed(raw: dict):
    """Check, filter and assess like the API; a complete random set is always valid."""
    clean, errors = check_answers(BANK, raw)
    assert not errors, errors
    kept = walk(BANK, clean).answers
    return assess(BANK, kept)


def total(raw: dict, items: tuple[str, ...]) -> int:
    return sum(raw[i] for i in items)


@SETTINGS
@given(complete_answers, st.integers(1, 3))
def test_any_self_harm_answer_gives_crisis_support(raw, value):
    scores, outcome = assessed({**raw, "phq9_9": value})
    assert outcome.id == "crisis_support"
    assert outcome.call_to_action == "crisis"
    assert "safety" in scores.flags


THERAPY = {"crisis_support", "therapy_first", "therapy_and_coaching"}


@SETTINGS
@given(complete_answers, st.sampled_from(["phq9", "gad7", "ptsd", "alcohol"]), st.data())
def test_a_screen_worth_a_look_never_gives_coaching(raw, screen, data):
    if screen == "phq9":  # PHQ-2 of 2 or more opens the PHQ-9; make it 10 or more
        raw = {**raw, "phq2_1": 1, "phq2_2": 1, "phq9_9": 0}
        raw.update(
            zip(
                PHQ9_MORE,
                data.draw(st.lists(st.integers(0, 3), min_size=6, max_size=6).filter(lambda v: sum(v) >= 8)),
                strict=True,
            )
        )
    elif screen == "gad7":
        raw = {**raw, "gad2_1": 1, "gad2_2": 1}
        raw.update(
            zip(
                GAD7_MORE,
                data.draw(st.lists(st.integers(0, 3), min_size=5, max_size=5).filter(lambda v: sum(v) >= 8)),
                strict=True,
            )
        )
    elif screen == "ptsd":
        raw = {**raw, "ptsd_event": 1, **dict(zip(PTSD, data.draw(st.permutations([1, 1, 1, 0, 1])), strict=True))}
    else:
        raw = {**raw, "audit_1": data.draw(st.integers(1, 4)), "audit_2": data.draw(st.integers(2, 4))}
    scores, outcome = assessed(raw)
    assert outcome.id in THERAPY, (screen, outcome.id)
    assert outcome.id != "coaching"


@SETTINGS
@given(complete_answers, st.sampled_from(RAISED + LOWERED), st.data())
def test_more_distress_in_one_answer_never_lowers_need_for_healing(raw, item, data):
    values = [v for v in VALUES[item] if v != NOT_APPLICABLE]  # "does not apply" is not less or more distress
    now = raw[item]
    worse = [v for v in values if (v > now if item in RAISED else v < now)]
    assume(now != NOT_APPLICABLE and worse)  # not already the most distressed answer
    changed = {**raw, item: data.draw(st.sampled_from(worse))}
    before, _ = assessed(raw)
    after, _ = assessed(changed)
    assert after.indices["healing_need"] >= before.indices["healing_need"], (item, now, changed[item])


@SETTINGS
@given(complete_answers)
def test_invariants_of_any_complete_answer_set(raw):
    scores, outcome = assessed(raw)
    phq2, gad2 = raw["phq2_1"] + raw["phq2_2"], raw["gad2_1"] + raw["gad2_2"]
    assert outcome.id in {r.id for r in BANK.outcomes}
    assert (outcome.id == "crisis_support") is (raw["phq9_9"] >= 1)
    full = {"phq9": scores.scales["phq9"].raw, "gad7": scores.scales["gad7"].raw}
    if any(v is not None and v >= 10 for v in full.values()) or scores.scales["ptsd"].raw >= 3:
        assert outcome.id in THERAPY
    if scores.scales["alcohol"].raw >= 3 or scores.scales["old_hurt"].score >= 75:
        assert outcome.id in THERAPY
    # at most three reasons, in plain words
    assert len(outcome.reasons) <= 3 and not any(ch.isdigit() for r in outcome.reasons for ch in r)
    # the follow-ups count only when their short form (or a low WHO-5) opens them
    assert scores.scales["phq9"].complete is (phq2 >= 2 or total(raw, WHO5) * 4 <= 50)
    assert scores.scales["gad7"].complete is (gad2 >= 2)
    # every 0-100 number stays in range; the scales every answer set fills in are complete
    for sid, scale in scores.scales.items():
        if scale.complete:
            assert 0 <= scale.score <= 100, sid
            assert scale.answered <= scale.total
        else:
            assert scale.score is None and scale.raw is None, sid
    for iid, value in scores.indices.items():
        assert value is not None and 0 <= value <= 100, iid
    for area, strain in outcome.area_strain.items():
        assert 0 <= strain <= 100, area
    for sid in (
        "anxiety",
        "depression",
        "phq4",
        "wellbeing",
        "functioning",
        "life_gap",
        "readiness",
        "resistance",
        "old_hurt",
        "self_access",
        "ptsd",
        "alcohol",
    ):
        assert scores.scales[sid].complete, sid


@pytest.fixture(scope="module")
def result_page(tmp_path_factory):
    """Return a function that renders the result page for answers, with a booking link configured."""
    from quiz import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        app = create_app({"TESTING": True, "SECRET_KEY": "p" * 32, "BOOKING_URL": "https://coach.example/book"})
    client, tokens = app.test_client(use_cookies=False), app.extensions["quiz.tokens"]

    def render(answers: dict) -> str:
        clean, _ = check_answers(BANK, answers)
        token = tokens.result_token(BANK, walk(BANK, clean).answers)
        return client.get(f"/q/coaching-fit/r/{token}").get_data(as_text=True)

    return render


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(complete_answers, st.integers(1, 3))
def test_any_self_harm_answer_gives_a_crisis_page_with_no_booking_and_no_scores(result_page, raw, value):
    html = result_page({**raw, "phq9_9": value})
    assert 'data-outcome="crisis_support"' in html
    assert "/book" not in html and 'id="book"' not in html
    for hidden in ("screener-scores", "reflection-scores", "areas-table", "chart", 'id="details"', "of 100"):
        assert hidden not in html, hidden
