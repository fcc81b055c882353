"""The category rule at its boundaries: exactly the 低保, exactly twice it, exactly 80%."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartunion.assistance.models import Rules
from smartunion.assistance.rules import assess, candidates

DIBAO = Decimal("800.00")
RULES = Rules()  # the defaults: 1×, 2×, 80%


def category(income, *, size=3, rigid="0", costs="0"):
    return assess(
        household_size=size,
        annual_income=Decimal(income),
        annual_rigid_expenses=Decimal(rigid),
        hardship_costs=Decimal(costs),
        dibao_monthly=DIBAO,
        rules=RULES,
    ).category


def test_exactly_the_dibao_is_not_deep_but_relative():
    # 800 × 12 × 3 = 28,800 a year: per capita exactly 800.00.
    assert category("28800.00") == "relative"
    assert category("28799.99") == "deep"


def test_exactly_twice_the_dibao_is_not_relative():
    assert category("57600.00") is None
    assert category("57599.99") == "relative"


def test_rigid_expenses_come_off_the_income_before_dividing():
    assert category("38800.00", rigid="10000.00") == "relative"
    assert category("38800.00", rigid="10000.01") == "deep"


def test_hardship_costs_must_be_above_80_percent_of_the_income():
    # 100,000 a year for three is above twice the 低保: only the accident rule can apply.
    assert category("100000.00", costs="80000.00") is None
    assert category("100000.00", costs="80000.01") == "accident"


def test_a_rounded_per_capita_figure_never_moves_a_household_across_the_line():
    # 28,799.99 ÷ 36 = 799.9997…, shown as 800.00, and still below the standard.
    result = assess(
        household_size=3,
        annual_income=Decimal("28799.99"),
        annual_rigid_expenses=Decimal("0"),
        hardship_costs=Decimal("0"),
        dibao_monthly=DIBAO,
        rules=RULES,
    )
    assert result.per_capita_monthly == Decimal("800.00")
    assert result.category == "deep"


@given(
    income=st.decimals(min_value=0, max_value=500000, places=2),
    rigid=st.decimals(min_value=0, max_value=100000, places=2),
    size=st.integers(min_value=1, max_value=12),
)
def test_the_rule_agrees_with_exact_fractions(income, rigid, size):
    from fractions import Fraction

    per_capita = Fraction(income - rigid) / 12 / size
    expected = (
        "deep"
        if per_capita < Fraction(DIBAO)
        else "relative"
        if per_capita < 2 * Fraction(DIBAO)
        else None
    )
    assert category(str(income), size=size, rigid=str(rigid)) == expected


def test_a_county_without_its_own_standard_takes_its_city_then_its_province():
    assert candidates("620102") == ["620102", "620100", "620000"]
    assert candidates("620100") == ["620100", "620000"]
    assert candidates("620000") == ["620000"]


def test_a_household_of_nobody_is_not_assessed():
    with pytest.raises(ValueError):
        category("1000", size=0)
