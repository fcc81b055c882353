"""Exports: scope-filtered, streamed, masked unless permitted (then audited), injection-safe."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from python_calamine import CalamineWorkbook

from smartunion.core.models import AuditEntry
from smartunion.core.testing import birth_date_forms
from smartunion.imports import exports
from smartunion.imports.tests.helpers import validated


def csv_text(export) -> list[list[str]]:
    data = b"".join(exports.csv_chunks(export)).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def test_member_export_is_masked_and_scoped(world):
    rows = csv_text(exports.member_export(world.county_admin, world.county_a))
    assert "导出人：county_admin（county_admin）" in rows[0][0] and "已脱敏" in rows[0][0]
    header = rows[1]
    assert header[:3] == ["姓名", "身份证号码", "手机号码"]
    names = [r[0] for r in rows[2:]]
    assert sorted(names) == ["张三", "李四"]  # 王五 is in county B
    id_column = [r[1] for r in rows[2:]]
    assert all("********" in v for v in id_column)
    assert world.member_a1.person.id_number not in "".join(",".join(r) for r in rows)


def test_a_masked_export_gives_birth_years_not_the_dates_the_mask_hides(world):
    rows = csv_text(exports.member_export(world.county_admin, world.county_a))
    assert "身份证号码、出生日期和手机号已脱敏" in rows[0][0]
    birth = rows[1].index("出生日期")
    person = world.member_a1.person
    (row,) = [r for r in rows[2:] if r[0] == person.name]
    assert row[birth] == f"{person.birth_date.year}-**-**"
    text = "\n".join(",".join(r) for r in rows)
    for p in (world.member_a1.person, world.member_a2.person):
        for form in birth_date_forms(p):
            assert form not in text, form


def test_a_sibling_county_cannot_export_another_countys_members(world):
    with pytest.raises(PermissionDenied):
        exports.member_export(world.sibling_admin, world.county_a)


def test_full_personal_information_needs_the_permission_and_is_audited(world):
    with pytest.raises(PermissionDenied):
        exports.member_export(world.grassroots_admin, world.union_a1, with_pii=True)
    export = exports.member_export(world.county_admin, world.county_a, with_pii=True)
    exports.audit_export(export, "csv")
    rows = csv_text(export)
    assert "含完整个人信息" in rows[0][0]
    numbers = {r[1] for r in rows[2:]}
    assert world.member_a1.person.id_number in numbers
    birth = rows[1].index("出生日期")
    assert {r[birth] for r in rows[2:]} == {
        str(m.person.birth_date) for m in (world.member_a1, world.member_a2)
    }
    entry = AuditEntry.objects.get(action="export.pii")
    assert entry.actor_name == "county_admin" and entry.changes["with_pii"] is True


def test_an_export_with_full_numbers_imports_back_as_nothing_new(world):
    export = exports.member_export(world.county_admin, world.county_a, with_pii=True)
    data = b"".join(exports.csv_chunks(export))
    job = validated(data, actor=world.county_admin, org=world.county_a)
    assert (job.rows_read, job.rows_existing, job.rows_error) == (2, 2, 0)
    assert job.ignored_columns == ["性别", "出生日期", "会籍状态"]


def test_cells_that_a_spreadsheet_would_run_are_neutralized(world):
    from smartunion.members.services import update_person

    update_person(
        world.member_a1.person,
        {"occupation": '=HYPERLINK("http://evil","x")'},
        actor=world.superuser,
    )
    update_person(
        world.member_a2.person,
        {"name": "@SUM(1)", "professional_title": "\tTAB"},
        actor=world.superuser,
    )
    rows = csv_text(exports.member_export(world.county_admin, world.county_a))
    cells = [c for r in rows[2:] for c in r]
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert "'@SUM(1)" in cells and "'\tTAB" in cells
    for value in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.neutralize(value + "1") == "'" + value + "1"
    assert exports.neutralize("张三") == "张三"
    path = exports.write_xlsx(exports.member_export(world.county_admin, world.county_a))
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    values = [v for row in sheet.iter_rows() for v in row]
    assert '\'=HYPERLINK("http://evil","x")' in values
    import zipfile

    assert b"<f>" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")


def test_an_xlsx_export_longer_than_a_sheet_goes_on_in_more_sheets(world, monkeypatch):
    # Excel's sheet holds 1,048,576 rows; past that xlsxwriter drops cells without a word.
    # Three rows a sheet here: the banner, the header and one member.
    monkeypatch.setattr(exports, "XLSX_SHEET_ROWS", 3)
    export = exports.member_export(world.county_admin, world.county_a)
    book = CalamineWorkbook.from_path(exports.write_xlsx(export))
    assert book.sheet_names == ["会员信息", "会员信息（2）", "导出说明"]
    names = []
    for sheet_name in book.sheet_names[:2]:
        banner, header, *rows = book.get_sheet_by_name(sheet_name).to_python()
        assert "已脱敏" in banner[0] and header[:2] == ["姓名", "身份证号码"]
        assert len(rows) == 1
        names += [r[0] for r in rows]
    assert sorted(names) == ["张三", "李四"]
    notes = book.get_sheet_by_name("导出说明").to_python()
    assert "分为 2 个工作表" in notes[1][0]


def test_org_export_lists_the_subtree_with_masked_chair_phones(world):
    from smartunion.orgs.services import update_org

    update_org(world.union_a1, {}, actor=world.superuser, chair_phone="13800001111")
    rows = csv_text(exports.org_export(world.county_admin, world.county_a))
    names = [r[0] for r in rows[2:]]
    assert names == ["城关区总工会", "兰州第一机械厂工会", "城关区快递行业联合工会"]
    assert "13800001111" not in str(rows) and "138****1111" in str(rows)
    # Members 本级 and 含下级, labelled: the county federation holds none itself.
    header = rows[1]
    own, subtree = header.index("本级会员人数"), header.index("含下级会员人数")
    assert [(r[own], r[subtree]) for r in rows[2:]] == [("0", "2"), ("1", "1"), ("1", "1")]


def test_the_export_streams_in_chunks_with_one_query(world, django_assert_max_num_queries):
    import datetime as dt

    from smartunion.core.idnumber import make_id_number, parse_id_number
    from smartunion.members.bulk import MemberRecord, bulk_register

    records = [
        MemberRecord(
            name=f"会员{i}",
            ident=parse_id_number(
                make_id_number("620102", dt.date(1980, 1, 1) + dt.timedelta(days=i), 1)
            ),
            org_id=world.union_a1.pk,
        )
        for i in range(2500)
    ]
    bulk_register(records, actor=world.superuser)
    export = exports.member_export(world.county_admin, world.county_a)
    with django_assert_max_num_queries(2):
        chunks = list(exports.csv_chunks(export))
    assert len(chunks) >= 3 and chunks[0].startswith(b"\xef\xbb\xbf")
    assert sum(c.count(b"\n") for c in chunks) == 2 + 2502
