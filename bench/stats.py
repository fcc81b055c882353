"""Benchmark: the statistics' reads (统计分析) on the data set in the database, read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench database> \\
        .venv/bin/python bench/stats.py --repeat 5

Each indicator's figure of the root union (the province: the largest subtree), today (kept
counters where the indicator has them) and at the last 31 December, with its sub-units from
the same read; the comparison and the 24-month trend of 会员人数; the home page's figures. The
session is set read-only: nothing is written (no user, no session).

Targets (issue 15): overview, comparison and trend of the province p95 ≤ 150 ms. Prints one
JSON line per measurement: {"what", "p50_ms", "p95_ms", "max_ms", "n", "target_ms", "ok",
"members", "database"}. Decision 0018 records what was measured and what is still to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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

from smartunion.orgs.models import Organization  # noqa: E402
from smartunion.stats import figures, indicators  # noqa: E402

TARGET_MS = 150


def measure(what: str, fn, repeat: int, root: Organization) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        json.dumps(
            {
                "what": what,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(times[-1], 1),
                "n": len(times),
                "target_ms": TARGET_MS,
                "ok": p95 <= TARGET_MS,
                "members": root.subtree_member_count,
                "database": settings.DATABASES["default"]["NAME"],
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
    for code in ("unions.by_kind", "unions.by_status"):
        measure(
            f"home {code}",
            lambda c=code: indicators.total(indicators.get(c), root, today, today),
            args.repeat,
            root,
        )


if __name__ == "__main__":
    main()
