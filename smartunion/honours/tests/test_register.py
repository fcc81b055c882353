"""The honours register: proposing candidates (the interface contests use), scope, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from smartunion.core.models import AuditEntry
from smartunion.honours import services
from smartunion.honours.codes import Kind, Level, State
from smartunion.honours.models import Honour


def test_propose_candidate_is_idempotent_and_audited(world):
    person = world.member_a1.person
    honour = services.propose_candidate(
        actor=world.county_admin,
        person=person,
        kind="省五一劳动奖章",
        year=2025,
        source="contest:7",
        source_url="/contests/7/",
    )
    assert (honour.kind, honour.level, honour.state) == (
        Kind.PROVINCIAL_MAY1_MEDAL,
        Level.PROVINCIAL,
        State.CANDIDATE,
    )
    assert honour.org_id == person.org_id and honour.holder_name == "张三"
    again = services.propose_candidate(
        actor=world.province_admin,
        person=person,
        kind=Kind.PROVINCIAL_MAY1_MEDAL,
        year=2025,
        source="contest:7",
    )
    assert again.pk == honour.pk
    assert Honour.objects.count() == 1
    assert AuditEntry.objects.filter(action="honours.propose").count() == 1
    other = services.propose_candidate(
        actor=None, person=person, kind="technical_expert", year=2025, source="contest:7"
    )
    assert other.pk != honour.pk and other.level == Level.PROVINCIAL


def test_propose_candidate_refuses_bad_input_and_foreign_people(world):
    person = world.member_a1.person
    cases = [
        (dict(kind="金牌", year=2025, source="contest:1"), "kind", "荣誉类型“金牌”不在代码表中。"),
        (dict(kind="陇原工匠", year=1800, source="contest:1"), "year", "年度应为1950至2100"),
        (dict(kind="陇原工匠", year=2025, source=" "), "source", "请填写候选荣誉的来源。"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.propose_candidate(actor=world.county_admin, person=person, **kwargs)
        assert message in exc.value.message_dict[field][0]
    with pytest.raises(Http404):
        services.propose_candidate(
            actor=world.sibling_admin, person=person, kind="陇原工匠", year=2025, source="x"
        )
    with pytest.raises(PermissionDenied):
        services.propose_candidate(
            actor=world.viewer, person=person, kind="陇原工匠", year=2025, source="x"
        )
    assert not Honour.objects.exists()
    assert not AuditEntry.objects.filter(action="honours.propose").exists()
