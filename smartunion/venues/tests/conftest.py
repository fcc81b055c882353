import pytest

from smartunion.venues import services
from smartunion.venues.models import Venue


def station_values(org, region="620102", lng=103.8343, lat=36.0611, **extra):
    values = {
        "kind": "station",
        "name": extra.pop("name", "东岗街道户外劳动者服务站点"),
        "org": org,
        "region": region,
        "address": "城关区东岗西路1号",
        "lng": str(lng),
        "lat": str(lat),
        "crs": "wgs84",
        "facilities": ["water", "rest", "toilet"],
        "hours": ["08:00-20:00"] * 7,
        "manager_name": "王建国",
        "manager_phone": "13912345678",
        "service_phone": "09318888888",
        "has_sign": True,
    }
    values.update(extra)
    return values


@pytest.fixture
def make_venue(world):
    """Create a venue through the service, as the superuser."""

    def make(org=None, **kwargs) -> Venue:
        return services.create_venue(
            station_values(org or world.union_a1, **kwargs), actor=world.superuser
        )

    return make


@pytest.fixture
def venue_a(make_venue, world):
    return make_venue(world.county_a, name="城关区东岗驿站")


@pytest.fixture
def venue_b(make_venue, world):
    return make_venue(world.county_b, region="620103", lng=103.7835, lat=36.0664, name="七里河驿站")
