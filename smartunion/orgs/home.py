"""The registry's 待办 on the home page: overdue elections, unions without a 女职工委员会.

The figures of the scope (unions, members, 入会率) are the statistics' (stats/home.py)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from smartunion.core.home import Figure, todo, url_for
from smartunion.orgs.models import Organization, Status


def todo_figures(user) -> list[Figure]:
    """One grouped query over the 正常 unions of the user's scope."""
    today = timezone.localdate()
    counts = (
        Organization.objects.visible_to(user)
        .filter(status=Status.NORMAL)
        .aggregate(
            overdue=Count("id", filter=Q(term_ends_on__lt=today)),
            no_women=Count("id", filter=Q(women_committee=False)),
        )
    )
    tree = "orgs:tree"
    return [
        todo(
            "换届逾期的工会",
            counts["overdue"],
            url_for(tree, {"overdue": "1"}),
            "本届任期届满日期早于今天",
        ),
        todo("未建女职工委员会的工会", counts["no_women"], url_for(tree, {"women_committee": "0"})),
    ]


def register() -> None:
    from smartunion.core import home

    home.register_todo("orgs", todo_figures, order=80)
