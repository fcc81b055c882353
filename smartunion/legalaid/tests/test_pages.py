"""The legal-aid pages: the list and its lists, intake, the case page with its transitions,
the printable forms, the figures and the handlers."""

from __future__ import annotations

import datetime as dt

import pytest

from smartunion.casework import services as casework
from smartunion.legalaid.models import LegalAidCase, LegalAidHandler
from smartunion.legalaid.testing import make_case, make_handler

TODAY = dt.date.today()


def test_intake_from_the_page(wages, client):
    world = wages
    client.force_login(world.grassroots_admin)
    assert client.get("/legal-aid/cases/new/").status_code == 200
    response = client.post(
        "/legal-aid/cases/new/",
        {
            "org": world.union_a1.pk,
            "consultation": "0",
            "applicant_kind": "worker",
            "applicant_name": "王小二",
            "matter": "labour",
            "subtype": "wages",
            "aid_form": "arbitration",
            "workers_involved": 1,
            "amount_in_dispute": "8000",
            "income_per_head": "900",
        },
    )
    case = LegalAidCase.objects.get()
    assert response.status_code == 302 and response.url == f"/legal-aid/cases/{case.pk}/"
    page = client.get(response.url).content.decode()
    assert "待审查" in page and "申请表" in page


def test_a_bad_amount_stays_on_the_form(wages, client):
    world = wages
    client.force_login(world.grassroots_admin)
    response = client.post(
        "/legal-aid/cases/new/",
        {
            "org": world.union_a1.pk,
            "consultation": "0",
            "applicant_kind": "worker",
            "applicant_name": "王小二",
            "matter": "labour",
            "aid_form": "arbitration",
            "workers_involved": 1,
            "amount_in_dispute": "-1",
        },
    )
    assert response.status_code == 200
    assert "争议金额不能为负数。" in response.content.decode()
    assert not LegalAidCase.objects.exists()


def test_the_assign_page_offers_only_the_deciding_union_s_handlers(wages, client):
    world = wages
    case = make_case(world.union_a1, world.county_admin)
    case = casework.transition(case, "grant", actor=world.county_admin)
    make_handler(world.county_a, name="城关律师")
    make_handler(world.county_b, name="七里河律师")
    client.force_login(world.county_admin)
    page = client.get(f"/legal-aid/cases/{case.pk}/do/assign/").content.decode()
    assert "城关律师" in page and "七里河律师" not in page


def test_the_limitation_warning_and_the_prints(wages, lawyer, client):
    world = wages
    case = make_case(world.union_a1, world.county_admin, knew_on=TODAY - dt.timedelta(days=350))
    case = casework.transition(case, "grant", actor=world.county_admin)
    case = casework.transition(
        case, "assign", actor=world.county_admin, data={"handler": lawyer.pk}
    )
    client.force_login(world.county_admin)
    page = client.get(f"/legal-aid/cases/{case.pk}/").content.decode()
    assert "仲裁时效将于" in page and "紧急" in page
    for name, text in [
        ("application", "职工法律援助申请表"),
        ("decision", "决定给予法律援助"),
        ("letter", case.letter_no),
    ]:
        response = client.get(f"/legal-aid/cases/{case.pk}/print/{name}/")
        assert text in response.content.decode(), name


@pytest.mark.parametrize(
    "which", ["", "waiting", "overdue", "hearings", "urgent", "open", "closed"]
)
def test_the_lists_answer_in_few_queries(wages, client, django_assert_max_num_queries, which):
    world = wages
    for _ in range(3):
        make_case(world.union_a1, world.county_admin)
    client.force_login(world.county_admin)
    with django_assert_max_num_queries(10):
        assert client.get(f"/legal-aid/?list={which}").status_code == 200


def test_the_figures_count_by_type_and_union(wages, client):
    world = wages
    make_case(world.union_a1, world.county_admin, applicant_kind="migrant")
    client.force_login(world.city_admin)
    page = client.get("/legal-aid/figures/").content.decode()
    assert "农民工讨薪案件" in page and "城关区总工会" in page


def test_handlers_are_registered_from_the_page(world, client):
    client.force_login(world.county_admin)
    response = client.post(
        "/legal-aid/handlers/",
        {"org": world.county_a.pk, "kind": "firm", "name": "甘肃某律师事务所"},
    )
    assert response.status_code == 302
    assert LegalAidHandler.objects.get().org == world.county_a


def test_the_home_page_links_waiting_cases_and_hearings(wages, lawyer, client):
    world = wages
    case = make_case(world.union_a1, world.county_admin)
    case = casework.transition(case, "grant", actor=world.county_admin)
    case = casework.transition(
        case, "assign", actor=world.county_admin, data={"handler": lawyer.pk}
    )
    casework.transition(
        case,
        "record_stage",
        actor=world.county_admin,
        data={
            "stage": "arbitration",
            "happened_on": TODAY,
            "hearing_on": TODAY + dt.timedelta(days=2),
        },
    )
    waiting = make_case(world.union_a1, world.county_admin)
    client.force_login(world.county_admin)
    home = client.get("/").content.decode()
    assert "7日内开庭/仲裁的法律援助案件" in home and "待办理的法律援助案件" in home
    page = client.get("/legal-aid/?waiting=1").content.decode()
    assert waiting.number in page and case.number not in page


def test_the_province_enters_the_minimum_wage_and_a_county_may_only_read_it(world, client):
    client.force_login(world.county_admin)
    assert client.get("/legal-aid/min-wages/").status_code == 200
    body = {"region": "620102", "year": TODAY.year, "monthly": "2100", "note": "甘政发"}
    assert client.post("/legal-aid/min-wages/", body).status_code == 403
    client.force_login(world.province_admin)
    response = client.post("/legal-aid/min-wages/", body)
    assert response.status_code == 302
    from smartunion.casework.rates import standard_for

    assert standard_for("620102", TODAY.year, "min_wage").monthly == 2100
    bad = client.post("/legal-aid/min-wages/", {**body, "monthly": "-5"})
    assert "月标准不能为负数" in bad.content.decode() or "月标准应大于0" in bad.content.decode()
