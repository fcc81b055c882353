"""Building import files for tests: CSV and xlsx rows under the templates' headers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter

from smartunion.core.testing import new_id_number
from smartunion.imports.schema import MEMBERS, ORGS

MEMBER_HEADERS = ["姓名", "身份证号码", "手机号码", "所在工会编号", "民族", "学历", "入会日期"]


def member_row(name: str, id_number: str | None = None, org=None, **extra) -> dict:
    row = {
        "姓名": name,
        "身份证号码": new_id_number() if id_number is None else id_number,
        "手机号码": extra.pop("phone", "13912345678"),
        "所在工会编号": str(org.pk) if org is not None else "",
        "民族": extra.pop("ethnicity", "汉族"),
        "学历": extra.pop("education", "大学本科"),
        "入会日期": extra.pop("joined_on", "2021-03-01"),
    }
    row.update(extra)
    return row


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8-sig", headers=None) -> bytes:
    headers = headers or _headers(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers=None, sheet="会员信息", numbers_as_floats=()) -> bytes:
    headers = headers or _headers(rows)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, 1):
        for c, h in enumerate(headers):
            value = row.get(h, "")
            if h in numbers_as_floats and value:
                ws.write_number(r, c, float(value))
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    return out.getvalue()


def _headers(rows: list[dict]) -> list[str]:
    headers: list[str] = []
    for row in rows:
        for key in row:
            if key not in headers:
                headers.append(key)
    return headers or [c.header for c in MEMBERS.columns]


ORG_HEADERS = [c.header for c in ORGS.columns]


def validated(data: bytes, *, actor, org, kind: str = "members", name: str = "import.csv"):
    """Upload ``data`` and run the validation step in-process, as the task worker would."""
    from smartunion.imports import services
    from smartunion.imports.models import ImportJob

    job = services.create_job(
        kind=kind, org=org, actor=actor, upload=io.BytesIO(data), file_name=name
    )
    ImportJob.objects.filter(pk=job.pk).update(task_id="test-validate")
    services.run_validation(job.pk, lease="test-validate")
    job.refresh_from_db()
    return job


def committed(job, *, actor, mode: str = "valid_only"):
    """Start and run the commit step in-process."""
    from smartunion.imports import services

    job = services.start_commit(job, actor=actor, mode=mode, enqueue=False)
    services.run_commit(job.pk, lease=job.task_id)
    job.refresh_from_db()
    return job


def issues(job) -> list[tuple[int, str, str]]:
    return [(i.row_no, i.column, i.message) for i in job.issues.order_by("row_no", "id")]
