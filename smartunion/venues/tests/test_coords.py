"""Coordinate systems: published reference points, independent implementations, round trips,
the outside-China rule and the Chinese messages for bad points."""

import math
import random

import eviltransform
import prcoords
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from smartunion.venues import coords

# (WGS-84 lng, lat) → (GCJ-02 lng, lat): the test table of googollee/eviltransform
# (go/transform_test.go and javascript/test.js: Shanghai, Shenzhen, Beijing).
EVILTRANSFORM_PAIRS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]
# wandergis/coordtransform README: gcj02tobd09(116.404, 39.915) and bd09togcj02(116.404, 39.915)
# (the latter with their one-step approximate inverse).
COORDTRANSFORM_GCJ_TO_BD = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))
COORDTRANSFORM_BD_TO_GCJ = ((116.404, 39.915), (116.39762729119315, 39.90865673957631))

china_points = st.tuples(
    st.floats(min_value=73.5, max_value=134.7), st.floats(min_value=18.2, max_value=53.5)
)


def metres(a, b):
    return coords.haversine_m(a[0], a[1], b[0], b[1])


@pytest.mark.parametrize("wgs,gcj", EVILTRANSFORM_PAIRS)
def test_wgs84_to_gcj02_matches_the_published_reference_points(wgs, gcj):
    assert metres(coords.wgs84_to_gcj02(*wgs), gcj) < 0.01


@pytest.mark.parametrize("wgs,gcj", EVILTRANSFORM_PAIRS)
def test_gcj02_to_wgs84_returns_the_published_gps_point_within_a_decimetre(wgs, gcj):
    assert metres(coords.gcj02_to_wgs84(*gcj), wgs) < 0.1


def test_gcj02_to_bd09_matches_coordtransform():
    given_point, expected = COORDTRANSFORM_GCJ_TO_BD
    assert metres(coords.gcj02_to_bd09(*given_point), expected) < 0.01


def test_bd09_to_gcj02_agrees_with_coordtransform_within_a_metre():
    given_point, expected = COORDTRANSFORM_BD_TO_GCJ
    assert metres(coords.bd09_to_gcj02(*given_point), expected) < 1.0


@settings(max_examples=300, deadline=None)
@given(china_points)
def test_it_agrees_with_prcoords_and_eviltransform_within_a_metre(point):
    lng, lat = point
    ours = coords.wgs84_to_gcj02(lng, lat)
    pr = prcoords.wgs_gcj((lat, lng))
    ev = eviltransform.wgs2gcj(lat, lng)
    assert metres(ours, (pr.lon, pr.lat)) < 1.0
    assert metres(ours, (ev[1], ev[0])) < 1.0
    bd = coords.wgs84_to_bd09(lng, lat)
    pr_bd = prcoords.wgs_bd((lat, lng))
    assert metres(bd, (pr_bd.lon, pr_bd.lat)) < 1.0
    back = coords.bd09_to_wgs84(*bd)
    pr_back = prcoords.bd_wgs_bored(prcoords.Coords(bd[1], bd[0]))
    assert metres(back, (pr_back.lon, pr_back.lat)) < 1.0


@settings(max_examples=500, deadline=None)
@given(china_points)
def test_round_trips_return_within_a_metre(point):
    assert metres(coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(*point)), point) < 1.0
    assert metres(coords.bd09_to_wgs84(*coords.wgs84_to_bd09(*point)), point) < 1.0
    assert metres(coords.bd09_to_gcj02(*coords.gcj02_to_bd09(*point)), point) < 1.0


def test_the_offset_is_hundreds_of_metres_in_gansu():
    lanzhou = (103.8343, 36.0611)
    assert 100 < metres(coords.wgs84_to_gcj02(*lanzhou), lanzhou) < 1000
    assert 500 < metres(coords.wgs84_to_bd09(*lanzhou), lanzhou) < 2000


@pytest.mark.parametrize(
    "point",
    [(2.3522, 48.8566), (-74.006, 40.7128), (139.6917, 35.6895), (151.2093, -33.8688)],
    ids=["paris", "new-york", "tokyo", "sydney"],
)
def test_points_outside_china_are_not_shifted(point):
    for fn in (
        coords.wgs84_to_gcj02,
        coords.gcj02_to_wgs84,
        coords.gcj02_to_bd09,
        coords.bd09_to_gcj02,
        coords.wgs84_to_bd09,
        coords.bd09_to_wgs84,
    ):
        assert fn(*point) == point


def test_haversine_agrees_with_a_known_distance():
    # Lanzhou to Beijing, about 1,185 km along the great circle.
    d = coords.haversine_m(103.8343, 36.0611, 116.4074, 39.9042)
    assert 1_170_000 < d < 1_200_000
    assert coords.haversine_m(103.0, 36.0, 103.0, 36.0) == 0.0
    one_degree_of_latitude = coords.haversine_m(103.0, 36.0, 103.0, 37.0)
    assert math.isclose(one_degree_of_latitude, 111_195, rel_tol=1e-3)


def test_a_point_in_gansu_passes_the_checks_and_comes_back_in_wgs84():
    gcj = coords.wgs84_to_gcj02(103.8343, 36.0611)
    lng, lat = coords.checked_point(f"{gcj[0]:.6f}", f"{gcj[1]:.6f}", "gcj02")
    assert metres((lng, lat), (103.8343, 36.0611)) < 0.2


def messages(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def test_swapped_latitude_and_longitude_are_named_as_swapped():
    with pytest.raises(ValidationError) as exc:
        coords.checked_point("36.06", "103.83", "wgs84")
    assert "经纬度可能填反了" in messages(exc.value)
    assert "lat" in exc.value.message_dict


@pytest.mark.parametrize(
    "lng,lat,words",
    [
        ("200", "36", "经度应在 -180 到 180 之间"),
        ("103.8", "-95", "纬度应在 -90 到 90 之间"),
        ("abc", "36", "经度必须是以度为单位的数字"),
        ("", "36", "请填写经度"),
        ("nan", "36", "经度必须是以度为单位的数字"),
    ],
)
def test_out_of_range_or_unreadable_degrees_get_chinese_messages(lng, lat, words):
    with pytest.raises(ValidationError) as exc:
        coords.checked_point(lng, lat, "wgs84")
    assert words in messages(exc.value)


def test_a_point_outside_the_province_is_flagged():
    with pytest.raises(ValidationError) as exc:
        coords.checked_point("116.40", "39.90", "wgs84")  # Beijing
    assert "不在甘肃省范围内" in messages(exc.value)


@override_settings(SMARTUNION_PROVINCE_BBOX="115.4,39.4,117.5,41.1")
def test_the_province_box_is_configurable():
    assert coords.checked_point("116.40", "39.90", "wgs84")
    with pytest.raises(ValidationError):
        coords.checked_point("103.83", "36.06", "wgs84")


def test_an_unknown_crs_is_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        coords.parse_crs("epsg3857")
    assert "坐标系只能是" in messages(exc.value)
    assert coords.parse_crs("BD-09") is coords.CRS.BD09
    assert coords.parse_crs(None) is coords.CRS.WGS84


def test_conversions_are_consistent_in_every_direction_on_random_gansu_points():
    rnd = random.Random(62)
    for _ in range(200):
        p = (rnd.uniform(92.5, 108.5), rnd.uniform(32.6, 42.8))
        for crs in coords.CRS:
            there = coords.from_wgs84(*p, crs)
            assert metres(coords.to_wgs84(*there, crs), p) < 0.01
