"""The working-day calendar: every deadline in working days comes from here (STYLE.md, "Time
is a service").

A day is a working day when it is Monday to Friday and not an official holiday, or when it
is a weekend day worked instead (调休). The exceptions live in ``CalendarDay``, pre-filled from
the ``chinese-calendar`` package for the years it knows and edited by province admins for the
rest (the State Council publishes next year's arrangement each November). A year that nobody
entered counts Monday to Friday, and every answer says whether it had to (``complete``).

Periods follow the usual rule: the day of the event is not counted; a period of N working days
ends on the N-th working day after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from smartunion.casework.models import CalendarDay, CalendarSource, CalendarYear, DayKind

#: The longest period anyone may ask for (a year and a half of working days).
MAX_WORKING_DAYS = 400

# chinese-calendar names its holidays in English.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class Due:
    """The end of a period: ``due``, and whether every year it crosses was entered."""

    start: dt.date
    working_days: int
    due: dt.date
    complete: bool
    missing_years: tuple[int, ...] = ()

    @property
    def note(self) -> str:
        """What a page says beside a date computed without the official arrangement."""
        if self.complete:
            return ""
        years = "、".join(f"{y}年" for y in self.missing_years)
        return f"{years}节假日安排尚未录入，按周一至周五估算"


def _exceptions(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    return dict(
        CalendarDay.objects.filter(day__gte=first, day__lte=last).values_list("day", "kind")
    )


def _complete_years(years) -> set[int]:
    return set(
        CalendarYear.objects.filter(year__in=list(years), complete=True).values_list(
            "year", flat=True
        )
    )


def _is_working(day: dt.date, exceptions: dict[dt.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: dt.date, working_days: int) -> Due:
    """The N-th working day after ``start`` (``start`` itself not counted).

    Two queries: the exceptions of a window generous enough for any period (N working days
    never span more than 2N + 60 calendar days: the longest holiday is 8 days, twice a year).
    """
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise ValueError(f"working_days must be 0..{MAX_WORKING_DAYS}")
    window_end = start + dt.timedelta(days=2 * working_days + 60)
    exceptions = _exceptions(start, window_end)
    day, left = start, working_days
    while left:
        day += dt.timedelta(days=1)
        if _is_working(day, exceptions):
            left -= 1
    years = set(range(start.year, day.year + 1))
    missing = tuple(sorted(years - _complete_years(years)))
    return Due(start, working_days, day, not missing, missing)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += _is_working(day, exceptions)
    return count


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def year_is_complete(year: int) -> bool:
    return bool(_complete_years([year]))


# ---- filling and editing ----------------------------------------------------------------------


def load_package_calendar(year_model=CalendarYear, day_model=CalendarDay) -> list[int]:
    """Pre-fill every year ``chinese-calendar`` knows that nobody entered yet; returns them.

    Years already in the table are left alone, whoever entered them: a province's own edits
    are never overwritten by a newer package. (The models are parameters so that the data
    migration can pass its historical ones.)
    """
    import chinese_calendar

    known = set(year_model.objects.values_list("year", flat=True))
    days: dict[int, list[CalendarDay]] = {}
    sources = (
        (chinese_calendar.holidays, DayKind.HOLIDAY),
        (chinese_calendar.workdays, DayKind.WORKDAY),
    )
    for source, kind in sources:
        for day, name in source.items():
            if day.year in known:
                continue
            label = HOLIDAY_NAMES.get(name, name or "")
            days.setdefault(day.year, []).append(day_model(day=day, kind=kind, name=label))
    years = sorted(days)
    with transaction.atomic():
        for year in years:
            day_model.objects.filter(day__year=year).delete()
            day_model.objects.bulk_create(days[year])
            year_model.objects.create(
                year=year,
                complete=True,
                source=CalendarSource.PACKAGE.value,
                note=f"chinese-calendar {_package_version()} 预置",
            )
    return years


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed with the project
        return ""
