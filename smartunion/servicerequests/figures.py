"""Figures of service requests (SERVICES.md §4.5): by category, channel and union, the on-time
closure rate and the satisfaction rate. Counselling requests are counted, never named."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from smartunion.orgs.models import Organization
from smartunion.servicerequests.codes import Channel
from smartunion.servicerequests.models import RequestCategory, ServiceRequest


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(user, year: int) -> dict:
    rows = ServiceRequest.objects.counted_for(user).filter(
        opened_on__gte=dt.date(year, 1, 1), opened_on__lte=dt.date(year, 12, 31)
    )
    totals = rows.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(state="closed")),
        reported=Count("id", filter=Q(on_time__isnull=False)),
        on_time=Count("id", filter=Q(on_time=True)),
        called=Count("id", filter=Q(satisfied__isnull=False)),
        satisfied=Count("id", filter=Q(satisfied=True)),
    )
    categories = dict(rows.values_list("category").annotate(n=Count("id")).order_by())
    channels = dict(rows.values_list("channel").annotate(n=Count("id")).order_by())
    unions = []
    scope = user.scope_org if user.scope_org_id else None
    if scope is not None:
        for child in Organization.objects.filter(parent=scope).order_by("path")[:60]:
            n = rows.filter(intake_org__path__startswith=child.path).count()
            if n:
                unions.append((child, n))
    return {
        **totals,
        "on_time_rate": rate(totals["on_time"], totals["reported"]),
        "satisfaction_rate": rate(totals["satisfied"], totals["called"]),
        "by_category": [
            (c.name, categories.get(c.pk, 0)) for c in RequestCategory.objects.filter(parent=None)
        ],
        "by_channel": [(label, channels.get(value, 0)) for value, label in Channel.choices],
        "by_union": unions,
    }
