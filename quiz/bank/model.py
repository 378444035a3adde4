"""Frozen types for a question bank, as written in YAML; pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictInt, Tag, model_validator

SAFETY_ITEM = "phq9_9"  # PHQ-9 item 9, fixed by the design: any answer above 0 leads to crisis support
CRISIS_OUTCOME = "crisis_support"
NOT_APPLICABLE = -1  # the value of a "does not apply to me" answer: answered, but never counted or compared

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
QuizId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
# Answer values stay small, so a scale's range (which the band checks walk point by point) stays small too.
AnswerNumber = Annotated[int, Field(ge=-1000, le=1000)]
Text = Annotated[str, Field(min_length=1)]
Number = int | float


class Frozen(BaseModel):
    """Base for bank types: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --- conditions: structured data, never evaluated as code --------------------------------------


class Ref(Frozen):
    """Name another index or scale score as the right-hand side of a comparison."""

    index: Identifier | None = None
    scale: Identifier | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Ref:
        if (self.index is None) == (self.scale is None):
            raise ValueError("name exactly one of 'index' or 'scale'")
        return self


Operand = Number | Ref
OPERATORS = ("gte", "gt", "lte", "lt", "eq")


class Comparison(Frozen):
    """Compare one value with a number or another score; `because` explains it to the reader."""

    gte: Operand | None = None
    gt: Operand | None = None
    lte: Operand | None = None
    lt: Operand | None = None
    eq: Operand | None = None
    because: str | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Comparison:
        given = [op for op in OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(OPERATORS)}")
        return self

    @cached_property
    def operator(self) -> tuple[str, Operand]:
        """Return the one operator and its operand."""
        return next((op, value) for op in OPERATORS if (value := getattr(self, op)) is not None)


class ItemIs(Comparison):
    """Compare the answer to one question."""

    item: Identifier


class ScaleIs(Comparison):
    """Compare a scale's raw score (the instrument's own number) or its 0-100 score."""

    scale: Identifier
    measure: Literal["raw", "score"] = "raw"


class IndexIs(Comparison):
    """Compare a derived 0-100 index."""

    index: Identifier


class FlagIs(Frozen):
    """Hold when the named flag is raised."""

    flag: Identifier


class AllOf(Frozen):
    """Hold when every part holds."""

    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(Frozen):
    """Hold when at least one part holds."""

    any: tuple[Condition, ...] = Field(min_length=1)


class NotOf(Frozen):
    """Hold when the part does not."""

    not_: Condition = Field(alias="not")


CONDITION_KEYS = ("all", "any", "not", "flag", "item", "scale", "index")


def _condition_tag(value: Any) -> str | None:
    """Pick the condition type from the one key that names it."""
    if isinstance(value, str):
        return "always" if value == "always" else None
    keys = {"not" if k == "not_" else k for k in (value if isinstance(value, Mapping) else vars(value))}
    return next((k for k in CONDITION_KEYS if k in keys), None)


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[FlagIs, Tag("flag")]
    | Annotated[ItemIs, Tag("item")]
    | Annotated[ScaleIs, Tag("scale")]
    | Annotated[IndexIs, Tag("index")]
    | Annotated[Literal["always"], Tag("always")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is 'always' or a mapping with one of: " + ", ".join(CONDITION_KEYS),
    ),
]


Path = tuple[str | int, ...]


def leaves(cond: Condition, at: Path = ()) -> Iterator[tuple[Path, Condition]]:
    """Yield each comparison, flag and 'always' inside a condition, with its key path below `at`."""
    if isinstance(cond, AllOf | AnyOf):
        key, parts = ("all", cond.all) if isinstance(cond, AllOf) else ("any", cond.any)
        for i, part in enumerate(parts):
            yield from leaves(part, (*at, key, i))
    elif isinstance(cond, NotOf):
        yield from leaves(cond.not_, (*at, "not"))
    else:
        yield at, cond


# --- questions -----------------------------------------------------------------------------------


class Option(Frozen):
    """One answer a person can pick."""

    value: AnswerNumber
    label: Text


class ResponseScale(Frozen):
    """A set of options shared by questions: listed options, or a numeric range such as 0-10."""

    stem: str | None = None
    options: tuple[Option, ...] | None = None
    min: AnswerNumber | None = None
    max: AnswerNumber | None = None
    low_label: str | None = None
    high_label: str | None = None
    not_applicable: str | None = Field(default=None, description="label of a 'does not apply to me' answer")

    @model_validator(mode="after")
    def _options_or_range(self) -> ResponseScale:
        if (self.options is None) == (self.min is None or self.max is None):
            raise ValueError("give either 'options' or both 'min' and 'max'")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("'min' must be below 'max'")
        return self

    @cached_property
    def choices(self) -> tuple[Option, ...]:
        """Return the options (generated for a numeric range), then 'does not apply' when the scale offers it."""
        if self.options is not None:
            found = self.options
        else:
            assert self.min is not None and self.max is not None
            found = tuple(Option(value=v, label=str(v)) for v in range(self.min, self.max + 1))
        if self.not_applicable:
            found = (*found, Option(value=NOT_APPLICABLE, label=self.not_applicable))
        return found


YES_NO = ResponseScale(options=(Option(value=1, label="Yes"), Option(value=0, label="No")))


class Question(Frozen):
    """One question; `scale` says which scale it feeds, or `unscored: true`."""

    id: Identifier
    text: Text
    kind: Literal["single", "scale", "yesno", "multi"] = "single"
    response: Identifier | None = None
    scale: Identifier | None = None
    unscored: bool = False
    reverse: bool = False
    required: bool = True
    hint: str | None = None
    show_if: Condition | None = None


class Section(Frozen):
    """One step of the quiz: a titled group of questions."""

    id: Identifier
    title: Text
    intro: str | None = None
    note: str | None = None
    show_if: Condition | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


# --- scales, indices, outcomes ------------------------------------------------------------------


class Band(Frozen):
    """A named range of a scale's raw score, both ends inclusive."""

    min: Number | None = None
    max: Number | None = None
    label: Text


class Scale(Frozen):
    """Items summed into a raw score (or life-gap pairs), also reported on 0-100."""

    label: Text
    method: Literal["sum", "gap"] = "sum"
    items: tuple[Identifier, ...] = ()
    pairs: tuple[tuple[Identifier, Identifier], ...] = ()
    bands: tuple[Band, ...] = ()
    reflection: bool = False
    min_answered: float | None = Field(default=None, gt=0, le=1)
    source: str | None = None
    skipped_as_zero: bool = Field(default=False, description="items a show-if skips count 0, as the PC-PTSD-5 does")


class IndexTerm(Frozen):
    """One weighted part of an index: a scale or item, or the max/min of several scales."""

    weight: float = Field(gt=0)
    scale: Identifier | None = None
    item: Identifier | None = None
    max: tuple[Identifier, ...] | None = None
    min: tuple[Identifier, ...] | None = None
    invert: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> IndexTerm:
        if sum(x is not None for x in (self.scale, self.item, self.max, self.min)) != 1:
            raise ValueError("name exactly one of 'scale', 'item', 'max' or 'min'")
        return self


class Index(Frozen):
    """A derived 0-100 score: the weighted mean of its terms."""

    label: Text
    terms: tuple[IndexTerm, ...] = Field(min_length=1)


class OutcomeRule(Frozen):
    """An outcome and when it applies; rules are tried in order and the first match wins."""

    id: Identifier
    when: Condition


NextStep = Literal["booking", "therapist", "doctor", "crisis", "resources"]


class Variant(Frozen):
    """Wording that replaces the outcome's own when its condition holds; the first that holds wins."""

    id: Identifier
    when: Condition
    body: Text
    headline: Text | None = None
    call_to_action: NextStep | None = None
    offer_coach: bool | None = None
    ifs_directory: bool | None = None


class Guidance(Frozen):
    """What the result page says for one outcome."""

    headline: Text
    body: Text
    call_to_action: NextStep = "booking"
    offer_coach: bool = Field(default=True, description="offer a conversation with the coach (never on crisis)")
    ifs_directory: bool = Field(default=False, description="point to the IFS Institute's directory")
    variants: tuple[Variant, ...] = ()
    explain: tuple[Condition, ...] = ()


class Area(Frozen):
    """A life area, tied to its satisfaction, importance and functioning questions."""

    id: Identifier
    label: Text
    satisfaction: Identifier
    importance: Identifier
    functioning: Identifier | None = None


class ProfileRule(Frozen):
    """A sentence shown when its condition holds and every area it names ({well}, {hard}, {coping}) is there."""

    when: Condition
    text: Text


class Profile(Frozen):
    """How per-area strain (0-100) becomes sentences; {well} and {hard} name the areas."""

    well_below: float = Field(default=35, ge=0, le=100)
    hard_from: float = Field(default=60, ge=0, le=100)
    mixed: Text
    all_well: Text
    all_hard: Text
    largest_gap: Text | None = Field(default=None, description="names the area with the largest gap: {area}")
    notes: tuple[ProfileRule, ...] = ()


class Credit(Frozen):
    """A credit line that must be shown with a reproduced instrument."""

    instrument: Text
    text: Text


class Example(Frozen):
    """A golden answer set and the outcome it must give."""

    name: Text
    answers: dict[Identifier, StrictInt | tuple[StrictInt, ...]]
    expect: Identifier
    variant: Identifier | None = None


class NextSteps(Frozen):
    """The words of a result's next step; {coach} names the coach."""

    booking: Text
    therapist: Text
    doctor: Text
    talk_it_through: Text
    later: Text


class Careless(Frozen):
    """When to ask the person to confirm answers that look careless before guidance is shown."""

    straightline_min_items: int = Field(default=8, ge=3)
    min_seconds: int = Field(default=90, ge=0)


class Bank(Frozen):
    """A whole question bank as written in YAML."""

    id: QuizId
    version: int = Field(ge=1)
    locale: str = "en"
    title: Text
    intro: Text
    minutes: int = Field(default=8, ge=1)
    disclaimer: Text
    credits: tuple[Credit, ...] = ()
    min_answered: float = Field(default=0.8, gt=0, le=1)
    response_scales: dict[Identifier, ResponseScale] = {}
    sections: tuple[Section, ...] = Field(min_length=1)
    scales: dict[Identifier, Scale]
    indices: dict[Identifier, Index] = {}
    flags: dict[Identifier, Condition] = {}
    outcomes: tuple[OutcomeRule, ...] = Field(min_length=1)
    guidance: dict[Identifier, Guidance]
    areas: tuple[Area, ...] = ()
    profile: Profile | None = None
    careless: Careless = Careless()
    crisis_lines: Condition | None = Field(default=None, description="when a result also shows the crisis lines")
    next_steps: NextSteps | None = None
    examples: tuple[Example, ...] = ()

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Return every question by id, in the order asked."""
        return {q.id: q for section in self.sections for q in section.questions}

    def response_of(self, question: Question) -> ResponseScale:
        """Return the response scale a question uses (yes/no questions have their own)."""
        return YES_NO if question.kind == "yesno" else self.response_scales[question.response or ""]

    @cached_property
    def options(self) -> dict[str, tuple[int, ...]]:
        """Return the values each question's answer may take, by question id."""
        return {qid: tuple(o.value for o in self.response_of(q).choices) for qid, q in self.questions.items()}

    @cached_property
    def ranges(self) -> dict[str, tuple[int, int]]:
        """Return the lowest and highest value each question can take, by question id."""
        found = {qid: [v for v in values if v != NOT_APPLICABLE] for qid, values in self.options.items()}
        return {qid: (min(values), max(values)) for qid, values in found.items()}

    @cached_property
    def scales_of(self) -> dict[str, tuple[str, ...]]:
        """Return the scales each question counts towards, by question id."""
        found: dict[str, list[str]] = {qid: [] for qid in self.questions}
        for sid, scale in self.scales.items():
            for item in {*scale.items, *(item for pair in scale.pairs for item in pair)}:
                found.setdefault(item, []).append(sid)
        return {qid: tuple(sids) for qid, sids in found.items()}

    @cached_property
    def scale_ranges(self) -> dict[str, tuple[int, int]]:
        """Return the lowest and highest raw score each sum scale can reach, by scale id."""
        found = {sid: [self.ranges[item] for item in s.items if item in self.ranges] for sid, s in self.scales.items()}
        return {sid: (sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges)) for sid, ranges in found.items()}


AnswerValue = int | tuple[int, ...]


for _recursive in (AllOf, AnyOf, NotOf, Section, Question, Variant, ProfileRule, OutcomeRule, Bank):
    _recursive.model_rebuild()
