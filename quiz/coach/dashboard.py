"""Turn the store's raw sums into what the coach may see: small groups hidden, alphas and means worked out."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

from quiz.bank.model import Bank
from quiz.store import Raw
from quiz.store.records import AREA_PREFIX, PLANE
from quiz.store.tables import BINS

K = TypeVar("K", bound=Hashable)


def suppress(counts: Mapping[K, int], k: int) -> dict[K, int | None]:
    """Hide counts from 1 to k-1, and more until the hidden ones add up to k, so none can be worked out."""
    hidden = {key for key, n in counts.items() if 0 < n < k}
    while hidden and sum(counts[h] for h in hidden) < k:
        rest = sorted((n, i) for i, (key, n) in enumerate(counts.items()) if key not in hidden and n > 0)
        if not rest:
            break
        hidden.add(list(counts)[rest[0][1]])
    return {key: None if key in hidden else n for key, n in counts.items()}


def moments(n: int, s1: float, s2: float) -> tuple[float, float | None]:
    """Return the mean and sample standard deviation from a count, a sum and a sum of squares."""
    mean = s1 / n
    if n < 2:
        return mean, None
    return mean, math.sqrt(max(s2 - s1 * s1 / n, 0.0) / (n - 1))


def cronbach_alpha(parts: Mapping[str, tuple[int, float, float]]) -> float | None:
    """Return Cronbach's alpha from per-item sums and the total's sums (part ""), or None without spread."""
    items = [v for key, v in parts.items() if key]
    n, t1, t2 = parts[""]
    if len(items) < 2 or n < 2:
        return None
    total_var = (t2 - t1 * t1 / n) / (n - 1)
    if total_var <= 0:
        return None
    item_var = sum((s2 - s1 * s1 / m) / (m - 1) for m, s1, s2 in items)
    return len(items) / (len(items) - 1) * (1 - item_var / total_var)


@dataclass
class Dashboard:
    """Everything the dashboard shows; None anywhere means hidden because too few responses were behind it."""

    k: int
    total: int | None
    crisis: int | None
    over_time: list[dict[str, Any]] = field(default_factory=list)
    monthly: bool = False
    funnel: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    scales: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    plane: list[list[int | None]] | None = None
    alpha: list[dict[str, Any]] = field(default_factory=list)


def build(raw: Raw, banks: list[Bank], k: int) -> Dashboard:
    """Build the dashboard from raw sums, with labels from the banks in view."""
    total = sum(n for _, n in raw.by_day)
    board = Dashboard(
        k=k,
        total=total if total == 0 or total >= k else None,
        crisis=suppress({"c": raw.crisis, "rest": total - raw.crisis}, k)["c"],
    )
    board.monthly, board.over_time = _over_time(raw, k)
    board.funnel = _funnel(raw, banks, k)
    labels = _labels(banks)
    shown = suppress(raw.outcomes, k)
    board.outcomes = [
        {"id": o, "label": labels["outcomes"].get(o, o), "n": n, "share": None if n is None else n / total}
        for o, n in sorted(shown.items(), key=lambda kv: -raw.outcomes[kv[0]])
    ]
    board.scales = [_scale(sid, labels["scales"].get(sid, sid), *raw.scales[sid], k) for sid in _order(raw, labels)]
    board.items = [
        _item(item, labels["items"].get(item, (item, 0, 1)), raw.items[item], k)
        for item in sorted(raw.items, key=lambda i: labels["order"].get(i, 1_000_000))
    ]
    cells = {(h, g): c for h, row in raw.plane.items() for g, c in enumerate(row)}
    if sum(cells.values()) >= k:
        hidden = suppress(cells, k)
        board.plane = [[hidden.get((h, g), 0) for g in range(BINS)] for h in range(BINS)]
    board.alpha = [
        {
            "id": sid,
            "label": labels["scales"].get(sid, sid),
            "items": len(parts) - 1,
            "n": parts[""][0],
            "alpha": cronbach_alpha(parts) if parts[""][0] >= k else None,
        }
        for sid, parts in sorted(raw.alpha.items())
    ]
    return board


def _order(raw: Raw, labels: Mapping[str, Any]) -> list[str]:
    return sorted(raw.scales, key=lambda s: (s.startswith(AREA_PREFIX), s in PLANE, labels["scales"].get(s, s)))


def _scale(sid: str, label: str, sums: tuple[int, float, float], bins: list[int], k: int) -> dict[str, Any]:
    n = sums[0]
    mean, sd = moments(*sums) if n >= k else (None, None)
    shown = suppress(dict(enumerate(bins)), k) if n >= k else None
    return {
        "id": sid,
        "label": label,
        "n": n,
        "mean": mean,
        "sd": sd,
        "bins": None if shown is None else [shown[i] for i in range(BINS)],
    }


def _item(item: str, label: tuple[str, int, int], sums: tuple[int, float, float], k: int) -> dict[str, Any]:
    text, lo, hi = label
    mean, sd = moments(*sums) if sums[0] >= k else (None, None)
    pomp = None if mean is None or hi == lo else (mean - lo) * 100 / (hi - lo)
    return {"id": item, "text": text, "n": sums[0], "mean": mean, "sd": sd, "lo": lo, "hi": hi, "pomp": pomp}


def _labels(banks: list[Bank]) -> dict[str, Any]:
    found: dict[str, Any] = {"scales": {}, "outcomes": {}, "items": {}, "order": {}, "steps": {}}
    for bank in reversed(banks):  # the first bank's labels win
        found["scales"].update({sid: s.label for sid, s in bank.scales.items()})
        found["scales"].update({iid: ix.label for iid, ix in bank.indices.items()})
        found["scales"].update({AREA_PREFIX + a.id: f"Strain: {a.label}" for a in bank.areas})
        found["outcomes"].update({oid: g.headline for oid, g in bank.guidance.items()})
        found["steps"].update({s.id: s.title for s in bank.sections})
        for i, q in enumerate(bank.questions.values()):
            found["items"][q.id] = (q.text, *bank.ranges[q.id])
            found["order"][q.id] = i
    return found


def _over_time(raw: Raw, k: int) -> tuple[bool, list[dict[str, Any]]]:
    monthly = raw.monthly
    bucket = (lambda d: d.replace(day=1)) if monthly else (lambda d: d)
    stored: dict[date, int] = defaultdict(int)
    started: dict[date, int] = defaultdict(int)
    finished: dict[date, int] = defaultdict(int)
    for d, n in raw.by_day:
        stored[bucket(d)] += n
    for d, event, n in raw.funnel_by_day:
        (started if event == "started" else finished)[bucket(d)] += n
    keys = sorted(set(stored) | set(started) | set(finished))
    s, a, f = (suppress({key: src.get(key, 0) for key in keys}, k) for src in (stored, started, finished))
    rows = []
    for key in keys:
        begun, done = a[key], f[key]
        rate = done / begun if begun and done is not None else None
        rows.append({"day": key, "responses": s[key], "started": a[key], "finished": f[key], "rate": rate})
    return monthly, rows


def _funnel(raw: Raw, banks: list[Bank], k: int) -> list[dict[str, Any]]:
    steps = _labels(banks)["steps"]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for step, event, n in raw.funnel_steps:
        counts[(event, step if event == "step" else "")] += n
    order = [("started", "")] + [("step", s) for s in steps if ("step", s) in counts]
    order += sorted(key for key in counts if key[0] == "step" and key[1] not in steps)
    order += [("finished", ""), ("cta", "")]
    names = {"started": "Started", "finished": "Saw their result", "cta": "Clicked the call to action"}
    shown = suppress({key: counts.get(key, 0) for key in order}, k)
    first = shown[("started", "")]
    rows = []
    for event, step in order:
        people = shown[(event, step)]
        share = people / first if people is not None and first else None
        rows.append({"step": names.get(event) or steps.get(step, step), "n": people, "share": share})
    return rows


def summary(board: Dashboard) -> dict[str, Any]:
    """Return the dashboard as plain data for the JSON export; hidden cells stay None."""
    return asdict(board)
