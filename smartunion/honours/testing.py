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


#: Merged into the registries of smartunion/core/tests/test_pagination.py (list factories)
#: and test_permissions.py (objects named by URL keywords and body fields, sample values,
#: province-only operations), so that the honours' routes are declared here, in one place.
LIST_ITEMS = {
    "/api/v1/honours": three_honours,
    "/api/v1/honours/benefits": lambda w: {},  # the five levels' defaults
    "/api/v1/honours/service-logs": three_service_logs,
}
KWARG_OBJECTS = {"honour_id": an_honour}
REFERENCE_FIELDS = {"unit": lambda w: w.union_a1}
SAMPLE_VALUES = {
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
