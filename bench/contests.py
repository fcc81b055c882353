"""Benchmark: the ranking of a contest's final with 5,000 entrants (issue 16: ≤ 1 s).

Builds its own database (a temporary SQLite file, or a PostgreSQL database of its own),
registers the entrants as members through the bulk path, puts one contest on the plan through
the services and its entrants in the final with part scores and totals (few distinct values,
half points from 60 to 100, so that ties on the total, the practice and the theory happen), then times
``services.rank_round`` — read the scores, rank by the contest's rules, write the ranks and
awards that changed — with every rank cleared before each run (all 5,000 written). The
baseline, measured in the same run on the same data: the same ranks written one UPDATE per
entrant, as a straightforward loop would. It checks that both give the same ranks.

    DEBUG=1 .venv/bin/python bench/contests.py                      # SQLite
    DEBUG=1 .venv/bin/python bench/contests.py --db postgres        # PostgreSQL, own database
    DEBUG=1 .venv/bin/python bench/contests.py --entrants 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 1.0


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/h_contests_bench")
    p.add_argument("--entrants", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true")
    return p.parse_args()


def setup_database(args):
    from bench.own_database import setup_database as own

    return own(args.db, args.pg_url, prefix="contests", keep=args.keep)


def build(n: int, rnd: random.Random):
    """The province, one union per 500 entrants, the entrants in the final of one trade."""
    from django.db import transaction

    from smartunion.accounts.roles import Role
    from smartunion.casework import services as casework
    from smartunion.contests import services
    from smartunion.contests.models import Entry
    from smartunion.contests.seed import insert_rows
    from smartunion.contests.testing import contest_data
    from smartunion.core.testing import new_id_number
    from smartunion.members import bulk
    from smartunion.members.services import check_id_number
    from smartunion.orgs.models import Kind
    from smartunion.personas import make_org, make_staff

    province = make_org("甘肃省总工会", None, Kind.PROVINCE, "620000")
    city = make_org("兰州市总工会", province, Kind.CITY, "620100")
    unions = [
        make_org(f"兰州第{i + 1}机械厂工会", city, Kind.SINGLE, "620102")
        for i in range(max(1, n // 500))
    ]
    admin = make_staff("bench_admin", province, Role.PROVINCE_ADMIN)
    records = [
        bulk.MemberRecord(
            name=f"选手{i}",
            ident=check_id_number(new_id_number()),
            org_id=unions[i % len(unions)].pk,
            row=i + 2,
        )
        for i in range(n)
    ]
    bulk.bulk_register(records, actor=admin)
    contest = services.create_contest(contest_data(), province.pk, actor=admin)
    for step in ("plan", "open_entries", "start_preliminary", "start_final"):
        if step == "start_final":
            break
        contest = casework.transition(contest, step, actor=admin)
    contest = type(contest).objects.get(pk=contest.pk)
    type(contest).objects.filter(pk=contest.pk).update(state="final")
    contest.state = "final"
    trade = contest.trades.first()
    from django.utils import timezone

    from smartunion.members.models import Membership

    members = list(Membership.objects.values_list("person_id", "org_id"))
    # Half points from 60 to 100: ties on the total, the practice and the theory happen.
    values = [Decimal(v) / 2 for v in range(120, 201)]
    now = timezone.now()
    rows = []
    for i, (person, org) in enumerate(members[:n]):
        theory, practice = rnd.choice(values), rnd.choice(values)
        rows.append(
            Entry(
                number=f"BM-bench-{i}",
                org_id=org,
                state="finalist",
                state_since=now,
                opened_on=now.date(),
                contest=contest,
                trade=trade,
                person_id=person,
                city_id=city.pk,
                round="final",
                theory=theory,
                practice=practice,
                total=services.ranking.total(
                    {"theory": theory, "practice": practice, "defence": None}, contest.weights
                ),
            )
        )
    with transaction.atomic():
        insert_rows(Entry, rows)
    return contest, admin


def main():
    args = parse_args()
    vendor, cleanup = setup_database(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from smartunion.contests import ranking, services
    from smartunion.contests.models import Entry

    try:
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
        rnd = random.Random(args.seed)
        t0 = time.perf_counter()
        contest, admin = build(args.entrants, rnd)
        print(
            f"ranking a final of {args.entrants:,} entrants on {vendor} ({django.get_version()}), "
            f"built in {time.perf_counter() - t0:.1f} s, {args.repeat} runs"
        )
        rows = Entry.objects.filter(contest=contest, state="finalist")
        services.rank_round(contest, actor=admin)  # warm: imports, connection, caches
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            rows.update(rank=None, award="")
            profile = cProfile.Profile()
            profile.runcall(services.rank_round, contest, actor=admin)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(18)
        fast, cpu = [], []
        for _ in range(args.repeat):
            rows.update(rank=None, award="")
            start, c0 = time.perf_counter(), time.process_time()
            ranked = services.rank_round(contest, actor=admin)
            fast.append(time.perf_counter() - start)
            cpu.append(time.process_time() - c0)
        expected = dict(rows.values_list("id", "rank"))
        rows.update(rank=None, award="")
        start = time.perf_counter()
        with transaction.atomic():
            data = list(rows.values_list("id", "total", "practice", "theory"))
            ranks = ranking.rank((ranking.Row(*d) for d in data), contest.tie_rule)
            for ident, rank in ranks.items():
                Entry.objects.filter(pk=ident).update(rank=rank, award=contest.award_for(rank))
        slow = time.perf_counter() - start
        same = dict(rows.values_list("id", "rank")) == expected
        ties = ranked - len(set(expected.values()))
        median = statistics.median(fast)
        print(
            f"  rank_round: median {median * 1000:.0f} ms, max {max(fast) * 1000:.0f} ms "
            f"(CPU of this process median {statistics.median(cpu) * 1000:.0f} ms; "
            f"{ranked:,} ranked, {ties:,} sharing a rank) | target {TARGET_S:.0f} s: "
            f"{'ok' if max(fast) <= TARGET_S else 'MISSED'} | baseline (one UPDATE per entrant) "
            f"{slow * 1000:.0f} ms | {slow / median:.1f}× faster | same ranks: {same}"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
