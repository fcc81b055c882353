"""The legal-aid part of the seed: cases in every state, consistent with the flow's rules."""

from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from smartunion.casework.models import CaseEvent, RegionalRate
from smartunion.core.seeding import SeedOptions
from smartunion.legalaid.codes import Stage
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler, LegalAidStage
from smartunion.legalaid.seed import run_part
from smartunion.members.models import CURRENT_STATUSES, Membership


@pytest.fixture
def seeded(seeded_part):
    return seeded_part(run_part)


def test_it_opens_cases_in_every_part_of_the_flow(seeded):
    assert "已生成法律援助数据" in seeded[0]
    current = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
    cases = list(LegalAidCase.objects.select_related("handler__org", "org", "deciding_org"))
    assert len(cases) == max(40, int(current * 0.001 * 3))
    states = Counter(c.state for c in cases)
    assert len(states) >= 5
    for case in cases:
        assert case.number.startswith(f"FY{case.opened_on.year}")
        if case.handler_id:
            assert case.org.path.startswith(case.deciding_org.path)
            assert case.handler.org.path.startswith(case.deciding_org.path)
            assert case.letter_no
        if case.recovered is not None:
            assert case.recovered >= 0 and case.result
        if case.state in ("review", "granted", "objected", "closed", "visited"):
            assert case.due_on and case.responsible_org_id
        if case.case_type.state(case.state).final:
            assert case.closed_on and case.due_on is None
    assert CaseEvent.objects.filter(action="open").count() == len(cases)
    assert LegalAidStage.objects.exists() and LegalAidHandler.objects.exists()
    assert RegionalRate.objects.filter(kind="min_wage", region_id="620100").exists()


def test_it_generates_nothing_the_second_time(seeded):
    assert run_part(SeedOptions(seed=5)) == ["已有法律援助案件，未生成法律援助演示数据。"]


def test_each_cases_dates_follow_its_flow_and_none_is_after_today(seeded):
    """What a clerk reads on a demo case holds together: decided after opened, assigned after
    decided, the stages in the order of the process between assignment and closing, the
    callback after closing and before archiving, the timeline at those dates."""
    today = timezone.localdate()
    order = [Stage.NEGOTIATION, Stage.MEDIATION, Stage.ARBITRATION]
    cases = LegalAidCase.objects.prefetch_related("stages")
    events = {}
    for event in CaseEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(LegalAidCase)
    ):
        events.setdefault(event.object_id, []).append(event)
    checked = 0
    for case in cases:
        chain = [case.opened_on, case.decided_on, case.assigned_on]
        stages = sorted(case.stages.all(), key=lambda s: (s.happened_on, s.pk))
        chain += [s.happened_on for s in stages]
        if case.state in ("visited", "archived"):
            chain.append(case.callback_on)
        if case.state == "archived":
            chain.append(case.closed_on)
        dates = [d for d in chain if d is not None]
        assert dates == sorted(dates), (case.number, case.state, chain)
        assert all(d <= today for d in dates), case.number
        assert [s.stage for s in stages] == [s for s in order if s in {x.stage for x in stages}]
        if case.closed_on and stages:
            assert stages[-1].happened_on <= case.closed_on, case.number
        if case.callback_on and case.closed_on and case.state != "archived":
            assert case.callback_on >= case.closed_on, case.number
        timeline = sorted(events[case.pk], key=lambda e: (e.at, e.pk))
        assert timezone.localtime(timeline[0].at).date() == case.opened_on, case.number
        assert all(timezone.localtime(e.at).date() <= today for e in timeline)
        assert (
            timezone.localtime(case.state_since).date()
            == timezone.localtime(timeline[-1].at).date()
        )
        checked += 1
    assert checked >= 40
