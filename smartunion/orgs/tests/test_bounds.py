"""职工人数 has a realistic bound everywhere it enters: API, form, import, service, database.

One absurd number once made every home page above its union answer 500 (issue 17, item 1).
"""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from smartunion.core.bounds import EMPLOYEES
from smartunion.imports.tests.helpers import issues, validated
from smartunion.imports.tests.test_orgs_import import org_csv, org_row
from smartunion.orgs import services
from smartunion.orgs.models import Organization

ABSURD = 9223372036854775807
MESSAGE = "职工人数应在0至1,000,000人之间。"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts() -> list[tuple[int, int]]:
    return list(Organization.objects.order_by("pk").values_list("pk", "employee_count"))


@pytest.mark.parametrize("value", [ABSURD, 1_000_001, -1])
def test_the_api_refuses_a_count_outside_the_bound_and_saves_nothing(world, value):
    before = counts()
    response = client_for(world.county_admin).patch(
        f"/api/v1/orgs/{world.union_a1.pk}",
        {"employee_count": value},
        content_type="application/json",
    )
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["field"] == "employee_count"
    assert detail["message"] in ("职工人数：不能大于1000000。", "职工人数：不能小于0。")
    assert counts() == before


def test_the_api_accepts_the_bound_itself(world):
    response = client_for(world.county_admin).patch(
        f"/api/v1/orgs/{world.union_a1.pk}",
        {"employee_count": EMPLOYEES.high},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["employee_count"] == 1_000_000


def test_a_new_union_with_an_absurd_count_is_refused_by_the_api(world):
    before = Organization.objects.count()
    response = client_for(world.county_admin).post(
        "/api/v1/orgs",
        {
            "parent": world.county_a.pk,
            "name": "城关区巨型公司工会",
            "kind": "single",
            "region": "620102",
            "employee_count": ABSURD,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "employee_count"
    assert Organization.objects.count() == before


def test_the_edit_form_refuses_a_count_above_the_bound(world):
    before = counts()
    org = world.union_a1
    page = client_for(world.county_admin).post(
        reverse("orgs:edit", kwargs={"org_id": org.pk}),
        {
            "name": org.name,
            "kind": org.kind,
            "region": org.region_id,
            "employee_count": "1000001",
        },
    )
    assert page.status_code == 200
    assert MESSAGE in page.content.decode()
    assert counts() == before


def test_the_form_says_the_bound_before_anyone_types(world):
    page = client_for(world.county_admin).get(
        reverse("orgs:edit", kwargs={"org_id": world.union_a1.pk})
    )
    html = page.content.decode()
    assert 'max="1000000"' in html
    assert "不超过1,000,000人" in html


def test_the_service_refuses_a_count_above_the_bound(world):
    before = counts()
    with pytest.raises(services.ValidationError) as exc:
        services.update_org(world.union_a1, {"employee_count": 1_000_001}, actor=world.county_admin)
    assert exc.value.message_dict == {"employee_count": [MESSAGE]}
    assert counts() == before


def test_an_import_row_with_an_absurd_count_is_an_error_on_its_cell(world):
    before = Organization.objects.count()
    rows = [org_row("巨型公司工会", parent=world.county_a, 职工人数=str(ABSURD))]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    assert issues(job) == [(2, "职工人数", MESSAGE)]
    assert job.rows_valid == 0
    assert Organization.objects.count() == before


def test_the_database_refuses_a_bulk_write_outside_the_bound(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=world.union_a1.pk).update(employee_count=1_000_001)
    assert Organization.objects.get(pk=world.union_a1.pk).employee_count == 300


def test_home_pages_add_up_every_union_at_the_bound(world):
    """No aggregate overflows: every union at the largest count still sums on both databases."""
    Organization.objects.update(employee_count=EMPLOYEES.high)
    for user in (world.county_admin, world.city_admin, world.province_admin):
        response = client_for(user).get(reverse("core:home"))
        assert response.status_code == 200, user
        assert "职工 " in response.content.decode()
