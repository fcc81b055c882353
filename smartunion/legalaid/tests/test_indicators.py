"""The legal-aid figures are statistics indicators: cases by type and form, money recovered,
migrant workers' wage cases — one definition for the figures page and 统计分析."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from smartunion.legalaid import indicators
from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import make_case
from smartunion.stats import indicators as stats
from smartunion.stats import kept
from smartunion.stats.modules import year_figures

TODAY = dt.date.today()


def page(user, year=None):
    return year_figures(
        user,
        str(year or TODAY.year),
        shown=indicators.ALL,
        by_union=(indicators.CASES, indicators.RECOVERED),
    )


def test_the_legal_aid_indicators_are_registered(world):
    codes = {i.code for i in stats.all_indicators()}
    assert {i.code for i in indicators.ALL} <= codes
    assert stats.get("legalaid.recovered").unit == "元"


def test_cases_by_type_form_money_and_migrant_wage_cases(world, client):
    make_case(world.union_a1, world.county_admin, applicant_kind="migrant", workers_involved=3)
    make_case(world.union_a2, world.county_admin, aid_form="mediation", subtype="injury")
    make_case(world.union_b1, world.sibling_admin, matter="personal", subtype="")
    LegalAidCase.objects.filter(org=world.union_a1).update(
        state="closed", result="mediated", recovered=Decimal("12000.50")
    )
    LegalAidCase.objects.filter(org=world.union_a2).update(recovered=Decimal("800"))
    kept.rebuild()  # written outside the services: the statistics' summaries recounted
    f = page(world.city_admin)
    values = {code: shown.value for code, shown in f.figures.items()}
    assert values["legalaid.cases"] == 3 and values["legalaid.closed"] == 1
    assert values["legalaid.recovered"] == Decimal("12800.50")
    assert values["legalaid.migrant_wages"] == 1
    assert values["legalaid.workers"] == 5
    assert (
        values["legalaid.by_matter"]["labour"] == 2
        and values["legalaid.by_matter"]["personal"] == 1
    )
    assert values["legalaid.by_form"] == {
        **dict.fromkeys(values["legalaid.by_form"], 0),
        "arbitration": 2,
        "mediation": 1,
    }
    assert values["legalaid.by_result"]["mediated"] == 1
    today = timezone.localdate()
    for indicator in indicators.ALL:
        assert values[indicator.code] == stats.figure(indicator, world.city, today, today).value
    rows = {r.org.name: r.values for r in f.by_union}
    assert rows == {"城关区总工会": ["2", "12,800.50"], "七里河区总工会": ["1", "0.00"]}
    client.force_login(world.city_admin)
    text = client.get("/legal-aid/figures/").content.decode()
    assert "农民工讨薪案件数" in text and "12,800.50" in text
    assert page(world.sibling_admin).figures["legalaid.cases"].value == 1
