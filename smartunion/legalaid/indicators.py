"""The legal-aid indicators (工会法律援助, SERVICES.md §3), for ``stats``: the figures page of
legal aid and 统计分析 read these same declarations.

A case counts in the period it was opened (受理日期), under the union holding it (its ``org``);
a consultation (咨询) is a case too. Money recovered (挽回经济损失) is the sum entered at 结案.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum

from smartunion.core.home import url_for
from smartunion.legalaid.codes import AidForm, ApplicantKind, Matter, Result, Subtype
from smartunion.legalaid.models import LegalAidCase
from smartunion.stats.indicators import FLOW, Indicator, Part, kept, register

GROUP = "法律援助"
CLOSED_STATES = ("closed", "visited", "archived")


def _cases():
    return LegalAidCase.objects.all()


def opened(start: dt.date, end: dt.date) -> Q:
    return Q(opened_on__gte=start, opened_on__lte=end)


def _opened(dim: str, where: Q | None = None, *, scale: int = 1, **kwargs) -> Part:
    """Cases opened in the period; the province's and the cities' and counties' numbers by
    month kept in the statistics' summaries (dimension ``dim``, decision 0025)."""

    def when(start, end):
        return opened(start, end) & where if where is not None else opened(start, end)

    summary = kept(dim, "opened_on", scale=scale)
    return Part(_cases, "org__path", when, summary=summary, **kwargs)


def _sum(field: str):
    return lambda where: Sum(field, filter=where)


def _list(query=None):
    return lambda org: url_for("legalaid:cases", {**(query or {}), "org": org.pk})


def _breakdown(code: str, name: str, field: str, choices, order: int, dim: str) -> Indicator:
    return Indicator(
        code=f"legalaid.by_{code}",
        name=f"法律援助案件数（按{name}）",
        definition=f"统计期内受理的法律援助案件按{name}分组。",
        unit="件",
        parts=(_opened(dim, category=lambda end: F(field)),),
        categories=tuple(choices),
        kind=FLOW,
        group=GROUP,
        order=order,
    )


CASES = Indicator(
    code="legalaid.cases",
    name="法律援助案件数",
    definition="统计期内受理的法律援助案件件数（含当场答复的法律咨询），按受理工会统计。",
    unit="件",
    parts=(_opened("lc"),),
    kind=FLOW,
    group=GROUP,
    order=70,
    list_url=_list(),
)
CLOSED = Indicator(
    code="legalaid.closed",
    name="已结案法律援助案件数",
    definition="统计期内受理、现已结案（含已回访、已归档）的法律援助案件件数。",
    unit="件",
    parts=(_opened("lx", Q(state__in=CLOSED_STATES)),),
    kind=FLOW,
    group=GROUP,
    order=71,
)
RECOVERED = Indicator(
    code="legalaid.recovered",
    name="挽回经济损失",
    definition="统计期内受理的法律援助案件结案时登记的挽回经济损失合计。",
    unit="元",
    parts=(_opened("lm", measure=_sum("recovered"), scale=100),),  # in fen
    kind=FLOW,
    group=GROUP,
    order=72,
)
MIGRANT_WAGES = Indicator(
    code="legalaid.migrant_wages",
    name="农民工讨薪案件数",
    definition="统计期内受理的法律援助案件中，申请人为农民工、争议类别为劳动报酬的件数。",
    unit="件",
    parts=(_opened("lw", Q(applicant_kind=ApplicantKind.MIGRANT, subtype=Subtype.WAGES)),),
    kind=FLOW,
    group=GROUP,
    order=73,
)
WORKERS = Indicator(
    code="legalaid.workers",
    name="法律援助涉及职工人数",
    definition="统计期内受理的法律援助案件涉及的职工人数合计（集体争议按涉及人数计）。",
    unit="人",
    parts=(_opened("lp", measure=_sum("workers_involved")),),
    kind=FLOW,
    group=GROUP,
    order=74,
)
BY_MATTER = _breakdown("matter", "援助事由", "matter", Matter.choices, 75, "lt")
BY_FORM = _breakdown("form", "援助形式", "aid_form", AidForm.choices, 76, "lf")
BY_RESULT = _breakdown("result", "结案结果", "result", Result.choices, 77, "lr")

ALL = (CASES, CLOSED, RECOVERED, MIGRANT_WAGES, WORKERS, BY_MATTER, BY_FORM, BY_RESULT)


def register_indicators() -> None:
    register(*ALL)
