"""附近驿站's place search and filters: counties, towns and venues by name; the kind and
现在开放 filters of the nearest query; the boundaries under the maps."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from smartunion.venues import boundaries
from smartunion.venues.places import towns

PLACES = "/api/v1/venues/places"
NEAREST = "/api/v1/venues/nearest"


def names(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(p["kind"], p["name"]) for p in response.json()["items"]]


def test_a_county_is_found_by_its_name_with_or_without_its_suffix(client, db):
    found = names(client.get(PLACES, {"q": "七里河"}))
    assert ("county", "七里河区") in found
    assert ("town", "七里镇") not in found  # a town whose name is only the start of the words
    found = client.get(PLACES, {"q": "敦煌市"}).json()["items"][0]
    assert (found["kind"], found["name"], found["area"]) == ("county", "敦煌市", "酒泉市 敦煌市")
    assert 94.0 < found["lng"] < 95.5 and not found["approximate"]


def test_a_town_is_placed_among_the_venues_that_name_it_or_else_at_its_county_seat(
    client, world, make_venue
):
    assert any(t.name == "东岗西路街道" and t.county == "620102" for t in towns())
    alone = client.get(PLACES, {"q": "东岗西路街道"}).json()["items"]
    town = next(p for p in alone if p["kind"] == "town")
    assert town["area"] == "兰州市 城关区" and town["approximate"] is True
    make_venue(world.county_a, name="东岗驿站", address="城关区东岗西路1号", lng=103.86, lat=36.05)
    placed = client.get(PLACES, {"q": "东岗西路街道"}).json()["items"]
    town = next(p for p in placed if p["kind"] == "town")
    assert town["approximate"] is False and (town["lng"], town["lat"]) == (103.86, 36.05)


def test_a_venue_is_found_by_its_name_or_address_but_not_when_closed(client, world, make_venue):
    from smartunion.venues import services

    open_one = make_venue(world.county_a, name="雁滩暖心驿站", address="城关区雁滩路88号")
    found = client.get(PLACES, {"q": "雁滩"}).json()["items"]
    venue = next(p for p in found if p["kind"] == "venue")
    assert venue["name"] == "雁滩暖心驿站" and venue["kind_name"] == "驿站"
    assert venue["address"] == "城关区雁滩路88号"
    services.close_venue(open_one, actor=world.superuser, reason="拆迁")
    assert ("venue", "雁滩暖心驿站") not in names(client.get(PLACES, {"q": "雁滩"}))


def test_nothing_found_is_an_empty_list_and_a_long_query_is_refused(client, db):
    assert names(client.get(PLACES, {"q": "火星基地"})) == []
    assert names(client.get(PLACES, {"q": " "})) == []
    long = client.get(PLACES, {"q": "长" * 41})
    assert long.status_code == 422 and long.json()["detail"][0]["field"] == "q"


def test_open_now_leaves_out_a_venue_closed_at_this_hour(client, world, make_venue):
    make_venue(world.county_a, name="夜里关门的驿站", hours=["00:00-00:01"] * 7)
    make_venue(world.county_a, name="全天开放的驿站", open_24h=True, lng=103.9, lat=36.1)
    query = {"lng": 103.8343, "lat": 36.0611}
    everything = [v["name"] for v in client.get(NEAREST, query).json()["items"]]
    assert everything == ["夜里关门的驿站", "全天开放的驿站"]
    now = client.get(NEAREST, {**query, "open_now": "true"}).json()["items"]
    assert [v["name"] for v in now] == ["全天开放的驿站"] and now[0]["open_now"]


def test_the_phone_page_filters_by_kind_stations_first_and_by_open_now(client, db):
    html = client.get("/nearby/").content.decode()
    kinds = [line for line in html.split("data-kind=")[1:]]
    assert kinds[0].startswith('"station" aria-pressed="true">驿站')
    assert kinds[1].startswith('"" aria-pressed="false">全部')
    assert 'id="open-now"' in html
    assert "乡镇街道、驿站名称" in html


def test_every_prefecture_has_its_county_boundaries_named_as_its_counties(db):
    from smartunion.personas import ensure_regions
    from smartunion.regions.models import Region

    ensure_regions()
    maps = boundaries.province_maps("62")
    prefectures = set(
        Region.objects.filter(code__startswith="62", level=2).values_list("code", flat=True)
    )
    assert set(maps.counties) == prefectures
    files = boundaries.served_files("62")
    renamed = boundaries.RENAMED  # 2018: the package's shapes are of about 2015
    for code in maps.counties:
        data = json.loads(files[f"vendor/boundaries/counties/{code}.geojson"].read_text())
        shapes = {
            renamed.get(f["properties"]["name"], f["properties"]["name"]) for f in data["features"]
        }
        counties = set(Region.objects.filter(parent_id=code).values_list("name", flat=True))
        assert shapes == (counties or {Region.objects.get(code=code).name}), code


def test_the_boundaries_are_served_from_our_own_static_files(client, db):
    from smartunion.personas import ensure_regions

    ensure_regions()
    config = boundaries.map_config()
    assert config["province"] == f"/{settings.STATIC_URL}vendor/boundaries/province.json".replace(
        "//", "/"
    )
    assert len(config["counties"]) == 14 and "兰州市" in config["counties"]
    province = client.get(config["province"])
    assert province.status_code == 200
    body = json.loads(b"".join(province.streaming_content))
    assert [f["properties"]["name"] for f in body["features"]][:2] == ["兰州市", "嘉峪关市"]
    lanzhou = client.get(config["counties"]["兰州市"])
    assert lanzhou.status_code == 200
    # Only this province's files: nothing else of the packages' 400 MB.
    assert client.get("/static/vendor/boundaries/counties/650100.geojson").status_code == 404
    listed = [path for path, _storage in boundaries.BoundariesFinder().list(None)]
    assert len(listed) == 15


def test_the_maps_draw_the_boundaries_and_never_name_a_setting(client, world):
    client.force_login(world.county_admin)
    html = client.get("/venues/map/").content.decode()
    assert "venues/boundaries.js" in html and "SMARTUNION_" not in html
    assert "市州、县区界线" in html
    data = json.loads(html.split('id="map-data" type="application/json">')[1].split("</script>")[0])
    assert data["boundaries"]["province"].endswith("vendor/boundaries/province.json")


@pytest.mark.parametrize("q", ["七里河", "东岗", "驿站"])
def test_the_place_search_costs_a_few_queries(
    client, world, make_venue, q, django_assert_max_num_queries
):
    for i in range(5):
        make_venue(world.county_a, name=f"东岗驿站{i}", address=f"城关区东岗西路{i}号")
    with django_assert_max_num_queries(25):
        client.get(PLACES, {"q": q})
