"""Fixtures of the honours register (tests and the generated permission and paging tests)."""

from __future__ import annotations

from smartunion.honours import services
from smartunion.honours.models import Honour, ServiceLog


def make_honour(person, *, kind="provincial_model", year=2020, actor=None, **changes) -> Honour:
    """An honour held (在册) by ``person``, entered by the system."""
    values = dict(
        person=person,
        org_id=person.org_id,
        holder_name=person.name,
        kind=kind,
        level=changes.pop("level", services.DEFAULT_LEVEL[kind]),
        year=year,
        granting_body="甘肃省人民政府",
        document_no=f"甘政发〔{year}〕1号",
        state="held",
    )
    values.update(changes)
    return Honour.objects.create(**values)


def make_service_log(person, *, kind="visit", amount="500.00", day=None) -> ServiceLog:
    import datetime as dt

    return ServiceLog.objects.create(
        org_id=person.org_id,
        person=person,
        kind=kind,
        happened_on=day or dt.date(2025, 1, 20),
        amount=amount,
        recorded_by_name="系统",
    )


# ---- the generated paging and permission tests ---------------------------------------------


def three_honours(world) -> dict:
    person = world.member_a1.person
    for kind in ("provincial_model", "craftsman", "technical_expert"):
        make_honour(person, kind=kind)
    return {}


def three_service_logs(world) -> dict:
    person = world.member_a1.person
    make_honour(person)
    for kind in ("visit", "health_check", "rest_trip"):
        make_service_log(person, kind=kind)
    return {}


def an_honour(world) -> Honour:
    return make_honour(world.member_a1.person)


def make_selection(world, *, vote=True, places=4, **changes):
    """The province's 五一劳动奖章 selection of this year: quotas for counties A (4) and B (2),
    vetting by 税务 and 审计, a vote open from today for four days."""
    import datetime as dt

    from smartunion.casework import services as casework
    from smartunion.honours import selections

    today = casework.today()
    changes.setdefault("departments", ["税务", "审计"])
    data = selections.SelectionData(
        title="2026年甘肃五一劳动奖章评选",
        kind="provincial_may1_medal",
        year=today.year,
        nominations_due=today + dt.timedelta(days=30),
        quotas=[(world.county_a.pk, places), (world.county_b.pk, 2)],
        vote_starts_on=today if vote else None,
        vote_ends_on=today + dt.timedelta(days=3) if vote else None,
        **changes,
    )
    return selections.create_selection(data, world.province.pk, actor=world.province_admin)


def a_selection(world):
    """A selection run by county A (陇原工匠 nominations of its unions), for the generated
    tests: the sibling county must not see it."""
    import datetime as dt

    from smartunion.casework import services as casework
    from smartunion.honours import selections

    data = selections.SelectionData(
        title="城关区工匠评选",
        kind="craftsman",
        year=casework.today().year,
        nominations_due=casework.today() + dt.timedelta(days=30),
        quotas=[(world.union_a1.pk, 3)],
    )
    return selections.create_selection(data, world.county_a.pk, actor=world.county_admin)


def a_nomination(world, *, selection=None, person=None):
    from smartunion.honours import selections

    selection = selection or make_selection(world)
    return selections.nominate(
        selection.pk,
        actor=world.county_admin,
        org_id=world.county_a.pk,
        person_id=(person or world.member_a1.person).pk,
        categories=["industrial"],
    )


def a_voting_nomination(world):
    from smartunion.honours.models import Nomination

    case = a_nomination(world)
    Nomination.objects.filter(pk=case.pk).update(state="voting")
    return case


def make_studio(world, *, name="张三劳模创新工作室", leader=None, venue=None):
    from smartunion.honours import studios

    leader = leader or world.member_a1.person
    if not Honour.objects.filter(person=leader, state="held").exists():
        make_honour(leader)
    data = studios.StudioData(
        name=name,
        tier="provincial",
        named_year=2022,
        document_no="甘工发〔2022〕30号",
        leader_id=leader.pk,
        venue_id=venue.pk if venue else None,
        field="贵金属冶炼",
    )
    return studios.create_studio(data, world.union_a1.pk, actor=world.county_admin)


def a_studio(world):
    return make_studio(world)


def three_studios(world) -> dict:
    for name in ("甲工作室", "乙工作室", "丙工作室"):
        make_studio(world, name=name)
    return {}


def three_selections(world) -> dict:
    for _ in range(3):
        make_selection(world)
    return {}


def three_nominations(world) -> dict:
    from smartunion.core.testing import new_id_number

    selection = make_selection(world)
    a_nomination(world, selection=selection)
    for name in ("赵一", "钱二"):
        person = world.add_member(world.union_a1, name, id_number=new_id_number()).person
        a_nomination(world, selection=selection, person=person)
    return {}


#: Merged into the registries of smartunion/core/tests/test_pagination.py (list factories)
#: and test_permissions.py (objects named by URL keywords and body fields, sample values,
#: province-only operations), so that the honours' routes are declared here, in one place.
LIST_ITEMS = {
    "/api/v1/honours": three_honours,
    "/api/v1/honours/benefits": lambda w: {},  # the five levels' defaults
    "/api/v1/honours/service-logs": three_service_logs,
    "/api/v1/honours/selections": three_selections,
    "/api/v1/honours/nominations": three_nominations,
    "/api/v1/honours/studios": three_studios,
}
KWARG_OBJECTS = {
    "honour_id": an_honour,
    "selection_id": a_selection,
    "nomination_id": a_nomination,
    "studio_id": a_studio,
}
REFERENCE_FIELDS = {
    "holder_org": lambda w: w.union_a1,
    "nomination": a_voting_nomination,
    "selection": a_selection,
}
SAMPLE_VALUES = {
    "nominations_due": lambda w: "2026-12-31",
    "quotas": lambda w: [{"org": w.union_a1.pk, "places": 2}],
    "document_no": lambda w: "甘工发〔2026〕20号",
    "score": lambda w: "88.00",
    "leader": lambda w: w.member_a1.person.pk,
    "tier": lambda w: "provincial",
    "named_year": lambda w: 2022,
    "type": lambda w: "training",
    "trained": lambda w: 10,
    "happened_on": lambda w: "2025-01-20",
    "monthly_allowance": lambda w: "400.00",
    "visit_amount": lambda w: "500.00",
    "health_check": lambda w: True,
    "rest_trip": lambda w: True,
    "festival_visits": lambda w: 2,
}
PROVINCE_ONLY_API = {
    ("POST", "/api/v1/honours/benefits"): "劳模待遇标准 are the province's configuration",
}
