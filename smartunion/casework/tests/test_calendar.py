"""The working-day calendar: periods around the 2026 Spring Festival and National Day (with
their 调休 weekends), a year nobody entered, and the province's own entries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartunion.casework import calendar, services
from smartunion.casework.models import CalendarDay, CalendarYear, DayKind

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # 2026-02-14 is a Saturday worked instead (调休); 15–23 February is the holiday.
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 15), 1, D(2026, 2, 24)),
        # The day of the event is not counted, even when it is a holiday.
        (D(2026, 2, 23), 1, D(2026, 2, 24)),
        # 2026-02-28, a Saturday, is worked too.
        (D(2026, 2, 24), 4, D(2026, 2, 28)),
        (D(2026, 2, 24), 5, D(2026, 3, 2)),
        # National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 10, 9), 2, D(2026, 10, 12)),
        # Zero days: the day itself.
        (D(2026, 10, 3), 0, D(2026, 10, 3)),
    ],
)
def test_periods_follow_the_official_arrangement(db, start, days, due):
    result = calendar.add_working_days(start, days)
    assert result.due == due
    assert result.complete and result.note == ""


def test_the_package_years_are_there_and_complete(db):
    assert CalendarYear.objects.filter(year=2026, complete=True, source="package").exists()
    assert CalendarDay.objects.get(day=D(2026, 2, 14)).kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(day=D(2026, 10, 1)).name == "国庆节"
    assert calendar.is_working_day(D(2026, 10, 10))
    assert not calendar.is_working_day(D(2026, 10, 7))


def test_a_year_nobody_entered_counts_monday_to_friday_and_says_so(db):
    # 2027: not in chinese-calendar 1.11.0, not entered by the province.
    result = calendar.add_working_days(D(2027, 1, 29), 1)  # a Friday
    assert result.due == D(2027, 2, 1)
    assert not result.complete
    assert result.missing_years == (2027,)
    assert "2027年节假日安排尚未录入" in result.note
    # A period that starts in a known year and ends in the unknown one says so too.
    crossing = calendar.add_working_days(D(2026, 12, 30), 5)
    assert crossing.due == D(2027, 1, 6)
    assert crossing.missing_years == (2027,)


def test_working_days_between_counts_after_the_start_up_to_the_end(db):
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert calendar.working_days_between(D(2026, 2, 24), D(2026, 2, 24)) == 0
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 2, 24)) == 0


def test_the_province_enters_next_year_and_estimated_deadlines_change(world):
    holidays = {D(2027, 1, 1): "元旦", D(2027, 2, 1): "春节"}
    workdays = {D(2027, 1, 30): "春节"}  # a Saturday
    before = calendar.add_working_days(D(2027, 1, 29), 1)
    assert before.due == D(2027, 2, 1) and not before.complete
    services.save_calendar_year(
        2027, holidays=holidays, workdays=workdays, actor=world.province_admin
    )
    after = calendar.add_working_days(D(2027, 1, 29), 1)
    assert after.due == D(2027, 1, 30) and after.complete
    assert calendar.add_working_days(D(2027, 1, 30), 1).due == D(2027, 2, 2)


def test_only_the_province_admin_keeps_the_calendar(world):
    with pytest.raises(PermissionDenied):
        services.save_calendar_year(2027, holidays={}, workdays={}, actor=world.county_admin)
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("holidays", "workdays", "field", "message"),
    [
        ({D(2026, 1, 1): "元旦"}, {}, "holidays", "不在2027年"),
        ({D(2027, 1, 1): "元旦"}, {D(2027, 1, 1): "元旦"}, "workdays", "不能既放假又上班"),
        ({}, {D(2027, 1, 4): "元旦"}, "workdays", "是工作日，不必列为调休上班日"),
    ],
)
def test_a_wrong_calendar_is_refused_and_nothing_saved(world, holidays, workdays, field, message):
    with pytest.raises(ValidationError) as exc:
        services.save_calendar_year(
            2027, holidays=holidays, workdays=workdays, actor=world.province_admin
        )
    assert message in exc.value.message_dict[field][0]
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_a_newer_package_never_overwrites_the_province_s_own_year(world):
    services.save_calendar_year(
        2027, holidays={D(2027, 1, 1): "元旦"}, workdays={}, actor=world.province_admin
    )
    assert calendar.load_package_calendar() == []
    assert CalendarYear.objects.get(year=2027).source == "manual"


def test_periods_are_bounded(db):
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 1, 1), calendar.MAX_WORKING_DAYS + 1)
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 1, 1), -1)
