"""Helpers of the statistics tests: the figures read from the records alone (no union keeping
summaries), the comparison of the figures kept in the summaries with the records at given
dates — made only where it can fail — one date of each kind of read window, and a frozen
"today"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.utils import timezone

from smartunion.stats import indicators, summaries

#: A past day in the first half of its month: the tests' records begin and end around it.
EDGE = dt.date(2022, 6, 9)


def month_end(day: dt.date) -> dt.date:
    return summaries.month_end(summaries.month_index(day))


def window_dates(today: dt.date) -> list[dt.date]:
    """One date of each window a figure from the summaries reads (``summaries.stock`` and
    ``_kept_remainder``): the first and second half of a past month (the rows before it and
    the records from its first day; its month's rows less the records of the rest), a
    December's end (the year rows alone), another month's end (year and month rows), the
    first of this month, a day inside it and today; with ``EDGE`` and the day before it."""
    return sorted(
        {
            EDGE - dt.timedelta(days=1),
            EDGE,
            EDGE + dt.timedelta(days=11),
            dt.date(2023, 12, 31),
            dt.date(2024, 2, 29),
            today.replace(day=1),
            max(today.replace(day=1), today - dt.timedelta(days=1)),
            today,
        }
    )


def from_records(read):
    """``read()`` with no union keeping summaries: every figure read from the records."""
    depth = summaries.DEPTH
    summaries.DEPTH = 0
    try:
        return read()
    finally:
        summaries.DEPTH = depth


def clean(numbers: dict) -> dict:
    """``numbers_by_key``'s numbers without the zeros and the keys with none."""
    return {
        key: [Counter({c: n for c, n in part.items() if n}) for part in parts]
        for key, parts in numbers.items()
        if any(any(part.values()) for part in parts)
    }


def kept_by_child(org) -> bool:
    """Whether ``org``'s sub-units keep summaries: below a county, a read by sub-unit goes to
    the records from the summaries' side too, and comparing it with the records proves nothing."""
    return summaries.covers(org.path + "x" * summaries.SEGMENT)


def assert_kept_equals_records(codes: Iterable[str], orgs, dates: Iterable[dt.date]) -> None:
    """At each of ``dates``, for each of ``orgs`` (unions that keep summaries): the numbers of
    each indicator of ``codes`` by sub-unit (where the sub-units keep summaries) and the
    overview's figures read together (含下级 and 本级) equal the same read from the records."""
    shown = [indicators.get(code) for code in codes]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for org in orgs:
        assert summaries.covers(org.path), (org.name, "reads the records on both sides")
        for on in dates:
            if kept_by_child(org):
                for indicator in shown:
                    kept = indicators.numbers_by_key(indicator, org.path, on, by_child=True)
                    records = from_records(
                        lambda i=indicator, o=org, d=on: indicators.numbers_by_key(
                            i, o.path, d, by_child=True
                        )
                    )
                    assert clean(kept) == clean(records), (indicator.code, org.name, on)
            figures = indicators.figures_of(shown, org, on, tomorrow)
            records = from_records(lambda o=org, d=on: indicators.figures_of(shown, o, d, tomorrow))
            assert [(f.value, f.own) for f in figures] == [(f.value, f.own) for f in records], (
                org.name,
                on,
            )


def freeze_today(monkeypatch, day: dt.date) -> None:
    """Django's local date fixed at ``day`` and its time at noon of it (the services date and
    time their records with ``timezone.localdate()`` and ``timezone.now()``); ``localdate`` of
    a given time still converts it."""
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    localdate = timezone.localdate
    monkeypatch.setattr(timezone, "now", lambda: now)
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, zone=None: localdate(now if value is None else value, zone),
    )
