"""The financial test and the limitation date (SERVICES.md §3.2, 劳动争议调解仲裁法 §27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartunion.legalaid.rules import financial_test, limitation_date, limitation_near


def check(**changes):
    values = dict(
        applicant_kind="worker",
        subtype="wages",
        exemption="",
        amount_in_dispute=Decimal("1000.00"),
        income_per_head=Decimal("2019.99"),
        region_code="620102",
        year=dt.date.today().year,
    )
    values.update(changes)
    return financial_test(**values)


def test_it_passes_at_1000_yuan_below_the_county_minimum_wage_taken_from_its_city(wages):
    result = check()
    assert result.ok
    assert result.min_wage == Decimal("2020.00")


def test_it_refuses_999_99_yuan_in_dispute(wages):
    result = check(amount_in_dispute=Decimal("999.99"))
    assert not result.ok
    assert result.note == "争议金额不足1000元。"


def test_it_refuses_an_income_exactly_at_the_minimum_wage(wages):
    result = check(income_per_head=Decimal("2020.00"))
    assert not result.ok
    assert "不低于当地最低工资标准2020.00元" in result.note


@pytest.mark.parametrize(
    ("exemption", "subtype"), [("migrant_wages", "wages"), ("migrant_injury", "injury")]
)
def test_migrant_workers_claiming_wages_or_injury_compensation_are_exempt(
    wages, exemption, subtype
):
    result = check(
        applicant_kind="migrant",
        subtype=subtype,
        exemption=exemption,
        amount_in_dispute=Decimal("300"),
        income_per_head=Decimal("9000"),
    )
    assert result.ok


def test_the_migrant_exemption_is_refused_to_other_workers(wages):
    result = check(exemption="migrant_wages", amount_in_dispute=Decimal("300"))
    assert not result.ok
    assert result.note == "只有农民工追索劳动报酬或请求工伤赔偿可免予经济困难审查。"


def test_the_migrant_exemption_must_match_the_claim(wages):
    result = check(applicant_kind="migrant", subtype="dismissal", exemption="migrant_wages")
    assert not result.ok


def test_illness_or_disaster_exempts_anyone(wages):
    assert check(exemption="hardship", amount_in_dispute=None, income_per_head=None).ok


def test_without_a_minimum_wage_for_the_year_it_says_so(wages):
    result = check(year=2001)
    assert not result.ok
    assert result.note == "尚未录入该地区2001年的最低工资标准，无法审查。"


def test_the_limitation_is_one_calendar_year_and_warns_30_days_ahead():
    assert limitation_date(dt.date(2025, 3, 10)) == dt.date(2026, 3, 10)
    assert limitation_date(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert limitation_near(dt.date(2026, 3, 10), dt.date(2026, 2, 8))
    assert not limitation_near(dt.date(2026, 3, 10), dt.date(2026, 2, 7))
    assert not limitation_near(None, dt.date(2026, 2, 7))
