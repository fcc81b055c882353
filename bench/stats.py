"""Benchmark: the statistics' reads (统计分析) on the data set in the database, read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench database> \\
        .venv/bin/python bench/stats.py --repeat 20

Each indicator's figure of the root union (the province: the largest subtree), today (kept
counters where the indicator has them) and at the last 31 December, with its sub-units from
the same read; the comparison and the 24-month trend of 会员人数; the home page's figures. The
session is set read-only: nothing is written (no user, no session).

Targets (issue 15): overview, comparison and trend of the province p95 ≤ 150 ms, the annual
report of the province ≤ 2 s, the year in figures ≤ 300 ms (the member figures of the
province, the cities and the counties read the summaries, decision 0020). Prints one
JSON line per measurement: {"what", "p50_ms", "p95_ms", "max_ms", "first_ms", "n", "target_ms",
"ok", "members", "database", "ratio_to_baseline"}: ``n`` calls after a first one timed apart
(``first_ms``: it reads its query's index pages into memory, as a page's first view after a
restart does), their p95 by nearest rank (with fewer than 20 calls, their maximum).
Decisions 0018 and 0020 record what was measured.

The baseline, measured in the same run before the figures and again after them (both printed):
会员人数 of the province at the last 31 December counted from the records, without the
summaries (``summaries.DEPTH = 0``) — what every member figure of a large subtree would cost
without decision 0020. ``ratio_to_baseline`` is a measurement's p95 over the first baseline's
p50: a figure that keeps its ratio on a slower or busier machine has not become slower.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from smartunion.core.serving import before_fork  # noqa: E402
from smartunion.orgs.models import Organization  # noqa: E402
from smartunion.stats import figures, indicators, report, summaries, year  # noqa: E402

TARGET_MS = 150
#: The baseline's p50 (ms), once measured.
BASELINE: list[float] = []


def measure(
    what: str, fn, repeat: int, root: Organization, target_ms: int | None = TARGET_MS
) -> float:
    # The first call is timed apart (``first_ms``): it reads the pages of that query's indexes
    # into memory for the calls after it, as the first view of a page after a restart does.
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[math.ceil(len(times) * 0.95) - 1]  # nearest rank
    print(
        json.dumps(
            {
                "what": what,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(times[-1], 1),
                "first_ms": round(first, 1),
                "n": len(times),
                "target_ms": target_ms,
                "ok": None if target_ms is None else p95 <= target_ms,
                "members": root.subtree_member_count,
                "database": settings.DATABASES["default"]["NAME"],
                "ratio_to_baseline": round(p95 / BASELINE[0], 3) if BASELINE else None,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return statistics.median(times)


def from_records(root: Organization, on: dt.date, today: dt.date) -> None:
    """The baseline: 会员人数 of ``root``'s subtree at ``on`` from the records alone."""
    depth = summaries.DEPTH
    summaries.DEPTH = 0
    try:
        indicators.figure(indicators.get("members"), root, on, today)
    finally:
        summaries.DEPTH = depth


def baseline(root: Organization, on: dt.date, today: dt.date, repeat: int, when: str) -> None:
    p50 = measure(
        f"baseline: members year_end from the records ({when})",
        lambda: from_records(root, on, today),
        repeat,
        root,
        target_ms=None,
    )
    if not BASELINE:
        BASELINE.append(p50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    # As the production server's master before it forks its workers (core.serving): the
    # URLconf imported (or the first figure that links to a list measured that import, not
    # itself), the objects of the start out of the garbage collector's reach (or a county's
    # comparison, 52 ms, took 184 at its p95: a full collection walking them).
    before_fork()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
    # The chair's phone is encrypted under the data set's own keys: not read here.
    root = Organization.objects.defer("chair_phone").filter(parent__isnull=True).first()
    if root is None:
        raise SystemExit("no organizations: run manage.py seed first")
    today = timezone.localdate()
    year_end = dt.date(today.year - 1, 12, 31)
    children = list(figures.children_of(root).defer("chair_phone"))
    print(json.dumps({"load_before": os.getloadavg()}), flush=True)
    baseline(root, year_end, today, args.repeat, "before")
    for indicator in indicators.all_indicators():
        for label, on in (("today", today), ("year_end", year_end)):
            measure(
                f"{indicator.code} {label}",
                lambda i=indicator, d=on: indicators.figure(i, root, d, today),
                args.repeat,
                root,
            )
    members = indicators.get("members")
    measure(
        "comparison members year_end",
        lambda: indicators.by_child(members, root, children, year_end, today),
        args.repeat,
        root,
    )
    measure(
        "trend members 24 months",
        lambda: indicators.trend(members, root, today, 24),
        args.repeat,
        root,
    )
    # The union rows the pages load carry the chair's phone, encrypted under the data set's
    # keys: the same rows without it here.
    children_of = figures.children_of
    figures.children_of = lambda org: children_of(org).defer("chair_phone")
    # The pages' reads as a whole (decision 0020): the overview of the province, a city and a
    # county (all indicators), the comparison and the trend of every member indicator, the
    # annual report of the province (≤ 2 s) and the year in figures (≤ 300 ms).
    city = children[0] if children else root
    county = figures.children_of(city).defer("chair_phone").first() or city
    for label, org in (("province", root), ("city", city), ("county", county)):
        for when, on in (("today", today), ("year_end", year_end)):
            measure(
                f"overview {label} {when}",
                lambda o=org, d=on: figures.overview(o, d),
                args.repeat,
                root,
            )
    for indicator in indicators.all_indicators():
        if indicator.group != "会员":
            continue
        measure(
            f"comparison {indicator.code} today",
            lambda i=indicator: figures.comparison(i, root, today),
            args.repeat,
            root,
        )
        if not indicator.is_breakdown:
            measure(
                f"trend {indicator.code} 24 months",
                lambda i=indicator: indicators.trend(i, root, today, 24),
                args.repeat,
                root,
            )
    measure(
        "comparison members.by_age of a city year_end",
        lambda: figures.comparison(indicators.get("members.by_age"), city, year_end),
        args.repeat,
        root,
    )
    # A county's comparison is of its grassroots unions (hundreds to thousands of rows), read
    # from the records: the summaries stop at the counties (decision 0020).
    for code in ("members", "members.by_age"):
        for when, on in (("today", today), ("year_end", year_end)):
            measure(
                f"comparison {code} of a county {when}",
                lambda c=code, d=on: figures.comparison(indicators.get(c), county, d),
                args.repeat,
                root,
            )
    measure(
        "annual report province",
        lambda: report.build(root, report.reference_date(year_end.year)),
        args.repeat,
        root,
        target_ms=2000,
    )
    measure(
        "year in figures province",
        lambda: year.sentences(root, year_end.year),
        args.repeat,
        root,
        target_ms=300,
    )
    for code in ("unions.by_kind", "unions.by_status"):
        measure(
            f"home {code}",
            lambda c=code: indicators.total(indicators.get(c), root, today, today),
            args.repeat,
            root,
        )
    baseline(root, year_end, today, args.repeat, "after")
    print(json.dumps({"load_after": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
