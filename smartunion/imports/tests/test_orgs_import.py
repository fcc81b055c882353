"""Union import: parents by USCC or id (or a row of the same file), scope, idempotence."""

import csv
import io

import pytest
from django.db import connection
from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.models import AuditEntry
from smartunion.imports.models import JobStatus
from smartunion.imports.tests.helpers import committed, issues, validated
from smartunion.orgs import counters
from smartunion.orgs.models import Organization


def code(body: str) -> str:
    body = body.ljust(17, "0")
    return body + stdnum_uscc.calc_check_digit(body)


def org_csv(rows: list[dict]) -> bytes:
    headers = [
        "工会名称",
        "上级工会统一社会信用代码",
        "上级工会编号",
        "组织类型",
        "行政区划代码",
        "工会统一社会信用代码",
        "单位名称",
        "职工人数",
        "建会日期",
        "主席联系电话",
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode("gb18030")


def org_row(
    name, *, parent=None, parent_uscc="", uscc="", kind="单独基层工会", region="620102", **extra
):
    return {
        "工会名称": name,
        "上级工会编号": str(parent.pk) if parent is not None else "",
        "上级工会统一社会信用代码": parent_uscc,
        "组织类型": kind,
        "行政区划代码": region,
        "工会统一社会信用代码": uscc,
        "职工人数": "50",
        **extra,
    }


def test_a_tree_of_unions_is_created_parents_first_through_the_service(world):
    township = code("81620102MA00000T")
    rows = [
        org_row("某厂工会", parent_uscc=township, uscc=code("81620102MA00000A")),  # child first
        org_row("东岗街道工会", parent=world.county_a, uscc=township, kind="乡镇（街道）工会"),
        org_row("某店工会", parent=world.county_a, region="620102 城关区"),
    ]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    assert (job.rows_read, job.rows_valid, job.rows_error) == (3, 3, 0), issues(job)
    job = committed(job, actor=world.county_admin)
    assert job.created_count == 3
    street = Organization.objects.get(name="东岗街道工会")
    factory = Organization.objects.get(name="某厂工会")
    assert factory.parent == street and street.parent == world.county_a
    assert factory.path.startswith(street.path) and factory.employee_count == 50
    assert AuditEntry.objects.filter(action="org.create").count() == 3
    # Their workers count in the figures of every union above them (orgs/counters.py).
    county = Organization.objects.get(pk=world.county_a.pk)
    assert county.subtree_employee_count == 300 + 3 * 50
    assert Organization.objects.get(pk=street.pk).subtree_employee_count == 100
    assert counters.recount(fix=False) == []


def test_the_same_union_file_twice_creates_nothing_new(world):
    rows = [
        org_row("某厂工会", parent=world.county_a, uscc=code("81620102MA00000A")),
        org_row("某店工会", parent=world.county_a),
    ]
    committed(
        validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs"),
        actor=world.county_admin,
    )
    count = Organization.objects.count()
    again = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    assert (again.rows_existing, again.rows_valid) == (2, 0)
    assert Organization.objects.count() == count


def test_bad_union_rows_name_their_columns_and_save_nothing(world):
    count = Organization.objects.count()
    rows = [
        org_row("", parent=world.county_a),
        org_row("甲工会", parent=world.county_a, kind="大工会"),
        org_row("乙工会", parent=world.county_a, region="999999"),
        org_row("丙工会", parent=world.county_a, uscc="91620102MA0000000X"),
        org_row("丁工会", parent=world.county_b),
        org_row("戊工会", parent=world.county_a, 职工人数="很多"),
        org_row("己工会", parent=world.county_a, 建会日期="2099-01-01"),
        org_row("庚工会", parent=world.county_a, 主席联系电话="123"),
        org_row("辛工会", parent=world.county_a, kind="省总工会"),
    ]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    got = {(r, c) for r, c, _m in issues(job)}
    assert got == {
        (2, "工会名称"),
        (3, "组织类型"),
        (4, "行政区划代码"),
        (5, "工会统一社会信用代码"),
        (6, "上级工会编号"),
        (7, "职工人数"),
        (8, "建会日期"),
        (9, "主席联系电话"),
        (10, "组织类型"),
    }
    messages = dict(((r, c), m) for r, c, m in issues(job))
    assert messages[(6, "上级工会编号")].startswith("编号为")
    assert "不在您的管理范围内" in messages[(6, "上级工会编号")]
    assert messages[(8, "建会日期")] == "建会日期不能晚于今天。"
    assert job.rows_valid == 0
    assert Organization.objects.count() == count


def test_children_of_a_bad_row_and_cycles_are_refused(world):
    a, b = code("81620102MA0000AA"), code("81620102MA0000BB")
    rows = [
        org_row("坏工会", parent=world.county_a, uscc=code("81620102MA0000CC"), region="1"),
        org_row("子工会", parent_uscc=code("81620102MA0000CC")),
        org_row("甲", parent_uscc=b, uscc=a),
        org_row("乙", parent_uscc=a, uscc=b),
    ]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    messages = {r: m for r, _c, m in issues(job)}
    assert messages[3] == "上级工会（第2行）有错误，本行无法导入。"
    assert "循环" in messages[4] and "循环" in messages[5]
    assert job.rows_valid == 0


def test_a_uscc_used_by_a_union_outside_the_scope_is_an_error(world):
    taken = code("81620103MA00000Y")
    world.union_b1.uscc = taken
    world.union_b1.save()
    job = validated(
        org_csv([org_row("某工会", parent=world.county_a, uscc=taken)]),
        actor=world.county_admin,
        org=world.county_a,
        kind="orgs",
    )
    assert issues(job) == [
        (2, "工会统一社会信用代码", "该工会统一社会信用代码已被其他工会组织使用。")
    ]


def test_union_rows_without_a_parent_go_under_the_chosen_union(world):
    job = committed(
        validated(
            org_csv([org_row("某工会")]),
            actor=world.grassroots_admin,
            org=world.union_a1,
            kind="orgs",
        ),
        actor=world.grassroots_admin,
    )
    assert job.status == JobStatus.COMMITTED
    assert Organization.objects.get(name="某工会").parent == world.union_a1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics")
def test_a_big_union_import_leaves_the_planner_the_unions_statistics(world, monkeypatch):
    # Stale statistics for the unions made member searches 60x slower (docs/performance.md).
    from smartunion.imports import services

    monkeypatch.setattr(services, "ANALYZE_AFTER", 2)
    rows = [org_row(f"第{n}工会", parent=world.county_a) for n in range(3)]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    assert committed(job, actor=world.county_admin).created_count == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'orgs_organization'::regclass")
        assert cursor.fetchone()[0] == Organization.objects.count()


def test_a_row_naming_a_second_union_of_a_siblings_name_is_refused(world):
    count = Organization.objects.count()
    rows = [
        # world.union_a2 is 城关区快递行业联合工会 under 城关区总工会; this one has its own code.
        org_row("城关区快递行业联合工会 ", parent=world.county_a, uscc=code("81620102MA00000B")),
        org_row("城关区 某厂工会", parent=world.county_a, uscc=code("81620102MA00000C")),
        org_row("城关区　某厂工会", parent=world.county_a, uscc=code("81620102MA00000D")),
    ]
    job = validated(org_csv(rows), actor=world.county_admin, org=world.county_a, kind="orgs")
    messages = {(r, c): m for r, c, m in issues(job)}
    assert messages[(2, "工会名称")] == (
        "上级工会下已有同名的工会“城关区快递行业联合工会”"
        "（兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会），"
        "同一上级工会下的工会不能重名，请在名称中加上区分的字样。"
    )
    assert messages[(4, "工会名称")] == "与第3行是同一上级工会下的同名工会。"
    assert job.rows_valid == 1
    assert Organization.objects.count() == count
