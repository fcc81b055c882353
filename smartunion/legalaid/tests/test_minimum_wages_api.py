"""最低工资标准 in the API: the county × year table of the financial test, listed for staff,
entered and corrected by the province admins only, bad input refused in Chinese."""

from __future__ import annotations

import json

from smartunion.casework.models import RegionalRate
from smartunion.core.models import AuditEntry
from smartunion.legalaid.rules import MIN_WAGE
from smartunion.legalaid.testing import min_wages

URL = "/api/v1/legal-aid/minimum-wages"


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_staff_list_the_minimum_wages_by_region_newest_year_first(world, client):
    min_wages("620100", "2020.00", years=(2025, 2026))
    min_wages("620000", "1910.00", years=(2026,))
    client.force_login(world.county_admin)
    answer = client.get(URL).json()
    assert [(r["region"], r["year"], r["monthly"]) for r in answer["items"]] == [
        ("620000", 2026, "1910.00"),
        ("620100", 2026, "2020.00"),
        ("620100", 2025, "2020.00"),
    ]
    assert answer["items"][1]["region_name"] == "兰州市"
    only = client.get(URL, {"region": "620100", "year": 2025}).json()["items"]
    assert [(r["region"], r["year"]) for r in only] == [("620100", 2025)]
    first = client.get(URL, {"limit": 2}).json()
    rest = client.get(URL, {"limit": 2, "after": first["next"]}).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next"] is None


def test_the_province_admin_enters_and_corrects_a_minimum_wage(world, client):
    client.force_login(world.province_admin)
    answer = post(client, {"region": "620102", "year": 2026, "monthly": "2100", "note": "甘政发"})
    assert answer.status_code == 201
    assert answer.json() == {
        "region": "620102",
        "region_name": "城关区",
        "year": 2026,
        "monthly": "2100.00",
        "note": "甘政发",
        "updated_by_name": answer.json()["updated_by_name"],
    }
    assert post(client, {"region": "620102", "year": 2026, "monthly": "2150.50"}).status_code == 201
    row = RegionalRate.objects.get(kind=MIN_WAGE, region_id="620102", year=2026)
    assert str(row.monthly) == "2150.50"
    assert AuditEntry.objects.filter(action="standard.set").count() == 2


def test_a_county_admin_may_not_enter_a_minimum_wage(world, client):
    client.force_login(world.county_admin)
    answer = post(client, {"region": "620102", "year": 2026, "monthly": "2100"})
    assert answer.status_code == 403
    assert "省总工会管理员" in answer.json()["detail"]
    assert not RegionalRate.objects.filter(kind=MIN_WAGE).exists()


def test_bad_minimum_wages_are_refused_in_chinese_and_nothing_saved(world, client):
    client.force_login(world.province_admin)
    cases = [
        ({"region": "999999", "year": 2026, "monthly": "2100"}, "行政区划代码不正确"),
        ({"region": "620102", "year": 2026, "monthly": "-5"}, "月标准"),
        ({"region": "620102", "year": 2026, "monthly": "abc"}, "月标准"),
        ({"region": "620102", "year": 2026, "monthly": "200000"}, "月标准不能超过100,000元"),
        ({"region": "620102", "year": 1999, "monthly": "2100"}, "年度"),
    ]
    for body, message in cases:
        answer = post(client, body)
        assert answer.status_code == 422, body
        assert message in json.dumps(answer.json(), ensure_ascii=False), (body, answer.json())
    assert not RegionalRate.objects.filter(kind=MIN_WAGE).exists()
