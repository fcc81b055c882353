"""Small random data sets for the statistics tests, and the brute-force count of every indicator.

``seed(world, rng)`` adds unions (some founded long ago, some this year, some without a 建会日期,
some dissolved) and members (of random age, gender and attributes, joined on random days; some
left, some transferred) to the personas' world, writing the records as the services would leave
them, then recounts the kept counters and rebuilds the statistics' summaries. ``brute_force(code, org, on)`` computes each indicator by
reading every record in Python, from the definitions, for the test to compare.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from smartunion.core.codes import Education, HukouType, NewFormType
from smartunion.core.testing import new_id_number, read_once
from smartunion.members import counted
from smartunion.members import summaries as member_summaries
from smartunion.members.indicators import AGE_BANDS
from smartunion.members.models import (
    ChangeType,
    EndType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
)
from smartunion.orgs import counters
from smartunion.orgs.indicators import GRASSROOTS_BY_UNIT, UNIT_GROUPS
from smartunion.orgs.models import GRASSROOTS_KINDS, Kind, Organization, Status
from smartunion.personas import World, make_org
from smartunion.stats import kept
from smartunion.venues.models import SIX_HAS_FIELDS, Venue, VenueKind, VenueStatus

START = dt.date(2016, 1, 1)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def seed(world: World, rng: random.Random, *, members: int = 40) -> list[Organization]:
    today = timezone.localdate()
    # The personas' unions were founded long before their members joined.
    Organization.objects.filter(founded_on__isnull=True).update(founded_on=dt.date(2010, 1, 1))
    unions = [world.union_a1, world.union_a2, world.union_b1]
    for i in range(8):
        parent = rng.choice([world.county_a, world.county_b, world.city])
        founded = rng.choice([None, _day(rng, START, today), today.replace(month=1, day=1)])
        union = make_org(
            f"随机工会{i}",
            parent,
            rng.choice(GRASSROOTS_KINDS),
            parent.region_id,
            founded_on=founded,
            employee_count=rng.choice([0, rng.randrange(20, 800)]),
            unit_category=rng.choice(["", "110", "170", "200", "300", "400", "500", "600", "700"]),
            women_committee=rng.random() < 0.5,
        )
        unions.append(union)
    township = make_org("随机街道工会", world.county_a, Kind.TOWNSHIP, "620102")
    unions.append(township)
    # Dissolved unions hold no members: dissolve two fresh ones, one long ago.
    for i, on in enumerate([dt.date(2020, 3, 1), _day(rng, dt.date(2023, 1, 1), today)]):
        gone = make_org(
            f"已撤销工会{i}",
            world.county_b,
            Kind.SINGLE,
            "620103",
            founded_on=dt.date(2010, 1, 1),
            employee_count=100,
        )
        Organization.objects.filter(pk=gone.pk).update(
            status=rng.choice([Status.DISSOLVED, Status.MERGED]), dissolved_on=on
        )
    for i in range(members):
        joined = _day(rng, START, today)
        birth = _day(rng, dt.date(1962, 1, 1), dt.date(1999, 12, 31))
        union = rng.choice(unions)
        m = world.add_member(
            union,
            f"会员{i}",
            id_number=new_id_number(birth=birth, male=rng.random() < 0.5),
            joined_on=joined,
        )
        Person.objects.filter(pk=m.person_id).update(
            education=rng.choice([*Education.values, ""]),
            hukou_type=rng.choice([*HukouType.values, ""]),
            is_migrant_worker=rng.random() < 0.3,
            new_form_type=rng.choice([*NewFormType.values[:3], "", ""]),
        )
        counted.refresh(person_ids=[m.person_id])
        fate = rng.random()
        if fate < 0.2:
            _leave(m, _day(rng, joined, today), rng)
        elif fate < 0.4:
            _transfer(m, rng.choice(unions), _day(rng, joined, today))
    for i in range(12):
        _venue(rng, rng.choice(unions), i, today)
    counters.recount(fix=True)
    from smartunion.stats.tests.seeded_cases import seed_cases

    seed_cases(rng, [world.province, world.city, world.county_a, world.county_b, *unions])
    member_summaries.rebuild()
    kept.rebuild()  # written outside the services, like the seed's
    return unions


def _venue(rng: random.Random, org: Organization, i: int, today: dt.date) -> None:
    built = rng.choice([None, _day(rng, START, today), today.replace(month=1, day=1)])
    closed = rng.random() < 0.25
    six = rng.random() < 0.5
    Venue.objects.create(
        kind=rng.choice([VenueKind.STATION, VenueKind.STATION, VenueKind.BOOKHOUSE]),
        name=f"随机阵地{i}",
        org=org,
        region_id="620102",
        address="城关区东岗西路1号",
        lng=103.84,
        lat=36.05,
        built_on=built,
        status=VenueStatus.CLOSED if closed else VenueStatus.OPEN,
        closed_on=_day(rng, built or START, today) if closed else None,
        **dict.fromkeys(SIX_HAS_FIELDS, six),
        six_complete=six,
    )


def _event(m: Membership, change_type: str, on: dt.date) -> None:
    MembershipEvent.objects.create(
        person_id=m.person_id,
        membership=m,
        org_id=m.org_id,
        change_type=change_type,
        occurred_on=on,
    )


def _leave(m: Membership, on: dt.date, rng: random.Random) -> None:
    end_type = rng.choice([EndType.LEFT, EndType.EXPELLED])
    Membership.objects.filter(pk=m.pk).update(
        status=MembershipStatus.ENDED, end_type=end_type, ended_on=on
    )
    _event(m, ChangeType.LEAVE if end_type == EndType.LEFT else ChangeType.REMOVE, on)


def _transfer(m: Membership, to: Organization, on: dt.date) -> None:
    """As members.services.accept_transfer leaves the records."""
    if to.pk == m.org_id:
        return
    Membership.objects.filter(pk=m.pk).update(
        status=MembershipStatus.ENDED, end_type=EndType.TRANSFERRED, ended_on=on
    )
    new = Membership.objects.create(
        person_id=m.person_id,
        org=to,
        status=MembershipStatus.ACTIVE,
        applied_on=m.applied_on,
        joined_on=m.joined_on,
        card_no=m.card_no,
    )
    _event(m, ChangeType.TRANSFER_OUT, on)
    _event(new, ChangeType.TRANSFER_IN, on)
    Person.objects.filter(pk=m.person_id).update(org=to)


# ---- the brute force ----------------------------------------------------------------------------


def _normal_on(o: Organization, on: dt.date) -> bool:
    begun = o.founded_on <= on if o.founded_on else timezone.localdate(o.created_at) <= on
    return begun and (o.status == Status.NORMAL or (o.dissolved_on and o.dissolved_on > on))


def _existing(o: Organization, on: dt.date) -> bool:
    return o.founded_on <= on if o.founded_on else timezone.localdate(o.created_at) <= on


def _member_on(m: Membership, on: dt.date, transfer_in: dict[int, dt.date]) -> bool:
    if m.status not in ("active", "retained", "ended") or not m.joined_on:
        return False
    begun = transfer_in.get(m.pk, m.joined_on)
    return begun <= on and (m.ended_on is None or m.ended_on > on)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _band(age: int) -> str:
    return [code for code, _, low in AGE_BANDS if age >= low][-1]


def brute_force(code: str, org: Organization, on: dt.date, *, own: bool = False):
    """The indicator ``code`` of ``org``'s subtree (or of the union itself) at ``on``."""

    def inside(o: Organization) -> bool:
        return o.path == org.path if own else o.path.startswith(org.path)

    # Each table read once per test (core.testing.reading_once), not at every call.
    orgs = {
        o.pk: o for o in read_once("orgs", lambda: list(Organization.objects.all())) if inside(o)
    }
    all_events = read_once("events", lambda: list(MembershipEvent.objects.all()))
    transfer_in = {
        e.membership_id: e.occurred_on
        for e in all_events
        if e.change_type == ChangeType.TRANSFER_IN
    }
    members = [
        m
        for m in read_once("memberships", lambda: list(Membership.objects.select_related("person")))
        if m.org_id in orgs and _member_on(m, on, transfer_in)
    ]
    year_start = on.replace(month=1, day=1)
    events = [e for e in all_events if e.org_id in orgs and year_start <= e.occurred_on <= on]
    normal = [o for o in orgs.values() if _normal_on(o, on)]

    def tally(values):
        out: dict[str, int] = {}
        for v in values:
            out[v] = out.get(v, 0) + 1
        return out

    def events_of(*types):
        return sum(1 for e in events if e.change_type in types)

    all_venues = read_once("venues", lambda: list(Venue.objects.all()))
    venues = [
        v
        for v in all_venues
        if v.org_id in orgs
        and (v.built_on <= on if v.built_on else timezone.localdate(v.created_at) <= on)
        and (v.status == VenueStatus.OPEN or (v.closed_on and v.closed_on > on))
    ]
    stations = [v for v in venues if v.kind == VenueKind.STATION]

    match code:
        case "unions":
            return len(normal)
        case "unions.grassroots":
            return sum(1 for o in normal if o.kind in GRASSROOTS_KINDS)
        case "unions.by_kind":
            return {k: sum(1 for o in normal if o.kind == k) for k in Kind.values}
        case "unions.by_status":
            existing = [o for o in orgs.values() if _existing(o, on)]
            return {
                s: sum(
                    1 for o in existing if (Status.NORMAL if _normal_on(o, on) else o.status) == s
                )
                for s in Status.values
            }
        case "unions.founded":
            return sum(
                1 for o in orgs.values() if o.founded_on and year_start <= o.founded_on <= on
            )
        case "unions.grassroots.by_unit":
            groups = {c: code for code, _, codes in UNIT_GROUPS for c in codes}
            return {c: 0 for c, _ in GRASSROOTS_BY_UNIT.categories} | tally(
                groups.get(o.unit_category, "other") for o in normal if o.kind in GRASSROOTS_KINDS
            )
        case "unions.joint":
            return sum(1 for o in normal if o.kind == Kind.JOINT)
        case "unions.women_committee":
            return sum(1 for o in normal if o.kind in GRASSROOTS_KINDS and o.women_committee)
        case "employees":
            return sum(o.employee_count for o in normal)
        case "members":
            return len(members)
        case "members.rate":
            rated = {o.pk for o in normal if o.employee_count > 0}
            employees = sum(orgs[pk].employee_count for pk in rated)
            n = sum(1 for m in members if m.org_id in rated)
            return n / employees if employees else None
        case "members.female":
            return sum(1 for m in members if m.person.gender == "2")
        case "members.migrant":
            return sum(1 for m in members if m.person.is_migrant_worker)
        case "members.new_form":
            return sum(1 for m in members if m.person.new_form_type)
        case "members.by_gender":
            return {"1": 0, "2": 0} | tally(m.person.gender for m in members)
        case "members.by_age":
            return dict.fromkeys((c for c, _, _ in AGE_BANDS), 0) | tally(
                _band(_age(m.person.birth_date, on)) for m in members
            )
        case "members.by_education":
            return dict.fromkeys([*Education.values, ""], 0) | tally(
                m.person.education for m in members
            )
        case "members.by_hukou":
            return dict.fromkeys([*HukouType.values, ""], 0) | tally(
                m.person.hukou_type for m in members
            )
        case "members.by_migrant":
            return {"1": 0, "0": 0} | tally(
                "1" if m.person.is_migrant_worker else "0" for m in members
            )
        case "members.by_new_form":
            return dict.fromkeys([*NewFormType.values, ""], 0) | tally(
                m.person.new_form_type for m in members
            )
        case "members.joins":
            return events_of(ChangeType.JOIN)
        case "members.transfers_in":
            return events_of(ChangeType.TRANSFER_IN)
        case "members.transfers_out":
            return events_of(ChangeType.TRANSFER_OUT)
        case "members.leaves":
            return events_of(ChangeType.LEAVE, ChangeType.REMOVE)
        case "venues.stations":
            return len(stations)
        case "venues.stations_built":
            return sum(
                1
                for v in all_venues
                if v.kind == VenueKind.STATION
                and v.org_id in orgs
                and v.built_on
                and year_start <= v.built_on <= on
            )
        case "venues.stations_six":
            return sum(1 for v in stations if v.six_complete)
        case "venues.by_kind":
            return {k: sum(1 for v in venues if v.kind == k) for k in VenueKind.values}
    from smartunion.stats.tests.seeded_cases import brute_force_cases

    return brute_force_cases(code, orgs, on)
