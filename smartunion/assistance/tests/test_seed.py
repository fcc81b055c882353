"""The hardship assistance part of the seed: Gansu-shaped, consistent with its own rules."""

from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.utils import timezone

from smartunion.assistance.models import CampaignLine, HardshipFile, HouseholdMember, StudentAid
from smartunion.assistance.rules import assess
from smartunion.assistance.seed import run_part
from smartunion.casework.models import Cap, CaseEvent, LedgerLine
from smartunion.core.seeding import SeedOptions
from smartunion.members.models import CURRENT_STATUSES, Membership, Person
from smartunion.stats import kept
from smartunion.stats.models import Summary


@pytest.fixture
def seeded(seeded_part):
    return seeded_part(run_part)


def test_it_files_about_one_in_a_hundred_members_with_consistent_figures(seeded):
    assert "已生成帮扶数据" in seeded[0]
    current = Membership.objects.filter(status__in=CURRENT_STATUSES).count()
    files = list(HardshipFile.objects.prefetch_related("members"))
    assert abs(len(files) - current * 0.012) <= 2
    for file in files:
        members = list(file.members.all())
        assert sum(m.relation == "self" for m in members) == 1
        assert file.household_size == len(members)
        income = sum(m.monthly_income for m in members) * 12 + file.other_annual_income
        assert income == file.annual_income
        result = assess(
            household_size=len(members),
            annual_income=file.annual_income,
            annual_rigid_expenses=file.annual_rigid_expenses,
            hardship_costs=file.hardship_costs,
            dibao_monthly=file.dibao_monthly,
        )
        assert result.category == file.category, file.number
        assert file.number.startswith("KN")
    states = Counter(f.state for f in files)
    assert states["in_file"] > len(files) // 2
    assert all(
        f.due_on for f in files if f.state in ("submitted", "visiting", "review", "verify", "ready")
    )


def test_nobody_is_in_two_open_files_or_anyone_else_s_identity(seeded):
    active = HouseholdMember.objects.filter(active=True)
    assert active.values("id_hash").distinct().count() == active.count()
    family = HouseholdMember.objects.exclude(relation="self").values_list("id_hash", flat=True)
    assert not Person.objects.filter(id_hash__in=list(family)).exists()


def test_students_once_a_year_and_payments_within_the_caps(seeded):
    per_year = Counter(StudentAid.objects.values_list("student_id_hash", "year"))
    assert per_year and max(per_year.values()) == 1
    caps = {c.purpose: c.per_year for c in Cap.objects.exclude(per_year=None)}
    totals = LedgerLine.objects.values("beneficiary_hash", "year", "purpose").annotate(
        total=Sum("amount")
    )
    for row in totals:
        cap = caps.get(row["purpose"])
        assert cap is None or row["total"] <= cap, row
    assert (
        CampaignLine.objects.filter(student_aid__isnull=False).count() == StudentAid.objects.count()
    )


def test_its_files_filed_and_lines_paid_are_kept_in_the_summaries(seeded):
    """The statistics' summaries of its flows (decision 0034) equal a recount."""
    assert kept.check() == []
    assert {"fn", "pr", "pm", "pk", "pa"} <= set(Summary.objects.values_list("dim", flat=True))


def test_running_it_again_adds_nothing(seeded):
    before = HardshipFile.objects.count()
    assert run_part(SeedOptions(seed=5)) == ["已有困难职工档案，未生成帮扶演示数据。"]
    assert HardshipFile.objects.count() == before


def test_each_files_dates_and_timeline_follow_each_other_and_none_is_after_today(seeded):
    """A demo file reads as it happened: opened, filed 15–45 days later, re-checked since,
    closed after it was filed; its timeline at those days; nothing after today."""
    today = timezone.localdate()
    day = lambda moment: timezone.localtime(moment).date()  # noqa: E731
    events = {}
    kind = ContentType.objects.get_for_model(HardshipFile)
    for event in CaseEvent.objects.filter(content_type=kind):
        events.setdefault(event.object_id, []).append(event)
    for file in HardshipFile.objects.all():
        chain = [file.opened_on, file.filed_on, file.last_recheck_on]
        dates = [d for d in chain if d is not None]
        assert dates == sorted(dates) and dates[-1] <= today, (file.number, chain)
        if file.closed_on:
            assert file.filed_on <= file.closed_on <= today, file.number
        timeline = sorted(events[file.pk], key=lambda e: (e.at, e.pk))
        assert day(timeline[0].at) == file.opened_on, file.number
        if file.filed_on:
            assert day(timeline[-1].at) == file.filed_on, file.number
        assert day(file.state_since) >= day(timeline[-1].at), file.number
        assert day(file.state_since) <= today
