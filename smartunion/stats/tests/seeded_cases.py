"""Random service requests and legal-aid cases for the statistics tests (seeded.py), written as
the services would leave them, and the brute-force count of their indicators: each read in
Python from the records and the indicators' definitions."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from smartunion.core.testing import read_once
from smartunion.legalaid.codes import AidForm, ApplicantKind, Matter, Result, Subtype
from smartunion.legalaid.models import LegalAidCase
from smartunion.orgs.models import Organization
from smartunion.servicerequests.codes import DEFAULT_CATEGORIES, Channel
from smartunion.servicerequests.models import RequestCategory, ServiceRequest
from smartunion.servicerequests.services import ensure_categories

START = dt.date(2021, 1, 1)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def seed_cases(rng: random.Random, unions: list[Organization], *, count: int = 30) -> None:
    ensure_categories()
    top = list(RequestCategory.objects.filter(parent=None))
    sub = RequestCategory.objects.create(code="0399", name="随机小类", parent=top[2])
    added = RequestCategory.objects.create(code="77", name="省里新增")
    categories = [*top, sub, added]
    now = timezone.now()
    for i in range(count):
        intake = rng.choice(unions)
        handling = rng.choice(
            [None, intake, *[u for u in unions if u.path.startswith(intake.path)]]
        )
        state = rng.choice(["dispatch", "handling", "reported", "closed"])
        reported = state in ("reported", "closed")
        ServiceRequest.objects.create(
            number=f"GDR{i:06d}",
            org=handling or intake,
            intake_org=intake,
            handling_org=handling,
            state=state,
            state_since=now,
            opened_on=_day(rng, START, timezone.localdate()),
            channel=rng.choice(Channel.values),
            category=rng.choice(categories),
            caller_name="随机",
            summary="随机诉求",
            on_time=rng.choice([True, False]) if reported else None,
            satisfied=rng.choice([True, False, None]) if state == "closed" else None,
        )
        case_state = rng.choice(["review", "assigned", "closed", "visited", "archived"])
        closed = case_state in ("closed", "visited", "archived")
        LegalAidCase.objects.create(
            number=f"FYR{i:06d}",
            org=intake,
            region_id=intake.region_id if len(intake.region_id) == 6 else "620102",
            state=case_state,
            state_since=now,
            opened_on=_day(rng, START, timezone.localdate()),
            applicant_kind=rng.choice(ApplicantKind.values),
            applicant_name="随机",
            matter=rng.choice(Matter.values),
            subtype=rng.choice(["", *Subtype.values]),
            aid_form=rng.choice(AidForm.values),
            workers_involved=rng.randrange(1, 30),
            result=rng.choice(Result.values) if closed else "",
            recovered=Decimal(rng.randrange(0, 10**6)) / 100 if closed else None,
        )


def brute_force_cases(code: str, orgs: dict, on: dt.date):
    """The requests' and legal-aid indicators over the unions ``orgs`` (by id) at ``on``."""
    start = on.replace(month=1, day=1)
    requests = [
        r
        for r in read_once(
            "requests", lambda: list(ServiceRequest.objects.select_related("category__parent"))
        )
        if start <= r.opened_on <= on
    ]
    taken = [r for r in requests if r.intake_org_id in orgs]
    handled = [r for r in requests if r.handling_org_id in orgs]
    cases = [
        c
        for c in read_once("legalaid", lambda: list(LegalAidCase.objects.all()))
        if c.org_id in orgs and start <= c.opened_on <= on
    ]

    def rate(part, whole):
        return len(part) / len(whole) if whole else None

    def top(r):
        category = r.category
        code = category.parent.code if category.parent_id else category.code
        return code if code in {c for c, *_ in DEFAULT_CATEGORIES} else "other"

    def by(rows, key, values):
        return {v: sum(1 for r in rows if key(r) == v) for v in values}

    match code:
        case "requests.count":
            return len(taken)
        case "requests.closed":
            return sum(1 for r in taken if r.state == "closed")
        case "requests.handled":
            return len(handled)
        case "requests.on_time_rate":
            return rate(
                [r for r in handled if r.on_time], [r for r in handled if r.on_time is not None]
            )
        case "requests.satisfaction_rate":
            return rate(
                [r for r in handled if r.satisfied],
                [r for r in handled if r.satisfied is not None],
            )
        case "requests.by_category":
            return by(taken, top, [*(c for c, *_ in DEFAULT_CATEGORIES), "other"])
        case "requests.by_channel":
            return by(taken, lambda r: r.channel, Channel.values)
        case "legalaid.cases":
            return len(cases)
        case "legalaid.closed":
            return sum(1 for c in cases if c.state in ("closed", "visited", "archived"))
        case "legalaid.recovered":
            return sum((c.recovered or Decimal(0) for c in cases), Decimal(0))
        case "legalaid.migrant_wages":
            return sum(1 for c in cases if c.applicant_kind == "migrant" and c.subtype == "wages")
        case "legalaid.workers":
            return sum(c.workers_involved for c in cases)
        case "legalaid.by_matter":
            return by(cases, lambda c: c.matter, Matter.values)
        case "legalaid.by_form":
            return by(cases, lambda c: c.aid_form, AidForm.values)
        case "legalaid.by_result":
            return by(cases, lambda c: c.result, Result.values)
    raise KeyError(code)
