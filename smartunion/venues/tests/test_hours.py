import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smartunion.venues.hours import CHINA_TZ, is_open_at, normalize_day, parse_ranges

TUESDAY = dt.date(2026, 11, 24)


def at(hh, mm=0, day=TUESDAY):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=CHINA_TZ)


def test_ranges_are_read_in_minutes_and_normalized():
    assert parse_ranges("8:00-12:00，14:30-18:00") == [(480, 720), (870, 1080)]
    assert normalize_day(" 8:00 - 20:00 ", "周一", "hours_mon") == "08:00-20:00"
    assert normalize_day("", "周一", "hours_mon") == ""


@pytest.mark.parametrize("text", ["8点到20点", "25:00-26:00", "08:00-08:00", "08:61-09:00"])
def test_a_bad_range_names_the_day_in_chinese(text):
    with pytest.raises(ValidationError) as exc:
        normalize_day(text, "周三", "hours_wed")
    assert "周三的开放时间格式不正确" in exc.value.message_dict["hours_wed"][0]


def test_open_now_follows_the_day_and_the_range():
    hours = ["08:00-12:00,14:00-18:00"] * 5 + ["", ""]
    assert is_open_at(hours, False, at(9))
    assert not is_open_at(hours, False, at(13))
    assert not is_open_at(hours, False, at(18))
    assert not is_open_at(hours, False, at(10, day=dt.date(2026, 11, 28)))  # Saturday


def test_a_range_past_midnight_is_open_early_the_next_morning():
    hours = [""] * 7
    hours[1] = "20:00-06:00"  # Tuesday night
    assert is_open_at(hours, False, at(23))
    assert is_open_at(hours, False, at(5, day=dt.date(2026, 11, 25)))
    assert not is_open_at(hours, False, at(7, day=dt.date(2026, 11, 25)))


def test_open_now_is_decided_on_beijing_time():
    hours = ["08:00-20:00"] * 7
    # 01:00 UTC is 09:00 in Beijing: open; 13:00 UTC is 21:00: closed.
    assert is_open_at(hours, False, dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))
    assert not is_open_at(hours, False, dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC))
    assert is_open_at([""] * 7, True, dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC))
