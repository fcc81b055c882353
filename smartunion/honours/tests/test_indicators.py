"""The 劳模工匠 figures are statistics indicators, computed from the register and the studios."""

from __future__ import annotations

import datetime as dt

from smartunion.honours import indicators, studios
from smartunion.honours.testing import make_honour, make_studio
from smartunion.stats import indicators as stats
from smartunion.stats.modules import year_figures


def test_honour_and_studio_indicators(world):
    assert {i.code for i in indicators.ALL} <= {i.code for i in stats.all_indicators()}
    a, b = world.member_a1.person, world.member_b1.person
    year = dt.date.today().year
    make_honour(a, kind="provincial_model", year=2020)
    make_honour(b, kind="craftsman", year=2023)
    make_honour(
        b,
        kind="technical_expert",
        year=2021,
        state="revoked",
        revoked_reason="x",
        revoked_document="y",
        revoked_on=dt.date(2022, 1, 1),
    )
    studio = make_studio(world)
    day = dt.date(year, 1, 2)
    for data in (
        studios.RecordData(
            type="training", happened_on=day, title="师带徒", trained=170, promoted=12
        ),
        studios.RecordData(
            type="outcome",
            happened_on=day,
            title="装置",
            outcome_kind="utility",
            patent_no="ZL2025",
            amount="300000",
        ),
    ):
        studios.add_record(studio.pk, data, actor=world.county_admin)
    f = year_figures(world.city_admin, str(year), shown=indicators.ALL, by_union=())
    values = {code: shown.value for code, shown in f.figures.items()}
    assert values["honours.held"] == 2 and values["honours.model_workers"] == 1
    assert values["honours.held_by_kind"]["craftsman"] == 1
    assert values["honours.studios"] == 1
    assert values["honours.studio_trained"] == 170 and values["honours.studio_promoted"] == 12
    assert values["honours.studio_patents"] == 1
    assert values["honours.studio_benefit"] == 300000
    county = year_figures(world.sibling_admin, str(year), shown=indicators.ALL, by_union=())
    assert county.figures["honours.studio_trained"].value in (0, None)
