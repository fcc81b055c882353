"""A module's own figures page (法律援助统计, 诉求工单统计 …) read through the indicators, so that a
figure there and in 统计分析 is one definition: the year's figures of the user's scope and of
each sub-unit, every part of the page's indicators measured in one grouped read per records
table (``read_together``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.db.models import Value as SqlValue
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils import timezone

from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators
from smartunion.stats.indicators import Indicator, Value

#: How many years back a module's figures page offers.
YEARS = 5


@dataclass
class Shown:
    """One indicator's figure for the page: the value, as written, and its list."""

    indicator: Indicator
    value: Value
    text: str
    list_url: str = ""

    @property
    def parts(self) -> list[tuple[str, int]]:
        """A breakdown's (label, number) in the declaration's order."""
        values = self.value if isinstance(self.value, dict) else {}
        return [(label, values.get(code, 0)) for code, label in self.indicator.categories]


@dataclass
class SubUnit:
    org: Organization | None  # None: the union's own records (本级)
    values: list[str] = field(default_factory=list)
    list_url: str = ""


@dataclass
class YearFigures:
    org: Organization | None
    year: int
    years: range
    on: dt.date
    figures: dict[str, Shown]
    by_union: list[SubUnit]
    by_union_indicators: Sequence[Indicator]

    @property
    def cards(self) -> list[Shown]:
        """The single figures (counts, sums, rates), in the declaration's order."""
        return [s for s in self.figures.values() if not s.indicator.is_breakdown]

    @property
    def breakdowns(self) -> list[Shown]:
        return [s for s in self.figures.values() if s.indicator.is_breakdown]


def display(indicator: Indicator, value) -> str:
    """As ``figures.display``; a sum of money in yuan with its two decimals (12,800.50)."""
    if indicator.unit == "元" and value is not None and not indicator.is_rate:
        return f"{value:,.2f}"
    return figures.display(indicator, value)


def pick_year(raw: str | None, today: dt.date) -> int:
    """The year asked for (one of the last ``YEARS``), this year otherwise."""
    raw = (raw or "").strip()
    if raw.isdigit() and today.year - YEARS < int(raw) <= today.year:
        return int(raw)
    return today.year


def read_together(
    shown: Sequence[Indicator], org: Organization, on: dt.date
) -> dict[str, dict[str, list[Counter]]]:
    """The numbers of every part of ``shown`` under ``org`` at ``on``, by sub-unit — {code:
    {key: [Counter per part]}}, the same as ``indicators.numbers_by_key(…, by_child=True)``
    gives for each — in one grouped read per records table and path: every part of those
    indicators is a conditional measure of that read (its ``when``, and a category of a
    breakdown, as the aggregate's filter), the way a trend reads all its months at once. A
    part with a ``minus`` read is read on its own (``numbers_by_key``). Where the union keeps
    summaries for its sub-units (a province, a city), the parts kept from their declarations
    are read from the summaries instead, in one read of their rows (``indicators.read_kept``)."""
    out: dict[str, dict[str, list[Counter]]] = {}
    groups: dict[tuple[Any, str], list[tuple[Indicator, int, Any, dt.date, dt.date]]] = {}
    kept: dict[tuple[dt.date, dt.date], list[tuple[Indicator, int, Any]]] = {}
    for indicator in shown:
        if all(
            part.summary is not None
            and part.summary.dated
            and indicators.summarized(part, org.path, by_child=True)
            for part in indicator.parts
        ):
            # A province or a city: from the summaries, one read of their rows for all.
            out[indicator.code] = {}
            for i, part in enumerate(indicator.parts):
                kept.setdefault(indicators.period(indicator, on), []).append((indicator, i, part))
            continue
        if any(part.minus is not None or part.less is not None for part in indicator.parts) or all(
            indicators.summarized(part, org.path, by_child=True) for part in indicator.parts
        ):
            # Read on its own: a correction read, or the summaries (the membership events of a
            # province or a city: a few hundred rows, not a year's events).
            out[indicator.code] = indicators.numbers_by_key(indicator, org.path, on, by_child=True)
            continue
        start, end = indicators.period(indicator, on)
        out[indicator.code] = {}
        for i, part in enumerate(indicator.parts):
            groups.setdefault((part.queryset().model, part.path), []).append(
                (indicator, i, part, start, end)
            )
    for (start, end), entries in kept.items():
        reads = indicators.read_kept(
            [part for _, _, part in entries], org.path, start, end, by_child=True
        )
        for (indicator, i, _), read in zip(entries, reads, strict=True):
            for key, numbers in read.items():
                out[indicator.code].setdefault(key, [Counter() for _ in indicator.parts])[i] = (
                    numbers
                )
    for (_, lookup), entries in groups.items():
        qs = entries[0][2].queryset()
        qs = qs.filter(reduce(or_, (part.when(start, end) for _, _, part, start, end in entries)))
        measures: dict[str, Any] = {}
        for n, (indicator, _, part, start, end) in enumerate(entries):
            where = part.when(start, end)
            if part.category is None:
                measures[f"m{n}"] = part.measure(where)
                continue
            split = part.category(end)
            for k, (code, _) in enumerate(indicator.categories):
                measures[f"m{n}_{k}"] = part.measure(where & Q(Exact(split, SqlValue(code))))
        for key, row in _grouped(qs, lookup, org, measures):
            for n, (indicator, i, part, _, _) in enumerate(entries):
                numbers = out[indicator.code].setdefault(key, [Counter() for _ in indicator.parts])[
                    i
                ]
                if part.category is None:
                    numbers[""] += row[f"m{n}"] or 0
                else:
                    for k, (code, _) in enumerate(indicator.categories):
                        numbers[code] += row[f"m{n}_{k}"] or 0
    return out


def _grouped(qs, lookup: str, org: Organization, measures: dict[str, Any]):
    """(sub-unit key, row of measures) of ``qs`` under ``org``: one read grouped by the next
    segment of the path, as ``indicators.numbers_by_key`` groups."""
    keyed = qs.filter(**{f"{lookup}__startswith": org.path})
    keyed = keyed.annotate(_key=Substr(lookup, 1, len(org.path) + indicators.SEGMENT))
    for row in keyed.values("_key").annotate(**measures).order_by():
        yield row["_key"], row


def year_figures(
    user, raw_year: str | None, shown: Sequence[Indicator], by_union: Sequence[Indicator]
) -> YearFigures:
    """The figures of ``shown`` for the user's scope over a year (to today for this year),
    and those of ``by_union`` (among ``shown``) for each sub-unit, the sub-units with none left
    out: ``read_together``, a few grouped reads for the whole page."""
    today = timezone.localdate()
    year = pick_year(raw_year, today)
    on = min(dt.date(year, 12, 31), today)
    org = figures.scope_root(user)
    out: dict[str, Shown] = {}
    rows: list[SubUnit] = []
    if org is not None:
        is_scope = org.pk == user.scope_org_id
        numbers = read_together(shown, org, on)
        for indicator in shown:
            by_key = numbers[indicator.code]
            value = indicator.value(indicators.add(by_key.values(), len(indicator.parts)))
            text = "" if indicator.is_breakdown else display(indicator, value)
            url = indicator.list_url(org) if indicator.list_url and is_scope else ""
            out[indicator.code] = Shown(indicator, value, text, url)
        # Hundreds of sub-units under a city without counties (嘉峪关): only what the rows show.
        subs = [*figures.children_of(org).only("name", "path").order_by("path"), None]
        for sub in subs:
            key = sub.path if sub is not None else org.path
            values = []
            for indicator in by_union:
                empty = [Counter() for _ in indicator.parts]
                values.append(indicator.value(numbers[indicator.code].get(key, empty)))
            if not any(values):
                continue
            rows.append(
                SubUnit(
                    sub,
                    [display(i, v) for i, v in zip(by_union, values, strict=True)],
                    by_union[0].list_url(sub) if sub is not None and by_union[0].list_url else "",
                )
            )
    return YearFigures(
        org=org,
        year=year,
        years=range(today.year, today.year - YEARS, -1),
        on=on,
        figures=out,
        by_union=rows,
        by_union_indicators=by_union,
    )
