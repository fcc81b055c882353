"""统计分析 in Debian's chromium at 1280 px and on a phone: the home page's overview, the charts
drawn, a click on a bar or a row going one level down, the table sorted by a click on a header.
With SMARTUNION_SCREENSHOTS=docs/images the user guide's screenshots are renewed."""

import random

import pytest
from playwright.sync_api import expect

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.stats.tests.seeded import seed


@pytest.fixture
def seeded(transactional_db, world):
    seed(world, random.Random(7), members=60)
    return world


def bar_position(page, row: int):
    """Where the bar of the ``row``-th sub-unit is drawn, in page coordinates."""
    return page.evaluate(
        """(row) => {
          const el = document.getElementById("stats-chart");
          const chart = echarts.getInstanceByDom(el);
          const value = chart.getOption().series[0].data[row];
          const p = chart.convertToPixel({seriesIndex: 0}, [row, value / 2]);
          const r = el.getBoundingClientRect();
          return [r.left + p[0], r.top + p[1]];
        }""",
        row,
    )


#: A point inside 兰州市 (longitude, latitude).
LANZHOU = [103.7, 36.4]


def click_area(page, lnglat):
    """Click the comparison's map where a place is drawn."""
    x, y = page.evaluate(
        """(lnglat) => {
          const chart = echarts.getInstanceByDom(document.getElementById("stats-map"));
          return chart.convertToPixel({seriesIndex: 0}, lnglat);
        }""",
        lnglat,
    )
    page.locator("#stats-map").click(position={"x": x, "y": y})


@pytest.mark.browser
def test_the_statistics_at_1280_px(browser, live_server, seeded):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    log_in(page, live_server, "province_admin")
    expect(page.locator("#h-overview")).to_contain_text("概况")
    expect(page.get_by_text("会员人数").first).to_be_visible()
    screenshot(page, "home-1280")

    page.get_by_role("link", name="统计", exact=True).click()
    expect(page.locator("h1")).to_have_text("统计分析 · 甘肃省总工会")
    expect(page.get_by_role("heading", name="会员人数（按性别）")).to_be_visible()
    screenshot(page, "stats-overview")

    # The figure opens its comparison, with the map of the cities coloured by it; a click on
    # an area goes one level down, as a click on the bar does.
    page.locator(".stat", has_text="会员人数").first.get_by_role("link").first.click()
    expect(page.locator("#stats-chart[data-rendered]")).to_have_count(1)
    expect(page.locator("#stats-map[data-rendered] canvas")).to_have_count(1)
    page.locator("#stats-map").scroll_into_view_if_needed()
    screenshot(page, "stats-map")
    click_area(page, LANZHOU)
    expect(page.locator("h1")).to_have_text("统计分析 · 兰州市总工会")
    expect(page.locator("#stats-map[data-rendered] canvas")).to_have_count(1)
    screenshot(page, "stats-map-city")
    page.go_back()
    expect(page.locator("#stats-chart[data-rendered]")).to_have_count(1)
    x, y = bar_position(page, 0)
    page.mouse.click(x, y)
    expect(page.locator("h1")).to_have_text("统计分析 · 兰州市总工会")
    expect(page.locator("#stats-chart[data-rendered] canvas")).to_have_count(1)
    rows = page.locator("#stats-table tbody tr")
    expect(rows.first).to_contain_text("城关区总工会")

    # Sorted by the figure, largest first, with a second click.
    header = page.locator("#stats-table thead th").nth(1).get_by_role("button")
    header.click()
    header.click()
    values = [
        int(v)
        for v in page.locator("#stats-table tbody td.num").evaluate_all(
            "tds => tds.map(td => td.dataset.value)"
        )
    ]
    assert values == sorted(values, reverse=True)
    screenshot(page, "stats-compare")

    # A row's link goes one level down too, to the grassroots unions of a county.
    page.locator("#stats-table").get_by_role("link", name="城关区总工会").click()
    expect(page.locator("h1")).to_have_text("统计分析 · 城关区总工会")
    expect(
        page.locator("#stats-table").get_by_role("link", name="兰州第一机械厂工会")
    ).to_be_visible()

    page.get_by_role("link", name="趋势", exact=True).click()
    expect(page.locator("#stats-chart[data-rendered] canvas")).to_have_count(1)
    assert page.locator(".stats-table tbody tr").count() == 24
    screenshot(page, "stats-trend")

    page.get_by_role("link", name="年度数字").click()
    sentence = page.locator(".stats-year p").first
    expect(sentence).to_contain_text("城关区总工会及所属工会共有工会组织")
    screenshot(page, "stats-year")
    sentence.get_by_role("link").first.click()
    expect(page.locator("select[name=indicator]")).to_have_value("unions")

    page.get_by_role("link", name="统计年报").click()
    expect(page.locator(".stats-report tfoot th").first).to_have_text("合计")
    # The form's merged header cells, and the print view on A4 as Chromium prints it.
    expect(page.locator('.stats-report th[colspan="3"]').first).to_have_text("企业")
    screenshot(page, "stats-report")
    page.get_by_role("link", name="打印").click()
    expect(page.locator(".sheet h1")).to_contain_text("年工会统计年报")
    assert page.pdf(landscape=True).startswith(b"%PDF")
    ctx.close()


@pytest.mark.browser
def test_the_statistics_on_a_phone(browser, live_server, seeded):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    log_in(page, live_server, "city_admin")
    screenshot(page, "home-phone")
    page.goto(f"{live_server.url}/stats/")
    expect(page.locator("h1")).to_have_text("统计分析 · 兰州市总工会")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    page.locator(".stat", has_text="入会率").first.get_by_role("link").first.click()
    expect(page.locator("#stats-chart[data-rendered] canvas")).to_have_count(1)
    box = page.locator("#stats-chart").bounding_box()
    assert box["width"] <= 390
    screenshot(page, "stats-compare-phone")
    # The map of the counties fits the phone, its legend inside it.
    expect(page.locator("#stats-map[data-rendered] canvas")).to_have_count(1)
    box = page.locator("#stats-map").bounding_box()
    assert box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.locator("#stats-map").scroll_into_view_if_needed()
    screenshot(page, "stats-map-phone")
    ctx.close()
