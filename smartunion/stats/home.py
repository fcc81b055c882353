"""The figures of one's scope on the home page, from the indicators (stats/indicators.py): the
headline figures, unions by kind and by status; each links to the list behind it, and the
overview links to the statistics pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from smartunion.core.home import Figure, url_for
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Status
from smartunion.stats import figures, indicators

#: The indicators of the home page's headline, in order. 工会组织数 and 基层工会数 are the sums
#: of 工会组织数（按组织类型） (the same unions, the same day): two reads of the unions in all.
HEADLINE = ("unions", "unions.grassroots", "members", "members.rate", "employees")
FROM_KINDS = {"unions": tuple(Kind.values), "unions.grassroots": tuple(GRASSROOTS_KINDS)}


@dataclass
class ScopeFigures:
    unions_total: int = 0
    by_status: list[Figure] = field(default_factory=list)
    by_kind: list[Figure] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    membership_rate: float | None = None
    stats_url: str = ""


def scope_figures(user) -> ScopeFigures:
    """The figures of the user's scope today: the indicators' figures of the scope's union
    (kept counters where they answer, one grouped read of the unions otherwise)."""
    org = figures.scope_root(user)
    if org is None or not user.can("view"):
        return ScopeFigures()
    today = timezone.localdate()

    def value(code: str):
        return indicators.total(indicators.get(code), org, today, today)

    tree = "orgs:tree"
    out = ScopeFigures(stats_url=reverse("stats:overview", kwargs={"org_id": org.pk}))
    # Both from one read of the summaries and one of the month's remainder.
    by_status, by_kind = indicators.totals(
        [indicators.get("unions.by_status"), indicators.get("unions.by_kind")], org, today, today
    )
    out.unions_total = sum(by_status.values())
    out.by_status = [
        Figure(Status(s).label, by_status[s], url_for(tree, {"status": s})) for s in Status.values
    ]
    out.by_kind = [
        Figure(Kind(k).label, by_kind[k], url_for(tree, {"kind": k}))
        for k in Kind.values
        if by_kind[k]
    ]
    for code in HEADLINE:
        indicator = indicators.get(code)
        if code in FROM_KINDS:
            number = sum(by_kind[k] for k in FROM_KINDS[code])
        else:
            number = value(code)
        fig = Figure(
            indicator.name,
            number if isinstance(number, int) else figures.display(indicator, number),
            indicator.list_url(org) if indicator.list_url else "",
        )
        if code == "members.rate":
            out.membership_rate = number
            fig.note = (
                f"仅统计已填职工人数的工会：会员 {org.subtree_rated_member_count:,} / "
                f"职工 {org.subtree_employee_count:,}"
            )
        out.headline.append(fig)
    return out


def _figures(user) -> ScopeFigures:
    """scope_figures once per request: two parts of the home page read them."""
    found = getattr(user, "_home_stats_figures", None)
    if found is None:
        found = user._home_stats_figures = scope_figures(user)
    return found


def section_context(user) -> dict:
    return {"figures": _figures(user)}


def register() -> None:
    from smartunion.core import home

    home.register_section(
        home.Section("stats.overview", "stats/_home_overview.html", section_context, 10)
    )
    home.register_section(
        home.Section("stats.tables", "stats/_home_tables.html", section_context, 90)
    )
