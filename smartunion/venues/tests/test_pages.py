"""Venue pages: scope isolation, read-only users, filters, exports, county figures."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from smartunion.core.models import AuditEntry
from smartunion.venues import coords
from smartunion.venues.models import Venue
from smartunion.venues.tests.conftest import station_values


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def url(name, venue=None):
    return reverse(name, kwargs={"venue_id": venue.pk} if venue else None)


OBJECT_PAGES = ["venues:detail", "venues:edit", "venues:close"]
POST_ONLY = ["venues:reopen", "venues:photo_add", "venues:photo_delete"]


def test_anonymous_visitors_are_sent_to_login(client, venue_a):
    for name in ["venues:list", "venues:map", "venues:stats", "venues:export", "venues:create"]:
        response = client.get(url(name))
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    for name in OBJECT_PAGES + POST_ONLY:
        assert client.post(url(name, venue_a)).status_code == 302


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_a_sibling_county_gets_404_for_a_venue_page(login, world, venue_a, name):
    c = login(world.sibling_admin)
    assert c.get(url(name, venue_a)).status_code == 404
    assert c.post(url(name, venue_a), {"reason": "x", "name": "改名"}).status_code == 404
    venue_a.refresh_from_db()
    assert venue_a.is_open and venue_a.name == "城关区东岗驿站"


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_routes_answer_get_with_405_and_siblings_with_404(login, world, venue_a, name):
    assert login(world.county_admin).get(url(name, venue_a)).status_code == 405
    assert login(world.sibling_admin).post(url(name, venue_a)).status_code == 404


def test_in_scope_pages_answer_200(login, world, venue_a):
    c = login(world.city_admin)
    for name in ["venues:list", "venues:map", "venues:stats", "venues:create"]:
        assert c.get(url(name)).status_code == 200, name
    for name in OBJECT_PAGES:
        assert c.get(url(name, venue_a)).status_code == 200, name


def test_a_viewer_sees_but_cannot_change(login, world, venue_a):
    c = login(world.viewer)
    page = c.get(url("venues:detail", venue_a))
    assert page.status_code == 200 and "编辑" not in page.content.decode()
    assert c.get(url("venues:create")).status_code == 403
    values = station_values(world.union_a1)
    values["org"] = world.union_a1.pk
    assert c.post(url("venues:create"), values).status_code == 403
    assert c.post(url("venues:edit", venue_a), {"name": "改名"}).status_code in (403, 404)
    assert c.post(url("venues:close", venue_a), {"reason": "拆"}).status_code in (403, 404)
    assert Venue.objects.count() == 1 and Venue.objects.get().is_open


def test_the_list_shows_only_the_venues_in_scope(login, world, venue_a, venue_b):
    body = login(world.county_admin).get(url("venues:list")).content.decode()
    assert "城关区东岗驿站" in body and "七里河驿站" not in body
    body = login(world.city_admin).get(url("venues:list")).content.decode()
    assert "城关区东岗驿站" in body and "七里河驿站" in body


def test_the_list_filters_by_kind_county_status_six_and_maps(login, world, make_venue):
    make_venue(world.county_a, name="甲驿站", on_amap=True, on_baidu=True)
    make_venue(world.county_a, name="乙中心", kind="service_center")
    make_venue(world.county_b, region="620103", lng=103.78, lat=36.06, name="丙驿站")
    c = login(world.city_admin)

    def names(**query):
        page = c.get(url("venues:list"), query)
        return {v.name for v in page.context["page"].items}

    assert names(kind="service_center") == {"乙中心"}
    assert names(region="620103") == {"丙驿站"}
    assert names(published="both") == {"甲驿站"}
    assert names(published="missing") == {"乙中心", "丙驿站"}
    assert names(six="yes") == set()
    assert names(status="open") == {"甲驿站", "乙中心", "丙驿站"}
    assert names(kind="nonsense") == {"甲驿站", "乙中心", "丙驿站"}  # bad filters are ignored


def test_the_list_pages_without_counting(login, world, make_venue):
    for i in range(35):
        make_venue(world.county_a, name=f"驿站{i:02d}")
    c = login(world.county_admin)
    with CaptureQueriesContext(connection) as queries:
        first = c.get(url("venues:list"))
    assert first.context["page"].has_next and len(first.context["page"].items) == 30
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 8
    second = c.get(url("venues:list"), {"page": 2})
    assert len(second.context["page"].items) == 5 and not second.context["page"].has_next


def test_creating_through_the_form_converts_a_gcj02_point(login, world):
    wgs = (103.8343, 36.0611)
    gcj = coords.wgs84_to_gcj02(*wgs)
    values = station_values(world.union_a1, lng=f"{gcj[0]:.6f}", lat=f"{gcj[1]:.6f}", crs="gcj02")
    values["org"] = world.union_a1.pk
    values.update({f"hours_{d}": "08:00-20:00" for d in ("mon", "tue", "wed", "thu", "fri")})
    values["stars"] = "3"
    response = login(world.county_admin).post(url("venues:create"), values)
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert coords.haversine_m(venue.lng, venue.lat, *wgs) < 1.0
    assert venue.hours == ["08:00-20:00"] * 5 + ["", ""]
    assert venue.stars == 3


def test_the_form_shows_a_swapped_point_in_chinese_and_saves_nothing(login, world):
    values = station_values(world.union_a1, lng="36.06", lat="103.83")
    values["org"] = world.union_a1.pk
    values["stars"] = "0"
    response = login(world.county_admin).post(url("venues:create"), values)
    assert response.status_code == 200
    assert "经纬度可能填反了" in response.content.decode()
    assert not Venue.objects.exists()


def test_a_forged_union_outside_scope_fails_the_form(login, world):
    values = station_values(world.union_b1)
    values["org"] = world.union_b1.pk
    values["stars"] = "0"
    response = login(world.county_admin).post(url("venues:create"), values)
    assert response.status_code == 200 and not Venue.objects.exists()


def test_editing_without_touching_the_point_keeps_it_exactly(login, world, venue_a):
    c = login(world.county_admin)
    form = c.get(url("venues:edit", venue_a)).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(org=venue_a.org_id, region=venue_a.region_id, stars="2", name="东岗驿站（新）")
    data["facilities"] = venue_a.facilities
    response = c.post(url("venues:edit", venue_a), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Venue.objects.get(pk=venue_a.pk)
    assert (fresh.lng, fresh.lat) == (venue_a.lng, venue_a.lat)
    assert fresh.name == "东岗驿站（新）" and fresh.stars == 2
    assert fresh.manager_phone == "13912345678"  # blank phone field = unchanged
    entry = AuditEntry.objects.filter(action="venue.update").get()
    assert "lng" not in entry.changes and "manager_phone" not in entry.changes


def test_the_manager_phone_is_masked_on_the_page(login, world, venue_a):
    body = login(world.county_admin).get(url("venues:detail", venue_a)).content.decode()
    assert "139****5678" in body and "13912345678" not in body
    edit = login(world.county_admin).get(url("venues:edit", venue_a)).content.decode()
    assert "13912345678" not in edit


def test_closing_through_the_page(login, world, venue_a):
    c = login(world.county_admin)
    response = c.post(url("venues:close", venue_a), {"reason": ""})
    assert response.status_code == 200 and Venue.objects.get().is_open
    response = c.post(url("venues:close", venue_a), {"reason": "拆迁"})
    assert response.status_code == 302 and not Venue.objects.get().is_open
    assert c.post(url("venues:reopen", venue_a)).status_code == 302
    assert Venue.objects.get().is_open


def export(c, **query):
    response = c.get(url("venues:export"), query)
    assert response.status_code == 200
    return response


def test_the_amap_csv_has_gcj02_points_and_no_formula_cells(login, world, make_venue):
    v = make_venue(world.county_a, name='=HYPERLINK("http://x")', address="+1 路")
    make_venue(world.county_b, region="620103", lng=103.78, lat=36.06, name="七里河驿站")
    response = export(login(world.county_admin), target="amap", format="csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["名称", "省份", "城市", "区县", "详细地址", "经度", "纬度"]
    assert len(rows) == 2  # the sibling county's station is not exported
    row = rows[1]
    assert row[0] == '\'=HYPERLINK("http://x")' and row[4] == "'+1 路"
    assert row[1:4] == ["甘肃省", "兰州市", "城关区"]
    gcj = coords.wgs84_to_gcj02(v.lng, v.lat)
    assert coords.haversine_m(float(row[5]), float(row[6]), *gcj) < 0.2
    assert row[7] == "09318888888"
    assert "13912345678" not in text and "139****" not in text


def test_the_baidu_xlsx_has_bd09_points_and_coord_type_3(login, world, venue_a):
    response = export(login(world.county_admin), target="baidu", format="xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("点位").to_python()
    assert rows[0][:5] == ["title", "address", "longitude", "latitude", "coord_type"]
    bd = coords.wgs84_to_bd09(venue_a.lng, venue_a.lat)
    assert coords.haversine_m(rows[1][2], rows[1][3], *bd) < 0.2
    assert int(rows[1][4]) == 3
    assert AuditEntry.objects.filter(action="venue.export").exists()


def test_closed_venues_are_not_exported_to_the_maps_but_stay_in_geojson(login, world, venue_a):
    from smartunion.venues import services

    services.close_venue(venue_a, actor=world.county_admin, reason="拆除")
    c = login(world.county_admin)
    text = export(c, target="amap", format="csv").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 1
    geo = json.loads(export(c, target="geojson").content)
    assert geo["type"] == "FeatureCollection"
    feature = geo["features"][0]
    assert feature["geometry"]["coordinates"] == [round(venue_a.lng, 7), round(venue_a.lat, 7)]
    assert feature["properties"]["status"] == "closed"


def test_a_bad_export_target_is_a_400_not_a_500(login, world):
    response = login(world.county_admin).get(url("venues:export"), {"target": "google"})
    assert response.status_code == 400


def test_county_figures_count_stations_this_year_six_and_both_maps(login, world, make_venue):
    import datetime as dt

    this_year = dt.date.today().replace(month=1, day=1)
    six = dict.fromkeys(
        (
            "has_sign",
            "has_fixed_place",
            "has_facilities",
            "has_rules",
            "has_staff",
            "has_map_listing",
        ),
        True,
    )
    make_venue(world.county_a, name="新站", built_on=this_year, on_amap=True, on_baidu=True, **six)
    make_venue(world.county_a, name="老站", built_on=dt.date(2019, 5, 1), on_amap=True)
    make_venue(world.county_a, name="中心", kind="service_center", built_on=this_year)
    make_venue(world.county_b, region="620103", lng=103.78, lat=36.06, name="七里河站")
    page = login(world.county_admin).get(url("venues:stats"))
    rows = page.context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert row["region_id"] == "620102"
    assert (row["built_this_year"], row["cumulative"], row["six"], row["both_maps"]) == (1, 2, 1, 1)
    city = login(world.city_admin).get(url("venues:stats")).context
    assert city["total"]["cumulative"] == 3
    last_year = login(world.city_admin).get(url("venues:stats"), {"year": 2019}).context
    assert last_year["total"]["cumulative"] == 1 and last_year["total"]["built_this_year"] == 1


def test_the_map_page_carries_the_points_in_scope(login, world, venue_a, venue_b):
    page = login(world.county_admin).get(url("venues:map"))
    points = page.context["map_data"]["points"]
    assert [p[0] for p in points] == [venue_a.pk]
    assert page.context["map_data"]["tiles"]["url"] == ""
    body = page.content.decode()
    assert "vendor/leaflet/leaflet.js" in body and "unpkg" not in body and "cdn" not in body.lower()
