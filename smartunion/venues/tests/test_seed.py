"""The demo venue seed and the county seat table."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartunion.personas import ensure_regions
from smartunion.venues import coords
from smartunion.venues.models import Venue, VenueKind
from smartunion.venues.seats import county_seats


def test_without_unions_it_says_so_and_fails(db):
    ensure_regions()
    with pytest.raises(CommandError) as exc:
        call_command("seed_venues", "--demo")
    assert "没有可作为阵地所属工会的县区总工会" in str(exc.value)
    assert not Venue.objects.exists()


def test_it_places_every_kind_in_the_counties_that_have_unions_and_runs_once(world):
    call_command("seed_venues", "--demo", "--total", "150")
    venues = list(Venue.objects.select_related("org"))
    assert len(venues) == 150
    assert {v.kind for v in venues} == set(VenueKind.values)
    # The world has unions for 城关区 and 七里河区 only (and 兰州市 above them).
    assert {v.region_id for v in venues} <= {
        "620102",
        "620103",
        "620104",
        "620105",
        "620111",
        "620121",
        "620122",
        "620123",
    }
    assert all(v.org.kind in ("county", "city") for v in venues)
    assert all(v.org.region_id in (v.region_id, v.region_id[:4] + "00") for v in venues)
    seats = county_seats()
    for v in venues:
        seat = seats[v.region_id]
        assert coords.haversine_m(v.lng, v.lat, seat[1], seat[2]) < 60_000
    call_command("seed_venues", "--demo")
    assert Venue.objects.count() == 150


def test_the_county_seat_table_covers_gansu_in_wgs84():
    seats = county_seats("62")
    assert len(seats) == 100  # 14 prefecture-level and 86 county-level divisions
    box = coords.province_bbox()
    assert all(box.contains(lng, lat) for _, lng, lat in seats.values())
    # 城关区 in cpca's table is 103.825307, 36.057464 (GCJ-02); stored converted to WGS-84.
    _, lng, lat = seats["620102"]
    assert 100 < coords.haversine_m(lng, lat, 103.825307, 36.057464) < 600
    gcj = coords.wgs84_to_gcj02(lng, lat)
    assert coords.haversine_m(*gcj, 103.825307, 36.057464) < 0.2
