"""Templates come from the schema; a template filled in as a user would imports without edits."""

import io

import openpyxl
from python_calamine import CalamineWorkbook

from smartunion.core.testing import new_id_number
from smartunion.imports.models import JobStatus
from smartunion.imports.schema import MEMBERS, ORGS
from smartunion.imports.templates import build_template
from smartunion.imports.tests.helpers import committed, issues, validated
from smartunion.imports.validators import find_layout
from smartunion.members.models import Person
from smartunion.orgs.models import Organization


def test_the_member_template_has_headers_notes_dropdowns_text_ids_and_an_example(world):
    data = build_template("members", user=world.county_admin, root=world.county_a)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["会员信息", "填写说明", "代码表", "工会列表"]
    sheet = wb["会员信息"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["序号", "*姓名", "*身份证号码"]
    assert len(headers) == len(MEMBERS.columns)
    # Dropdowns for every code list, pointing at the 代码表 sheet.
    validations = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation
    }
    for column in MEMBERS.columns:
        letter = openpyxl.utils.get_column_letter(MEMBERS.columns.index(column) + 1)
        if column.kind in ("code", "bool"):
            assert validations[f"{letter}2"].startswith("'代码表'!"), column.header
        if column.kind == "org_ref":
            assert validations[f"{letter}2"].startswith("'工会列表'!")
    # The ID column is text, so Excel keeps all 18 digits.
    assert sheet.column_dimensions["C"].number_format == "@"
    example = [c.value for c in sheet[2]]
    assert example[0] == "示例" and example[1] == "张三" and len(example[2]) == 18
    notes = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "身份证号码" in notes and "文本格式" in notes and "汉族" not in notes  # 58 民族 → 代码表
    assert "汉族" in [c.value for c in wb["代码表"]["A"]]
    orgs = [c.value for c in wb["工会列表"]["D"]][1:]
    assert f"{world.union_a1.pk} 兰州第一机械厂工会" in orgs
    assert not any("七里河" in (name or "") for name in orgs)  # only the user's subtree
    # Names repeat across the province: each union's place in the tree is beside it.
    rows = {r[0].value: r[4].value for r in wb["工会列表"].iter_rows(min_row=2) if r[0].value}
    assert rows[world.union_a1.pk] == "兰州市总工会 › 城关区总工会 › 兰州第一机械厂工会"


def test_the_template_reads_back_with_its_own_header(world):
    data = build_template("orgs", user=world.county_admin, root=world.county_a)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    layout, _rest = find_layout(iter(enumerate(sheet.iter_rows(), 1)), ORGS)
    assert layout.header_row == 1 and not layout.ignored
    assert set(layout.index) == {c.key for c in ORGS.columns}


def test_the_example_row_alone_is_skipped(world):
    data = build_template("members", user=world.county_admin, root=world.county_a)
    job = validated(data, actor=world.county_admin, org=world.county_a, name="t.xlsx")
    assert job.status == JobStatus.REFUSED
    assert job.message == "文件中只有表头和示例行，没有要导入的数据。"


def test_the_example_row_itself_passes_every_check(world):
    wb = openpyxl.load_workbook(
        io.BytesIO(build_template("members", user=world.county_admin, root=world.county_a))
    )
    wb["会员信息"]["A2"] = 1
    out = io.BytesIO()
    wb.save(out)
    job = validated(out.getvalue(), actor=world.county_admin, org=world.county_a, name="t.xlsx")
    assert (job.rows_read, job.rows_valid) == (1, 1), issues(job)


def test_a_filled_member_template_imports_without_edits(world):
    data = build_template("members", user=world.county_admin, root=world.county_a)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet = wb["会员信息"]
    numbers = [new_id_number(), new_id_number(male=False)]
    # As typed in Excel: text in the ID column, choices from the dropdowns, a real date.
    import datetime as dt

    sheet.append(
        [
            1,
            "赵六",
            numbers[0],
            "13912345678",
            "",
            f"{world.union_a1.pk} 兰州第一机械厂工会",
            "兰州第一机械厂工会",
            "回族",
            "大学专科",
            "中共党员",
            "农业户口",
            "是",
            "在岗",
            "高级工",
            "电工",
            "",
            "快递员",
            "否",
            dt.datetime(2022, 7, 1),
            "",
        ]
    )
    sheet.append(
        [
            2,
            "钱七",
            numbers[1],
            "",
            "",
            f"{world.union_a2.pk} 城关区快递行业联合工会",
            "",
            "汉族",
            "",
            "",
            "",
            "否",
            "",
            "",
            "",
            "",
            "",
            "",
            None,
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    job = validated(
        out.getvalue(), actor=world.county_admin, org=world.county_a, name="filled.xlsx"
    )
    assert (job.rows_read, job.rows_valid, job.rows_error, job.rows_example) == (2, 2, 0, 1), (
        issues(job)
    )
    committed(job, actor=world.county_admin)
    zhao = Person.objects.get(name="赵六")
    assert (zhao.ethnicity, zhao.education, zhao.new_form_type, zhao.is_migrant_worker) == (
        "03",
        "30",
        "03",
        True,
    )
    assert zhao.memberships.get().joined_on == dt.date(2022, 7, 1)
    assert Person.objects.get(name="钱七").org == world.union_a2


def test_a_filled_union_template_imports_without_edits(world):
    data = build_template("orgs", user=world.county_admin, root=world.county_a)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet = wb["工会组织信息"]
    sheet.append(
        [
            1,
            "城关区某某超市工会",
            "",
            f"{world.county_a.pk} 城关区总工会",
            "单独基层工会",
            "620102 城关区",
            "",
            "某某超市",
            "",
            "",
            "批发和零售业",
            "私营企业",
            "",
            "王五",
            "",
            "35",
            "否",
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    job = validated(
        out.getvalue(), actor=world.county_admin, org=world.county_a, kind="orgs", name="o.xlsx"
    )
    assert (job.rows_read, job.rows_valid) == (1, 1), issues(job)
    committed(job, actor=world.county_admin)
    org = Organization.objects.get(name="城关区某某超市工会")
    assert (org.parent, org.industry, org.unit_category, org.employee_count) == (
        world.county_a,
        "F",
        "170",
        35,
    )
