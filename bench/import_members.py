"""Benchmark: members imported from a CSV file, end to end, with same-run baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_imports_bench \\
        .venv/bin/python bench/import_members.py --members 2300000

What is timed is exactly ``manage.py import_members FILE``: the file's SHA-256, reading,
validation (ID numbers, codes, unions, duplicates, people already registered), encryption,
blind indexes, pinyin, inserting persons, memberships and events, member counters, the audit
entries and the job's report. Baselines, measured in the same run on the same table:

- ``vs_orm_create``: rows/s of per-row ORM ``create()`` (Person, Membership, MembershipEvent,
  one transaction for the whole sample: the friendliest case for the ORM);
- ``vs_copy``: rows/s of a raw ``COPY … FROM STDIN`` of person rows already prepared and
  formatted as COPY text into the same table with its indexes (PostgreSQL; on SQLite one
  ``executemany`` of prepared rows).

The database needs the unions first (``manage.py seed --orgs 49000 --members 0``; done here
if it has none). Members already imported by an earlier run are removed first (``--keep``
leaves them, and the import then measures the "same file again" path). Ends with one JSON
line: {"rows", "seconds", "rows_per_s", "vs_orm_create", "vs_copy", "peak_rss_mb", "database"}.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import CommandError, call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from memory import PeakMemory  # noqa: E402  (bench/memory.py)

from smartunion.accounts.models import User  # noqa: E402
from smartunion.core.idnumber import parse_id_number  # noqa: E402
from smartunion.core.pinyin import PinyinCache  # noqa: E402
from smartunion.core.synthetic.people import IdNumbers, Names, Phones, add_years  # noqa: E402
from smartunion.members import bulk  # noqa: E402
from smartunion.members import summaries as member_summaries  # noqa: E402
from smartunion.members.models import Membership, MembershipEvent, Person  # noqa: E402
from smartunion.members.services import id_blind_index, phone_blind_index  # noqa: E402
from smartunion.orgs.models import GRASSROOTS_KINDS, Organization  # noqa: E402
from smartunion.regions.models import Region  # noqa: E402

HEADERS = [
    "姓名",
    "身份证号码",
    "手机号码",
    "所在工会编号",
    "民族",
    "学历",
    "政治面貌",
    "就业状况",
    "入会日期",
]
ETHNIC = [("汉族", 91), ("回族", 5), ("藏族", 2), ("东乡族", 1), ("土族", 0.5), ("裕固族", 0.5)]
EDUCATION = [
    ("大学本科", 30),
    ("大学专科", 25),
    ("普通高级中学", 20),
    ("中等专业学校", 10),
    ("研究生", 5),
    ("初级中学", 10),
]
POLITICAL = [("群众", 70), ("中共党员", 20), ("共青团员", 10)]
EMPLOYMENT = [("在岗", 92), ("退休", 4), ("内退", 2), ("失业", 2)]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def weighted(rnd: random.Random, pairs):
    labels = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return lambda: rnd.choices(labels, weights)[0]


def write_members_csv(path: Path, n: int, *, seed: int, part: int = 1, parts: int = 4) -> None:
    """``n`` valid members spread over the grassroots unions (GB18030, as Chinese Excel saves)."""
    rnd = random.Random(seed)
    today = timezone.localdate()
    ids = IdNumbers(seed, today, part=part, parts=parts)
    names, phones = Names(rnd), Phones(rnd)
    places = list(Region.objects.in_province().filter(level=3).values_list("code", flat=True)) or [
        "620102"
    ]
    unions = list(
        Organization.objects.active().filter(kind__in=GRASSROOTS_KINDS).values_list("id", flat=True)
    )
    if not unions:
        raise SystemExit("no grassroots unions: run manage.py seed --orgs 49000 --members 0 first")
    ethnic, education = weighted(rnd, ETHNIC), weighted(rnd, EDUCATION)
    political, employment = weighted(rnd, POLITICAL), weighted(rnd, EMPLOYMENT)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for _ in range(n):
            number, birth, gender = ids.next(rnd.choice(places))
            adult = add_years(birth, 18)
            joined = adult + dt.timedelta(days=rnd.randrange(max(1, (today - adult).days)))
            writer.writerow(
                [
                    names(gender),
                    number,
                    phones() if rnd.random() < 0.9 else "",
                    rnd.choice(unions),
                    ethnic(),
                    education(),
                    political(),
                    employment(),
                    joined.isoformat(),
                ]
            )
    tmp.rename(path)


def csv_to_xlsx(source: Path, target: Path) -> None:
    """The same rows as an xlsx workbook (ID numbers as text, as the template keeps them)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    ws = wb.add_worksheet("会员信息")
    with open(source, encoding="gb18030", newline="") as f:
        for r, row in enumerate(csv.reader(f)):
            for c, value in enumerate(row):
                ws.write_string(r, c, value)
    wb.close()


def validate_xlsx(args, folder: Path) -> None:
    """Time the check of an xlsx of ``--members`` rows (``import_members --check-only``)."""
    csv_path = folder / f"members_{args.members}_{args.seed}.csv"
    if not csv_path.exists():
        write_members_csv(csv_path, args.members, seed=args.seed)
    path = csv_path.with_suffix(".xlsx")
    if not path.exists():
        log(f"writing {path} …")
        csv_to_xlsx(csv_path, path)
    if not args.keep:
        log("removing members of earlier runs …")
        reset_members()
    start = time.perf_counter()
    with PeakMemory() as memory:
        try:
            call_command("import_members", str(path), "--check-only", stdout=open(os.devnull, "w"))
        except CommandError as exc:
            log(f"import_members --check-only: {exc}")
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "rows": args.members,
                "format": "xlsx",
                "check_only": True,
                "seconds": round(seconds, 1),
                "rows_per_s": round(args.members / seconds),
                "peak_rss_mb": memory.mb,
                "database": connection.vendor,
            }
        )
    )


def reset_members() -> None:
    """Remove the members a previous run imported (benchmark databases only)."""
    tables = [m._meta.db_table for m in (MembershipEvent, Membership, Person)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE "
                + ", ".join(tables + ["members_transfer", "imports_importissue"])
                + " CASCADE"
            )
        else:
            for table in ["members_transfer", "imports_importissue", *tables]:
                cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE orgs_organization SET member_count = 0")
    # The statistics' summaries of the members, now none: each run writes its own rows.
    member_summaries.rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The counters' reset leaves a dead version of every union: start clean.
            cursor.execute("VACUUM ANALYZE members_person")
            cursor.execute("VACUUM ANALYZE orgs_organization")


def sample_rows(n: int, seed: int) -> list[dict]:
    """Fresh people (another part of the ID space than the file) for the baselines."""
    rnd = random.Random(seed + 1)
    ids = IdNumbers(seed, timezone.localdate(), part=3, parts=4)
    names, phones = Names(rnd), Phones(rnd)
    union = (
        Organization.objects.active()
        .filter(kind__in=GRASSROOTS_KINDS)
        .values_list("id", flat=True)[0]
    )
    out = []
    for _ in range(n):
        number, _birth, gender = ids.next("620102")
        out.append(
            {
                "name": names(gender),
                "ident": parse_id_number(number),
                "phone": phones(),
                "org_id": union,
            }
        )
    return out


def orm_rows_per_s(rows: list[dict]) -> float:
    from smartunion.core.idnumber import mask_phone
    from smartunion.core.pinyin import name_readings
    from smartunion.members.models import READING_COLUMNS

    start = time.perf_counter()
    with transaction.atomic():
        for r in rows:
            ident = r["ident"]
            person = Person.objects.create(
                name=r["name"],
                **dict(zip(READING_COLUMNS, name_readings(r["name"]), strict=True)),
                id_number=ident.number,
                id_hash=id_blind_index(ident.number),
                id_masked=ident.masked,
                gender=ident.gender,
                birth_date=ident.birth_date,
                phone=r["phone"],
                phone_hash=phone_blind_index(r["phone"]),
                phone_masked=mask_phone(r["phone"]),
                org_id=r["org_id"],
            )
            membership = Membership.objects.create(
                person=person,
                org_id=r["org_id"],
                status="active",
                channel="record",
                applied_on=timezone.localdate(),
                joined_on=timezone.localdate(),
            )
            MembershipEvent.objects.create(
                person=person,
                membership=membership,
                org_id=r["org_id"],
                change_type="join",
                occurred_on=timezone.localdate(),
            )
    seconds = time.perf_counter() - start
    ids = [r["ident"].number for r in rows]
    hashes = [id_blind_index(n) for n in ids]
    persons = Person.objects.filter(id_hash__in=hashes)
    MembershipEvent.objects.filter(person__in=persons).delete()
    Membership.objects.filter(person__in=persons).delete()
    persons.delete()
    return len(rows) / seconds


def copy_rows_per_s(rows: list[dict]) -> float:
    """Rows/s of the fastest raw load of prepared person rows into the same table.

    PostgreSQL: ``COPY … FROM STDIN`` of the rows already formatted as COPY text (faster than
    ``write_row`` per row); SQLite: one ``executemany`` of prepared tuples. Only the load is
    timed; the encryption, hashing and formatting happen before the clock starts.
    """
    table = bulk.Table(Person)
    pinyin = PinyinCache()
    now = timezone.now()
    with transaction.atomic():
        pks = table.allocate_ids(len(rows))
        values = [
            bulk.person_values(
                pk=pk,
                name=r["name"],
                ident=r["ident"],
                phone=r["phone"],
                org_id=r["org_id"],
                now=now,
                pinyin=pinyin,
            )
            for pk, r in zip(pks, rows, strict=True)
        ]
        if connection.vendor == "postgresql":
            text = "".join(table.line(v) for v in values)
            start = time.perf_counter()
            table.write_text(text)
        else:
            prepared = [table.row(v) for v in values]
            start = time.perf_counter()
            table.write(prepared)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return len(rows) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2_300_000)
    parser.add_argument("--orgs", type=int, default=49_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--orm-sample", type=int, default=2000)
    parser.add_argument("--copy-sample", type=int, default=100_000)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument(
        "--validate-xlsx",
        action="store_true",
        help="only time the check of the same rows as an xlsx (no import)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="do not remove earlier imported members"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    if not Organization.objects.exists():
        log(f"seeding {args.orgs} unions …")
        call_command("seed", orgs=args.orgs, members=0, verbosity=0)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    if not User.objects.filter(is_superuser=True).exists():
        User.objects.create_superuser("bench", password=None)
    if args.validate_xlsx:
        validate_xlsx(args, folder)
        return
    path = folder / f"members_{args.members}_{args.seed}.csv"
    if not path.exists():
        log(f"writing {path} …")
        t = time.perf_counter()
        write_members_csv(path, args.members, seed=args.seed)
        log(f"  {time.perf_counter() - t:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    if not args.keep:
        log("removing members of earlier runs …")
        reset_members()
    log(f"importing {args.members} members from {path.name} …")
    start = time.perf_counter()
    with PeakMemory() as memory:
        try:
            call_command("import_members", str(path), stdout=sys.stderr)
        except CommandError as exc:
            log(f"import_members: {exc}")
    seconds = time.perf_counter() - start
    rss = memory.mb
    imported = Person.objects.count()
    log(f"  {imported} persons in the table, {seconds:.1f} s")

    sample = sample_rows(args.orm_sample + args.copy_sample, args.seed)
    orm = orm_rows_per_s(sample[: args.orm_sample])
    copy = copy_rows_per_s(sample[args.orm_sample :])
    rate = args.members / seconds
    log(
        f"  ORM create(): {orm:,.0f} rows/s; raw {'COPY' if connection.vendor == 'postgresql' else 'executemany'}: {copy:,.0f} rows/s"
    )
    print(
        json.dumps(
            {
                "rows": args.members,
                "seconds": round(seconds, 1),
                "rows_per_s": round(rate),
                "vs_orm_create": round(rate / orm, 1),
                "vs_copy": round(rate / copy, 2),
                "peak_rss_mb": rss,
                "database": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
