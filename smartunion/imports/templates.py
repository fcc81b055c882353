"""Import templates (导入模板): xlsx workbooks generated from the schema.

Sheets: the data sheet (Chinese headers, required ones marked ``*``, an example row marked
“示例” that the importer skips, dropdowns for every code list, ID and other code columns
formatted as text so Excel keeps every digit), 填写说明 (what each column means and the values
it takes), 代码表 (the lists the dropdowns read), and for member and union imports 工会列表:
the unions of the user's subtree as “编号 名称”, the form the union dropdown writes.
"""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.idnumber import make_id_number
from smartunion.imports import schema as s
from smartunion.orgs.models import Organization, attach_path_names
from smartunion.regions.models import Region

MAX_DATA_ROW = 1_048_575
ORG_LIST_LIMIT = 10_000

_GENERAL_NOTES = (
    "1. 请在“{sheet}”工作表中从第3行起逐行填写，第2行为示例（序号为“示例”的行不会被导入，可保留或删除）。",
    "2. 列名带*的为必填项；请勿修改、删除列名，可以增加“序号”等其他列（会被忽略）。",
    "3. 代码类的列请从下拉列表中选择，也可以填写标准代码；完整列表见“代码表”工作表。",
    "4. 身份证号码等列已设为文本格式，请勿改为数字格式，否则长号码的后几位会丢失。",
    "5. 请勿使用公式和宏；可以另存为CSV（UTF-8或Excel默认的GB18030编码）后上传。",
    "6. 上传后系统先检查，列出每一行的问题（行号、列名、原因），确认后再导入；"
    "同一文件重复导入不会重复创建。",
)


def org_choices(
    user, root: Organization, limit: int = ORG_LIST_LIMIT
) -> list[tuple[int, str, str, str]]:
    """(id, name, uscc, place in the tree) of the active unions the user may import into,
    below ``root``: names repeat across the province, the place tells them apart."""
    orgs = attach_path_names(
        Organization.objects.visible_to(user, "change")
        .active()
        .filter(path__startswith=root.path)
        .order_by("path")
        .only("id", "name", "uscc", "path")[:limit]
    )
    return [(o.pk, o.name, o.uscc, o.path_display) for o in orgs]


def example_values(kind: str, root: Organization) -> dict[str, object]:
    """A row that passes every check (only its “示例” mark keeps it from being imported)."""
    ref = f"{root.pk} {root.name}"
    if kind == "members":
        return {
            "seq": s.EXAMPLE_MARK,
            "name": "张三",
            "id_number": make_id_number("620102", dt.date(1990, 5, 17), 123),
            "phone": "13800138000",
            "org_ref": ref,
            "org_name": root.name,
            "ethnicity": "汉族",
            "education": "大学本科",
            "political_status": "群众",
            "hukou_type": "非农业户口",
            "is_migrant_worker": "否",
            "employment_status": "在岗",
            "skill_level": "中级工",
            "occupation": "钳工",
            "is_model_worker": "否",
            "joined_on": dt.date(2020, 5, 1),
        }
    body = "81620102MA" + "0000001"
    employer = "91620102MA" + "0000001"
    return {
        "seq": s.EXAMPLE_MARK,
        "name": "兰州某某有限公司工会",
        "parent_ref": ref,
        "kind": "单独基层工会",
        "region": _region_label(root.region_id),
        "uscc": body + stdnum_uscc.calc_check_digit(body),
        "employer_name": "兰州某某有限公司",
        "employer_uscc": employer + stdnum_uscc.calc_check_digit(employer),
        "address": "兰州市城关区某某路1号",
        "industry": "制造业",
        "unit_category": "私营企业",
        "founded_on": dt.date(2018, 3, 1),
        "chair_name": "李四",
        "chair_phone": "13900139000",
        "employee_count": 120,
        "women_committee": "是",
        "term_ends_on": dt.date(2026, 3, 1),
    }


def _region_label(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return f"{code} {region.name}" if region else code


def _col_letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def build_template(kind: str, *, user, root: Organization) -> bytes:
    """The template workbook for ``kind`` ("members" or "orgs") as xlsx bytes."""
    schema = s.SCHEMAS[kind]
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    wb.set_properties({"title": schema.title, "subject": "智慧工会平台导入模板"})
    header = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
    )
    header_required = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "font_color": "#C00000",
            "align": "center",
            "valign": "vcenter",
        }
    )
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    example_text = wb.add_format({"num_format": "@", "italic": True, "font_color": "#808080"})
    example_date = wb.add_format(
        {"num_format": "yyyy-mm-dd", "italic": True, "font_color": "#808080"}
    )
    bold = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    title = wb.add_format({"bold": True, "font_size": 14})

    data = wb.add_worksheet(schema.sheet_name)
    notes = wb.add_worksheet("填写说明")
    lists = write_reference_sheets(wb, schema, user=user, root=root)

    # The data sheet.
    example = example_values(kind, root)
    data.freeze_panes(1, 0)
    data.set_row(0, 24)
    for c, column in enumerate(schema.columns):
        label = ("*" if column.required else "") + column.header
        data.write_string(0, c, label, header_required if column.required else header)
        is_date = column.kind == s.DATE
        data.set_column(c, c, column.width, date if is_date else text)
        value = example.get(column.key, "")
        if isinstance(value, dt.date):
            data.write_datetime(1, c, dt.datetime.combine(value, dt.time()), example_date)
        elif isinstance(value, int):
            data.write_number(1, c, value)
        else:
            data.write_string(1, c, str(value), example_text)
    add_dropdowns(data, list(enumerate(schema.columns)), lists)

    # 填写说明.
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 60)
    notes.write_string(0, 0, f"{schema.title}填写说明", title)
    row = 2
    for line in _GENERAL_NOTES:
        notes.write_string(row, 0, line.format(sheet=schema.sheet_name))
        row += 1
    row += 1
    for i, head in enumerate(("列名", "必填", "说明", "可选值")):
        notes.write_string(row, i, head, bold)
    row += 1
    for column in schema.columns:
        allowed = ""
        if column.kind in (s.CODE, s.BOOL):
            labels = column.choice_map.labels
            allowed = "、".join(labels) if len(labels) <= 20 else "见“代码表”工作表"
        elif column.kind == s.REGION:
            allowed = "见“代码表”工作表"
        elif column.kind == s.ORG_REF:
            allowed = "见“工会列表”工作表"
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "是" if column.required else "")
        notes.write_string(row, 2, column.note or _default_note(column), wrap)
        notes.write_string(row, 3, allowed, wrap)
        row += 1
    data.activate()
    wb.close()
    return out.getvalue()


def write_reference_sheets(wb, schema: s.Schema, *, user, root: Organization) -> dict[str, str]:
    """Add 代码表 (the code lists) and 工会列表 (the unions rows may name) to ``wb``; return
    the range each dropdown reads, by column key. Written row by row, so that a
    constant-memory workbook (the error workbook) takes them as well as the template."""
    bold = wb.add_format({"bold": True})
    codes = wb.add_worksheet("代码表")
    orgs_sheet = wb.add_worksheet("工会列表")

    # 代码表: one column per code list.
    code_lists: list[tuple[s.Column, list[str]]] = []
    for column in schema.columns:
        values: list[str] = []
        if column.kind in (s.CODE, s.BOOL):
            values = column.choice_map.labels
        elif column.kind == s.REGION:
            values = [
                f"{code} {name}"
                for code, name in Region.objects.in_province()
                .exclude(level=1)
                .order_by("code")
                .values_list("code", "name")
            ]
        if values:
            code_lists.append((column, values))
    lists: dict[str, str] = {}
    for c, (column, values) in enumerate(code_lists):
        codes.set_column(c, c, max(12, column.width))
        letter = _col_letter(c)
        lists[column.key] = f"='代码表'!${letter}$2:${letter}${len(values) + 1}"
    for c, (column, _values) in enumerate(code_lists):
        codes.write_string(0, c, column.header, bold)
    for r in range(max((len(v) for _c, v in code_lists), default=0)):
        for c, (_column, values) in enumerate(code_lists):
            if r < len(values):
                codes.write_string(r + 1, c, values[r])

    # 工会列表: "编号 名称" is what the union dropdown writes.
    choices = org_choices(user, root)
    orgs_sheet.set_column(0, 0, 10)
    orgs_sheet.set_column(1, 1, 36)
    orgs_sheet.set_column(2, 2, 22)
    orgs_sheet.set_column(3, 3, 44)
    orgs_sheet.set_column(4, 4, 80)
    heads = ("编号", "工会名称", "统一社会信用代码", "下拉选项（编号 名称）", "所在位置")
    for i, head in enumerate(heads):
        orgs_sheet.write_string(0, i, head, bold)
    for r, (pk, name, uscc, place) in enumerate(choices, 1):
        orgs_sheet.write_number(r, 0, pk)
        orgs_sheet.write_string(r, 1, name)
        orgs_sheet.write_string(r, 2, uscc or "")
        orgs_sheet.write_string(r, 3, f"{pk} {name}")
        orgs_sheet.write_string(r, 4, place)
    if len(choices) >= ORG_LIST_LIMIT:
        orgs_sheet.write_string(
            len(choices) + 1, 0, f"（只列出前{ORG_LIST_LIMIT}个工会，其余请直接填写编号）"
        )
    if choices:
        for column in schema.columns:
            if column.kind == s.ORG_REF:
                lists[column.key] = f"='工会列表'!$D$2:$D${len(choices) + 1}"
    return lists


def add_dropdowns(ws, columns: list[tuple[int, s.Column]], lists: dict[str, str]) -> None:
    """The checks of the data rows (from the second row down) of sheet ``ws``, whose
    ``columns`` are (position, column): a dropdown for a code list or a union, the length of
    an ID number, a date."""
    for c, column in columns:
        source = lists.get(column.key)
        if source:
            ws.data_validation(
                1,
                c,
                MAX_DATA_ROW,
                c,
                {
                    "validate": "list",
                    "source": source,
                    "error_type": "warning" if column.kind == s.ORG_REF else "stop",
                    "error_title": column.header,
                    "error_message": "请从下拉列表中选择。",
                },
            )
        elif column.kind == s.ID_NUMBER:
            ws.data_validation(
                1,
                c,
                MAX_DATA_ROW,
                c,
                {
                    "validate": "length",
                    "criteria": "==",
                    "value": 18,
                    "input_title": "身份证号码",
                    "input_message": "18位居民身份证号码（文本格式）",
                    "error_type": "warning",
                    "error_title": "身份证号码",
                    "error_message": "身份证号码应为18位。",
                },
            )
        elif column.kind == s.DATE:
            ws.data_validation(
                1,
                c,
                MAX_DATA_ROW,
                c,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": dt.date(1900, 1, 1),
                    "maximum": dt.date(2100, 12, 31),
                    "error_type": "warning",
                    "error_title": column.header,
                    "error_message": "请填写日期，如2020-05-01。",
                },
            )


def _default_note(column: s.Column) -> str:
    if column.kind == s.DATE:
        return "日期，如2020-05-01。"
    if column.kind == s.BOOL:
        return "填“是”或“否”，不填按“否”。"
    if column.kind == s.USCC:
        return "18位统一社会信用代码。"
    if column.kind == s.INT:
        return "整数。"
    if column.max_length:
        return f"不超过{column.max_length}个字。"
    return ""


def template_filename(kind: str) -> str:
    return f"{s.SCHEMAS[kind].title}导入模板.xlsx"
