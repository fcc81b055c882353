"""The command line: same templates, same report, non-zero exit when rows were refused."""

import io

import pytest
from django.core.management import CommandError, call_command

from smartunion.core.models import AuditEntry
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row
from smartunion.members.models import Person


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_template_writes_the_pages_template(world, tmp_path):
    out = tmp_path / "m.xlsx"
    assert "已生成模板" in run("import_template", "members", str(out), "--user", "county_admin")
    assert out.read_bytes().startswith(b"PK")


def test_import_members_prints_the_report_and_exits_non_zero_on_refused_rows(world, tmp_path):
    path = tmp_path / "m.csv"
    rows = [
        member_row("赵六", org=world.union_a1),
        member_row("钱七", id_number="1", org=world.union_a1),
    ]
    path.write_bytes(csv_bytes(rows, encoding="gb18030"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="有1行未导入"):
        call_command(
            "import_members",
            str(path),
            "--org",
            str(world.county_a.pk),
            "--user",
            "county_admin",
            stdout=out,
        )
    text = out.getvalue()
    assert "读取2行：可导入1行，有错误1行" in text and "新建1" in text
    assert "第3行【身份证号码】错误：身份证号码应为18位，当前为1位。" in text
    assert Person.objects.filter(name="赵六").exists()
    job = ImportJob.objects.get()
    assert job.source_path == str(path) and job.stored_file == ""
    assert AuditEntry.objects.filter(action="import.commit", object_id=str(job.pk)).exists()


def test_import_members_all_or_nothing_imports_nothing_from_a_bad_file(world, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(
        csv_bytes([member_row("赵六", org=world.union_a1), member_row("钱七", id_number="1")])
    )
    with pytest.raises(CommandError):
        call_command(
            "import_members",
            str(path),
            "--all-or-nothing",
            "--user",
            "county_admin",
            stdout=io.StringIO(),
        )
    assert not Person.objects.filter(name="赵六").exists()


def test_a_clean_import_exits_zero_and_a_second_run_creates_nothing(world, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([member_row("赵六", org=world.union_a1)]))
    assert "新建1" in run("import_members", str(path), "--user", "county_admin")
    text = run("import_members", str(path), "--user", "county_admin")
    assert "已登记跳过1行" in text and "新建0" in text
    assert Person.objects.filter(name="赵六").count() == 1


def test_a_file_changed_after_registration_is_refused(world, tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes([member_row("赵六", org=world.union_a1)]))
    from smartunion.imports import services

    job = services.create_job(
        kind="members",
        org=world.county_a,
        actor=world.county_admin,
        file_name="m.csv",
        source_path=str(path),
    )
    path.write_bytes(csv_bytes([member_row("孙八", org=world.union_a1)]))
    ImportJob.objects.filter(pk=job.pk).update(task_id="t")
    services.run_validation(job.pk, lease="t")
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED and "SHA-256" in job.message


def test_import_orgs_and_a_scope_error(world, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        f"工会名称,组织类型,行政区划代码,上级工会编号\r\n某工会,单独基层工会,620103,{world.county_b.pk}\r\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_orgs", str(path), "--user", "county_admin", stdout=out)
    assert "不在您的管理范围内" in out.getvalue()


def test_export_members_masks_by_default_and_needs_permission_for_pii(world, tmp_path):
    out = tmp_path / "e.csv"
    run(
        "export_members",
        str(out),
        "--org",
        str(world.county_a.pk),
        "--format",
        "csv",
        "--user",
        "county_admin",
    )
    text = out.read_text(encoding="utf-8-sig")
    assert "张三" in text and world.member_a1.person.id_number not in text
    with pytest.raises(CommandError, match="没有导出完整个人信息的权限"):
        run(
            "export_members",
            str(out),
            "--org",
            str(world.union_a1.pk),
            "--with-pii",
            "--user",
            "grassroots_admin",
        )
    xlsx = tmp_path / "e.xlsx"
    run(
        "export_members",
        str(xlsx),
        "--org",
        str(world.county_a.pk),
        "--with-pii",
        "--user",
        "county_admin",
    )
    assert xlsx.read_bytes().startswith(b"PK")
    assert AuditEntry.objects.filter(action="export.pii", actor_name="county_admin").count() == 1
