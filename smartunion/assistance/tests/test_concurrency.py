"""Two staff acting at the same moment (PostgreSQL): one 金秋助学 per student and year, one
transition of a case, and a yearly cap, whatever the timing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from smartunion.assistance import services, student_aid
from smartunion.assistance.models import StudentAid
from smartunion.assistance.testing import make_campaign
from smartunion.assistance.tests.conftest import household
from smartunion.assistance.tests.test_files import in_file, new_file
from smartunion.casework import services as casework
from smartunion.casework.models import Cap, LedgerLine, RegionalRate
from smartunion.core import audit
from smartunion.core.errors import Conflict
from smartunion.members.tests.test_concurrency import at_the_same_moment
from smartunion.personas import build_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)

TODAY = dt.date.today()


@pytest.fixture
def race_world(transactional_db):
    world = build_world()
    for year in (TODAY.year - 1, TODAY.year):
        RegionalRate.objects.create(
            kind="dibao", region_id="620100", year=year, monthly=Decimal("800")
        )
    from smartunion.assistance.models import StudentAidAmount

    StudentAidAmount.objects.create(level="bachelor", category="deep", amount=Decimal("5000"))
    Cap.objects.create(purpose="living", per_year=Decimal("5000"))
    return world


def outcome_kinds(outcomes):
    return sorted(kind for kind, _ in outcomes)


def test_two_unions_applying_for_one_student_at_once_only_one_succeeds(race_world):
    w = race_world
    file = in_file(w)
    campaign = make_campaign(w.city)
    student = file.members.get(relation="child")

    def apply(actor):
        def run():
            try:
                return student_aid.create_student_aid(
                    campaign_id=campaign.pk,
                    household_file_id=file.pk,
                    student_name=student.name,
                    student_id_number=student.id_number,
                    school="兰州大学",
                    level="bachelor",
                    admission_year=TODAY.year,
                    actor=actor,
                )
            except Conflict as exc:
                raise ValidationError(exc.message) from None

        return run

    outcomes = at_the_same_moment(apply(w.grassroots_admin), apply(w.county_admin))
    assert outcome_kinds(outcomes) == ["ok", "refused"]
    refused = next(v for k, v in outcomes if k == "refused")
    assert "同一学生同一年度只能获得一次金秋助学资助" in refused.messages[0]
    assert StudentAid.objects.count() == 1
    assert audit.verify_chain().ok


def test_two_staff_moving_one_file_at_once_one_wins_and_the_other_is_told(race_world):
    w = race_world
    file = casework.transition(new_file(w), "submit", actor=w.grassroots_admin)

    def act(name, actor, **kw):
        def run():
            try:
                return casework.transition(
                    file, name, actor=actor, expected_state="submitted", **kw
                )
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from None

        return run

    outcomes = at_the_same_moment(
        act("check", w.grassroots_admin), act("return_check", w.county_admin, note="缺收入证明")
    )
    assert outcome_kinds(outcomes) == ["ok", "refused"]
    refused = next(v for k, v in outcomes if k == "refused")
    assert refused.messages == [casework.STALE]
    file.refresh_from_db()
    assert file.state in ("visiting", "returned")
    assert audit.verify_chain().ok


def test_two_payments_at_once_cannot_both_pass_a_yearly_cap(race_world):
    w = race_world
    file = in_file(w, household())

    def pay(actor):
        return lambda: services.record_payment(
            file, actor=actor, amount="3000.00", aid_type="living", fund_source="own"
        )

    outcomes = at_the_same_moment(pay(w.county_admin), pay(w.city_admin))
    assert outcome_kinds(outcomes) == ["ok", "refused"]
    refused = next(v for k, v in outcomes if k == "refused")
    assert "每人每年最多5,000.00元" in refused.message_dict["amount"][0]
    assert LedgerLine.objects.count() == 1
