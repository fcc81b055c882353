"""Fixtures of legal aid (tests and the generated permission tests): the local minimum wage, a
handler, and cases opened through the service in a given union."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from smartunion.casework.models import RegionalRate
from smartunion.legalaid import services
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler
from smartunion.legalaid.rules import MIN_WAGE


def min_wages(region: str = "620100", monthly: str = "2020.00", years=None) -> None:
    """兰州市 (and so 城关区, 七里河区) at 2,020 元/month, this year and last."""
    this = dt.date.today().year
    for year in years or (this - 1, this):
        RegionalRate.objects.get_or_create(
            kind=MIN_WAGE, region_id=region, year=year, defaults={"monthly": Decimal(monthly)}
        )


def make_handler(org, *, name: str = "李律师", kind: str = "lawyer", user=None):
    return LegalAidHandler.objects.create(org=org, kind=kind, name=name, firm="", user=user)


def application(**changes) -> services.CaseData:
    """A worker's wage claim of 8,000 元 with 900 元 a head: passes the financial test."""
    values = dict(
        applicant_kind="worker",
        applicant_name="王小二",
        matter="labour",
        subtype="wages",
        aid_form="arbitration",
        employer="兰州某建筑公司",
        facts="拖欠工资三个月。",
        amount_in_dispute="8000.00",
        income_per_head="900.00",
        knew_on=dt.date.today() - dt.timedelta(days=90),
    )
    values.update(changes)
    return services.CaseData(**values)


def make_case(org, actor, *, on: dt.date | None = None, **changes) -> LegalAidCase:
    min_wages()
    return services.create_case(application(**changes), org.pk, actor=actor, on=on)
