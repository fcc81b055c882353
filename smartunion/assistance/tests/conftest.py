"""Fixtures of hardship assistance: the 低保 standard of the test counties, a household."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartunion.assistance import services
from smartunion.assistance.codes import Category, SchoolLevel
from smartunion.assistance.models import ExclusionItem, StudentAidAmount
from smartunion.casework.models import Cap, RegionalRate
from smartunion.core.testing import new_id_number

#: A valid bank card number (Luhn) for fixtures.
CARD = "6222020200112233446"


def luhn_card(prefix: str = "622202020011223344") -> str:
    from stdnum import luhn

    return prefix + luhn.calc_check_digit(prefix)


@pytest.fixture
def standards(world):
    """兰州市 (and so 城关区, 七里河区) at 800 元/month in 2025 and 2026."""
    year = dt.date.today().year
    for y in (year - 1, year):
        RegionalRate.objects.create(
            kind="dibao", region_id="620100", year=y, monthly=Decimal("800.00")
        )
    return world


def no_exclusions() -> dict[str, bool]:
    return {
        code: False
        for code in ExclusionItem.objects.filter(active=True).values_list("code", flat=True)
    }


def household(
    *,
    head_name: str = "张建国",
    head_income: str = "600",
    family: int = 2,
    rigid: str = "0",
    other: str = "0",
    costs: str = "0",
    main_cause: str = "6",
    head_id: str | None = None,
    card: str = CARD,
) -> services.FileData:
    """A three-person household of 城关区 (the head and ``family`` others) below the 低保."""
    members = [
        services.MemberData(
            name=f"家属{i}",
            id_number=new_id_number(birth=dt.date(2008, 3, 1) if i == 1 else dt.date(1962, 1, 9)),
            relation="child" if i == 1 else "parent",
            monthly_income="0",
            identity="student" if i == 1 else "retired",
            school_level=SchoolLevel.BACHELOR if i == 1 else "",
        )
        for i in range(1, family + 1)
    ]
    return services.FileData(
        values={
            "work_status": "03",
            "model_worker_type": "0",
            "marital_status": "1",
            "hukou_kind": "1",
            "housing": "07",
            "address": "兰州市城关区东岗西路1号",
            "employer": "兰州第一机械厂",
            "other_annual_income": other,
            "annual_rigid_expenses": rigid,
            "hardship_costs": costs,
            "main_cause": main_cause,
            "secondary_causes": ["9"],
            "exclusions": no_exclusions(),
            "filing_level": "county",
        },
        head=services.MemberData(
            name=head_name,
            id_number=head_id or new_id_number(),
            relation="self",
            monthly_income=head_income,
            identity="unemployed",
        ),
        family=members,
        region="620102",
        bank_card=card,
    )


@pytest.fixture
def student_amounts(db):
    for level in (SchoolLevel.BACHELOR, SchoolLevel.COLLEGE, SchoolLevel.HIGH):
        for category in Category.values:
            amount = {"bachelor": "5000", "college": "4000", "high": "3000"}[level]
            StudentAidAmount.objects.create(level=level, category=category, amount=Decimal(amount))


@pytest.fixture
def caps(db):
    Cap.objects.create(purpose="living", per_payment=Decimal("3000"), per_year=Decimal("6000"))
    Cap.objects.create(purpose="warmth", per_payment=Decimal("3000"), per_year=Decimal("6000"))
