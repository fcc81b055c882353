"""The registry's indicators of members (会员), for ``stats``.

A membership counts at a date when it had begun (入会日期) and not yet ended (终止日期): the
status alone says only what is true today. A transfer ends one membership and opens another
on the same day (keeping the first 入会日期), so the member counts once, in the receiving union
from that day. The person's attributes (学历, 户籍, 农民工 …) have no history: the current ones
are counted at every date, as each membership carries them (members/counted.py, decision
0039); the age is the age on the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Case, F, FilteredRelation, Q, Value, When
from django.utils import timezone

from smartunion.core.codes import Education, Gender, HukouType, NewFormType
from smartunion.core.home import url_for
from smartunion.members.models import ChangeType, Membership, MembershipEvent, MembershipStatus
from smartunion.orgs.indicators import EMPLOYEES, begins, normal_on
from smartunion.stats.indicators import FLOW, FromSummary, Indicator, Part, ratio, register

GROUP = "会员"
UNFILLED = ("", "未填")


def current_on(end: dt.date) -> Q:
    """Memberships begun by ``end`` (入会日期) and not ended by then (终止日期).

    A membership opened by a transfer keeps the member's first 入会日期 but begins on the day
    of its 转入: the memberships this counts whose 转入 came after ``end`` are left out by
    ``begun_by`` in the same read."""
    return Q(
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.RETAINED, MembershipStatus.ENDED],
        joined_on__lte=end,
    ) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


#: 年龄段: (code, label, lowest age).
AGE_BANDS = (
    ("35", "35岁及以下", 0),
    ("45", "36至45岁", 36),
    ("54", "46至54岁", 46),
    ("55", "55岁及以上", 55),
)


def age_band(end: dt.date):
    """The age band of the person on ``end`` (age in full years, as core.idnumber.age_on)."""
    whens = [
        When(birth_date__lte=years_before(end, low), then=Value(code))
        for code, _, low in reversed(AGE_BANDS[1:])
    ]
    return Case(*whens, default=Value(AGE_BANDS[0][0]))


def _events():
    return MembershipEvent.objects.all()


def _person(field: str):
    """The person's attribute as their membership carries it (``models.COUNTED_FIELDS``)."""
    return lambda end: F(field)


def _flag(field: str):
    return lambda end: Case(When(**{field: True}, then=Value("1")), default=Value("0"))


def _with_transfer_in(after: dt.date | None = None):
    """Memberships joined to the 转入 that opened them, if one did (at most one: the
    constraint ``event_one_transfer_in_per_membership``); ``after`` a day, to that 转入 only
    when it came after the day (``Part.narrowed``: a read at that day or later, where an
    earlier 转入 is as good as none for ``begun_by``). A county's members at last 31 December
    joined all 184,000 转入 of the province (a hash of them built for each read, 30 of its
    148 ms) to leave out the few thousand after it."""
    condition = Q(events__change_type=ChangeType.TRANSFER_IN)
    if after is not None:
        condition &= Q(events__occurred_on__gt=after)
    return Membership.objects.annotate(transfer_in=FilteredRelation("events", condition=condition))


def begun_by(end: dt.date) -> Q:
    """Memberships not opened by a 转入 after ``end`` (joined to it: ``_with_transfer_in``).

    Every membership from today on: a 转入 is dated the day it is accepted, never later
    (``services.accept_transfer``), so a read at today needs no join at all — the ORM adds
    the 转入's join only where a condition names it. With it, a county's comparison at today
    probed its 224,000 memberships against the empty set of later 转入 (~40 of 430 ms)."""
    if end >= timezone.localdate():
        return Q()
    return Q(transfer_in__occurred_on__isnull=True) | Q(transfer_in__occurred_on__lte=end)


def _members(category=None, where=None, summary: FromSummary | None = None) -> Part:
    """Memberships current at the date (``current_on``, less those a 转入 after it opened:
    ``begun_by``), those of ``where(end)`` (a Q over the membership's lookups), split by
    ``category(end)``; ``summary``: the same from the summaries (members/summaries.py).
    One read: each membership joined to the 转入 that opened it (``_with_transfer_in``)."""

    def when(start: dt.date, end: dt.date) -> Q:
        q = current_on(end) & begun_by(end)
        return q & where(end) if where is not None else q

    return Part(
        _with_transfer_in,
        "org__path",
        when,
        category=category,
        summary=summary,
        narrowed=_with_transfer_in,
    )


def _all(value: str) -> str:
    return ""


def _each(value: str) -> str:
    return value


def _only(test):
    """A plain figure of the stored values that pass ``test``."""
    return lambda value: "" if test(value) else None


def _events_of(*types: str) -> Part:
    return Part(
        _events,
        "org__path",
        lambda start, end: Q(change_type__in=types, occurred_on__gte=start, occurred_on__lte=end),
        summary=FromSummary("v", _only(lambda v: v in types), flow=True),
    )


def _own_members(org) -> list[int]:
    return [org.member_count]


def _own_rated(org) -> list[int]:
    rated = org.is_active and org.employee_count > 0
    return [org.member_count if rated else 0, org.employee_count if org.is_active else 0]


def _members_list(org) -> str:
    return url_for("members:list")


def _rated(end: dt.date) -> Q:
    """Members of unions 正常 at the date whose 职工人数 is filled in."""
    return normal_on(end, "org__") & Q(org__employee_count__gt=0)


def _unrated(end: dt.date) -> Q:
    """Members of the other unions: not 正常 at the date, or without a 职工人数."""
    return ~_rated(end)


def _unrated_within(first: dt.date, last: dt.date) -> Q:
    """Memberships of the unions unrated at some date from ``first`` to ``last``, current at
    some such date. A union is rated from the day it begins to exist until it is no longer 正常,
    and only with a 职工人数: rated at both ends, it is rated at every date between them; rated
    at ``last`` alone, it is unrated only before it began, when only the memberships that
    began before it can count (those of the unions founded in a trend's months are most of
    the others, ~130,000 of 150,000 in the province's data set). The database finds these
    unions first, then their memberships through ``membership_org_status_idx``: the unions'
    conditions on the join the month's figures read them through, not a subquery of the
    unions, which scanned them twice (the province's 24 months 135 → 99 ms)."""
    return (
        ~(_rated(first) & _rated(last))
        & Q(
            status__in=[
                MembershipStatus.ACTIVE,
                MembershipStatus.RETAINED,
                MembershipStatus.ENDED,
            ],
            joined_on__lte=last,
        )
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        & (_unrated(last) | Q(joined_on__lt=begins("org__")))
    )


def _rated_members() -> Part:
    """The members of the rated unions: all members (the summaries where kept) less those of
    the unrated unions, a few read from the records (most unions fill in their 职工人数) in
    one read, for a trend too (all its months at once, ``within``)."""
    return replace(
        _members(summary=FromSummary("m", _all)),
        less=replace(_members(where=_unrated), within=_unrated_within),
    )


MEMBERS = Indicator(
    code="members",
    name="会员人数",
    definition="该日有效的会籍（入会日期不晚于该日、尚未终止）的人数，含保留会籍。",
    unit="人",
    parts=(_members(summary=FromSummary("m", _all)),),
    group=GROUP,
    counters=("subtree_member_count",),
    own_counters=_own_members,
    order=30,
    list_url=_members_list,
)
RATE = Indicator(
    code="members.rate",
    name="入会率",
    definition=(
        "已填职工人数且状态正常的工会，其会员人数 ÷ 其职工人数；"
        "未填职工人数的工会不计入分子和分母。"
    ),
    unit="%",
    # The 职工人数 of the rated unions is that of all of them (an unrated union's is 0): the
    # same part as the figure 职工人数, read and kept once.
    parts=(_rated_members(), EMPLOYEES.parts[0]),
    finish=ratio,
    group=GROUP,
    counters=("subtree_rated_member_count", "subtree_employee_count"),
    own_counters=_own_rated,
    order=31,
)
FEMALE = Indicator(
    code="members.female",
    name="女会员人数",
    definition="会员人数中性别为女的人数（性别取自身份证号码）。",
    unit="人",
    parts=(
        _members(
            where=lambda end: Q(gender=Gender.FEMALE),
            summary=FromSummary("g", _only(lambda v: v == Gender.FEMALE)),
        ),
    ),
    group=GROUP,
    order=32,
)
MIGRANT = Indicator(
    code="members.migrant",
    name="农民工会员人数",
    definition="会员人数中登记为农民工的人数。",
    unit="人",
    parts=(
        _members(
            where=lambda end: Q(is_migrant_worker=True),
            summary=FromSummary("w", _only(lambda v: v == "1")),
        ),
    ),
    group=GROUP,
    order=33,
)
NEW_FORM = Indicator(
    code="members.new_form",
    name="新就业形态劳动者会员人数",
    definition="会员人数中登记了新就业形态劳动者类型的人数。",
    unit="人",
    parts=(
        _members(
            where=lambda end: ~Q(new_form_type=""),
            summary=FromSummary("n", _only(lambda v: v != "")),
        ),
    ),
    group=GROUP,
    order=34,
)


def _breakdown(
    code: str, name: str, definition: str, category, categories, order: int, *, dim: str
):
    """会员人数 split by one of the person's attributes (summary dimension ``dim``)."""
    return Indicator(
        code=code,
        name=f"会员人数（按{name}）",
        definition=definition,
        unit="人",
        parts=(_members(category=category, summary=FromSummary(dim, _each)),),
        categories=tuple(categories),
        group=GROUP,
        order=order,
    )


def _flow(code: str, name: str, definition: str, types: tuple[str, ...], order: int):
    """Membership events of ``types`` over the period (this year; each month of a trend)."""
    return Indicator(
        code=code,
        name=name,
        definition=definition,
        unit="人次",
        parts=(_events_of(*types),),
        kind=FLOW,
        group=GROUP,
        order=order,
    )


BY_GENDER = _breakdown(
    "members.by_gender",
    "性别",
    "会员人数按性别分组。",
    _person("gender"),
    Gender.choices,
    40,
    dim="g",
)
BY_AGE = _breakdown(
    "members.by_age",
    "年龄段",
    "会员人数按该日的周岁年龄分组。",
    age_band,
    [(code, label) for code, label, _ in AGE_BANDS],
    41,
    dim="a",
)
BY_EDUCATION = _breakdown(
    "members.by_education",
    "学历",
    "会员人数按学历分组，未填的单列。",
    _person("education"),
    [*Education.choices, UNFILLED],
    42,
    dim="e",
)
BY_HUKOU = _breakdown(
    "members.by_hukou",
    "户籍类型",
    "会员人数按户籍类型分组，未填的单列。",
    _person("hukou_type"),
    [*HukouType.choices, UNFILLED],
    43,
    dim="h",
)
BY_MIGRANT = _breakdown(
    "members.by_migrant",
    "是否农民工",
    "会员人数按是否农民工分组。",
    _flag("is_migrant_worker"),
    [("1", "农民工"), ("0", "非农民工")],
    44,
    dim="w",
)
BY_NEW_FORM = _breakdown(
    "members.by_new_form",
    "新就业形态类型",
    "会员人数按新就业形态劳动者类型分组，非新就业形态的单列。",
    _person("new_form_type"),
    [*NewFormType.choices, ("", "非新就业形态")],
    45,
    dim="n",
)
JOINS = _flow(
    "members.joins",
    "入会人数",
    "统计期内入会（会籍变动类型“入会”）的人次。",
    (ChangeType.JOIN,),
    50,
)
TRANSFERS_IN = _flow(
    "members.transfers_in",
    "转入人数",
    "统计期内转入的人次（会籍变动类型“转入”）。",
    (ChangeType.TRANSFER_IN,),
    51,
)
TRANSFERS_OUT = _flow(
    "members.transfers_out",
    "转出人数",
    "统计期内转出的人次（会籍变动类型“转出”）。",
    (ChangeType.TRANSFER_OUT,),
    52,
)
LEAVES = _flow(
    "members.leaves",
    "退会和除名人数",
    "统计期内退会和除名的人次。",
    (ChangeType.LEAVE, ChangeType.REMOVE),
    53,
)


def register_indicators() -> None:
    register(
        MEMBERS,
        RATE,
        FEMALE,
        MIGRANT,
        NEW_FORM,
        BY_GENDER,
        BY_AGE,
        BY_EDUCATION,
        BY_HUKOU,
        BY_MIGRANT,
        BY_NEW_FORM,
        JOINS,
        TRANSFERS_IN,
        TRANSFERS_OUT,
        LEAVES,
    )
