"""The service-request part of the seed: routed down the tree, consistent with the rules."""

from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from smartunion.casework.models import CaseEvent
from smartunion.core.seeding import SeedOptions
from smartunion.members.models import CURRENT_STATUSES, Membership
from smartunion.members.seed import generate
from smartunion.personas import ensure_regions
from smartunion.servicerequests.models import Handoff, ServiceRequest
from smartunion.servicerequests.seed import run_centres, run_part


@pytest.fixture
def seeded(seeded_part):
    return seeded_part(run_part)


def test_requests_are_routed_down_and_reported_back(seeded):
    assert "已生成诉求工单" in seeded[0]
    current = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
    rows = list(ServiceRequest.objects.select_related("org", "intake_org", "handling_org"))
    assert len(rows) == max(30, int(current * 0.013 * 3))
    assert Counter(r.state for r in rows)["closed"] > len(rows) // 2
    for r in rows:
        assert r.number.startswith("GD")
        assert r.org.path.startswith(r.intake_org.path)
        if r.handling_org:
            assert r.handling_org.path.startswith(r.intake_org.path)
        if r.state == "closed":
            assert r.satisfied is not None and r.closed_on
        else:
            assert r.due_on and r.responsible_org_id == r.org_id
    for h in Handoff.objects.filter(kind=Handoff.DOWN).select_related("from_org", "to_org"):
        assert h.to_org.parent_id == h.from_org_id
    assert run_part(SeedOptions(seed=5)) == ["已有诉求工单，未生成诉求工单演示数据。"]


def test_each_requests_timeline_and_routing_are_at_its_own_dates(seeded):
    """A demo request reads as it happened: taken on the day it was opened, sent down level by
    level after that, reported back and closed on its reporting day, nothing after today."""
    today = timezone.localdate()
    kind = ContentType.objects.get_for_model(ServiceRequest)
    events, hops = {}, {}
    for event in CaseEvent.objects.filter(content_type=kind):
        events.setdefault(event.object_id, []).append(event)
    for hop in Handoff.objects.all():
        hops.setdefault(hop.request_id, []).append(hop)
    for r in ServiceRequest.objects.all():
        timeline = sorted(events[r.pk], key=lambda e: (e.at, e.pk))
        day = lambda moment: timezone.localtime(moment).date()  # noqa: E731
        assert day(timeline[0].at) == r.opened_on, r.number
        assert day(timeline[-1].at) <= today
        assert day(r.state_since) == day(timeline[-1].at), r.number
        route = sorted(hops.get(r.pk, []), key=lambda h: h.pk)
        moments = [h.at for h in route]
        assert moments == sorted(moments), r.number
        assert all(r.opened_on <= day(m) <= today for m in moments), r.number
        if r.reported_on:
            assert r.opened_on <= r.reported_on <= today
            assert all(day(h.at) <= r.reported_on for h in route), r.number


def test_the_seed_names_centre_heads_and_links_requests_to_hardship_files(db):
    from smartunion.accounts.models import User
    from smartunion.assistance.seed import run_part as seed_assistance
    from smartunion.orgs.models import Organization
    from smartunion.servicerequests.models import ServiceCentre

    ensure_regions()
    generate(orgs=150, members=2500, seed=5, workers=1)
    for org in Organization.objects.filter(kind__in=("province", "city"))[:3]:
        User.objects.create(username=f"staff{org.pk}", scope_org=org, role="province_admin")
    seed_assistance(SeedOptions(seed=5))
    report = run_part(SeedOptions(seed=5))
    assert "转为困难帮扶" in report[0]
    assert run_centres(SeedOptions(seed=5)) == [
        "已设职工服务中心 3 个（负责人为该级工会的第一个账号）。"
    ]
    assert ServiceCentre.objects.count() == 3
    assert run_centres(SeedOptions(seed=5)) == []  # once
    linked = ServiceRequest.objects.exclude(hardship_file=None).select_related(
        "hardship_file__org", "intake_org", "category"
    )
    assert linked.exists()
    for r in linked:
        assert r.category.code == "02" and r.hardship_file.service_request == r
        assert r.hardship_file.org.path.startswith(r.intake_org.path)
