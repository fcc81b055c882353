"""Benchmark: a province's member export, as a page makes it in the background, on the data set
in the database (``manage.py seed --orgs 49000 --members 2300000``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_seed \\
        .venv/bin/python bench/exports.py [--formats xlsx,csv] [--org ORG_ID]

As the province admin (the largest scope), for the union export of the province (its current
members, the import template's columns, masked), measured in the same run:

- ``web check``: what the page spends deciding the Excel file is too long for a web request
  (``exports.check_web_download``: counting up to ``SMARTUNION_EXPORT_XLSX_WEB_ROWS``);
- ``direct``: ``exports.write_file`` of the export (what ``manage.py export_members`` does):
  the baseline;
- ``background``: ``export_jobs.request_export`` and ``run_export`` (the worker's part: the
  export built again, counted for the progress bar, written with progress steps, encrypted into
  the store), then the stored file decrypted back as its owner downloads it.

Prints one JSON line per measurement: {"what", "format", "rows", "seconds", "rows_per_s",
"file_mb", "peak_pss_mb", "vs_direct", "database"}. The background job's file is deleted
afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartunion.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from memory import PeakMemory  # noqa: E402  (bench/memory.py)
from pages import province_admin  # noqa: E402  (bench/pages.py)

from smartunion.imports import export_jobs, exports  # noqa: E402
from smartunion.imports.models import ExportKind  # noqa: E402
from smartunion.orgs.models import Organization  # noqa: E402


def emit(what: str, file_format: str, rows: int, seconds: float, size: int, mb: float, base):
    print(
        json.dumps(
            {
                "what": what,
                "format": file_format,
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds) if seconds else None,
                "file_mb": round(size / 2**20, 1),
                "peak_pss_mb": mb,
                "vs_direct": round(seconds / base, 2) if base else None,
                "database": connection.vendor,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--org", type=int, help="the union to export (default: the root)")
    args = parser.parse_args()
    user = province_admin()
    org = (
        Organization.objects.get(pk=args.org)
        if args.org
        else Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    )
    spec = exports.ExportSpec(ExportKind.MEMBERS, org.pk)

    started = time.perf_counter()
    try:
        exports.check_web_download(exports.build(user, spec), "xlsx")
        too_long = False
    except exports.ExportTooLarge:
        too_long = True
    seconds = time.perf_counter() - started
    print(json.dumps({"what": "web check", "seconds": round(seconds, 3), "too_long": too_long}))

    out = Path(exports.temp_dir()) / "bench-export"
    for file_format in args.formats.split(","):
        with PeakMemory() as memory:
            started = time.perf_counter()
            export = exports.build(user, spec)
            exports.write_file(export, out, file_format)
            direct = time.perf_counter() - started
        rows = exports.count_rows(export)
        emit("direct", file_format, rows, direct, out.stat().st_size, memory.mb, None)
        out.unlink()

        with PeakMemory() as memory:
            started = time.perf_counter()
            job = export_jobs.request_export(user, spec, file_format)
            job = export_jobs.run_export(job.pk, lease=job.task_id)
            written = time.perf_counter() - started
        assert job is not None and job.status == "done", job and job.message
        emit("background", file_format, job.rows_done, written, job.file_size, memory.mb, direct)

        started = time.perf_counter()
        size = sum(len(c) for c in export_jobs.open_download(job, user))
        read = time.perf_counter() - started
        emit("download (decrypt)", file_format, job.rows_done, read, size, 0.0, direct)
        export_jobs.delete(job, user)


if __name__ == "__main__":
    main()
