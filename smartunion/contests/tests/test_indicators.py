"""The contest figures are statistics indicators: contests by tier and kind, entrants in the
preliminaries and the final — computed from the records."""

from __future__ import annotations

import datetime as dt

from smartunion.contests import indicators
from smartunion.contests.models import Entry
from smartunion.contests.testing import county_contest, make_contest, make_entry
from smartunion.stats import indicators as stats
from smartunion.stats import kept
from smartunion.stats.modules import year_figures

YEAR = dt.date.today().year


def test_contests_and_entrants_by_tier_kind_and_round(world):
    assert {i.code for i in indicators.ALL} <= {i.code for i in stats.all_indicators()}
    contest = county_contest(world)  # 城关区, 市州级, open for entries
    make_contest(world.city, world.city_admin, tier="class2", kind="labour", name="兰州劳动竞赛")
    declined = make_contest(world.city, world.city_admin, tier="city", name="未纳入")
    type(declined).objects.filter(pk=declined.pk).update(state="not_planned")
    entries = [
        make_entry(contest, m, world.county_admin)
        for m in (world.member_a1, world.member_a2, world.add_member(world.union_a1, name="钱二"))
    ]
    Entry.objects.filter(pk__in=[e.pk for e in entries[:2]]).update(state="accepted")
    Entry.objects.filter(pk=entries[0].pk).update(state="finalist", round="final")
    kept.rebuild()  # written outside the services: the statistics' summaries recounted
    f = year_figures(world.city_admin, str(YEAR), shown=indicators.ALL, by_union=())
    values = {code: shown.value for code, shown in f.figures.items()}
    assert values["contests.contests"] == 2
    assert values["contests.by_tier"]["city"] == 1 and values["contests.by_tier"]["class2"] == 1
    assert values["contests.by_kind"] == {"labour": 1, "skills": 1, "innovation": 0}
    assert values["contests.preliminary_entrants"] == 2
    assert values["contests.final_entrants"] == 1
    sibling = year_figures(world.sibling_admin, str(YEAR), shown=indicators.ALL, by_union=())
    assert sibling.figures["contests.preliminary_entrants"].value == 0
