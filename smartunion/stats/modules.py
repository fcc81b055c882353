"""A module's own figures page (法律援助统计, 诉求工单统计 …) read through the indicators, so that a
figure there and in 统计分析 is one definition: the year's figures of the user's scope and of
each sub-unit, every part of the page's indicators measured in one grouped read per records
table (``indicators.read_together``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

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


def year_figures(
    user, raw_year: str | None, shown: Sequence[Indicator], by_union: Sequence[Indicator]
) -> YearFigures:
    """The figures of ``shown`` for the user's scope over a year (to today for this year),
    and those of ``by_union`` (among ``shown``) for each sub-unit, the sub-units with none left
    out: ``indicators.read_together``, a few grouped reads for the whole page."""
    today = timezone.localdate()
    year = pick_year(raw_year, today)
    on = min(dt.date(year, 12, 31), today)
    org = figures.scope_root(user)
    out: dict[str, Shown] = {}
    rows: list[SubUnit] = []
    if org is not None:
        is_scope = org.pk == user.scope_org_id
        numbers = indicators.read_together(shown, org, on)
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
