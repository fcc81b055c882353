"""Benchmark: the figures pages of 诉求工单 and 法律援助 (issue 13, target p95 ≤ 100 ms) from the
statistics' summaries, against a baseline measured in the same run from the records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h15_bench DEBUG=0 SMARTUNION_DEV_KEYS=1 \\
        ALLOWED_HOSTS=localhost .venv/bin/python bench/figures.py --repeat 40

Each page is requested through the whole Django stack in-process (as bench/pages.py), as the
province admin and as the admin of the largest city, this year and last year (a past year ends
on 31 December: no records read at all). Rounds alternate between the summaries (``kept``) and
the records (``records``: no union keeps summaries, ``stats.summaries.DEPTH = 0``, the reads of
decision 0019), so that the machine's load weighs on both alike. Prints one JSON line per page
and way: {"page", "way", "p50_ms", "p95_ms", "n", "target_ms", "ok"}, then one per page with
``ratio`` (records p95 / summaries p95), and the load (``os.getloadavg``) before and after.
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
os.environ.setdefault("SMARTUNION_OTP_REQUIRED", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from smartunion.accounts.models import User  # noqa: E402
from smartunion.accounts.roles import Role  # noqa: E402
from smartunion.orgs.models import Kind, Organization  # noqa: E402
from smartunion.stats import summaries  # noqa: E402

TARGET = 100


def admin(org: Organization, name: str, role) -> User:
    user, _ = User.objects.get_or_create(username=name, defaults={"scope_org": org, "role": role})
    return user


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise SystemExit("no organizations: run manage.py seed first")
    cities = Organization.objects.filter(parent=root, kind=Kind.CITY)
    # The city with the most counties (a typical city page: its counties' rows), and the city
    # with the most direct sub-units (嘉峪关 has no counties: hundreds of grassroots rows).
    city = cities.annotate(n=Count("children", filter=Q(children__kind=Kind.COUNTY))).order_by(
        "-n"
    )[0]
    flat = cities.annotate(n=Count("children")).order_by("-n")[0]
    clients = {}
    for label, org, name, role in (
        ("province", root, "bench_province", Role.PROVINCE_ADMIN),
        ("city", city, "bench_city_counties", Role.CITY_ADMIN),
        ("flat city", flat, "bench_city_flat", Role.CITY_ADMIN),
    ):
        if org is None:
            continue
        client = Client()
        client.force_login(admin(org, name, role))
        clients[label] = client
    last_year = dt.date.today().year - 1
    pages = []
    for label in clients:
        for module, url in (
            ("诉求工单", reverse("servicerequests:figures")),
            ("法律援助", reverse("legalaid:figures")),
        ):
            pages.append((f"{module} figures, {label}, this year", label, url))
            pages.append(
                (f"{module} figures, {label}, {last_year}", label, f"{url}?year={last_year}")
            )
    depth = summaries.DEPTH
    times: dict[tuple[str, str], list[float]] = {}
    print(json.dumps({"load_before": os.getloadavg()}))
    for _ in range(args.repeat):
        for way, d in (("kept", depth), ("records", 0)):
            summaries.DEPTH = d
            for name, label, url in pages:
                client = clients[label]
                start = time.perf_counter()
                response = client.get(url, secure=True)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
                times.setdefault((name, way), []).append(elapsed)
    summaries.DEPTH = depth
    for name, _, _ in pages:
        row = {}
        for way in ("kept", "records"):
            t = times[name, way][1:]  # the first round warms the caches
            row[way] = p95(t)
            print(
                json.dumps(
                    {
                        "page": name,
                        "way": way,
                        "p50_ms": round(statistics.median(t), 1),
                        "p95_ms": round(row[way], 1),
                        "n": len(t),
                        "target_ms": TARGET,
                        "ok": row[way] <= TARGET,
                    },
                    ensure_ascii=False,
                )
            )
        print(
            json.dumps(
                {"page": name, "ratio_records_to_kept_p95": round(row["records"] / row["kept"], 1)},
                ensure_ascii=False,
            )
        )
    print(json.dumps({"load_after": os.getloadavg()}))


if __name__ == "__main__":
    main()
