"""Turn monthly sums into what the coach may see, so that no view, and no pair or set of views, singles anyone out.

- Months are the building blocks: a month, quarter or year shows sums over its months, and a month with fewer
  than k responses is left out of all of them.
- Within a month, a cell (an outcome's count, a band of a scale, a question's mean, a square of the map) with 1
  to k-1 responses is hidden; in a group of cells that make up a whole (the outcome mix, a scale's bands, the
  map) more are hidden until the hidden ones add up to at least k.
- A period hides every cell any of its months hides. So every number shown, and every difference between
  numbers shown in any views, is a sum over groups of none or at least k responses.
- Site and version filters split each month by site and version. They apply to a period only when every split of
  each of its months has at least k responses, and then every view of the month hides what any split hides.
- Weeks cut across months, so a week shows only how many people started and finished, never what they answered.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quiz.coach.filters import DIRECT

Cell = tuple[str, str]  # (kind, key), as in the monthly sums
Atom = dict[Cell, list[float]]  # cell -> [n, sum, sum of squares]
RESPONSES: Cell = ("responses", "")
WHOLES = {"outcome", "crisis", "careless", "hardest", "plane"}  # kinds whose cells add up to all responses
VISITS = {("started", "intro"): "started", ("finished", "result"): "finished"}  # funnel cells that say who came


def hidden_cells(atoms: Iterable[Atom], k: int) -> set[Cell]:
    """Return the cells to hide in every view of these atoms (one month, or a month and its splits).

    A cell is hidden where any atom has 1 to k-1 of it; then, in each atom, a whole whose hidden cells add up
    to 1 to k-1 has its smallest shown cell hidden too, until no atom's hidden cells can be worked out by
    subtraction.
    """
    atoms = list(atoms)
    hidden = {c for atom in atoms for c, (n, *_) in atom.items() if 0 < n < k}
    wholes = [_wholes(atom) for atom in atoms]
    grown = True
    while grown:
        grown = False
        for atom, groups in zip(atoms, wholes, strict=True):
            for cells in groups:
                if 0 < sum(atom[c][0] for c in cells if c in hidden) < k:
                    shown = [(atom[c][0], c) for c in cells if c not in hidden and atom[c][0] > 0]
                    if shown:
                        hidden.add(min(shown)[1])
                        grown = True
    return hidden


def _wholes(atom: Atom) -> list[list[Cell]]:
    """Group an atom's cells into the wholes they add up to: each kind in WHOLES, and each scale's bands."""
    found: defaultdict[str, list[Cell]] = defaultdict(list)
    for kind, key in atom:
        if kind in WHOLES or kind == "band":
            found[kind if kind in WHOLES else "band:" + key.rsplit(":", 1)[0]].append((kind, key))
    return list(found.values())


def _add(into: Atom, atom: Atom) -> None:
    for cell, (n, s1, s2) in atom.items():
        now = into.setdefault(cell, [0, 0.0, 0.0])
        now[0], now[1], now[2] = now[0] + n, now[1] + s1, now[2] + s2


@dataclass
class Sums:
    """The sums a view may show from, the cells it must hide, and what narrowing the period allows."""

    cells: Atom = field(default_factory=dict)
    hidden: set[Cell] = field(default_factory=set)
    left_out: int = 0  # months with fewer than k responses, left out of every figure
    sites: list[str] = field(default_factory=list)  # filter values offered for this period
    versions: list[int] = field(default_factory=list)

    def n(self, cell: Cell) -> int | None:
        """Return a cell's count, or None when it is hidden."""
        return None if cell in self.hidden else int(self.cells.get(cell, (0,))[0])

    def stats(self, cell: Cell) -> dict[str, Any]:
        """Return a cell's n, mean and standard deviation; all None when it is hidden or empty."""
        n, s1, s2 = self.cells.get(cell, (0, 0.0, 0.0))
        if cell in self.hidden or not n:
            return {"n": None, "mean": None, "sd": None}
        sd = math.sqrt(max(s2 - s1 * s1 / n, 0.0) / (n - 1)) if n > 1 else None
        return {"n": int(n), "mean": s1 / n, "sd": sd}

    def keys(self, kind: str, order: Sequence[str] = ()) -> list[str]:
        """Return the keys of a kind's cells, those named in `order` first and in that order."""
        rank = {key: i for i, key in enumerate(order)}
        return sorted((key for k, key in self.cells if k == kind), key=lambda key: rank.get(key, len(rank)))


def sums(rows: Iterable[tuple[Any, ...]], k: int, site: str | None = None, version: int | None = None) -> Sums | None:
    """Add up a period's months for the view, or return None when the filter cannot apply to this period."""
    by_month: dict[date, dict[tuple[int, str], Atom]] = defaultdict(lambda: defaultdict(dict))
    for first_day, bank_version, origin, kind, key, n, s1, s2 in rows:
        by_month[first_day][(bank_version, origin)][(kind, key)] = [n, s1, s2]
    found, splits = Sums(), []
    for cross in by_month.values():
        month: Atom = {}
        for atom in cross.values():
            _add(month, atom)
        if month.get(RESPONSES, [0])[0] < k:
            found.left_out += 1
            continue
        split = all(atom.get(RESPONSES, [0])[0] >= k for atom in cross.values())
        found.hidden |= hidden_cells([month, *cross.values()] if split else [month], k)
        splits.append(split)
        picked = [a for (v, o), a in cross.items() if (site is None or (o or DIRECT) == site) and version in (None, v)]
        for atom in picked if site or version is not None else [month]:
            _add(found.cells, atom)
        found.sites = sorted({*found.sites, *((o or DIRECT) for _, o in cross)})
        found.versions = sorted({*found.versions, *(v for v, _ in cross)})
    if not all(splits):
        found.sites, found.versions = [], []
    if (site is not None and site not in found.sites) or (version is not None and version not in found.versions):
        return None
    return found


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


def funnel_counts(rows: Iterable[tuple[date, str, str, int]], k: int) -> dict[Cell, int | None]:
    """Add up a period's funnel counts by (event, step); a step with 1 to k-1 people in any month is hidden."""
    total: defaultdict[Cell, int] = defaultdict(int)
    by_month: defaultdict[tuple[date, Cell], int] = defaultdict(int)
    for day, step, event, n in rows:
        total[(event, step)] += n
        by_month[(day.replace(day=1), (event, step))] += n
    unsafe = {cell for (_, cell), n in by_month.items() if 0 < n < k}
    # Who starts and finishes is no answer, so those two are hidden only when the period itself has fewer than k.
    return {c: None if (c in unsafe and c not in VISITS) or 0 < n < k else n for c, n in total.items()}
