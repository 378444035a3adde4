"""The coach's export (what the dashboard shows, period by period) and the operator's row-level export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from quiz.bank import SAFETY_ITEM, Bank
from quiz.store import HEAD, iso_week
from quiz.store.records import AREA_PREFIX, BANDS

BOM = "\ufeff"  # lets spreadsheet programs recognise UTF-8 on opening the file
AGGREGATE = ("period", "start", "end", "figure", "id", "label", "n", "mean", "sd", "share")
ROW = ("quiz_id", "bank_version", "week", *(h for h in HEAD if h not in ("quiz_id", "bank_version", "day")))
BAND_NAMES = [f"{b * 100 // BANDS}-{(b + 1) * 100 // BANDS}" for b in range(BANDS)]


def figures(view: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """Yield every figure of one view as (figure, id, label, n, mean, sd, share); hidden ones have no numbers."""
    now = view["overview"]["now"]
    yield "started", "", "People who started", now["started"], None, None, None
    yield "finished", "", "People who saw their result", now["finished"], None, None, None
    if not view["answers_shown"]:
        return
    yield "kept", "", "Answers kept", view["kept"], None, None, None
    yield "crisis", "", "Answers that raised the safety question", view["crisis"], None, None, None
    yield "careless", "", "Answers that looked hurried, kept after a check", view["careless"], None, None, None
    for o in view["outcomes"]:
        yield "outcome", o["id"], o["label"], o["n"], None, None, o["share"]
    for a in view["areas"]:
        yield "area", a["id"], a["label"], None, a["mean"], None, None
        yield "hardest", a["id"], a["label"], a["hardest"], None, None, a["hardest_share"]
    for f in view["funnel"]:
        yield "funnel", f["step"], f["label"], f["n"], None, None, f["share"]
    yield from _details(view)


def _details(view: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    for s in view["scales"]:
        yield "scale", s["id"], s["label"], s["n"], s["mean"], s["sd"], None
        for name, n in zip(BAND_NAMES, s["bands"], strict=True):
            yield "band", f"{s['id']}:{name}", f"{s['label']} {name}", n, None, None, None
    for q in view["questions"]:
        yield "question", q["id"], q["text"], q["n"], q["mean"], q["sd"], None
    for r in view["reliability"]:
        yield "alpha", r["id"], r["label"], r["n"], r["alpha"], None, None
    for y, row in zip(reversed(BAND_NAMES), view["map"], strict=True):
        for x, n in zip(BAND_NAMES, row, strict=True):
            yield "map", f"{x}:{y}", f"need for healing {x}, capacity for growth {y}", n, None, None, None


class _Lines:
    """A file for csv.writer that hands back each row it is given, so writerow returns the row as CSV text."""

    def write(self, line: str) -> str:
        return line


def aggregate_csv(views: Iterable[Mapping[str, Any]]) -> str:
    """Return the coach's export: one row per figure per period, exactly as the dashboard shows them."""
    writer = csv.writer(_Lines(), lineterminator="\r\n")
    lines = [BOM, writer.writerow(AGGREGATE)]
    for view in views:
        p = view["period"]
        for row in figures(view):
            lines.append(writer.writerow([p["id"], p["start"], p["end"], *("" if v is None else v for v in row)]))
    return "".join(lines)


def derived_from_self_harm(bank: Bank) -> set[str]:
    """Return the self-harm item and every score computed from it, which the row-level export leaves out."""
    found = {SAFETY_ITEM} | {sid for sid, s in bank.scales.items() if SAFETY_ITEM in s.items}
    for iid, index in bank.indices.items():
        if any(found & {t.scale, t.item, *(t.max or ()), *(t.min or ())} for t in index.terms):
            found.add(iid)
    return found


def columns(banks: Iterable[Bank]) -> tuple[list[str], list[str]]:
    """Return the item columns and score columns for the banks, in bank order, without the self-harm item."""
    items, scores = [], []
    for bank in banks:
        left_out = derived_from_self_harm(bank)
        items += [qid for qid in bank.questions if qid not in items and qid not in left_out]
        for sid in [*bank.scales, *bank.indices, *(AREA_PREFIX + a.id for a in bank.areas)]:
            scores += [c for c in (f"{sid}.raw", f"{sid}.score") if c not in scores and sid not in left_out]
    return items, scores


def operator_rows(responses: Iterable[dict[str, Any]], sites: Mapping[Any, int], k: int) -> Iterator[dict[str, Any]]:
    """Yield responses with their ISO week instead of the day, the site left out where it had fewer than k."""
    for r in responses:
        week = iso_week(r["day"])
        small = sites.get((r["quiz_id"], week, r["origin"]), 0) < k
        yield {**r, "week": week, "origin": None if small else r["origin"]}


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def csv_chunks(rows: Iterable[dict[str, Any]], banks: Iterable[Bank]) -> Iterator[str]:
    """Yield the operator's CSV a line at a time: a byte-order mark with the header, then one row per response."""
    items, scores = columns(banks)
    writer = csv.writer(_Lines(), lineterminator="\r\n")
    yield BOM + writer.writerow([*ROW, *items, *scores])
    for row in rows:
        values = {
            f"{sid}.{part}": v
            for sid, pair in row["scores"].items()
            for part, v in zip(("raw", "score"), pair, strict=True)
        }
        yield writer.writerow(
            [_cell(row[h]) for h in ROW]
            + [_cell(row["answers"].get(c)) for c in items]
            + [_cell(values.get(c)) for c in scores]
        )


def json_chunks(rows: Iterable[dict[str, Any]], banks: Iterable[Bank]) -> Iterator[str]:
    """Yield one JSON document of the same rows: {"responses": [...]}, a response at a time."""
    items, scores = columns(banks)
    yield '{"responses": ['
    for i, row in enumerate(rows):
        record = {h: row[h] for h in ROW} | {
            "answers": {c: row["answers"][c] for c in items if c in row["answers"]},
            "scores": {s: v for s, v in row["scores"].items() if f"{s}.score" in scores},
        }
        yield ("," if i else "") + "\n" + json.dumps(record)
    yield "\n]}\n"
