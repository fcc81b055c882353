"""区县驻地坐标: approximate positions of county seats, for demo data and the phone page.

Source: the ``adcodes.csv`` table shipped in the PyPI package ``cpca`` 0.5.5 (MIT licence,
github.com/DQinYuan/chinese_province_city_area_mapper), which lists every division's centre as
高德 gives it, in GCJ-02. ``manage.py build_county_seats --source <cpca wheel or adcodes.csv>``
converts those to WGS-84 and writes ``data/county_seats_<province>.csv`` (committed), so running
the platform needs neither cpca nor pandas. Divisions renamed since cpca's table are mapped in
``RENAMED`` (the old code's seat is the same town).
"""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache
from pathlib import Path

from django.conf import settings

from smartunion.venues.coords import gcj02_to_wgs84

DATA_DIR = Path(__file__).parent / "data"
# new code → code in cpca's table
RENAMED = {"620881": "620824"}  # 华亭县 → 华亭市 (2018)


def data_file(province: str | None = None) -> Path:
    return DATA_DIR / f"county_seats_{province or settings.SMARTUNION_PROVINCE}.csv"


def read_cpca_table(source: Path) -> dict[str, tuple[str, float, float]]:
    """{six-digit code: (name, gcj_lng, gcj_lat)} from a cpca wheel or its adcodes.csv."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            text = wheel.read("cpca/resources/adcodes.csv").decode("utf-8")
    else:
        text = source.read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["longitude"] and row["latitude"]:
            out[row["adcode"][:6]] = (row["name"], float(row["longitude"]), float(row["latitude"]))
    return out


def build_rows(table: dict, regions: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """One row per division of ``regions`` [(code, name)]: code, name, WGS-84 lng, lat."""
    rows = []
    for code, name in regions:
        hit = table.get(code) or table.get(RENAMED.get(code, ""))
        if hit is None:
            continue
        lng, lat = gcj02_to_wgs84(hit[1], hit[2])
        rows.append((code, name, f"{lng:.6f}", f"{lat:.6f}"))
    return rows


def write_rows(rows, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "lng", "lat"])
        writer.writerows(rows)


@cache
def county_seats(province: str | None = None) -> dict[str, tuple[str, float, float]]:
    """{code: (name, lng, lat)} in WGS-84 for the province's divisions (empty if no file)."""
    path = data_file(province)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            r["code"]: (r["name"], float(r["lng"]), float(r["lat"])) for r in csv.DictReader(fh)
        }
