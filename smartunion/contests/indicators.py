"""The contest indicators (劳动和技能竞赛, SERVICES.md §5), for ``stats``: the figures of
统计分析 read these declarations; nothing is typed in (ARCHITECTURE.md invariant 5).

A contest counts in the period its dates begin in (开始日期), under its organiser (主办); a
contest refused a place on the plan does not count. An entrant counts in the period their
contest begins in, under the union that entered them: in the preliminaries when they were
accepted to compete (参赛 and every step after it), in the final when they advanced to it —
the seed's 53万 and 3.9万 are these two figures of the province for a year.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from smartunion.contests.codes import ContestKind, Tier
from smartunion.contests.models import Contest, Entry
from smartunion.core.home import url_for
from smartunion.stats.indicators import FLOW, Indicator, Part, kept, register

GROUP = "劳动和技能竞赛"
#: Entry states of someone who competed in the preliminaries.
COMPETED = ("accepted", "finalist", "eliminated", "publicity", "published")
#: An entry's date in the statistics: its contest's 开始日期 (the summaries of the entrants are
#: kept by the month of that date, through the entry's contest: decision 0034).
CONTEST_BEGINS = "contest__starts_on"


def _contests():
    return Contest.objects.exclude(state__in=("not_planned",))


def _entries():
    return Entry.objects.all()


def _begun(prefix: str = ""):
    def when(start: dt.date, end: dt.date) -> Q:
        return Q(**{f"{prefix}starts_on__gte": start, f"{prefix}starts_on__lte": end})

    return when


def _entry_when(where: Q):
    def when(start: dt.date, end: dt.date) -> Q:
        return _begun("contest__")(start, end) & where

    return when


def _contests_by(column: str | None, dim: str) -> Part:
    """The contests begun in the period under their organiser (split by ``column``), kept in
    the summaries as ``dim`` by the month they begin."""
    return Part(
        _contests,
        "org__path",
        _begun(),
        category=None if column is None else (lambda end: F(column)),
        # A contest is planned ahead: its 开始日期 may be later this month.
        summary=kept(dim, "starts_on", ahead=True),
    )


def _plan(org) -> str:
    return url_for("contests:contests", {})


CONTESTS = Indicator(
    code="contests.contests",
    name="劳动和技能竞赛项数",
    definition="统计期内开始的劳动和技能竞赛项数（不含未纳入计划的申报），按主办工会统计。",
    unit="项",
    parts=(_contests_by(None, "cn"),),
    kind=FLOW,
    group=GROUP,
    order=90,
    list_url=_plan,
)
BY_TIER = Indicator(
    code="contests.by_tier",
    name="劳动和技能竞赛项数（按层级）",
    definition="统计期内开始的竞赛按层级（省级引领性、一类、二类、市州级、企业级）分组。",
    unit="项",
    parts=(_contests_by("tier", "ct"),),
    categories=tuple(Tier.choices),
    kind=FLOW,
    group=GROUP,
    order=91,
)
BY_KIND = Indicator(
    code="contests.by_kind",
    name="劳动和技能竞赛项数（按类别）",
    definition="统计期内开始的竞赛按类别（劳动竞赛、技能竞赛、创新竞赛）分组。",
    unit="项",
    parts=(_contests_by("kind", "ck"),),
    categories=tuple(ContestKind.choices),
    kind=FLOW,
    group=GROUP,
    order=92,
)
PRELIMINARY = Indicator(
    code="contests.preliminary_entrants",
    name="参加初赛（选拔赛）职工人次",
    definition="统计期内开始的竞赛中，经审核参加初赛的选手人次（含晋级、未晋级、已公布成绩），"
    "按报名工会统计；同一职工参加两个工种计两人次。",
    unit="人次",
    parts=(
        Part(
            _entries,
            "org__path",
            _entry_when(Q(state__in=COMPETED)),
            summary=kept("ce", CONTEST_BEGINS, ahead=True),
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=93,
)
FINAL = Indicator(
    code="contests.final_entrants",
    name="参加决赛职工人次",
    definition="统计期内开始的竞赛中晋级决赛的选手人次，按报名工会统计。",
    unit="人次",
    parts=(
        Part(
            _entries,
            "org__path",
            _entry_when(Q(round="final") & Q(state__in=COMPETED)),
            summary=kept("cf", CONTEST_BEGINS, ahead=True),
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=94,
)

ALL = (CONTESTS, BY_TIER, BY_KIND, PRELIMINARY, FINAL)


def register_indicators() -> None:
    register(*ALL)
