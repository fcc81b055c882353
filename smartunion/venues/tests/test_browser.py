"""附近驿站 in Debian's chromium, with a faked phone position."""

import pytest
from playwright.sync_api import expect

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.venues.tests.conftest import station_values


@pytest.fixture
def stations(transactional_db, world):
    """Four stations around Lanzhou (the shared browser fixture and the autouse audit-log
    flush come from smartunion/conftest.py)."""
    from smartunion.venues import services

    made = {}
    for key, name, lng, lat, region in [
        ("west", "西固区福利路驿站", 103.6260, 36.0889, "620102"),
        ("centre", "城关区东方红广场驿站", 103.8300, 36.0580, "620102"),
        ("east", "城关区雁滩驿站", 103.9000, 36.0700, "620102"),
        ("qilihe", "七里河区西站驿站", 103.7835, 36.0664, "620103"),
    ]:
        org = world.county_a if region == "620102" else world.county_b
        made[key] = services.create_venue(
            station_values(org, region=region, lng=lng, lat=lat, name=name, open_24h=True),
            actor=world.superuser,
        )
    return made


def phone(browser, lng, lat):
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": lng, "latitude": lat},
        permissions=["geolocation"],
        locale="zh-CN",
    )


@pytest.mark.browser
def test_the_phone_page_lists_the_nearest_station_first(browser, live_server, stations):
    ctx = phone(browser, 103.8320, 36.0590)  # a few hundred metres from 东方红广场
    page = ctx.new_page()
    page.goto(f"{live_server.url}/nearby/")
    page.wait_for_selector("#results li")
    names = page.locator("#results li h2").all_inner_texts()
    assert names[0] == "1. 城关区东方红广场驿站"
    assert names[1] == "2. 七里河区西站驿站"
    assert len(names) == 4
    first = page.locator("#results li").first
    assert "米" in first.locator(".dist").inner_text()
    assert first.locator(".tag.open").inner_text() == "现在开放"
    assert "uri.amap.com/marker" in first.locator("a.amap").get_attribute("href")
    assert "coord_type=bd09ll" in first.locator("a.baidu").get_attribute("href")
    assert "离您最近的 4 处" in page.locator("#status").inner_text()
    page.click("#show-map")
    page.wait_for_selector(".num-icon")
    assert page.locator(".num-icon").count() == 4
    ctx.close()


@pytest.mark.browser
def test_without_location_a_county_can_be_chosen(browser, live_server, stations):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{live_server.url}/nearby/")
    page.fill("#place", "西固")
    page.click("#place-form button")
    page.wait_for_selector("#results li")
    assert page.locator("#results li h2").first.inner_text() == "1. 西固区福利路驿站"
    assert "离兰州市西固区驻地最近" in page.locator("#status").inner_text()
    ctx.close()


@pytest.mark.browser
def test_a_place_search_that_finds_nothing_clears_the_old_results_and_says_so(
    browser, live_server, stations
):
    ctx = phone(browser, 103.8320, 36.0590)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/nearby/")
    page.wait_for_selector("#results li")
    screenshot(page, "venues-nearby")
    page.fill("#place", "火星基地")
    page.click("#place-form button")
    # (expect, not wait_for_function: the page's CSP forbids evaluating strings)
    expect(page.locator("#results li")).to_have_count(0)
    assert "没有找到“火星基地”" in page.locator("#status").inner_text()
    # A venue's name or a town finds a place too.
    page.fill("#place", "雁滩驿站")
    page.click("#place-form button")
    page.wait_for_selector("#results li")
    assert page.locator("#results li h2").first.inner_text() == "1. 城关区雁滩驿站"
    assert "离城关区雁滩驿站最近" in page.locator("#status").inner_text()
    ctx.close()


@pytest.mark.browser
def test_the_kind_and_open_now_filters_search_again_from_the_same_place(
    browser, live_server, stations
):
    ctx = phone(browser, 103.8320, 36.0590)
    page = ctx.new_page()
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/venues/nearest" in r.url else None)
    page.goto(f"{live_server.url}/nearby/")
    page.wait_for_selector("#results li")
    assert "kind=station" in asked[-1]
    assert (
        page.get_by_role("button", name="驿站", exact=True).get_attribute("aria-pressed") == "true"
    )
    page.get_by_role("button", name="全部", exact=True).click()
    expect(page.locator("#status")).to_contain_text("阵地")
    assert "kind=" not in asked[-1]
    page.check("#open-now")
    expect(page.locator("#status")).to_contain_text("现在开放的")
    assert "open_now=true" in asked[-1]
    assert page.locator("#results li").count() == 4  # all four are open day and night
    ctx.close()


@pytest.mark.browser
def test_the_phone_map_draws_the_province_and_its_counties_without_tiles(
    browser, live_server, stations
):
    ctx = phone(browser, 103.8320, 36.0590)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/nearby/")
    page.wait_for_selector("#results li")
    page.click("#show-map")
    page.wait_for_selector("#map.has-boundaries", timeout=TIMEOUT_MS)
    # Zoomed in on Lanzhou: its counties are drawn under the numbered markers.
    page.locator(".leaflet-boundaries-pane path").nth(14).wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    assert page.locator(".num-icon").count() == 4
    screenshot(page, "venues-nearby-map")
    ctx.close()


@pytest.mark.browser
def test_the_staff_map_draws_the_boundaries_and_names_no_setting(
    browser, live_server, stations, world
):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server, "county_admin")
    page.goto(f"{live_server.url}/venues/map/")
    page.wait_for_selector("#venue-map.has-boundaries", timeout=TIMEOUT_MS)
    page.wait_for_selector(".leaflet-boundaries-pane canvas", timeout=TIMEOUT_MS)
    assert "SMARTUNION" not in page.content()
    assert "市州、县区界线" in page.locator("#map-note").inner_text()
    page.wait_for_timeout(500)
    screenshot(page, "venues-map-county")
    page.close()
