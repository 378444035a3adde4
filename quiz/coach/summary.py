"""What the dashboard, summary.json and the coach's export show for one view: plain data, hidden cells as None."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from quiz.bank.model import Bank
from quiz.coach.dashboard import VISITS, Sums, cronbach_alpha, funnel_counts, sums
from quiz.coach.filters import Period, period_of
from quiz.store import Store
from quiz.store.records import AREA_PREFIX, BANDS


def _share(n: int | None, of: int | None) -> float | None:
    return None if n is None or not of else n / of


TREND = 12  # periods the trend chart shows


def visits(store: Store, quiz_id: str, period: Period, k: int) -> list[dict[str, Any]]:
    """Return who started and finished in each of the last TREND periods of the kind, oldest first."""
    wanted = [period]
    while len(wanted) < TREND:
        wanted.append(wanted[-1].previous())
    rows: defaultdict[Period, list[tuple[date, str, str, int]]] = defaultdict(list)
    for row in store.funnel(quiz_id, wanted[-1].start, period.end, ("started", "finished")):
        rows[period_of(period.kind, row[0])].append(row)
    found = []
    for p in reversed(wanted):
        counts = funnel_counts(rows[p], k)
        found.append({"id": p.id, "label": p.short, **{name: counts.get(c, 0) for c, name in VISITS.items()}})
    return found


def steps(bank: Bank | None, store: Store, quiz_id: str, period: Period, k: int) -> list[dict[str, Any]]:
    """Return the completion funnel: each step, whether only some people see it, and how many reached it."""
    counts = funnel_counts(store.funnel(quiz_id, period.start, period.end), k)
    order = [("started", "intro", "Started", False)]
    order += [("step", s.id, s.title, s.show_if is not None) for s in (bank.sections if bank else ())]
    order += [("finished", "result", "Saw their result", False), ("cta", "result", "Chose to book", False)]
    first = counts.get(("started", "intro"), 0)
    return [
        {"step": f"{event}:{step}", "label": label, "conditional": some, "n": n, "share": _share(n, first)}
        for event, step, label, some in order
        if (n := counts.get((event, step), 0)) != 0
    ]


def answers(bank: Bank | None, found: Sums) -> dict[str, Any]:
    """Return what the overview shows of what people answered: counts, the outcome mix and the life areas."""
    kept = found.n(("responses", ""))
    outcomes = [
        {"id": key, "label": key.replace("_", " ").capitalize(), "n": found.n(c), "share": _share(found.n(c), kept)}
        for c in sorted(found.cells, key=lambda c: -found.cells[c][0])
        if (key := c[1]) and c[0] == "outcome"
    ]
    return {
        "kept": kept,
        "crisis": found.n(("crisis", "true")),
        "careless": found.n(("careless", "true")),
        "outcomes": outcomes,
        "areas": _areas(bank, found, kept),
    }


def details(bank: Bank | None, found: Sums) -> dict[str, Any]:
    """Return the details of what people answered: scales, questions, reliability and the map."""
    return {
        "scales": _scales(bank, found),
        "questions": _questions(bank, found),
        "reliability": _reliability(bank, found),
        "map": [[found.n(("plane", f"{x}:{y}")) for x in range(BANDS)] for y in reversed(range(BANDS))],
    }


def _areas(bank: Bank | None, found: Sums, kept: int | None) -> list[dict[str, Any]]:
    labels = {a.id: a.label for a in bank.areas} if bank else {}
    rows = []
    for key in found.keys("scale", [AREA_PREFIX + a for a in labels]):
        if key.startswith(AREA_PREFIX):
            area = key[len(AREA_PREFIX) :]
            hardest = found.n(("hardest", area))
            label = labels.get(area, area).capitalize()
            mean = found.stats(("scale", key))["mean"]
            rows.append(
                {"id": area, "label": label, "mean": mean, "hardest": hardest, "hardest_share": _share(hardest, kept)}
            )
    return sorted(rows, key=lambda r: -(r["mean"] or -1))


def _scales(bank: Bank | None, found: Sums) -> list[dict[str, Any]]:
    labels = {sid: x.label for sid, x in (bank.scales | bank.indices).items()} if bank else {}
    return [
        {
            "id": sid,
            "label": labels.get(sid, sid),
            **found.stats(("scale", sid)),
            "bands": [found.n(("band", f"{sid}:{b}")) for b in range(BANDS)],
        }
        for sid in found.keys("scale", list(labels))
        if not sid.startswith(AREA_PREFIX)
    ]


def _questions(bank: Bank | None, found: Sums) -> list[dict[str, Any]]:
    questions = bank.questions if bank else {}
    rows = []
    for qid in found.keys("item", list(questions)):
        lo, hi = bank.ranges[qid] if bank and qid in questions else (None, None)
        text = questions[qid].text if qid in questions else qid
        rows.append({"id": qid, "text": text, **found.stats(("item", qid)), "lo": lo, "hi": hi})
    return rows


def _reliability(bank: Bank | None, found: Sums) -> list[dict[str, Any]]:
    rows = []
    for sid in sorted(key for key in found.keys("alpha") if ":" not in key):
        keys = [sid, *(key for key in found.keys("alpha") if key.startswith(sid + ":"))]
        parts = {key.partition(":")[2]: tuple(found.cells[("alpha", key)]) for key in keys}
        n = found.n(("alpha", sid))
        label = bank.scales[sid].label if bank and sid in bank.scales else sid
        alpha = None if n is None else cronbach_alpha(parts)  # type: ignore[arg-type]
        rows.append({"id": sid, "label": label, "items": len(parts) - 1, "n": n, "alpha": alpha})
    return rows


def findings(view: dict[str, Any]) -> list[str]:
    """Write up to four plain sentences about what stands out, from shown figures only."""
    now, before = view["overview"]["now"], view["overview"]["previous"]
    found = []
    if now["started"] and now["finished"] is not None:
        share = round(100 * now["finished"] / now["started"])
        found.append(f"{share}% of the people who started finished and saw their result.")
    if now["started"] is not None and before["started"] is not None and now["started"] != before["started"]:
        change = now["started"] - before["started"]
        word = "more" if change > 0 else "fewer"
        found.append(f"{abs(change):,} {word} people started than in {before['label']}.")
    if top := _largest(view.get("outcomes", []), view.get("kept"), "n"):
        found.append(
            f"{top['label']} was the most common suggestion, for {top['share']:.0%} of those who kept answers."
        )
    if hardest := _largest(view.get("areas", []), view.get("kept"), "hardest"):
        area, share = hardest["label"].lower(), hardest["hardest_share"]
        most = "Most people" if share > 0.5 else "More people than in any other area"
        found.append(f"{most} ({share:.0%}) struggle most with {area}.")
    return found


def _largest(rows: list[dict[str, Any]], kept: int | None, key: str) -> dict[str, Any] | None:
    """Return the row with the largest count, only if no hidden count could be larger."""
    shown = [r for r in rows if r[key] is not None]
    if not shown or not kept:
        return None
    top = max(shown, key=lambda r: r[key])
    return top if top[key] >= kept - sum(r[key] for r in shown) else None


OVERVIEW = ("responses", "outcome", "crisis", "careless", "hardest", "scale")  # the kinds the overview shows
DETAILS = ("responses", "scale", "band", "item", "alpha", "plane")


def overview_view(
    bank: Bank | None, store: Store, quiz_id: str, period: Period, k: int, filtered: dict[str, Any]
) -> tuple[dict[str, Any], Sums] | None:
    """Return the overview of one view and its sums, or None when the filter cannot apply to the period."""
    rows = store.months(quiz_id, period.start, period.end, OVERVIEW) if period.kind != "week" else []
    found = sums(rows, k, **filtered)
    if found is None:
        return None
    counted = visits(store, quiz_id, period, k)
    first = next((i for i, row in enumerate(counted) if row["started"] != 0), len(counted) - 1)
    view: dict[str, Any] = {
        "quiz": quiz_id,
        "period": {
            "kind": period.kind,
            "id": period.id,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "k": k,
        "overview": {  # who started and finished in the period and in the one before
            "now": {**counted[-1], "label": period.label},
            "previous": {**counted[-2], "label": period.previous().label},
        },
        "trend": counted[first:],  # the periods to chart: from the first in which anyone started
        "answers_shown": period.kind != "week",
        "left_out_months": found.left_out,
        "funnel": [],
    }
    if view["answers_shown"]:
        view["funnel"] = steps(bank, store, quiz_id, period, k)
        view.update(answers(bank, found))
    return view, found


def build(
    bank: Bank | None, store: Store, quiz_id: str, period: Period, k: int, filtered: dict[str, Any]
) -> tuple[dict[str, Any], Sums] | None:
    """Return everything one view shows, the overview's sums read first and the details' after, and its sums."""
    found = overview_view(bank, store, quiz_id, period, k, filtered)
    if found is None:
        return None
    view, over = found
    if view["answers_shown"]:
        rows = store.months(quiz_id, period.start, period.end, DETAILS)
        view.update(details(bank, sums(rows, k, **filtered) or over))
    view["findings"] = findings(view)
    return view, over
