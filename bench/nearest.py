"""Benchmark of the 附近驿站 query: the nearest 10 open stations to a point.

Builds a synthetic data set in a database of its own, then times ``find_nearest`` (the indexed
bounding box that grows, then exact haversine in Python; what /api/v1/venues/nearest runs)
beside a full scan of the same data (every open station read and ranked in Python) measured in
the same run, and checks that both give the same answer.

    DEBUG=1 .venv/bin/python bench/nearest.py                       # SQLite (temporary file)
    DEBUG=1 .venv/bin/python bench/nearest.py --db postgres         # PostgreSQL, own database
    DEBUG=1 .venv/bin/python bench/nearest.py --sizes 1343,186000 --queries 300

Data: ``1343`` is Gansu-shaped (stations scattered around the real county seats, as many per
city as the demo data); ``186000`` is national-scale: 2,850 synthetic county seats, denser in
the east, with stations scattered around each (σ 6 km). Queries fall near a random station
(σ 5 km, a worker in town) or, one in ten, anywhere in the area (a worker on a rural road).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432/h_venues_bench",
        help="PostgreSQL database to create and use (dropped at the end unless --keep)",
    )
    p.add_argument("--sizes", default="1343,186000")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--baseline-queries", type=int, default=30)
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--keep", action="store_true")
    return p.parse_args()


def setup_database(args):
    from bench.own_database import setup_database as own

    return own(args.db, args.pg_url, prefix="nearest", keep=args.keep)


def gansu_points(rnd: random.Random, n: int) -> list[tuple[float, float]]:
    from smartunion.venues.seats import county_seats

    seats = [(code, lng, lat) for code, (_, lng, lat) in county_seats("62").items()]
    counties = [s for s in seats if not s[0].endswith("00") or s[0] == "620200"]
    weights = [4.0 if s[0].startswith("6201") else 1.0 for s in counties]
    out = []
    for _ in range(n):
        _, lng, lat = rnd.choices(counties, weights)[0]
        out.append(scatter(rnd, lng, lat, 5.0))
    return out


def national_points(rnd: random.Random, n: int) -> list[tuple[float, float]]:
    seats = []
    for _ in range(2850):
        if rnd.random() < 0.7:  # the populous east
            seats.append((rnd.uniform(108.0, 122.0), rnd.uniform(22.0, 41.0)))
        else:
            seats.append((rnd.uniform(76.0, 108.0), rnd.uniform(26.0, 48.0)))
    return [scatter(rnd, *rnd.choice(seats), 6.0) for _ in range(n)]


def scatter(rnd, lng, lat, sigma_km) -> tuple[float, float]:
    d_lat = rnd.gauss(0, sigma_km) / 111.2
    d_lng = rnd.gauss(0, sigma_km) / (111.2 * math.cos(math.radians(lat)))
    return round(lng + d_lng, 6), round(lat + d_lat, 6)


def load(points, org, region) -> None:
    from django.db import connection, transaction

    from smartunion.venues.models import Venue

    Venue.objects.all().delete()
    with transaction.atomic():
        _insert(points, org, region)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _insert(points, org, region) -> None:
    from smartunion.venues.models import Venue

    batch = []
    for i, (lng, lat) in enumerate(points):
        batch.append(
            Venue(
                kind="station",
                name=f"驿站{i}",
                org=org,
                region=region,
                address="—",
                lng=lng,
                lat=lat,
                status="closed" if i % 50 == 0 else "open",
                hours=["08:00-20:00"] * 7,
            )
        )
        if len(batch) == 5000:
            Venue.objects.bulk_create(batch)
            batch = []
    Venue.objects.bulk_create(batch)


def full_scan(lng, lat, limit):
    """The baseline: every open station read and ranked in Python."""
    from smartunion.venues.coords import haversine_m
    from smartunion.venues.models import Venue

    rows = Venue.objects.filter(status="open").values_list("id", "lng", "lat")
    ranked = sorted((haversine_m(lng, lat, x, y), pk) for pk, x, y in rows)[:limit]
    by_id = Venue.objects.select_related("region").in_bulk([pk for _, pk in ranked])
    return [(by_id[pk], d) for d, pk in ranked]


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - start) * 1000.0, result


def query_points(rnd, points, n, box):
    out = []
    for _ in range(n):
        if rnd.random() < 0.1:
            out.append((rnd.uniform(box[0], box[2]), rnd.uniform(box[1], box[3])))
        else:
            out.append(scatter(rnd, *rnd.choice(points), 5.0))
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    args = parse_args()
    vendor, cleanup = setup_database(args)
    import django

    django.setup()
    from django.core.management import call_command

    from smartunion.orgs.models import Kind
    from smartunion.personas import make_org
    from smartunion.regions.models import Region
    from smartunion.venues import querysets
    from smartunion.venues.api import find_nearest

    try:
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
        org = make_org("基准测试总工会", None, Kind.PROVINCE, "620000")
        region = Region.objects.get(code="620102")
        rnd = random.Random(args.seed)
        print(
            f"nearest {args.limit} stations on {vendor} ({django.get_version()}), "
            f"{args.queries} queries per size, baseline on {args.baseline_queries}"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            if size <= 20_000:
                points, box = gansu_points(rnd, size), (92.5, 32.6, 108.7, 42.8)
                shape = "Gansu-shaped"
            else:
                points, box = national_points(rnd, size), (76.0, 22.0, 122.0, 48.0)
                shape = "national-scale"
            t0 = time.perf_counter()
            load(points, org, region)
            built = time.perf_counter() - t0
            queries = query_points(rnd, points, args.queries, box)
            for q in queries[:5]:  # warm the caches and the connection
                find_nearest(*q, limit=args.limit)
            fast, cpu = [], []
            statements = [0]
            box_query = querysets.BoxFetcher.__call__

            def counted(self, *a, statements=statements, box_query=box_query, **kw):
                statements[0] += 1
                return box_query(self, *a, **kw)

            querysets.BoxFetcher.__call__ = counted
            try:
                for q in queries:
                    c0 = time.process_time()
                    ms, _ = timed(lambda lng, lat: find_nearest(lng, lat, limit=args.limit), *q)
                    cpu.append((time.process_time() - c0) * 1000.0)
                    fast.append(ms)
            finally:
                querysets.BoxFetcher.__call__ = box_query
            slow = []
            mismatches = 0
            for q in queries[: args.baseline_queries]:
                ms, expected = timed(full_scan, q[0], q[1], args.limit)
                slow.append(ms)
                got = find_nearest(*q, limit=args.limit)
                if [round(d, 3) for _, d in got] != [round(d, 3) for _, d in expected]:
                    mismatches += 1
            med_fast, med_slow = statistics.median(fast), statistics.median(slow)
            print(
                f"  {size:>7,} stations ({shape}, loaded in {built:.1f} s): "
                f"indexed median {med_fast:.2f} ms, p95 {pct(fast, 95):.2f} ms, "
                f"max {max(fast):.2f} ms, {statements[0] / len(queries):.1f} box queries, "
                f"CPU of this process median {statistics.median(cpu):.2f} ms | "
                f"full scan median {med_slow:.1f} ms | "
                f"{med_slow / med_fast:.0f}× faster | answers differ on {mismatches} of "
                f"{len(slow)} queries"
            )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
