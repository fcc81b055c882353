"""The member pages: search, the member page, revealing personal information, scope."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartunion.core.idnumber import make_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.testing import birth_date_forms, downloaded_csv, new_id_number
from smartunion.members import services
from smartunion.members.models import ChangeReason, Person, Transfer


def login(client, user):
    client.force_login(user)
    return client


def url(name, **kwargs):
    return reverse(f"members:{name}", kwargs=kwargs)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["zs", "ZS", "zhangsan", "zhang san", "张", "张三"])
def test_it_finds_a_member_by_pinyin_initials_full_pinyin_or_name_prefix(client, world, q):
    html = page(login(client, world.county_admin).get(url("list"), {"q": q}))
    assert "张三" in html and "李四" not in html


def test_it_finds_a_member_by_the_full_id_number_only(client, world):
    person = world.member_a2.person
    login(client, world.county_admin)
    assert "李四" in page(client.post(url("list"), {"q": person.id_number}))
    assert "李四" not in page(client.post(url("list"), {"q": person.id_number[:17]}))


def id_number_ending_in_x() -> str:
    return next(
        n
        for n in (make_id_number("620102", dt.date(1985, 3, 9), seq) for seq in range(1, 999))
        if n.endswith("X")
    )


def test_a_lower_case_x_and_full_width_digits_find_the_same_person(client, world):
    number = id_number_ending_in_x()
    world.add_member(world.union_a1, "钱七", id_number=number)
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    html = page(login(client, world.county_admin).post(url("list"), {"q": typed}))
    assert "钱七" in html


def test_it_hides_members_of_the_sibling_county(client, world):
    login(client, world.county_admin)
    assert "王五" not in page(client.get(url("list"), {"q": "ww"}))
    assert "王五" not in page(client.post(url("list"), {"q": world.member_b1.person.id_number}))
    assert "王五" in page(login(client, world.city_admin).get(url("list"), {"q": "ww"}))


def test_rows_show_masked_numbers_union_and_status(client, world):
    person = world.member_a1.person
    html = page(login(client, world.county_admin).get(url("list"), {"q": "zs"}))
    assert person.id_masked in html and person.phone_masked in html
    assert person.id_number not in html and person.phone not in html
    assert "兰州第一机械厂工会" in html and "在籍" in html and "男" in html


# ---- exporting the list ----------------------------------------------------------------------


def test_the_list_exports_what_the_user_sees_masked_and_is_audited(client, world):
    login(client, world.county_admin)
    banner, header, *rows = downloaded_csv(client.get(url("list"), {"export": "csv"}))
    assert "已脱敏" in banner[0]
    assert header == ["姓名", "身份证号码", "性别", "出生日期", "手机号码", "所在工会", "会籍状态"]
    person = world.member_a1.person
    assert sorted(r[0] for r in rows) == ["张三", "李四"]  # 王五 is in the sibling county
    (row,) = [r for r in rows if r[0] == "张三"]
    assert row == [
        "张三",
        person.id_masked,
        "男",
        f"{person.birth_date.year}-**-**",
        person.phone_masked,
        "兰州第一机械厂工会",
        "在籍",
    ]
    text = "\n".join(",".join(r) for r in rows)
    for plain in (person.id_number, person.phone, *birth_date_forms(person)):
        assert plain not in text, plain
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_name == "county_admin" and entry.org_path == world.county_admin.scope_path
    assert entry.changes == {
        "kind": "member_list",
        "format": "csv",
        "with_pii": False,
        "searched": False,
        "status": "",
    }


def test_the_export_follows_the_search_and_the_status_and_never_logs_the_search(client, world):
    login(client, world.county_admin)
    _banner, _header, *rows = downloaded_csv(client.get(url("list"), {"q": "zs", "export": "csv"}))
    assert [r[0] for r in rows] == ["张三"]
    services.retain_membership(
        world.member_a2, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    response = client.get(url("list"), {"status": "retained", "export": "csv"})
    assert [r[0] for r in downloaded_csv(response)[2:]] == ["李四"]
    entries = AuditEntry.objects.filter(action="export").order_by("seq")
    assert [e.changes["searched"] for e in entries] == [True, False]
    assert "zs" not in str([e.changes for e in entries])


def test_the_list_exports_to_xlsx(client, world):
    from python_calamine import CalamineWorkbook

    response = login(client, world.county_admin).get(url("list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    _banner, header, *rows = book.get_sheet_by_name("会员名单").to_python()
    assert header[0] == "姓名" and sorted(r[0] for r in rows) == ["张三", "李四"]


def test_a_list_too_long_for_an_xlsx_in_a_web_request_offers_a_background_export_of_it(
    client, world, settings
):
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 1
    login(client, world.county_admin)
    html = page(client.get(url("list"), {"status": "active", "export": "xlsx"}))
    assert "名单超过 1 行" in html and "在后台生成 Excel 文件" in html
    assert 'name="kind" value="member_list"' in html and 'name="status" value="active"' in html
    assert f'href="{url("list")}?q=&amp;status=active"' in html
    assert not AuditEntry.objects.filter(action="export").exists()
    # One person found: within the limit.
    response = client.get(url("list"), {"q": "zs", "export": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_the_list_links_its_export_with_its_filters_but_not_for_an_id_number(client, world):
    login(client, world.county_admin)
    html = page(client.get(url("list"), {"q": "zs", "status": "active"}))
    assert 'href="/members/?q=zs&amp;status=active&amp;export=xlsx"' in html
    person = world.member_a1.person
    html = page(client.post(url("list"), {"q": person.id_number}))
    assert "张三" in html and 'id="export-xlsx"' not in html


def test_it_says_so_when_nothing_matches(client, world):
    html = page(login(client, world.county_admin).get(url("list"), {"q": "xyz"}))
    assert "没有找到与“xyz”匹配的会员" in html


def test_an_id_number_search_stays_out_of_links_and_browser_history(client, world):
    number = world.member_a1.person.id_number
    login(client, world.county_admin)
    response = client.post(url("list"), {"q": number}, headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == "false"
    assert "<html" not in page(response)  # the fragment only
    by_name = client.post(url("list"), {"q": "zs"}, headers={"HX-Request": "true"})
    assert by_name["HX-Push-Url"] == "/members/?q=zs"


def test_the_search_form_posts_so_that_no_number_is_in_a_url(client, world):
    html = page(login(client, world.county_admin).get(url("list")))
    assert 'method="post"' in html and 'hx-post="/members/"' in html
    assert "hx-get=" not in html


def test_a_search_by_name_is_sent_on_to_a_link_one_can_keep(client, world):
    login(client, world.county_admin)
    response = client.post(url("list"), {"q": "zs", "status": "active"})
    assert response.status_code == 303
    assert response["Location"] == "/members/?q=zs&status=active"


@pytest.mark.parametrize("number", ["620102199005170039", "13912345678"])
def test_a_number_in_a_search_url_is_dropped_not_searched(client, world, number):
    login(client, world.county_admin)
    response = client.get(url("list"), {"q": number, "status": "active"})
    assert response.status_code == 303
    assert response["Location"] == "/members/?status=active"
    html = page(client.get(response["Location"]))
    assert "身份证号码和手机号码请在搜索框中输入查找" in html
    assert number not in html


def test_the_list_pages_without_counting_the_scope(client, world):
    for i in range(25):
        world.add_member(world.union_a2, f"张{i:02d}")
    login(client, world.county_admin)
    with CaptureQueriesContext(connection) as queries:
        first = page(client.get(url("list"), {"q": "zh"}))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert first.count('class="member-link"') == 20 and "下一页" in first
    second = page(client.get(url("list"), {"q": "zh", "page": 2}))
    assert second.count('class="member-link"') == 6 and "下一页" not in second
    assert "上一页" in second


def test_the_status_filter_lists_pending_applications(client, world):
    services.apply_for_membership(
        services.PersonData("赵六", new_id_number()), world.union_a1, actor=world.county_admin
    )
    html = page(login(client, world.county_admin).get(url("list"), {"status": "applied"}))
    assert "赵六" in html and "张三" not in html and "申请中" in html


def test_pending_applications_show_their_date_the_longest_waiting_first(client, world):
    for name, day in (("甲", 9), ("乙", 2), ("丙", 5)):
        services.apply_for_membership(
            services.PersonData(name, new_id_number()),
            world.union_a1,
            actor=world.county_admin,
            applied_on=dt.date(2025, 4, day),
        )
    html = page(login(client, world.county_admin).get(url("list"), {"status": "applied"}))
    assert "<th>申请日期</th>" in html
    rows = html[html.index("<tbody>") :]
    positions = [rows.index(f"2025-04-0{day}") for day in (2, 5, 9)]
    assert positions == sorted(positions)
    assert [rows.index(name) for name in ("乙", "丙", "甲")] == sorted(
        rows.index(name) for name in ("乙", "丙", "甲")
    )
    # The other lists have no such column.
    assert "申请日期" not in page(client.get(url("list")))


def test_the_list_costs_the_same_queries_for_3_or_30_members(client, world):
    login(client, world.county_admin)

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            page(client.get(url("list")))
        return len(queries)

    few = queries_for_list()
    for i in range(27):
        world.add_member(world.union_a1, f"周{i:02d}")
    assert queries_for_list() == few <= 8


# ---- the member page ------------------------------------------------------------------------


def test_the_member_page_shows_every_field_with_code_labels(client, world):
    person = world.member_a1.person
    services.update_person(
        person,
        {
            "ethnicity": "04",
            "education": "20",
            "political_status": "01",
            "hukou_type": "2",
            "skill_level": "2",
            "new_form_type": "03",
            "occupation": "钳工",
            "professional_title": "工程师",
            "is_model_worker": True,
        },
        actor=world.county_admin,
    )
    html = page(login(client, world.county_admin).get(url("detail", person_id=person.pk)))
    for text in ("藏族", "大学本科", "中共党员", "非农业户口", "技师", "快递员", "钳工", "工程师"):
        assert text in html
    assert "男" in html and "居民身份证" in html
    assert person.id_masked in html and person.id_number not in html
    assert person.phone_masked in html and person.phone not in html
    m = world.member_a1
    assert m.card_no in html and "兰州第一机械厂工会" in html and "入会日期" in html


def test_the_member_page_gives_the_birth_year_and_age_not_the_date_the_mask_hides(client, world):
    # 620102********1234 beside 1990年5月17日 would be the whole number.
    person = world.member_a1.person
    html = page(login(client, world.county_admin).get(url("detail", person_id=person.pk)))
    detail = html[html.index('id="birth-date"') :]
    assert detail.startswith(
        f'id="birth-date"><span class="pii mono">{person.birth_date.year}-**-**'
    )
    assert f"（{person.age}岁）" in detail
    for text in birth_date_forms(person):
        assert text not in html, text


def test_the_member_page_gives_the_birth_date_with_the_revealed_number(client, world):
    person = world.member_a1.person
    login(client, world.county_admin)
    html = page(client.post(url("reveal", person_id=person.pk), {"field": "id_number"}))
    b = person.birth_date
    assert person.id_number in html and f"{b.year}年{b.month}月{b.day}日" in html
    html = page(client.post(url("reveal", person_id=person.pk), {"field": "phone"}))
    assert person.phone in html and f"{b.year}年{b.month}月{b.day}日" not in html


def test_the_member_page_offers_the_actions_of_an_active_membership(client, world):
    html = page(
        login(client, world.county_admin).get(url("detail", person_id=world.member_a1.person_id))
    )
    m = world.member_a1.pk
    for name in ("transfer", "retain", "leave", "expel"):
        assert url(name, membership_id=m) in html
    assert url("restore", membership_id=m) not in html
    assert "显示完整号码" in html


def test_a_viewer_sees_the_member_page_without_actions_or_reveal(client, world):
    html = page(login(client, world.viewer).get(url("detail", person_id=world.member_a1.person_id)))
    assert "张三" in html and "显示完整号码" not in html
    assert url("transfer", membership_id=world.member_a1.pk) not in html


def test_the_timeline_shows_each_change_with_its_union_reason_and_clerk(client, world):
    m = services.retain_membership(
        world.member_a1, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    html = page(login(client, world.county_admin).get(url("detail", person_id=m.person_id)))
    timeline = html[html.index('id="timeline"') :]
    assert "入会" in timeline and "保留" in timeline and "退休" in timeline
    assert "经办人：county_admin" in timeline and "经办人：root" in timeline
    assert url("restore", membership_id=m.pk) in html


def test_the_member_page_shows_a_pending_transfer(client, world):
    services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    html = page(
        login(client, world.county_admin).get(url("detail", person_id=world.member_a1.person_id))
    )
    assert "待接收的转会" in html and "城关区快递行业联合工会" in html
    transfer = Transfer.objects.get()
    assert url("transfer_accept", transfer_id=transfer.pk) in html


def test_the_member_page_is_404_outside_the_scope(client, world):
    login(client, world.sibling_admin)
    assert client.get(url("detail", person_id=world.member_a1.person_id)).status_code == 404


def test_the_member_page_costs_the_same_queries_however_long_the_history(client, world):
    login(client, world.county_admin)
    m = world.member_a1

    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            page(client.get(url("detail", person_id=m.person_id)))
        return len(queries)

    short = queries_for_page()
    for _ in range(5):
        m = services.retain_membership(m, actor=world.county_admin, reason=ChangeReason.RETIRED)
        m = services.restore_membership(m, actor=world.county_admin)
    services.send_transfer(m, world.union_a2, actor=world.county_admin)
    assert m.person.events.count() == 12
    # The pending transfer adds nothing per row: its unions come with it.
    assert queries_for_page() == short <= 10


def test_the_member_page_reads_of_the_unions_it_names_only_what_it_shows(client, world):
    """The history, the memberships and the pending transfers name their unions with the
    parent ({% org_ref %}): the rest of the unions' columns are not read (each column of a
    query costs compiling; bench/load.py), and nothing deferred is read afterwards."""
    login(client, world.county_admin)
    m = world.member_a1
    services.send_transfer(m, world.union_a2, actor=world.county_admin)
    with CaptureQueriesContext(connection) as queries:
        html = page(client.get(url("detail", person_id=m.person_id)))
    assert "待接收的转会" in html and world.union_a2.name in html and m.org.name in html
    lists = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(
            (
                'SELECT "members_membership"',
                'SELECT "members_transfer"',
                'SELECT "members_membershipevent"',
            )
        )
    ]
    assert len(lists) == 3 and len(queries) <= 10
    for sql in lists:
        assert '"orgs_organization"."name"' in sql
        assert "employee_count" not in sql and "chair_phone" not in sql


# ---- revealing personal information ---------------------------------------------------------


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_revealing_a_number_shows_it_and_writes_an_audit_row(client, world, field):
    login(client, world.county_admin)
    person = world.member_a1.person
    response = client.post(
        url("reveal", person_id=person.pk), {"field": field}, headers={"HX-Request": "true"}
    )
    assert getattr(person, field) in page(response)
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="pii.reveal", object_id=str(person.pk))
    assert entry.actor_name == "county_admin" and entry.changes == {"field": field}


def test_revealing_the_number_in_place_shows_the_birth_date_in_full_too(client, world):
    login(client, world.county_admin)
    person = world.member_a1.person
    b = person.birth_date
    hx = {"HX-Request": "true"}
    html = page(client.post(url("reveal", person_id=person.pk), {"field": "id_number"}, headers=hx))
    assert '<dd id="birth-date" hx-swap-oob="true">' in html
    assert f"{b.year}年{b.month}月{b.day}日" in html
    html = page(client.post(url("reveal", person_id=person.pk), {"field": "phone"}, headers=hx))
    assert "birth-date" not in html and f"{b.year}年{b.month}月{b.day}日" not in html


def test_revealing_without_htmx_shows_the_member_page_with_the_number(client, world):
    login(client, world.grassroots_admin)
    person = world.member_a1.person
    html = page(client.post(url("reveal", person_id=person.pk), {"field": "id_number"}))
    assert person.id_number in html and "基本信息" in html
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1


@pytest.mark.parametrize("persona", ["viewer", "sibling_admin"])
def test_reveal_is_404_for_a_viewer_or_outside_the_scope_and_logs_nothing(client, world, persona):
    login(client, getattr(world, persona))
    person = world.member_a1.person
    response = client.post(url("reveal", person_id=person.pk), {"field": "id_number"})
    assert response.status_code == 404
    assert person.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_refuses_other_fields_and_get(client, world):
    login(client, world.county_admin)
    person = world.member_a1.person
    assert client.post(url("reveal", person_id=person.pk), {"field": "name"}).status_code == 400
    assert client.get(url("reveal", person_id=person.pk)).status_code == 405
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_pages_need_a_login(client, world):
    response = client.get(url("detail", person_id=world.member_a1.person_id))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Person.objects.filter(pk=world.member_a1.person_id).exists()
    response = client.post(url("leave", membership_id=world.member_a1.pk), {})
    assert response.status_code == 302


def test_pending_transfers_are_listed_by_the_date_sent_the_oldest_first(client, world):
    # Sent first, the older one has the lower id: the latest-first order of ids would fail.
    early = services.send_transfer(world.member_a2, world.union_a1, actor=world.county_admin)
    late = services.send_transfer(world.member_a1, world.union_a2, actor=world.county_admin)
    Transfer.objects.filter(pk=late.pk).update(sent_on=dt.date(2025, 6, 9))
    Transfer.objects.filter(pk=early.pk).update(sent_on=dt.date(2025, 6, 2))
    html = page(login(client, world.county_admin).get(url("transfers")))
    incoming = html[html.index("<tbody>") :]
    assert incoming.index("2025-06-02") < incoming.index("2025-06-09")
