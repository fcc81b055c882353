"""The organization pages: tree, union page, and the create / edit / move / dissolve forms."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.testing import new_id_number
from smartunion.members import services as member_services
from smartunion.members.models import ChangeReason
from smartunion.members.services import PersonData
from smartunion.orgs import services
from smartunion.orgs.models import Kind, Organization, Status

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs or None)


def make_uscc(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


UNION_USCC = make_uscc("81620102MC0000013")
BAD_CHECK_USCC = UNION_USCC[:-1] + ("0" if UNION_USCC[-1] != "0" else "1")


def org_post(**extra):
    data = {
        "name": "兰州新能源公司工会",
        "kind": Kind.SINGLE,
        "region": "620102",
        "uscc": "",
        "employer_name": "兰州新能源有限公司",
        "employer_uscc": "",
        "address": "城关区东岗西路1号",
        "industry": "D",
        "unit_category": "159",
        "founded_on": "2020-03-01",
        "chair_name": "刘主席",
        "chair_phone": "13912345678",
        "employee_count": "80",
        "women_committee": "on",
        "term_ends_on": "2025-02-28",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def as_county(client, world):
    client.force_login(world.county_admin)
    return client


# Tree ----------------------------------------------------------------------------------


def test_the_tree_starts_at_the_county_admins_own_union_with_its_children_open(as_county, world):
    page = as_county.get(url("orgs:tree")).content.decode()
    assert "城关区总工会" in page
    assert "兰州第一机械厂工会" in page and "城关区快递行业联合工会" in page
    assert "七里河区" not in page and "兰州市总工会" not in page


def test_the_tree_of_a_province_admin_loads_children_on_demand(client, world):
    client.force_login(world.province_admin)
    page = client.get(url("orgs:tree")).content.decode()
    assert "兰州市总工会" in page
    # Grandchildren come with the ▸ of their parent, not with the page.
    assert "城关区总工会" not in page
    assert url("orgs:children", org_id=world.city.pk) in page
    fragment = client.get(url("orgs:children", org_id=world.city.pk), **HTMX).content.decode()
    assert "<html" not in fragment
    assert "城关区总工会" in fragment and "七里河区总工会" in fragment
    assert url("orgs:children", org_id=world.county_a.pk) in fragment


def test_children_of_a_sibling_county_are_not_found(as_county, world):
    assert as_county.get(url("orgs:children", org_id=world.county_b.pk), **HTMX).status_code == 404


def test_the_children_route_without_htmx_is_a_full_page(as_county, world):
    page = as_county.get(url("orgs:children", org_id=world.county_a.pk)).content.decode()
    assert "<html" in page and "兰州第一机械厂工会" in page


def test_many_children_load_page_by_page(as_county, world):
    for i in range(105):
        Organization.objects.create(
            name=f"批量工会{i:03d}",
            parent=world.union_a2,
            kind=Kind.SINGLE,
            region_id="620102",
            path=world.union_a2.path + f"{900000 + i:08x}",
            depth=world.union_a2.depth + 1,
        )
    first = as_county.get(url("orgs:children", org_id=world.union_a2.pk), **HTMX).content.decode()
    assert first.count('class="node"') == 100 and "加载更多下级工会" in first
    second = as_county.get(
        url("orgs:children", org_id=world.union_a2.pk) + "?page=2", **HTMX
    ).content.decode()
    assert second.count('class="node"') == 5 and "加载更多" not in second


def test_search_finds_unions_by_name_only_within_scope(as_county, world):
    page = as_county.get(url("orgs:tree"), {"q": "工会"}).content.decode()
    assert "兰州第一机械厂工会" in page
    assert "七里河区供电公司工会" not in page
    empty = as_county.get(url("orgs:tree"), {"q": "供电"}).content.decode()
    assert "管理范围内没有符合条件的工会组织" in empty


def test_search_results_are_paginated_without_a_count(as_county, world, settings):
    settings.SMARTUNION_PAGE_SIZE = 2
    with CaptureQueriesContext(connection) as queries:
        page = as_county.get(url("orgs:tree"), {"q": "工会"}).content.decode()
    assert "下一页" in page
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    second = as_county.get(url("orgs:tree"), {"q": "工会", "page": "2"}).content.decode()
    assert "城关区快递行业联合工会" in second and "下一页" not in second


def test_the_status_filter_lists_dissolved_unions(as_county, world):
    services.dissolve_org(
        services.create_org(
            {"name": "已撤销的工会", "kind": Kind.SINGLE, "region": world.union_a1.region},
            parent=world.county_a,
            actor=world.county_admin,
        ),
        actor=world.county_admin,
    )
    dissolved = as_county.get(url("orgs:tree"), {"status": "dissolved"}).content.decode()
    assert "已撤销的工会" in dissolved and "兰州第一机械厂工会" not in dissolved
    normal = as_county.get(url("orgs:tree"), {"status": "normal"}).content.decode()
    assert "已撤销的工会" not in normal and "兰州第一机械厂工会" in normal


def test_an_htmx_search_gets_only_the_results(as_county, world):
    fragment = as_county.get(url("orgs:tree"), {"q": "机械"}, **HTMX).content.decode()
    assert "<html" not in fragment and 'id="tree-results"' in fragment
    assert "兰州第一机械厂工会" in fragment


def test_the_tree_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.province_admin)
    for i in range(30):
        Organization.objects.create(
            name=f"市级工会{i}",
            parent=world.province,
            kind=Kind.CITY,
            region_id="620100",
            path=world.province.path + f"{800000 + i:08x}",
            depth=1,
        )
    with django_assert_max_num_queries(6):
        assert client.get(url("orgs:tree")).status_code == 200
    with django_assert_max_num_queries(6):
        client.get(url("orgs:children", org_id=world.province.pk), **HTMX)
    with django_assert_max_num_queries(6):
        client.get(url("orgs:tree"), {"q": "工会"})


# Union page -----------------------------------------------------------------------------


def test_the_union_page_shows_every_field_with_the_chair_phone_masked(as_county, world):
    services.update_org(
        world.union_a1,
        {
            "employer_name": "兰州第一机械厂",
            "uscc": UNION_USCC,
            "industry": "C",
            "unit_category": "110",
            "chair_name": "王主席",
            "founded_on": dt.date(1990, 5, 1),
            "term_ends_on": dt.date(2020, 5, 1),
        },
        actor=world.county_admin,
        chair_phone="13912345678",
    )
    page = as_county.get(url("orgs:detail", org_id=world.union_a1.pk)).content.decode()
    for text in (
        "兰州第一机械厂工会",
        "单独基层工会",
        "城关区（620102）",
        UNION_USCC,
        "兰州第一机械厂",
        "C 制造业",
        "110 国有企业",
        "1990-05-01",
        "王主席",
        "139****5678",
        "换届逾期",
        "未建立",
        "300",
        "0.3%",
    ):
        assert text in page, text
    assert "13912345678" not in page


def test_the_breadcrumb_shows_only_ancestors_within_scope(as_county, world):
    page = as_county.get(url("orgs:detail", org_id=world.union_a1.pk)).content.decode()
    crumbs = page.split('class="crumbs"')[1].split("</nav>")[0]
    assert "城关区总工会" in crumbs
    assert "兰州市总工会" not in crumbs and "甘肃省总工会" not in crumbs


def test_a_sibling_countys_union_page_is_not_found(as_county, world):
    assert as_county.get(url("orgs:detail", org_id=world.union_b1.pk)).status_code == 404


def test_the_member_list_shows_masked_data_and_links_to_the_member_page(as_county, world):
    person = world.member_a1.person
    page = as_county.get(url("orgs:detail", org_id=world.union_a1.pk)).content.decode()
    assert person.name in page
    assert person.id_masked in page and person.phone_masked in page
    assert person.id_number not in page and person.phone not in page
    assert world.member_a1.card_no in page and "在籍" in page and "男" in page
    assert url("members:detail", person_id=person.pk) in page


def test_the_member_list_filters_by_membership_status(as_county, world):
    member_services.retain_membership(
        world.member_a1, actor=world.county_admin, reason=ChangeReason.RETIRED
    )
    member_services.apply_for_membership(
        PersonData(name="赵申请", id_number=new_id_number(), phone=""),
        world.union_a1,
        actor=world.county_admin,
    )
    detail = url("orgs:detail", org_id=world.union_a1.pk)
    current = as_county.get(detail).content.decode()
    assert "张三" in current and "赵申请" not in current
    assert "张三" not in as_county.get(detail, {"status": "active"}).content.decode()
    assert "张三" in as_county.get(detail, {"status": "retained"}).content.decode()
    applied = as_county.get(detail, {"status": "applied"}).content.decode()
    assert "赵申请" in applied and "张三" not in applied
    ended = as_county.get(detail, {"status": "ended"}).content.decode()
    assert "没有已终止的会籍" in ended


@pytest.mark.parametrize("q", ["张", "zs", "zhangsan", "ZhangSan"])
def test_members_are_found_by_name_prefix_or_pinyin(as_county, world, q):
    page = as_county.get(url("orgs:detail", org_id=world.county_a.pk), {"q": q, "sub": "1"})
    text = page.content.decode()
    assert "张三" in text and "李四" not in text


def test_a_member_is_found_by_the_full_id_number(as_county, world):
    person = world.member_a2.person
    detail = url("orgs:detail", org_id=world.union_a2.pk)
    # By POST, as the form sends it: the number is never in a URL.
    response = as_county.post(detail, {"q": person.id_number}, headers={"HX-Request": "true"})
    assert "李四" in response.content.decode()
    assert response["HX-Push-Url"] == "false"
    # An old link with the number is sent on without it.
    old_link = as_county.get(detail, {"q": person.id_number, "sub": "1"})
    assert old_link.status_code == 303 and old_link["Location"] == f"{detail}?sub=1"


def test_sub_unions_members_are_included_on_request(as_county, world):
    detail = url("orgs:detail", org_id=world.county_a.pk)
    own = as_county.get(detail).content.decode()
    assert "张三" not in own and "还没有会员" in own
    with_sub = as_county.get(detail, {"sub": "1"}).content.decode()
    assert "张三" in with_sub and "李四" in with_sub and "王五" not in with_sub
    assert "兰州第一机械厂工会" in with_sub.split('id="members"')[1]


def test_an_unmatched_search_says_so_in_chinese(as_county, world):
    text = as_county.get(
        url("orgs:detail", org_id=world.union_a1.pk), {"q": "欧阳"}
    ).content.decode()
    assert "没有找到与“欧阳”匹配的会员" in text


def test_members_are_paginated_by_keyset_without_counting_them(as_county, world, settings):
    settings.SMARTUNION_PAGE_SIZE = 3
    for i in range(4):
        world.add_member(world.union_a1, f"成员{i}")
    detail = url("orgs:detail", org_id=world.union_a1.pk)
    with CaptureQueriesContext(connection) as queries:
        first = as_county.get(detail).content.decode()
    member_sql = [q["sql"] for q in queries.captured_queries if "members_membership" in q["sql"]]
    assert member_sql and not any("COUNT(" in sql.upper() for sql in member_sql)
    members_part = first.split('id="members"')[1]
    assert members_part.count("<tr>") == 1 + 3  # header + one page
    assert "下一页" in members_part and "after=" in members_part
    next_url = members_part.split('href="')[-1].split('"')[0].replace("&amp;", "&")
    second = as_county.get(detail + next_url).content.decode().split('id="members"')[1]
    assert second.count("<tr>") == 1 + 2 and "下一页" not in second and "回到第一页" in second
    shown = {n for n in ["张三", "成员0", "成员1", "成员2", "成员3"] if n in members_part + second}
    assert len(shown) == 5


def test_members_in_and_retained_are_paged_together_newest_first(as_county, world, settings):
    settings.SMARTUNION_PAGE_SIZE = 3
    added = [world.add_member(world.union_a1, f"成员{i}") for i in range(5)]
    for membership in (added[1], added[3]):
        member_services.retain_membership(
            membership, actor=world.county_admin, reason=ChangeReason.RETIRED
        )
    detail = url("orgs:detail", org_id=world.union_a1.pk)

    def shown(params):
        part = as_county.get(detail, params).content.decode().split('id="members"')[1]
        names = [n for n in ["张三", *(f"成员{i}" for i in range(5))] if n in part]
        return sorted(names, key=part.index), part

    first, first_html = shown({})
    assert first == ["成员4", "成员3", "成员2"]
    after = first_html.split("after=")[1].split('"')[0].split("&")[0]
    second, second_html = shown({"after": after})
    assert second == ["成员1", "成员0", "张三"] and "下一页" not in second_html


def test_paging_in_and_retained_together_lists_each_member_once_newest_first(
    as_county, world, settings
):
    # Page after page equals the union's current memberships by descending id, whichever of the
    # two statuses fills a page; a status read after a full page is read above its last row.
    settings.SMARTUNION_PAGE_SIZE = 3
    added = [world.add_member(world.union_a1, f"成员{i:02d}") for i in range(11)]
    for i in (1, 2, 3, 4, 8):
        member_services.retain_membership(
            added[i], actor=world.county_admin, reason=ChangeReason.RETIRED
        )
    expected = ["成员" + f"{i:02d}" for i in reversed(range(11))] + ["张三"]
    active = [m.pk for i, m in enumerate(added) if i not in (1, 2, 3, 4, 8)]
    active.append(world.member_a1.pk)
    detail = url("orgs:detail", org_id=world.union_a1.pk)
    seen, params, bounded = [], {}, []
    for _ in range(6):
        with CaptureQueriesContext(connection) as queries:
            part = as_county.get(detail, params).content.decode().split('id="members"')[1]
        seen += sorted((n for n in expected if n in part), key=part.index)
        reads = [q["sql"] for q in queries.captured_queries if "members_membership" in q["sql"]]
        assert [("'active'" in sql, "'retained'" in sql) for sql in reads] == [
            (True, False),
            (False, True),
        ]
        # The 在籍 page full with more after it: the 保留会籍 read only above its last row.
        after = int(params.get("after", 10**9))
        full = len([pk for pk in active if pk < after]) > 3
        assert ('"members_membership"."id" >' in reads[1]) == full, reads[1]
        bounded.append(full)
        if "下一页" not in part:
            break
        params = {"after": part.split("after=")[1].split('"')[0].split("&")[0]}
    assert seen == expected
    assert True in bounded and False in bounded


def test_the_sub_union_list_shows_the_children_only_in_path_order(client, world):
    client.force_login(world.city_admin)
    page = client.get(url("orgs:detail", org_id=world.city.pk)).content.decode()
    part = page.split('id="subunions"')[1].split("</section>")[0]
    assert part.index("城关区总工会") < part.index("七里河区总工会")  # created first
    assert "兰州第一机械厂工会" not in part and "（共 2 个）" in part


def test_an_htmx_member_search_gets_only_the_member_list(as_county, world):
    fragment = as_county.get(
        url("orgs:detail", org_id=world.union_a1.pk),
        {"q": "zs"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members",
    ).content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="members"')
    assert "张三" in fragment and "基本信息" not in fragment


def test_change_buttons_are_shown_only_to_staff_who_may_change(client, world):
    detail = url("orgs:detail", org_id=world.union_a1.pk)
    client.force_login(world.county_admin)
    page = client.get(detail).content.decode()
    for label in ("入会申请", "登记会员", "新建下级工会", "编辑", "移动", "撤销"):
        assert f">{label}</a>" in page, label
    client.force_login(world.viewer)
    page = client.get(detail).content.decode()
    for label in ("入会申请", "登记会员", "新建下级工会", "编辑", "移动", "撤销"):
        assert f">{label}</a>" not in page, label


# Figures: 本级 and 含下级 ------------------------------------------------------------------


def stat(page: str, label: str) -> tuple[str, str]:
    """(value, note) of the figure with this label on a page (core/_figure.html)."""
    for chunk in page.split('<div class="stat')[1:]:
        chunk = chunk.split("\n</div>")[0]
        if f'<div class="label">{label}</div>' in chunk:
            value = chunk.split('<div class="value">')[1].split("</div>")[0]
            note = (
                chunk.split('<div class="note muted">')[1].split("</div>")[0]
                if ("note muted" in chunk)
                else ""
            )
            return value, note
    raise AssertionError(f"no figure {label}")


def test_the_province_union_shows_its_own_figures_beside_those_with_its_sub_unions(client, world):
    client.force_login(world.province_admin)
    page = client.get(url("orgs:detail", org_id=world.province.pk)).content.decode()
    assert stat(page, "本级会员人数")[0] == "0"
    assert stat(page, "含下级会员人数")[0] == "3"
    assert stat(page, "本级职工人数")[0] == "—"
    assert stat(page, "含下级职工人数")[0] == "300"
    assert stat(page, "本级入会率")[0] == "—"
    # Only 兰州第一机械厂工会 has its 职工人数 filled in: 1 member of its 300 workers.
    assert stat(page, "含下级入会率") == ("0.3%", "仅计已填职工人数的工会：会员 1 / 职工 300")
    detail = url("orgs:detail", org_id=world.province.pk)
    assert f'href="{detail}?sub=1#members"' in page  # 含下级会员 links to its list


def test_a_grassroots_unions_figures_are_its_own_with_or_without_sub_unions(as_county, world):
    page = as_county.get(url("orgs:detail", org_id=world.union_a1.pk)).content.decode()
    assert stat(page, "本级会员人数")[0] == stat(page, "含下级会员人数")[0] == "1"
    assert stat(page, "本级入会率") == ("0.3%", "本级会员 ÷ 本级职工")
    assert stat(page, "含下级入会率") == ("0.3%", "含下级会员 ÷ 含下级职工")


def test_the_sub_union_table_shows_each_sub_unions_figures_with_its_own_sub_unions(client, world):
    client.force_login(world.province_admin)
    page = client.get(url("orgs:detail", org_id=world.province.pk)).content.decode()
    part = page.split('id="subunions"')[1].split("</section>")[0]
    for header in ("本级会员", "含下级会员", "含下级职工", "含下级入会率"):
        assert f'<th class="num">{header}</th>' in part, header
    row = part.split("兰州市总工会")[1].split("</tr>")[0]
    assert '<td class="num" data-label="本级会员">0</td>' in row
    assert '<td class="num" data-label="含下级会员">3</td>' in row
    assert '<td class="num" data-label="含下级职工">300</td>' in row
    assert '<td class="num" data-label="含下级入会率">0.3%</td>' in row


def test_the_tree_shows_each_unions_members_with_its_sub_unions(client, world):
    client.force_login(world.province_admin)
    page = client.get(url("orgs:tree")).content.decode()
    node = page.split(f'id="node-{world.city.pk}"')[1].split("</summary>")[0]
    assert "含下级会员 3 · 入会率 0.3%" in node
    children = client.get(url("orgs:children", org_id=world.city.pk), **HTMX).content.decode()
    county_a = children.split(f'id="node-{world.county_a.pk}"')[1].split("</summary>")[0]
    assert "含下级会员 2 · 入会率 0.3%" in county_a
    search = client.get(url("orgs:tree"), {"q": "总工会"}).content.decode()
    assert '<td class="num" data-label="含下级会员">3</td>' in search


def test_the_union_page_counts_nothing_over_the_subtree(client, world):
    client.force_login(world.province_admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("orgs:detail", org_id=world.province.pk))
    sums = [q["sql"] for q in queries if "SUM(" in q["sql"].upper()]
    assert not sums, sums


def test_the_union_page_takes_a_bounded_number_of_queries(
    as_county, world, django_assert_max_num_queries
):
    for i in range(20):
        world.add_member(world.union_a1, f"成员{i}")
    with django_assert_max_num_queries(10):
        assert as_county.get(url("orgs:detail", org_id=world.union_a1.pk)).status_code == 200
    with django_assert_max_num_queries(10):
        as_county.get(url("orgs:detail", org_id=world.county_a.pk), {"sub": "1", "q": "c"})


# Create ---------------------------------------------------------------------------------


def test_a_county_admin_creates_a_sub_union(as_county, world):
    response = as_county.post(url("orgs:create", org_id=world.county_a.pk), org_post())
    org = Organization.objects.get(name="兰州新能源公司工会")
    assert response.status_code == 302
    assert response["Location"] == url("orgs:detail", org_id=org.pk)
    assert org.parent_id == world.county_a.pk and org.region_id == "620102"
    assert org.chair_phone_masked == "139****5678" and org.women_committee
    assert org.member_count == 0 and org.employee_count == 80
    page = as_county.get(response["Location"]).content.decode()
    assert "已新建工会组织“兰州新能源公司工会”" in page


def test_the_region_choices_are_the_provinces_divisions(as_county, world):
    page = as_county.get(url("orgs:create", org_id=world.county_a.pk)).content.decode()
    assert 'value="620102"' in page and "城关区" in page
    assert "甘肃省（全省）" in page and "兰州市（市本级）" in page
    assert 'value="110101"' not in page  # 北京市东城区
    assert page.count('<optgroup label="') == 15  # the province and its 14 市州
    assert 'value="620102" selected' in page  # the parent's region by default


def test_a_union_uscc_with_a_wrong_check_character_is_refused(as_county, world):
    page = as_county.post(
        url("orgs:create", org_id=world.county_a.pk), org_post(uscc=BAD_CHECK_USCC)
    ).content.decode()
    assert "工会统一社会信用代码不正确（应为18位，且校验位正确）。" in page
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_a_duplicate_union_uscc_is_refused(as_county, world):
    services.update_org(world.union_a2, {"uscc": UNION_USCC}, actor=world.county_admin)
    page = as_county.post(
        url("orgs:create", org_id=world.county_a.pk), org_post(uscc=UNION_USCC)
    ).content.decode()
    assert "该工会统一社会信用代码已被其他工会组织使用。" in page
    assert 'id="id_uscc_errors"' in page
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_missing_and_malformed_fields_get_field_level_messages(as_county, world):
    page = as_county.post(
        url("orgs:create", org_id=world.county_a.pk),
        org_post(
            name="",
            kind="",
            region="999999",
            employee_count="-1",
            founded_on="2020-02-30",
            chair_phone="12345",
            employer_uscc="91ABC",
        ),
    ).content.decode()
    for message in (
        "请填写工会名称。",
        "请选择组织类型。",
        "选择一个有效的选项",
        "职工人数应在0至1,000,000人之间。",
        "请输入正确的日期",
        "单位统一社会信用代码不正确",
    ):
        assert message in page, message
    assert Organization.objects.count() == 7


def test_a_bad_chair_phone_is_refused_on_its_field(as_county, world):
    page = as_county.post(
        url("orgs:create", org_id=world.county_a.pk), org_post(chair_phone="12345")
    ).content.decode()
    assert "手机号码格式不正确" in page and 'id="id_chair_phone_errors"' in page
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_a_new_union_under_a_sibling_countys_union_is_not_found(as_county, world):
    response = as_county.post(url("orgs:create", org_id=world.county_b.pk), org_post())
    assert response.status_code == 404
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


def test_a_new_union_under_a_dissolved_union_is_refused(as_county, world):
    empty = services.create_org(
        {"name": "空工会", "kind": Kind.JOINT, "region": world.union_a1.region},
        parent=world.county_a,
        actor=world.county_admin,
    )
    services.dissolve_org(empty, actor=world.county_admin)
    page = as_county.post(url("orgs:create", org_id=empty.pk), org_post()).content.decode()
    assert "上级工会“空工会”已撤销" in page
    assert not Organization.objects.filter(name="兰州新能源公司工会").exists()


# Edit -----------------------------------------------------------------------------------


def test_editing_never_puts_the_chair_phone_into_the_page(as_county, world):
    services.update_org(world.union_a1, {}, actor=world.county_admin, chair_phone="13912345678")
    page = as_county.get(url("orgs:edit", org_id=world.union_a1.pk)).content.decode()
    assert "13912345678" not in page and "139****5678" in page
    assert 'value="兰州第一机械厂工会"' in page


def test_editing_with_a_blank_phone_keeps_it_and_clearing_removes_it(as_county, world):
    services.update_org(world.union_a1, {}, actor=world.county_admin, chair_phone="13912345678")
    edit = url("orgs:edit", org_id=world.union_a1.pk)
    data = org_post(name="兰州第一机械厂工会（新）", chair_phone="", women_committee=None)
    assert as_county.post(edit, data).status_code == 302
    world.union_a1.refresh_from_db()
    assert world.union_a1.name == "兰州第一机械厂工会（新）"
    assert world.union_a1.chair_phone == "13912345678"
    assert world.union_a1.women_committee is False
    assert as_county.post(edit, data | {"clear_chair_phone": "on"}).status_code == 302
    world.union_a1.refresh_from_db()
    assert world.union_a1.chair_phone == "" and world.union_a1.chair_phone_masked == ""


def test_a_forged_edit_of_another_countys_union_is_not_found(as_county, world):
    response = as_county.post(url("orgs:edit", org_id=world.union_b1.pk), org_post(name="篡改"))
    assert response.status_code == 404
    world.union_b1.refresh_from_db()
    assert world.union_b1.name == "七里河区供电公司工会"


def test_a_read_only_viewer_cannot_edit(client, world):
    client.force_login(world.viewer)
    edit = url("orgs:edit", org_id=world.union_a1.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, org_post(name="篡改")).status_code == 404
    world.union_a1.refresh_from_db()
    assert world.union_a1.name == "兰州第一机械厂工会"


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    for route in ("orgs:detail", "orgs:edit", "orgs:move", "orgs:dissolve", "orgs:create"):
        response = client.post(url(route, org_id=world.union_a1.pk), org_post())
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Move -----------------------------------------------------------------------------------


def test_a_city_admin_moves_a_union_to_another_county(client, world):
    client.force_login(world.city_admin)
    response = client.post(
        url("orgs:move", org_id=world.union_a2.pk), {"parent": world.county_b.pk}
    )
    assert response.status_code == 302
    world.union_a2.refresh_from_db()
    assert world.union_a2.parent_id == world.county_b.pk
    assert world.union_a2.path.startswith(world.county_b.path)


def test_moving_a_union_under_its_own_descendant_is_refused(client, world):
    client.force_login(world.city_admin)
    page = client.post(
        url("orgs:move", org_id=world.county_a.pk), {"parent": world.union_a1.pk}
    ).content.decode()
    assert "不能把工会组织移到它自己或它的下级组织之下。" in page
    world.county_a.refresh_from_db()
    assert world.county_a.parent_id == world.city.pk


def test_moving_under_a_parent_outside_scope_is_refused(as_county, world):
    page = as_county.post(
        url("orgs:move", org_id=world.union_a1.pk), {"parent": world.county_b.pk}
    ).content.decode()
    assert "所选工会不存在、已撤销或不在您的管理范围内。" in page
    world.union_a1.refresh_from_db()
    assert world.union_a1.parent_id == world.county_a.pk


def test_the_move_picker_searches_only_within_scope(client, world):
    move = url("orgs:move", org_id=world.union_a1.pk)
    client.force_login(world.county_admin)
    fragment = client.get(
        move, {"q": "七里河"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="picker-results"
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="picker-results"')
    assert "七里河区总工会" not in fragment and "没有找到名称中有“七里河”的工会" in fragment
    client.force_login(world.city_admin)
    fragment = client.get(
        move, {"q": "七里河"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="picker-results"
    ).content.decode()
    assert f'value="{world.county_b.pk}"' in fragment


def test_the_move_page_offers_no_descendant_of_the_union(client, world):
    client.force_login(world.city_admin)
    page = client.get(url("orgs:move", org_id=world.county_a.pk)).content.decode()
    picker = page.split('id="picker-results"')[1]
    assert f'value="{world.county_b.pk}"' in picker
    assert f'value="{world.county_a.pk}"' not in picker


# Dissolve -------------------------------------------------------------------------------


def test_dissolving_a_union_with_current_members_is_refused(as_county, world):
    page = as_county.post(
        url("orgs:dissolve", org_id=world.union_a1.pk),
        {"dissolved_on": "2026-01-05", "confirm": "on"},
    ).content.decode()
    assert "该工会还有1名会员，请先为他们办理转会，再撤销。" in page
    world.union_a1.refresh_from_db()
    assert world.union_a1.status == Status.NORMAL


def test_dissolving_needs_the_confirmation(as_county, world):
    page = as_county.post(
        url("orgs:dissolve", org_id=world.union_a1.pk), {"dissolved_on": "2026-01-05"}
    ).content.decode()
    assert "请勾选确认。" in page


def test_an_empty_union_is_dissolved(as_county, world):
    empty = services.create_org(
        {"name": "空工会", "kind": Kind.JOINT, "region": world.union_a1.region},
        parent=world.county_a,
        actor=world.county_admin,
    )
    response = as_county.post(
        url("orgs:dissolve", org_id=empty.pk),
        {"dissolved_on": "2026-01-05", "confirm": "on", "merged_into": world.union_a2.pk},
    )
    assert response.status_code == 302
    empty.refresh_from_db()
    assert empty.status == Status.MERGED and empty.merged_into_id == world.union_a2.pk
    assert empty.dissolved_on == dt.date(2026, 1, 5)
    page = as_county.get(response["Location"]).content.decode()
    assert "合并至 城关区快递行业联合工会" in page


def test_a_forged_dissolve_of_another_countys_union_is_not_found(as_county, world):
    response = as_county.post(
        url("orgs:dissolve", org_id=world.union_b1.pk),
        {"dissolved_on": "2026-01-05", "confirm": "on"},
    )
    assert response.status_code == 404
    world.union_b1.refresh_from_db()
    assert world.union_b1.status == Status.NORMAL


@pytest.mark.parametrize("params", [{}, {"sub": "1"}])
def test_the_member_list_never_reads_the_encrypted_columns(as_county, world, params):
    with CaptureQueriesContext(connection) as queries:
        as_county.get(url("orgs:detail", org_id=world.union_a1.pk), params)
    listed = [q["sql"] for q in queries.captured_queries if 'FROM "members_membership"' in q["sql"]]
    assert listed
    for sql in listed:
        assert '"members_person"."id_number"' not in sql
        assert '"members_person"."phone"' not in sql
        assert '"id_masked"' in sql


def test_the_union_page_links_its_exports_and_the_import(client, world):
    client.force_login(world.county_admin)
    html = client.get(reverse("orgs:detail", kwargs={"org_id": world.union_a1.pk})).content.decode()
    export = reverse("imports:export_members", kwargs={"org_id": world.union_a1.pk})
    assert f"{export}?format=xlsx" in html and f"{export}?format=csv" in html
    orgs = reverse("imports:export_orgs", kwargs={"org_id": world.union_a1.pk})
    assert f"{orgs}?format=xlsx" in html and f"{orgs}?format=csv" in html
    assert f"{reverse('imports:upload')}?org={world.union_a1.pk}" in html
    response = client.get(f"{export}?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "张三" in body
    assert world.member_a1.person.id_number not in body  # masked by default
