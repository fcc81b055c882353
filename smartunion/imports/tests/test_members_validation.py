"""Every bad member row gets its row number, its column and a Chinese message; nothing is saved."""

import datetime as dt

import pytest

from smartunion.core.idnumber import make_id_number
from smartunion.core.testing import new_id_number
from smartunion.imports.models import JobStatus
from smartunion.imports.tests.helpers import (
    committed,
    csv_bytes,
    issues,
    member_row,
    validated,
    xlsx_bytes,
)
from smartunion.members.models import Membership, Person


@pytest.fixture
def counts():
    def snapshot():
        return Person.objects.count(), Membership.objects.count()

    return snapshot


def test_a_clean_file_validates_without_issues(world):
    rows = [member_row("赵六", org=world.union_a1), member_row("钱七", org=world.union_a2)]
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    assert job.status == JobStatus.VALIDATED
    assert (job.rows_read, job.rows_valid, job.rows_error) == (2, 2, 0)
    assert issues(job) == []


def test_validation_alone_saves_no_member(world, counts):
    before = counts()
    validated(
        csv_bytes([member_row("赵六", org=world.union_a1)]),
        actor=world.county_admin,
        org=world.county_a,
    )
    assert counts() == before


@pytest.mark.parametrize(
    "id_number, message",
    [
        ("", "请填写身份证号码。"),
        ("62010219900517001", "身份证号码应为18位，当前为17位。"),
        ("620102900517001", "这是15位旧身份证号码，请填写18位居民身份证号码。"),
        ("62010219900517001A", "身份证号码只能由数字组成，最后一位可以是X。"),
        ("620102199002300014", "身份证号码中的出生日期（第7–14位）不是真实的日期。"),
        ("620102199005170010", "身份证号码校验位不正确，请核对号码是否抄错。"),
        ("6.2010219900517E+17", "身份证号码被Excel存成了数字"),
    ],
)
def test_a_bad_id_number_is_reported_with_row_and_column(world, counts, id_number, message):
    before = counts()
    rows = [
        member_row("赵六", org=world.union_a1),
        member_row("钱七", id_number=id_number, org=world.union_a1),
    ]
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    assert job.rows_error == 1 and job.rows_valid == 1
    [(row, column, text)] = issues(job)
    assert (row, column) == (3, "身份证号码")
    assert text.startswith(message)
    assert "620102" not in text  # the message never repeats the number
    committed(job, actor=world.county_admin)
    assert counts() == (before[0] + 1, before[1] + 1)
    assert not Person.objects.filter(name="钱七").exists()


def test_an_id_stored_as_a_number_in_xlsx_is_caught_as_damage(world):
    number = make_id_number("620102", dt.date(1990, 5, 17), 11)
    data = xlsx_bytes(
        [member_row("赵六", id_number=number, org=world.union_a1)],
        numbers_as_floats=("身份证号码",),
    )
    job = validated(data, actor=world.county_admin, org=world.county_a, name="a.xlsx")
    [(row, column, text)] = issues(job)
    assert (row, column) == (2, "身份证号码") and "文本" in text


def test_lower_case_x_and_full_width_digits_are_accepted(world):
    base = make_id_number("620102", dt.date(1985, 1, 2), 2)
    while not base.endswith("X"):
        base = make_id_number("620102", dt.date(1985, 1, 2), int(base[14:17]) + 1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in base[:-1]) + "x"
    job = validated(
        csv_bytes([member_row("赵六", id_number=full_width, org=world.union_a1)]),
        actor=world.county_admin,
        org=world.county_a,
    )
    assert job.rows_valid == 1, issues(job)


def test_age_on_joining_is_checked_with_the_registry_rule(world):
    child = make_id_number("620102", dt.date.today().replace(year=dt.date.today().year - 10), 12)
    job = validated(
        csv_bytes([member_row("小明", id_number=child, org=world.union_a1, 入会日期="")]),
        actor=world.county_admin,
        org=world.county_a,
    )
    [(_row, column, text)] = issues(job)
    assert column == "身份证号码" and "入会时年龄应在16至100周岁之间" in text


@pytest.mark.parametrize(
    "field, value, column, message",
    [
        ("姓名", "", "姓名", "请填写姓名。"),
        ("手机号码", "12345", "手机号码", "手机号码格式不正确"),
        ("民族", "火星族", "民族", "民族“火星族”不在代码表中"),
        ("学历", "博士后", "学历", "学历“博士后”不在代码表中"),
        ("入会日期", "2020-13-45", "入会日期", "入会日期“2020-13-45”不是真实的日期。"),
        ("入会日期", "去年春天", "入会日期", "入会日期格式不正确，应为如2020-05-01的日期。"),
        ("入会日期", "2099-01-01", "入会日期", "入会日期不能晚于今天。"),
        ("所在工会编号", "第一机械厂", "所在工会编号", "所在工会编号应为系统中的工会编号"),
        ("是否劳模", "也许", "是否劳模", "是否劳模应填“是”或“否”。"),
    ],
)
def test_each_bad_cell_names_its_column(world, counts, field, value, column, message):
    before = counts()
    row = member_row("赵六", org=world.union_a1)
    row[field] = value
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert [(r, c) for r, c, _m in issues(job)] == [(2, column)]
    assert issues(job)[0][2].startswith(message)
    assert job.rows_valid == 0
    assert counts() == before


def test_codes_are_accepted_as_labels_or_standard_codes(world):
    row = member_row("赵六", org=world.union_a1, 民族="03", 学历="大学本科")
    row["政治面貌"] = "中共党员"
    row["就业状况"] = "40"
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert job.rows_valid == 1, issues(job)
    committed(job, actor=world.county_admin)
    person = Person.objects.get(name="赵六")
    assert (
        person.ethnicity,
        person.education,
        person.political_status,
        person.employment_status,
    ) == ("03", "20", "01", "40")


def test_duplicates_inside_the_file_are_errors_after_the_first(world):
    number = new_id_number()
    rows = [member_row("赵六", id_number=number, org=world.union_a1)] * 3
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    assert job.rows_duplicate == 2 and job.rows_valid == 1
    assert issues(job) == [
        (3, "身份证号码", "与第2行的身份证号码重复（同一人只能登记一次）。"),
        (4, "身份证号码", "与第2行的身份证号码重复（同一人只能登记一次）。"),
    ]


def test_a_union_outside_the_scope_is_an_error(world, counts):
    before = counts()
    rows = [member_row("赵六", org=world.union_b1)]
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    [(row, column, text)] = issues(job)
    assert (row, column) == (2, "所在工会编号")
    assert "不存在或不在您的管理范围内" in text
    assert counts() == before


def test_a_union_outside_the_chosen_union_is_an_error_even_for_the_province(world):
    rows = [member_row("赵六", org=world.union_b1)]
    job = validated(csv_bytes(rows), actor=world.province_admin, org=world.county_a)
    assert job.rows_error == 1


def test_the_union_can_be_named_by_uscc(world):
    world.union_a1.uscc = "81620102MA0000001" + "X"
    from stdnum.cn import uscc

    world.union_a1.uscc = "81620102MA0000001" + uscc.calc_check_digit("81620102MA0000001")
    world.union_a1.save()
    row = member_row("赵六")
    row["所在工会统一社会信用代码"] = world.union_a1.uscc
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert job.rows_valid == 1, issues(job)
    committed(job, actor=world.county_admin)
    assert Person.objects.get(name="赵六").org == world.union_a1


def test_rows_without_a_union_go_to_the_chosen_union(world):
    job = validated(
        csv_bytes([member_row("赵六")]), actor=world.grassroots_admin, org=world.union_a1
    )
    committed(job, actor=world.grassroots_admin)
    assert Membership.objects.get(person__name="赵六").org == world.union_a1


def test_a_dissolved_union_cannot_receive_members(world):
    world.union_a2.status = "dissolved"
    world.union_a2.save()
    job = validated(
        csv_bytes([member_row("赵六", org=world.union_a2)]),
        actor=world.county_admin,
        org=world.county_a,
    )
    [(_r, _c, text)] = issues(job)
    assert "已撤销或合并" in text


def test_people_already_members_elsewhere_are_offered_as_transfers_not_created(world, counts):
    person = world.member_b1.person
    row = member_row(person.name, id_number=person.id_number, org=world.union_a1)
    before = counts()
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert (job.rows_transfer, job.rows_valid, job.rows_error) == (1, 0, 0)
    [issue] = job.issues.all()
    assert issue.code == "transfer" and issue.person_id == person.pk
    assert "其他工会（不在您的管理范围内）" in issue.message  # county B is not county A's business
    assert counts() == before


def test_a_transfer_within_scope_names_the_current_union(world):
    person = world.member_a2.person
    row = member_row(person.name, id_number=person.id_number, org=world.union_a1)
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    [issue] = job.issues.all()
    assert "城关区快递行业联合工会" in issue.message


def test_a_known_id_number_under_another_name_is_refused(world):
    person = world.member_a1.person
    row = member_row("张冒名", id_number=person.id_number, org=world.union_a1)
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert issues(job) == [(2, "姓名", "该身份证号码已登记为另一姓名的人员，请核对姓名和号码。")]


def test_a_member_already_in_the_named_union_is_skipped(world):
    person = world.member_a1.person
    row = member_row(person.name, id_number=person.id_number, org=world.union_a1)
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert (job.rows_existing, job.rows_valid, job.rows_error) == (1, 0, 0)


def test_a_card_number_in_use_is_an_error(world):
    row = member_row("赵六", org=world.union_a1)
    row["会员证号"] = world.member_a1.card_no
    job = validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a)
    assert issues(job) == [(2, "会员证号", "会员证号已被其他会员使用。")]


def test_title_rows_above_the_header_and_unknown_columns_are_tolerated(world):
    data = (
        "工会会员基本信息采集表\r\n填报单位：某某\r\n"
        + csv_bytes([member_row("赵六", org=world.union_a1, 备注="x")]).decode("utf-8-sig")
    ).encode()
    job = validated(data, actor=world.county_admin, org=world.county_a)
    assert job.header_row == 3 and job.rows_valid == 1
    assert job.ignored_columns == ["备注"]


def test_wrong_columns_refuse_the_file(world, counts):
    before = counts()
    job = validated(
        "名字,号码\r\n张三,1\r\n".encode(), actor=world.county_admin, org=world.county_a
    )
    assert job.status == JobStatus.REFUSED
    assert "没有找到表头" in job.message
    job = validated(
        "姓名,电话\r\n张三,1\r\n".encode(), actor=world.county_admin, org=world.county_a
    )
    assert job.message == "表头缺少必填列：身份证号码。请使用系统提供的导入模板。"
    assert counts() == before


def test_a_union_file_sent_as_members_says_so(world):
    job = validated(
        "工会名称,组织类型,行政区划代码\r\n甲,单独基层工会,620102\r\n".encode(),
        actor=world.county_admin,
        org=world.county_a,
    )
    assert job.message == "这是工会组织导入文件，请在“工会组织导入”中上传。"


def test_a_header_without_rows_is_refused(world):
    job = validated("姓名,身份证号码\r\n".encode(), actor=world.county_admin, org=world.county_a)
    assert job.status == JobStatus.REFUSED and job.message == "文件中只有表头，没有要导入的数据。"


def test_a_refused_file_is_not_kept(world, import_dir):
    job = validated(b"%PDF-1.4", actor=world.county_admin, org=world.county_a, name="a.pdf")
    assert job.status == JobStatus.REFUSED and job.stored_file == ""
    assert list(import_dir.iterdir()) == []


def test_the_uploaded_file_is_stored_encrypted(world, import_dir):
    number = new_id_number()
    job = validated(
        csv_bytes([member_row("赵六", id_number=number, org=world.union_a1)]),
        actor=world.county_admin,
        org=world.county_a,
    )
    stored = (import_dir / job.stored_file).read_bytes()
    assert number.encode() not in stored and "赵六".encode() not in stored
