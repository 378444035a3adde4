"""The fast scoring paths agree with the plain ones they replace, on random answers with gaps."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from answer_sets import fill
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.bank import load_bank, parse_bank
from quiz.checks import bank_questions, response_of
from quiz.conditions import Context, compile_condition, value_getter
from quiz.guidance import assess
from quiz.model import AllOf, AnyOf, FlagIs, IndexIs, ItemIs, Ref, ScaleIs, ScaleScore
from quiz.plan import area_gap, plan_for
from quiz.profiles import join_words
from quiz.reasons import show
from quiz.scales import score_scale
from quiz.scoring import check_answers, score
from quiz.visibility import by_gates, visible_answers, walk

ROOT = Path(__file__).resolve().parent
BANK = load_bank(ROOT.parent / "questions" / "coaching-fit.yaml")
PLAN = plan_for(BANK)
VALUES = {q.id: sorted(o.value for o in response_of(BANK, q).choices()) for q in bank_questions(BANK)}
MULTI = {q.id for q in bank_questions(BANK) if q.kind == "multi"}
GOOD = (ROOT / "banks" / "good.yaml").read_text()


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    """Draw answers to a random subset of the default bank's questions, with valid values."""
    found: dict[str, object] = {}
    for qid, values in VALUES.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # left unanswered
        if qid in MULTI:
            found[qid] = draw(st.lists(st.sampled_from(values), unique=True))
        else:
            found[qid] = draw(st.sampled_from(values))
    return found


def test_the_default_bank_takes_the_fast_visibility_path():
    assert PLAN.gates is not None
    assert PLAN.gates.scales == ("anxiety", "depression")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_fast_paths_agree_with_the_plain_ones(raw):
    clean, errors = check_answers(BANK, raw)
    assert not errors
    assert (clean, errors) == check_answers(BANK, MappingProxyType(raw))  # not a dict: the value-by-value check
    fast_kept, fast_shown, _ = by_gates(PLAN, PLAN.gates.gates, clean)
    kept, shown, _ = walk(PLAN, clean)
    assert (fast_kept, fast_shown) == (kept, shown)
    scales = score(BANK, clean).scales
    assert scales == {sid: score_scale(scale, kept) for sid, scale in PLAN.scales.items()}
    assert scales["life_gap"] == _plain_gap(kept)


def _plain_gap(answers):
    """Score the life gap as the mean of the answered areas' gaps, as the scale was scored before it had tables."""
    total, answered = 0.0, 0
    for sat, imp in BANK.scales["life_gap"].pairs:
        if sat in answers and imp in answers:
            s, i = PLAN.items[sat], PLAN.items[imp]
            total += area_gap(answers[sat], s.lo, s.hi, answers[imp], i.lo, i.hi)
            answered += 1
    count = len(BANK.scales["life_gap"].pairs)
    if answered / count < BANK.min_answered:
        return ScaleScore(None, None, None, answered, count)
    raw = round(total / answered * 10, 1)
    return ScaleScore(raw, round(raw * 10, 1), None, answered, count)


def test_a_bad_value_among_good_ones_takes_the_full_check():
    raw = {qid: values[0] for qid, values in VALUES.items() if qid not in MULTI}
    clean, errors = check_answers(BANK, {**raw, "phq9_9": True, "who5_1": 1.0, "nope": 1})
    assert errors == {
        "phq9_9": "expected a whole number",
        "who5_1": "expected a whole number",
        "nope": "unknown question",
    }
    assert clean.keys() == raw.keys() - {"phq9_9", "who5_1"}


def test_a_show_if_that_reads_a_hidden_question_falls_back_to_the_walk():
    text = GOOD.replace(
        "  - id: change\n    title: Change\n", "  - id: change\n    title: Change\n    show_if: {item: sleep, gte: 1}\n"
    )
    bank = parse_bank(text, "reads_hidden.yaml")
    assert plan_for(bank).gates is None
    # low mood 0 hides "sleep", so its stale answer must not open "change"
    kept, shown = visible_answers(bank, {"low_1": 0, "low_2": 0, "harm": 0, "sleep": 2, "ready": 8})
    assert shown == ["low_1", "low_2", "harm"]
    assert kept == {"low_1": 0, "low_2": 0, "harm": 0}


def test_a_show_if_that_reads_a_later_question_falls_back_to_the_walk():
    text = GOOD.replace("items: [low_1, low_2]", "items: [low_1, low_2, ready]")  # "ready" comes after "more"
    bank = parse_bank(text, "reads_later.yaml")
    assert plan_for(bank).gates is None


PARTS = (
    ItemIs(item="pick", gte=2),  # a multiple-choice answer: any picked option may match
    ItemIs(item="one", eq=1),
    ScaleIs(scale="low", gte=3),
    ScaleIs(scale="low", measure="score", lte=50),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.none(), st.lists(st.integers(0, 4), max_size=3).map(tuple)),
    st.one_of(st.none(), st.integers(0, 2)),
    st.one_of(st.none(), st.tuples(st.integers(0, 6), st.floats(0, 100))),
    st.sets(st.sampled_from(range(len(PARTS))), min_size=1),
)
def test_a_screen_of_thresholds_holds_exactly_when_one_part_does(pick, one, low, chosen):
    answers = {k: v for k, v in (("pick", pick), ("one", one)) if v is not None}
    scales = {"low": ScaleScore(low[0], low[1], None, 2, 2)} if low else {}
    ctx = Context(answers, scales)
    parts = tuple(PARTS[i] for i in sorted(chosen))
    assert compile_condition(AnyOf(any=parts))(ctx) is any(compile_condition(p)(ctx) for p in parts)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from("abc")), st.lists(st.sampled_from("abcd"), min_size=1, max_size=4))
def test_conditions_on_flags_alone_are_set_operations_that_agree_with_all_and_any(raised, names):
    ctx = Context({}, flags=set(raised))
    parts = tuple(FlagIs(flag=name) for name in names)
    assert compile_condition(AllOf(all=parts))(ctx) is all(name in raised for name in names)
    assert compile_condition(AnyOf(any=parts))(ctx) is any(name in raised for name in names)


def _plain_reasons(cond, ctx):
    """Yield `because` sentences by walking the condition, as the guidance did before it was compiled."""
    holds = PLAN.predicate
    if isinstance(cond, AllOf | AnyOf):
        for part in cond.all if isinstance(cond, AllOf) else cond.any:
            if isinstance(part, ItemIs | ScaleIs | IndexIs):
                if part.because and holds(part)(ctx):
                    yield _plain_fill(part, ctx)
            elif holds(part)(ctx):
                yield from _plain_reasons(part, ctx)
    elif isinstance(cond, FlagIs):
        yield from _plain_reasons(BANK.flags[cond.flag], ctx)
    elif isinstance(cond, ItemIs | ScaleIs | IndexIs) and cond.because and holds(cond)(ctx):
        yield _plain_fill(cond, ctx)


def _plain_fill(cond, ctx):
    values = {"value": show(value_getter(cond)(ctx))}
    if isinstance(cond, ScaleIs):
        values.update(label=BANK.scales[cond.scale].label, band=ctx.scales[cond.scale].band or "")
    elif isinstance(cond, IndexIs):
        values["label"] = BANK.indices[cond.index].label
    _, operand = cond.operator
    values["other"] = show(value_getter(operand)(ctx) if isinstance(operand, Ref) else operand)
    return fill(cond.because, values)


def _plain_strain(answers):
    strain = {}
    for area in BANK.areas:
        parts = []
        sat, imp = answers.get(area.satisfaction), answers.get(area.importance)
        if isinstance(sat, int) and isinstance(imp, int):
            s, i = PLAN.items[area.satisfaction], PLAN.items[area.importance]
            parts.append(area_gap(sat, s.lo, s.hi, imp, i.lo, i.hi))
        value = answers.get(area.functioning) if area.functioning else None
        if isinstance(value, int):
            f = PLAN.items[area.functioning]
            difficulty = (value - f.lo) / (f.hi - f.lo)
            parts.append(difficulty if f.question.reverse else 1 - difficulty)
        if parts:
            strain[area.id] = round(max(parts) * 100, 1)
    return strain


def _plain_profile(ctx, strain):
    if not strain:
        return  # no area answered: no profile at all
    profile, labels = BANK.profile, {a.id: a.label for a in BANK.areas}
    well = [labels[a] for a, v in strain.items() if v < profile.well_below]
    hard = [labels[a] for a, v in strain.items() if v >= profile.hard_from]
    if well and hard:
        yield fill(profile.mixed, {"well": join_words(well), "hard": join_words(hard)})
    elif len(hard) == len(strain):
        yield profile.all_hard
    elif len(well) == len(strain):
        yield profile.all_well
    yield from (note.text for note in profile.notes if PLAN.predicate(note.when)(ctx))


def _plain_body(outcome_id, ctx):
    text = BANK.guidance[outcome_id]
    return next((v.body for v in text.variants if PLAN.predicate(v.when)(ctx)), text.body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_compiled_guidance_matches_the_plain_walk(raw):
    clean, _ = check_answers(BANK, raw)
    scores, outcome = assess(BANK, clean)
    ctx = Context(scores.answers, scores.scales, scores.indices, set(scores.flags))
    rule = next(r for r in BANK.outcomes if r.id == outcome.id)
    expected = [*_plain_reasons(rule.when, ctx)]
    for extra in BANK.guidance[rule.id].explain:
        expected += _plain_reasons(extra, ctx)
    assert outcome.reasons == tuple(dict.fromkeys(expected))
    assert outcome.area_strain == _plain_strain(scores.answers)
    assert outcome.profile == tuple(_plain_profile(ctx, outcome.area_strain))
    assert outcome.body == _plain_body(outcome.id, ctx)
