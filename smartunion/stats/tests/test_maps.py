"""The comparison's map (stats/maps.py): the province's prefectures or a city's counties, each
the sub-unit of that region, coloured by its figure and leading one level down; the sub-units
that are no area listed under it; no map below a city."""

from __future__ import annotations

import json

from django.urls import reverse

from smartunion.orgs.models import Kind
from smartunion.personas import make_org


def _map(client, org, indicator="unions"):
    url = reverse("stats:compare", kwargs={"org_id": org.pk}) + f"?indicator={indicator}"
    html = client.get(url).content.decode()
    if 'id="stats-map-data"' not in html:
        return None
    return json.loads(html.split('id="stats-map-data" type="application/json">')[1].split("<")[0])


def test_the_map_of_the_province_the_cities_and_no_map_below(world, client):
    industry = make_org("甘肃省机械冶金建材工会", world.province, Kind.INDUSTRY, "620000")
    pingliang = make_org("平凉市总工会", world.province, Kind.CITY, "620800")
    make_org("华亭市总工会", pingliang, Kind.COUNTY, "620881")
    client.force_login(world.province_admin)
    province = _map(client, world.province)
    assert province["url"].endswith("vendor/boundaries/province.json") and province["decode"]
    areas = {a["name"]: a for a in province["areas"]}
    assert set(areas) == {"兰州市", "平凉市"}
    lanzhou = areas["兰州市"]
    assert lanzhou["label"] == "兰州市总工会" and lanzhou["value"] == 6 and lanzhou["text"] == "6"
    assert lanzhou["href"].startswith(
        reverse("stats:compare", kwargs={"org_id": world.city.pk}) + "?indicator=unions"
    )
    assert province["off_map"] == [industry.name]
    # A rate: the fraction, and its text as the table writes it.
    rates = _map(client, world.province, "members.rate")
    assert {a["name"] for a in rates["areas"]} == {"兰州市", "平凉市"}

    city = _map(client, world.city)
    assert city["url"].endswith("vendor/boundaries/counties/620100.geojson")
    assert not city["decode"] and city["off_map"] == []
    assert {a["name"]: a["value"] for a in city["areas"]} == {"城关区": 3, "七里河区": 2}
    # 华亭市 is 华亭县 in the boundary files (2018).
    assert [a["name"] for a in _map(client, pingliang)["areas"]] == ["华亭县"]
    assert _map(client, world.county_a) is None
