"""In a real browser: the tree opens on demand, the union page searches members, phones fit.

Runs in Debian's chromium (never a downloaded browser) against pytest-django's live server.
"""

from __future__ import annotations

import re

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in
from smartunion.orgs import services
from smartunion.orgs.models import Kind

pytestmark = pytest.mark.browser


def test_the_tree_loads_children_on_demand_and_the_union_page_searches_members(
    live_server, browser, world
):
    from playwright.sync_api import expect

    street = services.create_org(
        {"name": "城关区张掖路街道工会", "kind": Kind.TOWNSHIP, "region": world.county_a.region},
        parent=world.county_a,
        actor=world.county_admin,
    )
    services.create_org(
        {"name": "兰州百货大楼工会", "kind": Kind.SINGLE, "region": world.county_a.region},
        parent=street,
        actor=world.county_admin,
    )
    world.add_member(world.union_a1, "赵松")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, "county_admin")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工会组织").click()
    tree = page.locator("#tree-results")
    expect(tree.get_by_role("link", name="兰州第一机械厂工会")).to_be_visible()
    # The grandchild is not in the page until its parent is opened (HTMX, on first toggle).
    expect(tree.get_by_role("link", name="兰州百货大楼工会")).to_have_count(0)
    page.locator(f"#node-{street.pk} > details > summary").click()
    expect(tree.get_by_role("link", name="兰州百货大楼工会")).to_be_visible()

    # The name search replaces the tree with the matching unions of the scope.
    page.get_by_placeholder("按工会名称搜索（管理范围内）").fill("百货")
    expect(tree.get_by_role("heading", name="搜索结果")).to_be_visible()
    expect(tree.get_by_role("link", name="兰州第一机械厂工会")).to_have_count(0)
    expect(tree.get_by_role("link", name="兰州百货大楼工会")).to_be_visible()

    page.goto(f"{live_server.url}/orgs/{world.union_a1.pk}/")
    members = page.locator("#members")
    expect(members.get_by_role("link", name="张三")).to_be_visible()
    expect(members.get_by_role("link", name="赵松")).to_be_visible()
    page.get_by_placeholder(re.compile("拼音首字母")).fill("zhaos")
    page.get_by_role("button", name="查询").click()
    expect(members.get_by_role("link", name="张三")).to_have_count(0)
    expect(members.get_by_role("link", name="赵松")).to_be_visible()
    assert "q=zhaos" in page.url  # the filtered list keeps its address (back button, links)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/orgs/",
        "/orgs/?q=工会",
        "/orgs/{org}/",
        "/orgs/{org}/?sub=1",
        "/orgs/{org}/edit/",
        "/orgs/{org}/new/",
        "/orgs/{org}/move/",
        "/orgs/{org}/dissolve/",
    ],
)
def test_the_pages_fit_a_phone_screen(live_server, browser, world, path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, "county_admin")
    page.goto(live_server.url + path.format(org=world.union_a1.pk))
    # Nothing sticks out sideways: no horizontal scrolling of the whole page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide"
