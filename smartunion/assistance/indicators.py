"""The indicators of 困难职工帮扶, for ``stats`` (SERVICES.md §8).

A hardship file is 在档 on a day when it was filed (建档日期) by then and not closed (脱困, 解困,
注销: its 办结日期) by then; a file sent back before filing has no 建档日期 and never counts.
Aid is what the campaigns' lines (慰问/资助明细) record as 已发放: counted and summed by their
发放日期, the money (元, Decimal) being the cash amount (物品 are not money paid). 金秋助学 is
the campaign kind whose lines are the student grants, so its recipients and amounts are the
lines of that kind. Records count under the union holding them (the file's union, the
campaign's union).

The flows (new files by 建档日期, the lines paid by 发放日期) and the files 在档 (a stock: from
建档日期 until 办结日期) are kept in the statistics' summaries from these declarations
(``stats.kept``, decisions 0025, 0033 and 0034): the files' through casework's transitions and
``services.update_file`` (an edit of a file 在档 changes its category and cause), the lines' by
``campaigns.pay_lines`` — the one service that makes a line 已发放 — and the seed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum

from smartunion.assistance.codes import CampaignKind, Category, Cause
from smartunion.assistance.models import CampaignLine, HardshipFile, LineState
from smartunion.stats.indicators import FLOW, Indicator, Part, Span, kept, kept_stock, register

GROUP = "困难职工帮扶"


def in_file_on(end: dt.date) -> Q:
    """Files 在档 on ``end``: filed by then, not closed by then."""
    return Q(filed_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))


#: A file is 在档 from its 建档日期 until its 办结日期 (exclusive): ``in_file_on`` as a span of the
#: stocks kept in the summaries (decision 0033); a file never filed (no 建档日期) never counts.
_IN_FILE = Span(F("filed_on"), F("closed_on"))


def _files():
    return HardshipFile.objects.all()


def _lines():
    return CampaignLine.objects.all()


def _in_file(start: dt.date, end: dt.date) -> Q:
    return in_file_on(end)


def _filed(start: dt.date, end: dt.date) -> Q:
    return Q(filed_on__gte=start, filed_on__lte=end)


def _paid(start: dt.date, end: dt.date) -> Q:
    return Q(state=LineState.PAID, paid_on__gte=start, paid_on__lte=end)


def sum_amount(where: Q | None):
    """The cash paid, in 元 (Decimal)."""
    return Sum("amount", filter=where)


def _kind(end: dt.date):
    return F("campaign__kind")


FILES = Indicator(
    code="assistance.files",
    name="在档困难职工档案数",
    definition="该日在档的困难职工家庭档案户数：建档日期不晚于该日，且该日尚未脱困、解困或注销。",
    unit="户",
    parts=(Part(_files, "org__path", _in_file, summary=kept_stock("fs", _IN_FILE)),),
    group=GROUP,
    order=70,
)
FILES_BY_CATEGORY = Indicator(
    code="assistance.files.by_category",
    name="在档困难职工档案数（按困难类别）",
    definition="该日在档的困难职工家庭档案，按困难类别（深度困难、相对困难、意外致困）分组的户数。",
    unit="户",
    parts=(
        Part(
            _files,
            "org__path",
            _in_file,
            category=lambda end: F("category"),
            summary=kept_stock("fc", _IN_FILE),
        ),
    ),
    categories=tuple(Category.choices),
    group=GROUP,
    order=71,
)
FILES_BY_CAUSE = Indicator(
    code="assistance.files.by_cause",
    name="在档困难职工档案数（按主要致困原因）",
    definition="该日在档的困难职工家庭档案，按主要致困原因分组的户数。",
    unit="户",
    parts=(
        Part(
            _files,
            "org__path",
            _in_file,
            category=lambda end: F("main_cause"),
            summary=kept_stock("fm", _IN_FILE),
        ),
    ),
    categories=tuple(Cause.choices),
    group=GROUP,
    order=72,
)
FILED = Indicator(
    code="assistance.filed",
    name="新建档困难职工户数",
    definition="建档日期在统计期内的困难职工家庭档案户数（概况中为本年1月1日至该日，趋势中为每月）。",
    unit="户",
    parts=(Part(_files, "org__path", _filed, summary=kept("fn", "filed_on")),),
    kind=FLOW,
    group=GROUP,
    order=73,
)
RECIPIENTS = Indicator(
    code="assistance.recipients",
    name="帮扶慰问人次",
    definition="发放日期在统计期内、状态为已发放的慰问/资助明细条数（四送活动和金秋助学，每人每次计一次）。",
    unit="人次",
    parts=(Part(_lines, "org__path", _paid, summary=kept("pr", "paid_on")),),
    kind=FLOW,
    group=GROUP,
    order=74,
)
AID_PAID = Indicator(
    code="assistance.aid_paid",
    name="帮扶发放金额",
    definition="发放日期在统计期内、状态为已发放的慰问/资助明细的现金金额之和（元；物品不计）。",
    unit="元",
    parts=(
        Part(
            _lines, "org__path", _paid, measure=sum_amount, summary=kept("pm", "paid_on", scale=100)
        ),
    ),
    kind=FLOW,
    group=GROUP,
    order=75,
)
RECIPIENTS_BY_CAMPAIGN = Indicator(
    code="assistance.recipients.by_campaign",
    name="帮扶慰问人次（按活动类型）",
    definition="统计期内已发放的慰问/资助明细条数，按活动类型（春送岗位、夏送清凉、金秋助学、冬送温暖）分组。",
    unit="人次",
    parts=(Part(_lines, "org__path", _paid, category=_kind, summary=kept("pk", "paid_on")),),
    categories=tuple(CampaignKind.choices),
    kind=FLOW,
    group=GROUP,
    order=76,
)
AID_PAID_BY_CAMPAIGN = Indicator(
    code="assistance.aid_paid.by_campaign",
    name="帮扶发放金额（按活动类型）",
    definition="统计期内已发放的慰问/资助明细的现金金额之和（元），按活动类型分组；金秋助学即助学金。",
    unit="元",
    parts=(
        Part(
            _lines,
            "org__path",
            _paid,
            measure=sum_amount,
            category=_kind,
            summary=kept("pa", "paid_on", scale=100),
        ),
    ),
    categories=tuple(CampaignKind.choices),
    kind=FLOW,
    group=GROUP,
    order=77,
)

ALL = (
    FILES,
    FILES_BY_CATEGORY,
    FILES_BY_CAUSE,
    FILED,
    RECIPIENTS,
    AID_PAID,
    RECIPIENTS_BY_CAMPAIGN,
    AID_PAID_BY_CAMPAIGN,
)


def register_indicators() -> None:
    register(*ALL)
