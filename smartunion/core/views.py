"""首页: the figures of the user's scope, each linking to the list behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from smartunion.core.views_mixins import ScopedViewMixin
from smartunion.members.models import Membership, MembershipStatus, Transfer, TransferStatus
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status


@dataclass
class Figure:
    """One number on the home page, with the list it comes from."""

    label: str
    value: int | str
    url: str = ""
    note: str = ""
    tone: str = ""  # "warn" draws attention (overdue elections, pending work)

    @property
    def display(self) -> str:
        return f"{self.value:,}" if isinstance(self.value, int) else str(self.value)


@dataclass
class ScopeFigures:
    unions_total: int = 0
    by_status: list[Figure] = field(default_factory=list)
    by_kind: list[Figure] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    todo: list[Figure] = field(default_factory=list)
    membership_rate: float | None = None


def _url(name: str, query: dict | None = None, **kwargs) -> str:
    """The URL of a route, or "" while the route does not exist yet (the figure stays plain)."""
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def scope_figures(user) -> ScopeFigures:
    """The figures of everything the user sees, from the records and the member counters.

    One grouped query over the organizations of the scope (member counts are the counters
    kept by the membership services, summed; never a count over 2.3 million memberships),
    plus two small counts of pending work.
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
        Figure(Status(s).label, by_status[s], _url(tree, {"status": s})) for s in Status.values
    ]
    figures.by_kind = [
        Figure(Kind(k).label, by_kind[k], _url(tree, {"kind": k}))
        for k in Kind.values
        if by_kind[k]
    ]
    grassroots = sum(by_kind[k] for k in GRASSROOTS_KINDS)
    figures.membership_rate = members_known / employees if employees else None
    figures.headline = [
        Figure("工会组织（正常）", by_status[Status.NORMAL], _url(tree, {"status": "normal"})),
        Figure("基层工会", grassroots, _url(tree, {"kind": "grassroots"})),
        Figure("会员人数", members, _url("members:list")),
        Figure(
            "入会率",
            f"{figures.membership_rate * 100:.1f}%" if figures.membership_rate is not None else "—",
            _url(tree, {"employees": "known"}),
            note=f"仅统计已填职工人数的工会：会员 {members_known:,} / 职工 {employees:,}",
        ),
    ]

    # A scope holding the whole tree counts from the partial indexes of pending work, without
    # the join with every union that visible_to() would add.
    everything = user.can("view") and user.sees_whole_tree
    applications = Membership.objects.all() if everything else Membership.objects.visible_to(user)
    pending_applications = applications.filter(status=MembershipStatus.APPLIED).count()
    if everything:
        incoming = Transfer.objects.all()
    else:
        incoming = Transfer.objects.visible_to(user).filter(
            to_org__path__startswith=user.scope_path
        )
    incoming_transfers = incoming.filter(status=TransferStatus.PENDING).count()
    figures.todo = [
        Figure(
            "待审批的入会申请",
            pending_applications,
            _url("members:list", {"status": "applied"}),
            tone="warn" if pending_applications else "",
        ),
        Figure(
            "待接收的转会",
            incoming_transfers,
            _url("members:transfers", {"box": "in"}),
            tone="warn" if incoming_transfers else "",
        ),
        Figure(
            "换届逾期的工会",
            overdue,
            _url(tree, {"overdue": "1"}),
            note="本届任期届满日期早于今天",
            tone="warn" if overdue else "",
        ),
        Figure(
            "未建女职工委员会的工会",
            no_women,
            _url(tree, {"women_committee": "0"}),
            tone="warn" if no_women else "",
        ),
    ]
    return figures


class HomeView(ScopedViewMixin, TemplateView):
    """首页."""

    template_name = "core/home.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["figures"] = scope_figures(user)
        context["scope_org"] = user.scope_org
        return context
