"""名次: the ranking of one round of one trade, as a pure function over the entrants' scores.

Higher total first; on an equal total the higher practical score; then the contest's rule
(``TieRule``): the higher theory score, then equal ranks — or equal ranks at once. Entrants
equal on every key share a rank and the next rank skips (1, 2, 2, 4). Entrants without a
total (a part not yet scored) are not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from smartunion.contests.codes import TieRule

THOUSANDTH = Decimal("0.001")


def q3(value: Decimal) -> Decimal:
    return value.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    key: int
    total: Decimal | None
    practice: Decimal | None
    theory: Decimal | None


def sort_key(row: Row, tie_rule: str) -> tuple:
    """Smaller is better (negated scores); a missing part score counts as 0 for the ties."""
    zero = Decimal(0)
    key = (-(row.total or zero), -(row.practice or zero))
    if tie_rule == TieRule.THEORY_THEN_EQUAL:
        key += (-(row.theory or zero),)
    return key


def rank(rows: Iterable[Row], tie_rule: str) -> dict[int, int | None]:
    """``{row.key: rank}`` (None for rows without a total). O(n log n)."""
    scored = [r for r in rows if r.total is not None]
    ranks: dict[int, int | None] = {}
    keyed = sorted((sort_key(r, tie_rule), r.key) for r in scored)
    previous, current = None, 0
    for position, (key, ident) in enumerate(keyed, start=1):
        if key != previous:
            current, previous = position, key
        ranks[ident] = current
    return ranks


def part_score(station_scores: dict[int, Sequence[Decimal]]) -> Decimal | None:
    """A part's score: each station the mean of its judges (two), then the mean of stations."""
    stations = [sum(v) / len(v) for v in station_scores.values() if v]
    if not stations:
        return None
    return q3(sum(stations) / len(stations))


def total(parts: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal | None:
    """Σ weight × part / 100 over the weighted parts; None while one of them is missing."""
    value = Decimal(0)
    for part, weight in weights.items():
        if weight == 0:
            continue
        if parts.get(part) is None:
            return None
        value += parts[part] * weight / 100
    return q3(value)
