"""In a real browser: a union is never picked by a name several unions share (issue 11 §1).

Runs in Debian's chromium against pytest-django's live server. With
``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/orgs-move.png and
orgs-same-name-refused.png.
"""

from __future__ import annotations

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.orgs.models import Kind, Organization
from smartunion.personas import make_org

pytestmark = pytest.mark.browser


def test_picking_shows_paths_and_a_second_sibling_of_one_name_is_refused(
    live_server, browser, world
):
    from playwright.sync_api import expect

    town = make_org("城关区泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    make_org("城关区快递行业联合工会", town, Kind.JOINT, "620102")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, "county_admin")

    # Moving a union: the two 城关区快递行业联合工会 found by name differ by their paths.
    page.goto(f"{live_server.url}/orgs/{world.union_a1.pk}/move/")
    page.get_by_placeholder("输入工会名称查找").fill("快递")
    results = page.locator("#picker-results")
    expect(results.locator(".pick")).to_have_count(2)
    expect(results.locator(".org-path")).to_have_text(
        [
            "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会",
            "兰州市总工会 › 城关区总工会 › 城关区泉坪乡工会 › 城关区快递行业联合工会",
        ]
    )
    screenshot(page, "orgs-move")

    # A second union of that name under 城关区总工会 is refused, naming the first.
    count = Organization.objects.count()
    page.goto(f"{live_server.url}/orgs/{world.county_a.pk}/new/")
    page.get_by_label("工会名称").fill("城关区快递行业联合工会 ")
    # Said while typing, before anything is sent…
    expect(page.locator("#name-check")).to_contain_text(
        "上级工会下已有同名的工会“城关区快递行业联合工会”（兰州市总工会 › 城关区总工会 ›"
    )
    page.get_by_label("组织类型").select_option(label="联合基层工会")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("上级工会下已有同名的工会“城关区快递行业联合工会”")).to_be_visible()
    expect(page.get_by_label("工会名称")).to_have_value("城关区快递行业联合工会 ")
    screenshot(page, "orgs-same-name-refused")
    assert Organization.objects.count() == count

    # …while the same name under another parent is allowed, with a warning of the others.
    page.goto(f"{live_server.url}/orgs/{world.union_a1.pk}/new/")
    page.get_by_label("工会名称").fill("城关区快递行业联合工会")
    expect(page.locator("#name-check .msg-warning")).to_contain_text(
        "省内另有2个名为“城关区快递行业联合工会”的工会"
    )
    screenshot(page, "orgs-same-name-warning")

    # The paths wrap on a phone: nothing sticks out sideways.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(f"{live_server.url}/orgs/{world.union_a1.pk}/move/")
    small.get_by_placeholder("输入工会名称查找").fill("快递")
    expect(small.locator("#picker-results .org-path")).to_have_count(2)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
    context.close()
