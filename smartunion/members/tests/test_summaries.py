"""The statistics' summaries (members/summaries.py, decision 0020) equal a recount from the
records after every service that changes them — joins, approvals, transfers both ways, leaves
(back-dated too), edits of the person's counted fields, imports, moves of unions at every
level, dissolutions — and the figures read from them equal the figures read from the records,
at month ends, inside a month and today, for a union, its sub-units and its trend."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartunion.core.codes import Education, HukouType
from smartunion.core.testing import new_id_number
from smartunion.members import services
from smartunion.members import summaries as member_summaries
from smartunion.members.models import ChangeReason, Membership
from smartunion.members.services import PersonData
from smartunion.orgs import services as org_services
from smartunion.orgs.models import Kind
from smartunion.personas import build_world, make_org
from smartunion.stats import figures, indicators, summaries
from smartunion.stats.models import Summary
from smartunion.stats.testing import kept_by_child
from smartunion.stats.tests.seeded import seed


def assert_kept_as_recorded():
    assert member_summaries.check() == []


def test_the_personas_members_are_in_the_summaries_from_their_registration(world):
    assert Summary.objects.filter(path=world.province.path, dim="m").exists()
    assert_kept_as_recorded()


def test_an_application_counts_from_its_approval(world):
    application = services.apply_for_membership(
        PersonData(name="申请人", id_number=new_id_number(), phone="13800000001"),
        world.union_a2,
        actor=world.county_admin,
    )
    assert_kept_as_recorded()
    services.approve_application(application, actor=world.county_admin)
    assert_kept_as_recorded()


def test_a_transfer_moves_the_member_between_the_summaries_of_both_counties(world):
    services.transfer_membership(world.member_a1, world.union_b1, actor=world.city_admin)
    assert_kept_as_recorded()
    transfer = services.send_transfer(world.member_b1, world.union_a2, actor=world.city_admin)
    services.accept_transfer(transfer, actor=world.county_admin)
    assert_kept_as_recorded()


def test_retaining_leaving_and_expulsion_even_back_dated(world):
    services.retain_membership(
        world.member_a1, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    services.restore_membership(world.member_a1, actor=world.county_admin)
    assert_kept_as_recorded()
    member = world.add_member(world.union_a2, "早入会", joined_on=dt.date(2018, 3, 9))
    services.leave_union(member, actor=world.county_admin, on=dt.date(2021, 7, 20))
    services.expel_member(world.member_b1, actor=world.city_admin)
    assert_kept_as_recorded()


def test_editing_the_counted_fields_of_a_person_moves_them_between_categories(world):
    person = world.member_a1.person
    services.update_person(
        person,
        {"education": Education.values[0], "hukou_type": HukouType.values[0]},
        actor=world.county_admin,
    )
    services.update_person(person, {"is_migrant_worker": True}, actor=world.county_admin)
    assert_kept_as_recorded()


def test_an_import_updates_them_per_batch(world):
    assert world.import_members(9, batch_size=4).created == 9
    assert_kept_as_recorded()


def test_moves_of_unions_at_every_level_and_dissolutions(world):
    org_services.move_org(world.union_a1, world.county_b, actor=world.city_admin)
    assert_kept_as_recorded()
    # A county with its unions, under the province directly: its keys change, and the city's.
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    assert_kept_as_recorded()
    # Below the summaries' depth: a union under a township, moved within one county.
    township = make_org("街道工会", world.county_a, Kind.TOWNSHIP, "620102")
    org_services.move_org(world.union_a2, township, actor=world.county_admin)
    assert_kept_as_recorded()
    services.leave_union(world.member_a2, actor=world.county_admin)
    org_services.dissolve_org(world.union_a2, actor=world.county_admin)
    assert_kept_as_recorded()


def test_the_command_reports_drift_and_fixes_it(world):
    out = StringIO()
    call_command("rebuild_stats", "--check", stdout=out)
    assert "一致" in out.getvalue()
    row = Summary.objects.filter(path=world.province.path, dim="g").first()
    Summary.objects.filter(pk=row.pk).update(n=row.n + 5)
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_stats", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_stats", "--check", "--fix", stdout=out)
    assert "已修正" in out.getvalue()
    assert_kept_as_recorded()
    Summary.objects.all().delete()
    call_command("rebuild_stats", stdout=StringIO())
    assert_kept_as_recorded()


# ---- the figures read from them --------------------------------------------------------------


@pytest.fixture(params=[3, 4])
def seeded(request, built):
    """The personas' world with a random data set added (built once per process and seed)."""

    def build():
        world = build_world()
        seed(world, random.Random(request.param), members=60)
        for name in ("province", "city", "county_a", "county_b"):
            getattr(world, name).refresh_from_db()
        return world

    return built(("members.seeded", request.param), build)


def _from_records(monkeypatch, fn):
    """``fn()`` with no union keeping summaries: every figure read from the records."""
    with monkeypatch.context() as m:
        m.setattr(summaries, "DEPTH", 0)
        return fn()


def _dates():
    """One date of each window a read takes (stats.testing.window_dates)."""
    today = timezone.localdate()
    return [
        dt.date(2022, 2, 14),  # the first half of a past month
        # A year's boundary (decision 0032's year rows): a December's end, the year rows
        # alone; the first of January, the year rows and January's records; the second half
        # of December, its rows less the records of its rest.
        dt.date(2023, 12, 31),
        dt.date(2024, 1, 1),
        dt.date(2023, 12, 20),
        today.replace(day=1),
        today - dt.timedelta(days=40),
        today,
    ]


def test_figures_from_the_summaries_equal_the_records(seeded, monkeypatch):
    today = timezone.localdate()
    members = [i for i in indicators.all_indicators() if i.group == "会员"]
    for on in _dates():
        for org in (seeded.province, seeded.city, seeded.county_a):
            for indicator in members:
                got = indicators.figure(indicator, org, on, today)
                expected = _from_records(
                    monkeypatch, lambda i=indicator, o=org, d=on: indicators.figure(i, o, d, today)
                )
                assert (got.value, got.own) == (expected.value, expected.own), (
                    indicator.code,
                    org.name,
                    on,
                )
                if not kept_by_child(org):
                    continue  # a county's sub-units: the records on both sides
                rows = figures.comparison(indicator, org, on)
                expected_rows = _from_records(
                    monkeypatch, lambda i=indicator, o=org, d=on: figures.comparison(i, o, d)
                )
                assert [(r.org, r.value) for r in rows] == [
                    (r.org, r.value) for r in expected_rows
                ], (indicator.code, org.name, on)


def test_trends_from_the_summaries_equal_the_records(seeded, monkeypatch):
    today = timezone.localdate()
    for indicator in indicators.all_indicators():
        if indicator.group != "会员" or indicator.is_breakdown:
            continue
        for org in (seeded.province, seeded.county_b):
            got = indicators.trend(indicator, org, today, 60)
            expected = _from_records(
                monkeypatch, lambda i=indicator, o=org: indicators.trend(i, o, today, 60)
            )
            assert got == expected, (indicator.code, org.name)


def test_the_seeded_records_recounted_and_after_services(seeded):
    assert_kept_as_recorded()
    member = Membership.objects.filter(org=seeded.union_a1, status="active").first()
    if member is not None:
        services.transfer_membership(member, seeded.union_b1, actor=seeded.city_admin)
    org_services.move_org(seeded.county_a, seeded.province, actor=seeded.province_admin)
    assert_kept_as_recorded()


def test_birthdays_at_a_band_edge_inside_a_month_and_on_29_february(world, monkeypatch):
    """A 36th birthday ten days after the date asked (read from the records of the rest of the
    month), a member joining in those days, and a 29 February birthday whose 46th falls in a
    year without one (46 only from 1 March, as ``years_before`` counts)."""
    world.add_member(
        world.union_a1,
        "生日",
        id_number=new_id_number(birth=dt.date(1988, 5, 20), male=True),
        joined_on=dt.date(2020, 1, 6),
    )
    world.add_member(
        world.union_a2,
        "月中入会",
        id_number=new_id_number(birth=dt.date(1988, 5, 12), male=False),
        joined_on=dt.date(2024, 5, 15),
    )
    world.add_member(
        world.union_b1,
        "闰日",
        id_number=new_id_number(birth=dt.date(1980, 2, 29), male=True),
        joined_on=dt.date(2019, 3, 1),
    )
    assert_kept_as_recorded()
    today = timezone.localdate()
    by_age = indicators.get("members.by_age")
    for on in (
        dt.date(2024, 5, 10),
        dt.date(2024, 5, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 1),
    ):
        if on > today:
            continue
        for org in (world.province, world.city, world.county_a, world.county_b):
            got = indicators.figure(by_age, org, on, today)
            expected = _from_records(
                monkeypatch, lambda o=org, d=on: indicators.figure(by_age, o, d, today)
            )
            assert (got.value, got.own) == (expected.value, expected.own), (org.name, on)
            if not kept_by_child(org):
                continue  # a county's sub-units: the records on both sides
            rows = figures.comparison(by_age, org, on)
            expected_rows = _from_records(
                monkeypatch, lambda o=org, d=on: figures.comparison(by_age, o, d)
            )
            assert [(r.org, r.value) for r in rows] == [(r.org, r.value) for r in expected_rows]
    on = dt.date(2024, 5, 10)
    assert indicators.figure(by_age, world.county_a, on, today).value["35"] >= 1
    assert indicators.figure(by_age, world.county_b, dt.date(2026, 2, 28), today).value["54"] == 0
    assert indicators.figure(by_age, world.county_b, dt.date(2026, 3, 1), today).value["54"] == 1
