"""Venue API: the scoped staff list and the public nearest query."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartunion.venues import coords
from smartunion.venues.models import Venue

LIST = "/api/v1/venues"
NEAREST = "/api/v1/venues/nearest"


def test_the_staff_list_needs_a_login(client, venue_a):
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}/{venue_a.pk}").status_code == 401


def test_the_staff_list_is_scoped(client, world, venue_a, venue_b):
    client.force_login(world.county_admin)
    ids = [v["id"] for v in client.get(LIST).json()["items"]]
    assert ids == [venue_a.pk]
    client.force_login(world.city_admin)
    assert {v["id"] for v in client.get(LIST).json()["items"]} == {venue_a.pk, venue_b.pk}


def test_a_sibling_county_gets_404_for_a_venue(client, world, venue_a):
    client.force_login(world.sibling_admin)
    response = client.get(f"{LIST}/{venue_a.pk}")
    assert response.status_code == 404
    assert "城关区东岗驿站" not in response.content.decode()


def test_the_list_filters_by_kind_and_region_and_converts_to_the_asked_crs(
    client, world, venue_a, venue_b, make_venue
):
    make_venue(world.county_a, name="中心", kind="service_center")
    client.force_login(world.city_admin)
    names = {v["name"] for v in client.get(LIST, {"kind": "service_center"}).json()["items"]}
    assert names == {"中心"}
    for region in ("620103", "6201", "620100", "62"):
        got = {v["name"] for v in client.get(LIST, {"region": region}).json()["items"]}
        assert ("七里河驿站" in got) and (("城关区东岗驿站" in got) == (region != "620103"))
    item = client.get(LIST, {"region": "620103", "crs": "bd09"}).json()["items"][0]
    assert item["crs"] == "bd09"
    bd = coords.wgs84_to_bd09(venue_b.lng, venue_b.lat)
    assert coords.haversine_m(item["lng"], item["lat"], *bd) < 0.05
    assert item["manager_phone"] == "139****5678"


def test_the_list_pages_with_next(client, world, make_venue):
    for i in range(5):
        make_venue(world.county_a, name=f"站{i}")
    client.force_login(world.county_admin)
    first = client.get(LIST, {"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next"]
    second = client.get(LIST, {"limit": 3, "after": first["next"]}).json()
    assert len(second["items"]) == 2 and second["next"] is None
    assert {v["id"] for v in first["items"]}.isdisjoint(v["id"] for v in second["items"])


@pytest.mark.parametrize(
    "query,field,words",
    [
        ({"kind": "cafe"}, "kind", "阵地类型应为"),
        ({"region": "62abc"}, "region", "行政区划代码应为"),
        ({"crs": "utm"}, "crs", "坐标系只能是"),
        ({"limit": "0"}, "limit", "每页条数"),
    ],
)
def test_bad_list_parameters_get_422_in_chinese(client, world, query, field, words):
    client.force_login(world.county_admin)
    response = client.get(LIST, query)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and words in detail[0]["message"]


def test_nearest_is_public_and_gives_distance_in_metres(client, world, venue_a, venue_b):
    response = client.get(NEAREST, {"lng": "103.7835", "lat": "36.0664", "limit": "2"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [venue_b.pk, venue_a.pk]
    assert items[0]["distance_m"] == 0
    expected = coords.haversine_m(103.7835, 36.0664, venue_a.lng, venue_a.lat)
    assert abs(items[1]["distance_m"] - expected) <= 1
    first = items[0]
    assert (first["name"], first["kind_name"], first["region_name"]) == (
        "七里河驿站",
        "驿站",
        "七里河区",
    )
    assert first["facilities"] == ["饮水", "休息", "如厕"]
    assert first["hours"] == "每天 08:00-20:00" and first["open_24h"] is False
    assert first["service_phone"] == "09318888888" and first["address"] == "城关区东岗西路1号"
    assert "manager_phone" not in items[0]
    assert "13912345678" not in response.content.decode()


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_nearest_takes_and_gives_coordinates_in_the_asked_crs(client, venue_a, venue_b, crs):
    lng, lat = coords.from_wgs84(venue_a.lng, venue_a.lat, crs)
    body = client.get(NEAREST, {"lng": lng, "lat": lat, "crs": crs, "limit": 1}).json()
    item = body["items"][0]
    assert item["id"] == venue_a.pk and item["distance_m"] == 0
    assert body["crs"] == crs
    assert coords.haversine_m(item["lng"], item["lat"], lng, lat) < 0.05


def test_navigation_links_carry_gcj02_for_amap_and_bd09_for_baidu(client, venue_a):
    item = client.get(NEAREST, {"lng": venue_a.lng, "lat": venue_a.lat}).json()["items"][0]
    amap = urlparse(item["amap_url"])
    assert amap.netloc == "uri.amap.com" and amap.path == "/marker"
    q = parse_qs(amap.query)
    glng, glat = (float(x) for x in q["position"][0].split(","))
    assert coords.haversine_m(glng, glat, *coords.wgs84_to_gcj02(venue_a.lng, venue_a.lat)) < 0.2
    assert q["coordinate"] == ["gaode"] and q["name"] == ["城关区东岗驿站"]
    baidu = urlparse(item["baidu_url"])
    assert baidu.netloc == "api.map.baidu.com" and baidu.path == "/marker"
    q = parse_qs(baidu.query)
    blat, blng = (float(x) for x in q["location"][0].split(","))
    assert coords.haversine_m(blng, blat, *coords.wgs84_to_bd09(venue_a.lng, venue_a.lat)) < 0.2
    assert q["coord_type"] == ["bd09ll"]


def test_closed_venues_are_not_listed_nearby(client, world, venue_a, venue_b):
    from smartunion.venues import services

    services.close_venue(venue_b, actor=world.superuser, reason="拆除")
    items = client.get(NEAREST, {"lng": venue_b.lng, "lat": venue_b.lat}).json()["items"]
    assert [i["id"] for i in items] == [venue_a.pk]


@pytest.mark.parametrize(
    "query,field,words",
    [
        ({"lng": "36.06", "lat": "103.83"}, "lat", "经纬度可能填反了"),
        ({"lng": "103.83", "lat": "91"}, "lat", "纬度应在 -90 到 90 之间"),
        ({"lng": "190", "lat": "36"}, "lng", "经度应在 -180 到 180 之间"),
        ({"lng": "abc", "lat": "36"}, "lng", "经度必须是以度为单位的数字"),
        ({"lat": "36"}, "lng", "请填写经度"),
        ({"lng": "103.8", "lat": "36", "crs": "wgs"}, "crs", "坐标系只能是"),
        ({"lng": "103.8", "lat": "36", "limit": "500"}, "limit", "数量应在1至50之间"),
        ({"lng": "103.8", "lat": "36", "limit": "ten"}, "limit", "数量应为整数"),
    ],
)
def test_bad_coordinates_get_422_in_chinese(client, db, query, field, words):
    response = client.get(NEAREST, query)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d["field"] == field and words in d["message"] for d in detail), detail


def test_nearest_runs_a_handful_of_queries(client, world, make_venue):
    for i in range(30):
        make_venue(world.county_a, name=f"站{i}", lng=103.8 + i * 0.001)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(NEAREST, {"lng": 103.81, "lat": 36.06}).status_code == 200
    assert len(queries.captured_queries) <= 4


def static_size(path: str) -> int:
    found = finders.find(path)
    assert found, path
    return Path(found).stat().st_size


def test_the_phone_page_and_its_data_stay_under_300_kb(client, world, make_venue):
    for i in range(10):
        make_venue(
            world.county_a,
            name=f"城关区第{i}号户外劳动者服务站点（东岗西路环卫工人爱心驿站）",
            facilities=["water", "meal_heating", "rest", "toilet", "charging", "first_aid", "wifi"],
        )
    page = client.get("/nearby/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert sorted(assets) == sorted(
        [
            "vendor/leaflet/leaflet.css",
            "venues/nearby.css",
            "vendor/leaflet/leaflet.js",
            "venues/boundaries.js",
            "venues/nearby.js",
        ]
    )
    assert "http://" not in html and "https://" not in html  # no CDN, nothing off-site
    data = client.get(NEAREST, {"lng": 103.83, "lat": 36.06, "limit": 10})
    total = len(page.content) + sum(static_size(a) for a in assets) + len(data.content)
    assert total < 300 * 1024, total


def test_the_phone_page_needs_no_login_and_lists_the_counties(client, db):
    from smartunion.personas import ensure_regions

    ensure_regions()
    page = client.get("/nearby/")
    assert page.status_code == 200
    counties = page.context["page_data"]["counties"]
    names = {c["n"] for c in counties}
    assert {"城关区", "七里河区", "敦煌市", "嘉峪关市"} <= names
    assert len(counties) == 87  # 86 county-level divisions and 嘉峪关市
    dunhuang = next(c for c in counties if c["n"] == "敦煌市")
    assert 94.0 < dunhuang["x"] < 95.5 and 39.5 < dunhuang["y"] < 40.6


def test_venue_rows_are_not_touched_by_the_phone_page(client, venue_a):
    before = Venue.objects.get(pk=venue_a.pk).updated_at
    client.get("/nearby/")
    assert Venue.objects.get(pk=venue_a.pk).updated_at == before
