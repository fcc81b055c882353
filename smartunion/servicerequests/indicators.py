"""The service requests' indicators (诉求工单, SERVICES.md §4.5), for ``stats``: the figures
page of the requests and 统计分析 read these same declarations.

A request counts in the period it was taken (受理日期), under the union that took it (受理工会),
except ``requests.handled``: under the union that handled it (承办工会), which a county gets
when the city sends requests down to it. Counselling requests (心理疏导) are counted like the
others; an indicator never carries a name or a content.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import In

from smartunion.core.home import url_for
from smartunion.servicerequests.codes import DEFAULT_CATEGORIES, Channel
from smartunion.servicerequests.models import ServiceRequest
from smartunion.stats.indicators import FLOW, Indicator, Part, kept, ratio, register

GROUP = "诉求工单"
TAKEN = "intake_org__path"
HANDLED = "handling_org__path"
OTHER = "other"
#: The categories of the national code list, and the province's own additions together.
CATEGORIES = (*((code, name) for code, name, _, _ in DEFAULT_CATEGORIES), (OTHER, "其他分类"))


def _requests():
    # Not visible_to(): stats scopes every read by the union's path; counselling is counted.
    return ServiceRequest.objects.all()


def opened(start: dt.date, end: dt.date) -> Q:
    return Q(opened_on__gte=start, opened_on__lte=end)


def _taken(dim: str, where: Q | None = None, category=None, path: str = TAKEN) -> Part:
    """Requests taken in the period; the province's and the cities' and counties' numbers by
    month kept in the statistics' summaries (dimension ``dim``, decision 0025)."""

    def when(start, end):
        return opened(start, end) & where if where is not None else opened(start, end)

    return Part(_requests, path, when, category=category, summary=kept(dim, "opened_on"))


def top_category(end: dt.date):
    """A sub-category counts under its category; a category the province added, as 其他."""
    top = Coalesce(F("category__parent__code"), F("category__code"))
    known = [code for code, _ in CATEGORIES if code != OTHER]
    return Case(When(In(top, known), then=top), default=Value(OTHER))


def _list(query=None):
    return lambda org: url_for("servicerequests:tickets", {**(query or {}), "org": org.pk})


COUNT = Indicator(
    code="requests.count",
    name="受理诉求工单数",
    definition="统计期内受理的诉求工单件数，按受理工会统计；心理疏导工单计入件数，不显示姓名和内容。",
    unit="件",
    parts=(_taken("rt"),),
    kind=FLOW,
    group=GROUP,
    order=80,
    list_url=_list(),
)
CLOSED = Indicator(
    code="requests.closed",
    name="已办结诉求工单数",
    definition="统计期内受理、现已回访办结的诉求工单件数，按受理工会统计。",
    unit="件",
    parts=(_taken("rx", Q(state="closed")),),
    kind=FLOW,
    group=GROUP,
    order=81,
    list_url=_list({"list": "closed"}),
)
HANDLED_COUNT = Indicator(
    code="requests.handled",
    name="承办诉求工单数",
    definition="统计期内受理、由本工会（含下级）承办的诉求工单件数，按承办工会统计"
    "（上级下派来办理的计入承办工会）。",
    unit="件",
    parts=(_taken("rh", path=HANDLED),),
    kind=FLOW,
    group=GROUP,
    order=82,
)
ON_TIME = Indicator(
    code="requests.on_time_rate",
    name="诉求按时办结率",
    definition="统计期内受理、已办结反馈的诉求工单中，在办理时限内反馈的比例，按承办工会统计。",
    unit="%",
    parts=(
        _taken("ro", Q(on_time=True), path=HANDLED),
        _taken("rr", Q(on_time__isnull=False), path=HANDLED),
    ),
    finish=ratio,
    kind=FLOW,
    group=GROUP,
    order=83,
)
SATISFACTION = Indicator(
    code="requests.satisfaction_rate",
    name="诉求回访满意率",
    definition="统计期内受理、已回访的诉求工单中，回访满意的比例，按承办工会统计"
    "（不满意重办后再回访的，按最后一次回访计）。",
    unit="%",
    parts=(
        _taken("rs", Q(satisfied=True), path=HANDLED),
        _taken("rv", Q(satisfied__isnull=False), path=HANDLED),
    ),
    finish=ratio,
    kind=FLOW,
    group=GROUP,
    order=84,
)
BY_CATEGORY = Indicator(
    code="requests.by_category",
    name="受理诉求工单数（按分类）",
    definition="统计期内受理的诉求工单按分类（小类计入所属大类；省里新增的大类计入“其他分类”）。",
    unit="件",
    parts=(_taken("rk", category=top_category),),
    categories=CATEGORIES,
    kind=FLOW,
    group=GROUP,
    order=85,
)
BY_CHANNEL = Indicator(
    code="requests.by_channel",
    name="受理诉求工单数（按渠道）",
    definition="统计期内受理的诉求工单按受理渠道（12351电话、服务窗口、驿站、网上）。",
    unit="件",
    parts=(_taken("rn", category=lambda end: F("channel")),),
    categories=tuple(Channel.choices),
    kind=FLOW,
    group=GROUP,
    order=86,
)

ALL = (COUNT, CLOSED, HANDLED_COUNT, ON_TIME, SATISFACTION, BY_CATEGORY, BY_CHANNEL)


def register_indicators() -> None:
    register(*ALL)
