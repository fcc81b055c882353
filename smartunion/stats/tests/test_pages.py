"""统计分析 pages: the overview of one's scope, the comparison of the sub-units with a click one
level down, the trend; the same figures as the API; bad input answered in Chinese."""

import datetime as dt
import json
import re

from django.urls import reverse
from django.utils import timezone


def page(client, user, name, org=None, **params):
    client.force_login(user)
    kwargs = {"org_id": org.pk} if org is not None else None
    response = client.get(reverse(f"stats:{name}", kwargs=kwargs), params)
    return response


def chart_data(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_entry_shows_the_overview_of_ones_own_scope(client, world):
    response = page(client, world.county_admin, "home")
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计分析 · 城关区总工会" in html
    assert "会员人数" in html and "入会率" in html and "0.3%" in html
    assert "会员人数（按性别）" in html


def test_the_province_city_and_county_overviews_have_the_same_layout(client, world):
    headings = []
    for user in (world.province_admin, world.city_admin, world.county_admin):
        html = page(client, user, "home").content.decode()
        headings.append(
            [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]
        )
    assert headings[0] == headings[1] == headings[2]


def test_a_union_outside_the_scope_answers_404(client, world):
    for name in ("overview", "compare", "trend"):
        assert page(client, world.sibling_admin, name, world.county_a).status_code == 404


def test_the_comparison_lists_the_sub_units_with_the_apis_figures_and_drills_down(client, world):
    response = page(client, world.city_admin, "compare", world.city, indicator="members")
    assert response.status_code == 200
    html = response.content.decode()
    data = chart_data(response)
    api = client.get(f"/api/v1/stats/orgs/{world.city.pk}/children", {"indicator": "members"})
    assert data == api.json()
    drill = reverse("stats:compare", kwargs={"org_id": world.county_a.pk}) + "?indicator=members"
    assert f'href="{drill}"' in html
    assert "vendor/echarts/echarts.min.js" in html
    # At the bottom a click goes to the grassroots union's own page.
    bottom = page(client, world.city_admin, "compare", world.county_a).content.decode()
    assert f'href="{reverse("orgs:detail", kwargs={"org_id": world.union_a1.pk})}"' in bottom


def test_a_breakdown_is_compared_by_category_with_a_total(client, world):
    html = page(
        client, world.county_admin, "compare", world.county_a, indicator="members.by_gender"
    ).content.decode()
    assert '<button type="button">女</button>' in html and "合计" in html


def test_the_trend_shows_the_months_of_the_api(client, world):
    response = page(client, world.county_admin, "trend", world.county_a, months="6")
    assert response.status_code == 200
    data = chart_data(response)
    assert len(data["points"]) == 6
    api = client.get(f"/api/v1/stats/orgs/{world.county_a.pk}/trend", {"months": 6})
    assert data == api.json()


def test_bad_input_is_answered_in_chinese_and_the_page_still_shows(client, world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cases = [
        ("overview", {"date": tomorrow}, "统计日期不能晚于今天。已按今天统计。"),
        ("overview", {"date": "1999-12-31"}, "统计日期不能早于2000年1月1日。"),
        ("overview", {"date": "明天"}, "统计日期格式不正确"),
        ("compare", {"indicator": "nope"}, "指标代码不存在，已显示会员人数。"),
        ("trend", {"indicator": "members.by_age"}, "是分组指标，不能画趋势。"),
        ("trend", {"months": "121"}, "月数应在1至120个月之间"),
        ("trend", {"months": "abc"}, "月数应在1至120个月之间"),
    ]
    for name, params, message in cases:
        response = page(client, world.county_admin, name, world.county_a, **params)
        assert response.status_code == 200, (name, params)
        assert message in response.content.decode(), (name, params)


def test_a_past_date_is_kept_in_the_links(client, world):
    html = page(
        client, world.county_admin, "overview", world.county_a, date="2024-12-31"
    ).content.decode()
    assert "date=2024-12-31" in html
    assert "名单" not in html  # the lists show today, not the figures of a past date


def test_the_year_in_figures_states_the_figures_in_sentences_linked_to_the_comparison(
    client, world
):
    html = page(client, world.county_admin, "year", world.county_a).content.decode()
    assert "城关区总工会及所属工会共有工会组织" in html
    compare = reverse("stats:compare", kwargs={"org_id": world.county_a.pk})
    assert f'<a href="{compare}?indicator=members" title="' in html
    assert re.search(r"会员<a [^>]*>2</a>人", html)
    assert re.search(r"入会率<a [^>]*>0.3%</a>", html)
    last = page(client, world.county_admin, "year", world.county_a, year="2024").content.decode()
    assert "截至2024年12月31日" in last and "date=2024-12-31" in last
    bad = page(client, world.county_admin, "year", world.county_a, year="1999").content.decode()
    assert "年度应在2000年至" in bad


def test_the_annual_report_lists_the_sub_units_and_flags_the_rows_that_break_a_check(client, world):
    from smartunion.orgs import services as org_services

    # 兰州第一机械厂工会: 2 members against 1 worker, an 入会率 above 100%.
    org_services.update_org(world.union_a1, {"employee_count": 1}, actor=world.county_admin)
    world.add_member(world.union_a1, "赵六")
    year = timezone.localdate().year
    html = page(client, world.city_admin, "report", world.city, year=str(year)).content.decode()
    assert "城关区总工会" in html and "七里河区总工会" in html
    assert "表一　兰州市总工会工会组织情况" in html and "表二　兰州市总工会职工和会员情况" in html
    # The merged header cells of the printed form.
    assert '<th colspan="3" scope="col">企业</th>' in html
    assert "没有通过校验" in html and '<tr class="broken">' in html
    # Each broken check links to the list behind its figure: the county's sub-units.
    compare = reverse("stats:compare", kwargs={"org_id": world.county_a.pk})
    assert f'城关区总工会：<a href="{compare}?indicator=members">会员人数多于职工人数</a>' in html
    assert "入会率超过100%" in html
    fine = page(client, world.sibling_admin, "report", world.county_b, year=str(year))
    assert "全部行通过校验" in fine.content.decode()
    printed = page(client, world.city_admin, "report", world.city, year=str(year), print="1")
    text = printed.content.decode()
    assert "兰州市总工会" in text and 'id="print-button"' in text and "填报单位（盖章）" in text


def test_the_annual_report_is_exported_to_xlsx_in_the_layout_of_the_page(client, world):
    from python_calamine import CalamineWorkbook

    year = timezone.localdate().year
    response = page(client, world.city_admin, "report", world.city, year=str(year), format="xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
    assert book.sheet_names == ["表一工会组织情况", "表二职工和会员情况", "校验"]
    rows = book.get_sheet_by_name("表一工会组织情况").to_python()
    assert rows[0][0] == "表一  兰州市总工会工会组织情况"
    # Four header rows (基层工会 › 按单位类别分 › 企业 › 内资), the unit column merged down.
    assert rows[2][:3] == ["单位", "工会组织数", "基层工会"]
    assert rows[5][3:6] == ["内资", "港澳台商投资", "外商投资"]
    # The city union itself is a row (本级): one union, no members of its own.
    names = [r[0] for r in rows[6:10]]
    assert names == ["城关区总工会", "七里河区总工会", "本级", "合计"]
    assert [r[1] for r in rows[6:10]] == [3, 2, 1, 6]
    members = book.get_sheet_by_name("表二职工和会员情况").to_python()
    assert [r[2] for r in members[4:8]] == [2, 1, 0, 3]
    # The merged cells as the printed form has them.
    import zipfile

    sheet1 = zipfile.ZipFile(__import__("io").BytesIO(response.content)).read(
        "xl/worksheets/sheet1.xml"
    )
    assert b'<mergeCell ref="A3:A6"/>' in sheet1


def test_a_year_outside_2000_to_this_year_is_refused_in_chinese(client, world):
    html = page(client, world.county_admin, "report", world.county_a, year="3000").content.decode()
    assert "年度应在2000年至" in html
