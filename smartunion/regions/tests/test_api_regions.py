"""GET /api/v1/regions: the GB/T 2260 divisions, readable without logging in."""

from django.test import Client

from smartunion.personas import ensure_regions

URL = "/api/v1/regions"


def test_parent_62_lists_the_14_prefecture_level_divisions_of_gansu_without_login(db):
    ensure_regions()
    response = Client().get(URL, {"parent": "62"})
    assert response.status_code == 200
    regions = response.json()["items"]
    assert len(regions) == 14
    assert regions[0] == {"code": "620100", "name": "兰州市", "level": 2}
    assert {"code": "620200", "name": "嘉峪关市", "level": 2} in regions


def test_parent_6201_lists_the_8_county_level_divisions_of_lanzhou(db):
    ensure_regions()
    regions = Client().get(URL, {"parent": "6201"}).json()["items"]
    assert len(regions) == 8
    assert {"code": "620102", "name": "城关区", "level": 3} in regions
    none = Client().get(URL, {"parent": "620200"}).json()  # 嘉峪关市 has no counties
    assert none == {"items": [], "next": None}


def test_without_parent_it_lists_the_provinces(db):
    ensure_regions()
    regions = Client().get(URL, {"limit": 500}).json()["items"]
    assert {"code": "620000", "name": "甘肃省", "level": 1} in regions
    assert all(r["level"] == 1 for r in regions)


def test_a_malformed_parent_names_the_field_and_an_unknown_one_is_404(db):
    ensure_regions()
    malformed = Client().get(URL, {"parent": "62a"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"] == [
        {"field": "parent", "message": "上级行政区划代码应为2、4或6位数字，例如 62 或 6201。"}
    ]
    unknown = Client().get(URL, {"parent": "99"})
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "行政区划代码不存在。"}
