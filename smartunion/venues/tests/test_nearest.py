"""The nearest query against a brute-force answer."""

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartunion.venues.coords import haversine_m
from smartunion.venues.models import Venue
from smartunion.venues.querysets import bbox_around


@pytest.fixture
def scattered(world):
    """600 venues: dense around Lanzhou, sparse across Gansu, a few closed."""
    rnd = random.Random(7)
    rows = []
    for i in range(600):
        if i < 300:
            lng, lat = rnd.gauss(103.83, 0.08), rnd.gauss(36.06, 0.05)
        else:
            lng, lat = rnd.uniform(92.5, 108.5), rnd.uniform(32.6, 42.8)
        rows.append(
            Venue(
                kind="station" if i % 5 else "service_center",
                name=f"点位{i}",
                org=world.county_a,
                region_id="620102",
                address="—",
                lng=lng,
                lat=lat,
                status="closed" if i % 17 == 0 else "open",
            )
        )
    Venue.objects.bulk_create(rows)
    return list(Venue.objects.values_list("id", "lng", "lat", "status", "kind"))


def brute_force(rows, lng, lat, limit, kind=""):
    ranked = sorted(
        (haversine_m(lng, lat, x, y), pk)
        for pk, x, y, status, k in rows
        if status == "open" and (not kind or k == kind)
    )
    return ranked[:limit]


def assert_same(got, expected):
    assert [round(d, 6) for _, d in got] == [round(d, 6) for d, _ in expected]
    # Ids agree except where two venues are exactly as far (then either order is right).
    for (pk, d), (d2, pk2) in zip(got, expected, strict=True):
        assert pk == pk2 or abs(d - d2) < 1e-6


def test_nearest_matches_brute_force_on_seeded_random_points(scattered):
    rnd = random.Random(62)
    for _ in range(60):
        lng, lat = rnd.uniform(92.0, 109.0), rnd.uniform(32.0, 43.5)
        limit = rnd.choice([1, 5, 10, 25])
        assert_same(Venue.objects.nearest(lng, lat, limit), brute_force(scattered, lng, lat, limit))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lng=st.floats(min_value=103.5, max_value=104.2),
    lat=st.floats(min_value=35.8, max_value=36.3),
    limit=st.integers(min_value=1, max_value=30),
)
def test_nearest_matches_brute_force_in_the_dense_city(scattered, lng, lat, limit):
    assert_same(Venue.objects.nearest(lng, lat, limit), brute_force(scattered, lng, lat, limit))


def test_nearest_leaves_out_closed_venues_and_can_filter_by_kind(scattered):
    got = Venue.objects.filter(kind="service_center").nearest(103.83, 36.06, 8)
    assert_same(got, brute_force(scattered, 103.83, 36.06, 8, kind="service_center"))
    ids = {pk for pk, _ in Venue.objects.nearest(103.83, 36.06, 50)}
    assert not ids & set(Venue.objects.filter(status="closed").values_list("id", flat=True))


def test_asking_for_more_than_exist_returns_all_open_venues(scattered):
    open_count = sum(1 for r in scattered if r[3] == "open")
    got = Venue.objects.nearest(80.0, 30.0, 1000)
    assert len(got) == open_count
    assert_same(got, brute_force(scattered, 80.0, 30.0, 1000))


def test_far_from_everything_it_still_finds_the_nearest(scattered):
    # Beijing, hundreds of kilometres east of every venue.
    assert_same(Venue.objects.nearest(116.4, 39.9, 3), brute_force(scattered, 116.4, 39.9, 3))


def test_the_search_box_contains_the_circle():
    rnd = random.Random(3)
    for _ in range(500):
        lng, lat = rnd.uniform(-179, 179), rnd.uniform(-80, 80)
        radius = rnd.choice([500, 3000, 50_000, 800_000])
        min_lng, min_lat, max_lng, max_lat = bbox_around(lng, lat, radius)
        for _ in range(10):
            # A point at exactly ``radius`` in a random direction lies inside the box.
            bearing = rnd.uniform(0, 2 * math.pi)
            d = radius / 6371008.8
            p1, l1 = math.radians(lat), math.radians(lng)
            p2 = math.asin(
                math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing)
            )
            l2 = l1 + math.atan2(
                math.sin(bearing) * math.sin(d) * math.cos(p1),
                math.cos(d) - math.sin(p1) * math.sin(p2),
            )
            plat, plng = math.degrees(p2), math.degrees(l2)
            assert min_lat - 1e-9 <= plat <= max_lat + 1e-9
            if max_lng - min_lng < 360:
                assert min_lng - 1e-9 <= plng <= max_lng + 1e-9


@pytest.mark.parametrize("cap,rounds", [(12, 40), (12, 2), (3, 40)])
def test_a_small_read_cap_still_gives_the_exact_answer(scattered, monkeypatch, cap, rounds):
    """Forces the step back from an overshot box, and running out of tries."""
    from smartunion.venues import querysets

    monkeypatch.setattr(querysets, "MAX_CANDIDATES", cap)
    monkeypatch.setattr(querysets, "MAX_ROUNDS", rounds)
    rnd = random.Random(cap * 100 + rounds)
    for _ in range(40):
        lng, lat = rnd.uniform(92.0, 109.0), rnd.uniform(32.0, 43.5)
        if rnd.random() < 0.5:
            lng, lat = rnd.gauss(103.83, 0.3), rnd.gauss(36.06, 0.2)
        limit = rnd.choice([1, 3, 10])
        got = Venue.objects.nearest(lng, lat, limit)
        assert_same(got, brute_force(scattered, lng, lat, limit))
