"""The registry's figures on the home page: unions by kind and status, members, 入会率."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from smartunion.core.home import Figure, todo, url_for
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status, membership_rate


@dataclass
class ScopeFigures:
    unions_total: int = 0
    by_status: list[Figure] = field(default_factory=list)
    by_kind: list[Figure] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    todo: list[Figure] = field(default_factory=list)
    membership_rate: float | None = None


def scope_figures(user) -> ScopeFigures:
    """The figures of every union the user sees, from the records and the member counters.

    One grouped query over the organizations of the scope (member counts are the counters
    kept by the membership services, summed; never a count over 2.3 million memberships).
    """
    today = timezone.localdate()
    normal = Q(status=Status.NORMAL)
    rows = (
        Organization.objects.visible_to(user)
        .values("status", "kind")
        .annotate(
            n=Count("id"),
            members=Sum("member_count", filter=normal),
            members_known=Sum("member_count", filter=normal & Q(employee_count__gt=0)),
            employees=Sum("employee_count", filter=normal & Q(employee_count__gt=0)),
            overdue=Count("id", filter=normal & Q(term_ends_on__lt=today)),
            no_women=Count("id", filter=normal & Q(women_committee=False)),
        )
        .order_by()
    )
    by_status = dict.fromkeys(Status.values, 0)
    by_kind = dict.fromkeys(Kind.values, 0)
    members = members_known = employees = overdue = no_women = 0
    for row in rows:
        by_status[row["status"]] += row["n"]
        if row["status"] != Status.NORMAL:
            continue
        by_kind[row["kind"]] += row["n"]
        members += row["members"] or 0
        members_known += row["members_known"] or 0
        employees += row["employees"] or 0
        overdue += row["overdue"]
        no_women += row["no_women"]

    tree = "orgs:tree"
    figures = ScopeFigures(unions_total=sum(by_status.values()))
    figures.by_status = [
        Figure(Status(s).label, by_status[s], url_for(tree, {"status": s})) for s in Status.values
    ]
    figures.by_kind = [
        Figure(Kind(k).label, by_kind[k], url_for(tree, {"kind": k}))
        for k in Kind.values
        if by_kind[k]
    ]
    grassroots = sum(by_kind[k] for k in GRASSROOTS_KINDS)
    figures.membership_rate = membership_rate(members_known, employees)
    figures.headline = [
        Figure("工会组织（正常）", by_status[Status.NORMAL], url_for(tree, {"status": "normal"})),
        Figure("基层工会", grassroots, url_for(tree, {"kind": "grassroots"})),
        Figure("会员人数", members, url_for("members:list")),
        Figure(
            "入会率",
            f"{figures.membership_rate * 100:.1f}%" if figures.membership_rate is not None else "—",
            url_for(tree, {"employees": "known"}),
            note=f"仅统计已填职工人数的工会：会员 {members_known:,} / 职工 {employees:,}",
        ),
    ]
    figures.todo = [
        todo(
            "换届逾期的工会", overdue, url_for(tree, {"overdue": "1"}), "本届任期届满日期早于今天"
        ),
        todo("未建女职工委员会的工会", no_women, url_for(tree, {"women_committee": "0"})),
    ]
    return figures


def _figures(user) -> ScopeFigures:
    """scope_figures once per request: three parts of the home page read them."""
    figures = getattr(user, "_home_scope_figures", None)
    if figures is None:
        figures = user._home_scope_figures = scope_figures(user)
    return figures


def section_context(user) -> dict:
    return {"figures": _figures(user)}


def todo_figures(user) -> list[Figure]:
    return _figures(user).todo


def register() -> None:
    from smartunion.core import home

    home.register_section(
        home.Section("orgs.overview", "orgs/_home_overview.html", section_context, 10)
    )
    home.register_section(
        home.Section("orgs.tables", "orgs/_home_tables.html", section_context, 90)
    )
    home.register_todo("orgs", todo_figures, order=80)
