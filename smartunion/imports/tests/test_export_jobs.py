"""Background exports (导出任务): a list too long for an Excel file within a web request.

The page offers it, the task worker writes it, its owner downloads it (encrypted at rest,
audited), and it goes after ``SMARTUNION_EXPORT_KEEP_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from smartunion.core.models import AuditEntry
from smartunion.core.testing import run_queued_tasks
from smartunion.imports import export_jobs, exports, files
from smartunion.imports.models import ExportJob, ExportKind, ExportStatus


@pytest.fixture(autouse=True)
def small_limit(settings):
    # County A has two members: with a limit of one, every xlsx of it goes to the background.
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 1


def new_export(client, **fields) -> ExportJob:
    data = {"kind": "members", "format": "xlsx", **fields}
    response = client.post(reverse("imports:export_new"), data)
    assert response.status_code == 302, response.content.decode()
    job = ExportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert response["Location"] == detail_url(job)
    return job


def detail_url(job) -> str:
    return reverse("imports:export_detail", kwargs={"export_id": job.pk})


def download_url(job) -> str:
    return reverse("imports:export_download", kwargs={"export_id": job.pk})


def sheet_rows(data: bytes, sheet="会员信息") -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    _banner, _header, *rows = book.get_sheet_by_name(sheet).to_python()
    return rows


def leftover_plaintext(settings) -> list[Path]:
    folder = Path(settings.VAR_DIR) / "tmp"
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_the_whole_flow_from_the_notice_to_the_download(client, world, settings):
    client.force_login(world.county_admin)
    notice = client.get(
        reverse("imports:export_members", kwargs={"org_id": world.county_a.pk}),
        {"format": "xlsx"},
    )
    assert "在后台生成 Excel 文件" in notice.content.decode()
    job = new_export(client, org=world.county_a.pk)
    assert job.status == ExportStatus.PENDING and job.task_id
    assert job.title == "城关区总工会会员名单" and job.scope_path == world.county_a.path
    page = client.get(detail_url(job)).content.decode()
    assert "排队等待生成" in page and 'hx-trigger="every 2s"' in page
    # The request is audited at once, with the job's number.
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["background"] is True and entry.changes["job"] == job.pk

    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == job.rows_total == 2
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)
    poll = client.get(detail_url(job) + "?poll=1", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(detail_url(job)).content.decode()
    assert "可以下载" in page and "下载文件" in page

    # Encrypted at rest: neither a zip nor the names in it.
    stored = (files.storage_dir() / job.stored_file).read_bytes()
    assert not stored.startswith(b"PK") and "张三".encode() not in stored
    assert not leftover_plaintext(settings)

    response = client.get(download_url(job))
    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert int(response["Content-Length"]) == len(data) == job.file_size
    rows = sheet_rows(data)
    assert sorted(r[0] for r in rows) == ["张三", "李四"]
    assert all("********" in r[1] for r in rows)  # masked
    downloaded = AuditEntry.objects.get(action="export.download")
    assert downloaded.changes == {"sha256": job.file_sha256, "with_pii": False, "rows": 2}
    job.refresh_from_db()
    assert job.downloads == 1


def test_its_expiry_is_queued_and_deletes_the_file_and_the_filters(client, world):
    client.force_login(world.county_admin)
    job = new_export(client, kind="member_list", q="zs", status="active")
    assert job.params == {"former": False, "q": "zs", "status": "active", "subtree": True}
    run_queued_tasks()
    job.refresh_from_db()
    expiry = DBTaskResult.objects.get(task_path="smartunion.imports.tasks.expire_exports")
    assert expiry.run_after == job.expires_at
    path = files.storage_dir() / job.stored_file

    assert export_jobs.expire_due(timezone.now()) == 0  # not yet due
    assert export_jobs.expire_due(job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.stored_file and job.params == {}
    assert not path.exists()
    response = client.get(download_url(job), follow=True)
    assert "该导出文件不能下载（已过期删除）。" in response.content.decode()


def test_only_its_owner_sees_and_downloads_it(client, world):
    client.force_login(world.county_admin)
    job = new_export(client, org=world.county_a.pk)
    run_queued_tasks()
    # A province admin sees county A, but this file carries the county admin's name.
    for other in (world.province_admin, world.sibling_admin, world.viewer):
        client.force_login(other)
        for url in (detail_url(job), download_url(job)):
            assert client.get(url).status_code == 404
        html = client.get(reverse("imports:list")).content.decode()
        assert job.file_name not in html
    client.force_login(world.county_admin)
    html = client.get(reverse("imports:list")).content.decode()
    assert job.file_name in html and detail_url(job) in html
    assert not AuditEntry.objects.filter(action="export.download").exists()


def test_full_personal_information_needs_the_permission(client, world):
    client.force_login(world.viewer)
    response = client.post(
        reverse("imports:export_new"),
        {"kind": "members", "org": world.county_a.pk, "format": "csv", "pii": "1"},
    )
    assert response.status_code == 403 and not ExportJob.objects.exists()
    # A viewer may export masked lists, in the background too.
    job = new_export(client, org=world.county_a.pk, format="csv")
    assert not job.with_pii

    client.force_login(world.county_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.county_a.pk})
    notice = client.post(url, {"format": "xlsx", "pii": "1"}).content.decode()
    assert 'name="pii" value="1"' in notice
    assert "文件将包含完整的身份证号码、出生日期和手机号，导出和下载都会记录审计。" in notice
    job = new_export(client, org=world.county_a.pk, format="csv", pii="1")
    assert AuditEntry.objects.filter(action="export.pii", changes__job=job.pk).exists()
    run_queued_tasks()
    data = b"".join(client.get(download_url(job)).streaming_content).decode("utf-8-sig")
    assert world.member_a1.person.id_number in data and "含完整个人信息" in data


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "nothing"}, "选择一个有效的选项。"),
        ({"org": ""}, "请指定要导出的工会。"),
        ({"format": "pdf"}, "选择一个有效的选项。"),
        ({"kind": "member_list", "status": "ended"}, "会籍状态筛选不正确。"),
        ({"status": "nonsense"}, "会籍状态筛选不正确。"),
        ({"kind": "member_list", "q": "620102199003071234"}, "按身份证号码查询的结果请直接"),
    ],
)
def test_a_bad_request_says_why_and_saves_nothing(client, world, fields, message):
    client.force_login(world.county_admin)
    data = {"kind": "members", "org": world.county_a.pk, "format": "xlsx", **fields}
    response = client.post(reverse("imports:export_new"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ExportJob.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="export").exists()


def test_a_union_outside_the_subtree_does_not_exist(client, world):
    client.force_login(world.county_admin)
    response = client.post(
        reverse("imports:export_new"),
        {"kind": "members", "org": world.county_b.pk, "format": "xlsx"},
    )
    assert response.status_code == 404 and not ExportJob.objects.exists()


def test_it_is_built_with_the_owners_rights_when_it_runs(client, world):
    client.force_login(world.county_admin)
    job = new_export(client, org=world.county_a.pk)
    # Moved to the sibling county before the worker got to it.
    world.county_admin.scope_org = world.county_b
    world.county_admin.save()
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.stored_file
    assert job.message == "您没有导出该工会会员的权限。"


def test_a_failure_leaves_no_plaintext_and_can_be_retried(client, world, settings, monkeypatch):
    client.force_login(world.county_admin)
    job = new_export(client, org=world.county_a.pk)
    real_build = exports.build

    def failing_build(user, spec):
        export = real_build(user, spec)
        real_rows = export.rows

        def rows():
            yield from real_rows
            raise RuntimeError("the database went away")

        export.rows = rows()
        return export

    monkeypatch.setattr(exports, "build", failing_build)
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.stored_file
    assert job.message == export_jobs.INTERNAL_ERROR.format(pk=job.pk)
    assert not leftover_plaintext(settings)  # xlsxwriter's scratch files included
    assert not list(files.storage_dir().iterdir())
    page = client.get(detail_url(job)).content.decode()
    assert "生成失败" in page and "重新生成" in page

    monkeypatch.setattr(exports, "build", real_build)
    response = client.post(reverse("imports:export_retry", kwargs={"export_id": job.pk}))
    assert response.status_code == 302
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == 2 and not job.message


def test_retry_is_only_for_failed_or_stalled_jobs(client, world):
    client.force_login(world.county_admin)
    job = new_export(client, org=world.county_a.pk)
    url = reverse("imports:export_retry", kwargs={"export_id": job.pk})
    response = client.post(url, follow=True)
    assert "该导出任务不需要重新生成（排队等待生成）。" in response.content.decode()
    # Nothing heard from its worker for ten minutes: it may be taken over.
    ExportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=10)
    )
    old_lease = job.task_id
    assert "后台进程可能没有运行或已中断" in client.get(detail_url(job)).content.decode()
    client.post(url)
    job.refresh_from_db()
    assert job.task_id != old_lease
    # The old task, should it still run, finds its lease gone and writes nothing.
    assert export_jobs.run_export(job.pk, lease=old_lease) is None
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert len(list(files.storage_dir().iterdir())) == 1


def test_deleting_it_removes_the_file_and_stops_a_running_task(client, world, monkeypatch):
    client.force_login(world.county_admin)
    job = new_export(client, org=world.county_a.pk)
    run_queued_tasks()
    job.refresh_from_db()
    path = files.storage_dir() / job.stored_file
    response = client.post(reverse("imports:export_delete", kwargs={"export_id": job.pk}))
    assert response["Location"] == reverse("imports:list")
    job.refresh_from_db()
    assert job.status == ExportStatus.DELETED and not path.exists()
    assert AuditEntry.objects.filter(action="export.delete").exists()

    # Deleted while it is written: the task stops at its next progress step.
    second = new_export(client, org=world.county_a.pk)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    real_build = exports.build

    def build_then_delete(user, spec):
        export = real_build(user, spec)
        real_rows = export.rows

        def rows():
            for row in real_rows:
                yield row
                export_jobs.delete(second, world.county_admin)

        export.rows = rows()
        return export

    monkeypatch.setattr(exports, "build", build_then_delete)
    run_queued_tasks()
    second.refresh_from_db()
    assert second.status == ExportStatus.DELETED
    assert not list(files.storage_dir().iterdir())


def test_each_list_can_be_exported_in_the_background(client, world, settings):
    from smartunion.members.services import send_transfer

    send_transfer(world.member_a2, world.union_a1, actor=world.county_admin)
    client.force_login(world.county_admin)
    jobs = {
        "orgs": new_export(client, kind="orgs", org=world.county_a.pk),
        "members": new_export(client, org=world.county_a.pk, former="1"),
        "member_list": new_export(client, kind="member_list", q="ls"),
        "pending_transfers": new_export(client, kind="pending_transfers", org=""),
    }
    run_queued_tasks()
    sheets = {
        "orgs": "工会组织信息",
        "members": "会员信息",
        "member_list": "会员名单",
        "pending_transfers": "待办转会",
    }
    for kind, job in jobs.items():
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE, (kind, job.message)
        data = b"".join(client.get(download_url(job)).streaming_content)
        rows = sheet_rows(data, sheets[kind])
        assert len(rows) == job.rows_done, kind
    assert {
        r[0]
        for r in sheet_rows(
            b"".join(client.get(download_url(jobs["orgs"])).streaming_content), "工会组织信息"
        )
    } == {
        "城关区总工会",
        "兰州第一机械厂工会",
        "城关区快递行业联合工会",
    }
    assert jobs["members"].params["former"] is True
    assert jobs["member_list"].rows_done == 1
    assert jobs["pending_transfers"].org is None
    assert jobs["pending_transfers"].scope_path == world.county_a.path


def test_the_spec_of_every_export_builds_the_same_export_again(world):
    user = world.county_admin
    made = [
        exports.member_export(user, world.county_a, current_only=False),
        exports.member_export(user, world.union_a1, status="retained", subtree=False, q="zs"),
        exports.org_export(user, world.county_a, with_pii=True),
        exports.person_list_export(user, "zs", "active"),
        exports.transfer_list_export(user),
    ]
    for export in made:
        again = exports.build(user, export.spec)
        assert again.spec == export.spec and again.title == export.title
        assert list(again.rows) == list(export.rows)
    assert {e.spec.kind for e in made} == set(ExportKind.values)


def test_a_deleted_accounts_exports_are_not_written_and_their_files_still_expire(client, world):
    client.force_login(world.county_admin)
    done = new_export(client, org=world.county_a.pk)
    run_queued_tasks()
    waiting = new_export(client, org=world.county_a.pk)
    world.county_admin.delete()
    run_queued_tasks()
    waiting.refresh_from_db()
    assert waiting.status == ExportStatus.FAILED and waiting.created_by is None
    assert waiting.message == "申请导出的账号已被删除。"
    done.refresh_from_db()
    path = files.storage_dir() / done.stored_file
    assert path.exists() and done.created_by is None
    assert export_jobs.expire_due(done.expires_at) == 1 and not path.exists()
