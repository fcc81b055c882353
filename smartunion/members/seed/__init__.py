"""The registry's part of `manage.py seed`: unions and members (demo and province scale).

``generate(orgs=N, members=M, seed=S)`` builds, in one transaction, the federation tree of the
deployment's province from the regions table (省总工会, every 市州 and 县区 总工会), ``N``
organizations in all, and ``M`` people with their memberships, events and transfers, written
through the bulk path of ``members.bulk`` (COPY on PostgreSQL). The same ``S`` gives the same
data. Nothing is generated when organizations already exist: running it again keeps the data.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smartunion.core import audit, crypto
from smartunion.core.idnumber import mask_phone
from smartunion.core.seeding import DEFAULT_SEED, SeedOptions
from smartunion.members import summaries as member_summaries
from smartunion.members.bulk import Table, indexes_built_after
from smartunion.members.models import Membership, MembershipEvent, Person, Transfer
from smartunion.members.seed.generate import ChunkResult, Job, run_chunk
from smartunion.orgs import counters
from smartunion.orgs.models import Organization, Status, path_segment
from smartunion.orgs.names import normalize_name
from smartunion.orgs.seed import OrgBuilder, OrgSpec, apportion, employee_count
from smartunion.regions.divisions import load_regions
from smartunion.regions.models import Level, Region
from smartunion.stats import kept


@dataclass
class SeedReport:
    created: bool
    orgs: int = 0
    written: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    workers: int = 1


def ensure_regions() -> None:
    if not Region.objects.filter(code=f"{settings.SMARTUNION_PROVINCE}0000").exists():
        load_regions()


def _org_rows(specs: list[OrgSpec], table: Table, rnd: random.Random, now: dt.datetime):
    for spec in specs:
        v = dict(spec.values)
        phone = v.pop("chair_phone", "")
        depth = 0
        node = spec.parent
        while node is not None:
            depth += 1
            node = node.parent
        yield table.row(
            {
                **v,
                "id": spec.pk,
                "name": spec.name[:128],
                "name_key": normalize_name(spec.name[:128]),
                "parent_id": spec.parent.pk if spec.parent else None,
                "path": spec.path,
                "depth": depth,
                "kind": spec.kind,
                "region_id": spec.region,
                "chair_phone": crypto.encrypt(phone) if phone else "",
                "chair_phone_masked": mask_phone(phone) if phone else "",
                "employee_count": employee_count(spec, rnd),
                "status": v.get("status", Status.NORMAL),
                "member_count": 0,
                "created_at": now,
                "updated_at": now,
            }
        )


def _results(job: Job, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in order: generated here, or by ``workers`` forked processes."""
    if workers <= 1 or len(job.chunks) <= 1:
        for chunk in job.chunks:
            yield run_chunk(job, chunk.index)
        return
    global _JOB
    _JOB = job
    # Fork: the workers inherit the job (and the settings and keys) without pickling it. They
    # never touch the database connection; only this process writes.
    context = multiprocessing.get_context("fork")
    # At most two chunks per worker waiting to be written: when the database is the slower
    # side (SQLite), finished chunks would otherwise pile up in this process's memory.
    slots = threading.BoundedSemaphore(2 * workers)

    def tasks() -> Iterator[int]:
        for index in range(len(job.chunks)):
            slots.acquire()
            yield index

    try:
        with context.Pool(workers) as pool:
            for result in pool.imap(_run_inherited_chunk, tasks()):
                yield result
                slots.release()
    finally:
        _JOB = None


_JOB: Job | None = None


def _run_inherited_chunk(index: int) -> ChunkResult:
    return run_chunk(_JOB, index)


def default_workers(members: int) -> int:
    """Worker processes for generating people: all cores for big data sets."""
    return 1 if members < 100_000 else max(1, min(os.cpu_count() or 1, 4))


def generate(
    *,
    orgs: int,
    members: int,
    seed: int = DEFAULT_SEED,
    chunk_size: int = 20000,
    workers: int | None = None,
    progress=None,
) -> SeedReport:
    """Build the data set unless organizations exist already (then do nothing)."""
    started = time.perf_counter()
    if Organization.objects.exists():
        return SeedReport(created=False)
    ensure_regions()
    crypto.keyring()  # read the keys once, before any worker is forked
    rnd = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    province = settings.SMARTUNION_PROVINCE
    workers = default_workers(members) if workers is None else workers
    report = SeedReport(created=True)

    def phase(name: str, since: float) -> float:
        t = time.perf_counter()
        report.phases[name] = round(t - since, 2)
        if progress:
            progress(f"{name}: {t - since:.1f} s")
        return t

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A seed that is cut short leaves nothing (one transaction), so waiting for
                # the disk at commit buys nothing here.
                cursor.execute("SET LOCAL synchronous_commit = off")
        t = time.perf_counter()
        builder = OrgBuilder(rnd, province, today)
        specs = builder.build(orgs)
        apportion(members, specs)
        table = Table(Organization)
        for spec, pk in zip(specs, table.allocate_ids(len(specs)), strict=True):
            spec.pk = pk
            spec.path = (spec.parent.path if spec.parent else "") + path_segment(pk)
        table.write(_org_rows(specs, table, rnd, now))
        # Every union's workers into the figures of the unions above it (counters.py).
        counters.shift(
            {
                pk: counters.contribution(0, employees, status)
                for pk, employees, status in Organization.objects.values_list(
                    "pk", "employee_count", "status"
                )
            }
        )
        report.orgs = len(specs)
        t = phase("organizations", t)

        other = list(
            Region.objects.filter(level=Level.COUNTY)
            .exclude(code__startswith=province)
            .values_list("code", flat=True)
        )
        job = Job(
            seed=seed,
            today=today,
            now=now,
            areas=builder.areas,
            unions=specs,
            other_birthplaces=other,
            text=connection.vendor == "postgresql",
        )
        job.plan(chunk_size)
        current: Counter = Counter()
        written: Counter = Counter()
        statuses: Counter = Counter()
        loaded = [Person, Membership, MembershipEvent, Transfer]
        with indexes_built_after(loaded):
            job.reserve_ids()
            done = 0
            for result in _results(job, workers):
                for key in ("person", "membership", "event", "transfer"):
                    rows = result.output[key]
                    if not rows:
                        continue
                    if job.text:
                        job.tables[key].write_text(rows)
                    else:
                        job.tables[key].write(rows)
                current.update(result.current)
                written.update(result.written)
                statuses.update(result.stats)
                done += job.chunks[result.index].persons
                if progress:
                    progress(f"  {done:,} / {members:,}")
            t = phase("members", t)
        for model_table in job.tables.values():
            model_table.settle_sequence()
        t = phase("indexes", t)
        counters.add_members(current)
        # The statistics' summaries, set-based from what was written (members/summaries.py).
        member_summaries.rebuild()
        # The unions' figures kept from their declarations (stats/kept.py, decision 0033).
        kept.seeded(Organization)
        t = phase("summaries", t)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The unions' statistics (the members' come with their indexes): without
                # them the planner took a province's 49,000 unions for 71 and searched the
                # members union by union (400–530 ms a search instead of 10–50).
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Organization._meta.db_table)}")
        root = specs[0]
        report.written = dict(written)
        report.statuses = dict(statuses)
        audit.record(
            None,
            "seed.generate",
            object_type="orgs.organization",
            object_id=str(root.pk),
            org_path=root.path,
            changes={
                "seed": seed,
                "organizations": report.orgs,
                "persons": written["person"],
                "memberships": written["membership"],
                "events": written["event"],
                "transfers": written["transfer"],
            },
        )
        phase("counters", t)
    report.seconds = round(time.perf_counter() - started, 1)
    report.workers = workers
    return report


def run_part(options: SeedOptions) -> list[str]:
    """The "registry" seed part: the tree and the members, unless unions exist already."""
    import resource

    report = generate(
        orgs=options.orgs,
        members=options.members,
        seed=options.seed,
        chunk_size=options.chunk_size,
        workers=options.workers,
        progress=options.progress,
    )
    if not report.created:
        return ["数据库中已有工会组织，未生成新数据（保留现有数据）。"]
    w = report.written
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"已生成：工会组织 {report.orgs:,} 个，人员 {w.get('person', 0):,} 人，"
        f"会籍 {w.get('membership', 0):,} 条，会籍变动 {w.get('event', 0):,} 条，"
        f"转会 {w.get('transfer', 0):,} 条；用时 {report.seconds} 秒"
        f"（{connection.vendor}，{report.workers} 个生成进程，主进程峰值内存 {peak_mb:.0f} MB）。"
    ]
    if report.statuses:
        lines.append(
            "会籍状态：" + "，".join(f"{k} {v:,}" for k, v in sorted(report.statuses.items()))
        )
    options.say(f"phases: {report.phases}")
    return lines
