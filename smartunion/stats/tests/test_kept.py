"""The service requests' and legal-aid figures kept in the statistics' summaries (stats.kept,
decision 0025): equal to a recount after every service that changes them, and the figures
pages of the province and a city read from them give what the records give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartunion.casework import services as casework
from smartunion.legalaid import indicators as legal_aid
from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import make_case, make_handler, min_wages
from smartunion.orgs import services as org_services
from smartunion.servicerequests import services as request_services
from smartunion.servicerequests.figures import figures as request_figures
from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.testing import make_request
from smartunion.stats import kept, summaries
from smartunion.stats.models import Summary
from smartunion.stats.modules import year_figures

TODAY = dt.date.today()


def legal_aid_figures(user, year):
    return year_figures(
        user, str(year), shown=legal_aid.ALL, by_union=(legal_aid.CASES, legal_aid.RECOVERED)
    )


def move(case, name, actor, note="说明", **data):
    return casework.transition(case, name, actor=actor, note=note, data=data)


def recounted() -> None:
    assert kept.check() == []


def _pages(world):
    """Every figure of both pages, for the province and the city (from the summaries) and
    the county (from the records)."""
    out = {}
    for user in (world.province_admin, world.city_admin, world.county_admin):
        for name, page in (("requests", request_figures), ("legalaid", legal_aid_figures)):
            f = page(user, TODAY.year)
            rows = [(r.org.pk if r.org else None, r.values) for r in f.by_union]
            out[user.username, name] = ({c: s.value for c, s in f.figures.items()}, rows)
    return out


def test_after_every_service_the_summaries_equal_a_recount_and_the_pages_the_records(
    world, monkeypatch
):
    # Service requests: intake at the city, down to a county, accepted, reported, called back
    # dissatisfied (reopened), reported again, called back, quality-checked.
    a = make_request(world.city, world.city_admin)
    recounted()
    assert Summary.objects.filter(dim="rt", path=world.province.path).exists()
    steps = [
        ("send_down", world.city_admin, {"to_org": world.county_a.pk}),
        ("accept", world.county_admin, {}),
        ("report", world.county_admin, {}),
        ("callback", world.city_admin, {"satisfied": "no"}),
        ("report", world.county_admin, {}),
        ("callback", world.city_admin, {"satisfied": "yes"}),
        ("quality", world.city_admin, {}),
    ]
    for name, actor, data in steps:
        a = move(a, name, actor, **data)
        recounted()
    assert a.state == "closed" and a.satisfied and a.on_time is not None
    # A request taken in a union below the counties, sent back up, spawning a legal-aid case.
    min_wages()
    b = make_request(
        world.union_a1, world.county_admin, category="04", person_id=world.member_a1.person_id
    )
    b = move(
        b,
        "spawn_legal_aid",
        world.county_admin,
        applicant_kind="migrant",
        aid_form="arbitration",
        subtype="wages",
        exemption="migrant_wages",
        amount_in_dispute="6000",
    )
    recounted()
    spawned = LegalAidCase.objects.get()
    # Legal aid through its whole flow, with money recovered in fen; a consultation; a
    # termination and a transfer.
    lawyer = make_handler(world.county_a)
    case = make_case(world.union_a1, world.grassroots_admin)
    for name, actor, data in [
        ("grant", world.county_admin, {}),
        ("assign", world.county_admin, {"handler": lawyer.pk}),
        ("record_stage", world.county_admin, {"stage": "arbitration", "happened_on": TODAY}),
        ("close", world.county_admin, {"result": "mediated", "recovered": "8000.55"}),
        ("callback", world.city_admin, {"score": 4}),
        ("archive", world.county_admin, {}),
    ]:
        case = move(case, name, actor, **data)
        recounted()
    make_case(world.county_b, world.sibling_admin, consultation=True, aid_form="consult")
    move(spawned, "terminate", world.county_admin, note="撤回", reason="withdrew")
    other = make_case(world.city, world.city_admin)
    move(other, "transfer", world.city_admin, to="government", to_name="兰州市法律援助中心")
    recounted()
    # A sub-category moved under another category of the code list.
    request_services.save_category(
        code="0301", name="拖欠工资", parent_code="03", actor=world.superuser
    )
    make_request(world.county_b, world.sibling_admin, category="0301", channel="online")
    request_services.save_category(
        code="0301", name="拖欠工资", parent_code="04", actor=world.superuser
    )
    recounted()
    # A union with requests and cases moved to the sibling county; a county to the province.
    org_services.move_org(world.union_a1, world.county_b, actor=world.city_admin)
    recounted()
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    recounted()
    province = request_figures(world.province_admin, TODAY.year).figures
    assert province["requests.count"].value == 3
    assert legal_aid_figures(world.province_admin, TODAY.year).figures[
        "legalaid.recovered"
    ].value == Decimal("8000.55")
    # The pages from the summaries equal the pages from the records.
    from_summaries = _pages(world)
    monkeypatch.setattr(summaries, "DEPTH", 0)
    assert _pages(world) == from_summaries


def test_the_command_rebuilds_and_checks_the_kept_rows(world):
    make_request(world.county_a, world.county_admin)
    ServiceRequest.objects.update(opened_on=dt.date(TODAY.year - 1, 3, 15))  # not a service
    with pytest.raises(CommandError, match="summary cells drifted"):
        call_command("rebuild_stats", "--check")
    call_command("rebuild_stats", "--check", "--fix")
    recounted()
    call_command("rebuild_stats")
    recounted()
    rows = Summary.objects.filter(dim="rt", path=world.province.path).order_by("month")
    assert [(r.month, r.n) for r in rows] == [
        (summaries.month_index(dt.date(TODAY.year - 1, 3, 1)), 1),
        (summaries.YEARS + TODAY.year - 1, 1),  # its year's row beside it (decision 0032)
    ]
