"""Write stored responses as CSV or JSON, a chunk at a time, so memory stays flat however many there are."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from quiz.bank.model import Bank
from quiz.store.export import HEAD
from quiz.store.records import AREA_PREFIX

BOM = "\ufeff"  # lets spreadsheet programs recognise UTF-8 on opening the file
CHUNK = 500


def columns(banks: Iterable[Bank]) -> tuple[list[str], list[str]]:
    """Return the item columns and score columns for the banks in view, in bank order."""
    items: list[str] = []
    scores: list[str] = []
    for bank in banks:
        items += [qid for qid in bank.questions if qid not in items]
        for sid in [*bank.scales, *bank.indices, *(AREA_PREFIX + a.id for a in bank.areas)]:
            scores += [c for c in (f"{sid}.raw", f"{sid}.score") if c not in scores]
    return items, scores


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def flat(row: dict[str, Any], items: list[str], scores: list[str]) -> list[Any]:
    """Return one response as a flat row: head fields, then each item, then each raw and 0-100 score."""
    values: dict[str, Any] = {}
    for sid, (raw, score) in row["scores"].items():
        values[f"{sid}.raw"], values[f"{sid}.score"] = raw, score
    return (
        [_cell(row[h]) for h in HEAD]
        + [_cell(row["answers"].get(i)) for i in items]
        + [_cell(values.get(c)) for c in scores]
    )


def csv_chunks(rows: Iterable[dict[str, Any]], banks: Iterable[Bank]) -> Iterator[str]:
    """Yield the CSV text, starting with a byte-order mark and the header row."""
    items, scores = columns(banks)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*HEAD, *items, *scores])
    yield BOM + _drain(buffer)
    for i, row in enumerate(rows, 1):
        writer.writerow(flat(row, items, scores))
        if i % CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def json_chunks(rows: Iterable[dict[str, Any]], summary: dict[str, Any]) -> Iterator[str]:
    """Yield one JSON document: the suppressed summary, then the responses array, one response at a time."""
    yield '{"summary": ' + json.dumps(summary, default=_cell) + ', "responses": ['
    for i, row in enumerate(rows):
        record = {h: row[h] for h in HEAD} | {"answers": row["answers"], "scores": row["scores"]}
        yield ("," if i else "") + "\n" + json.dumps(record, default=_cell)
    yield "\n]}\n"
