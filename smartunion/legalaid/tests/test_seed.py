"""The legal-aid part of the seed: cases in every state, consistent with the flow's rules."""

from collections import Counter

import pytest

from smartunion.casework.models import CaseEvent, RegionalRate
from smartunion.core.seeding import SeedOptions
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler, LegalAidStage
from smartunion.legalaid.seed import run_part
from smartunion.members.models import CURRENT_STATUSES, Membership
from smartunion.members.seed import generate
from smartunion.regions.divisions import load_regions


@pytest.fixture
def seeded(db):
    load_regions()
    generate(orgs=150, members=2500, seed=5, workers=1)
    return run_part(SeedOptions(seed=5))


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
