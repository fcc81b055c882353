"""In a real browser: the tree opens on demand, the union page searches members, phones fit.

Runs in Debian's chromium (never a downloaded browser) against pytest-django's live server.
"""

from __future__ import annotations

import re

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
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


def test_a_union_shows_its_own_figures_and_those_with_its_sub_unions(live_server, browser, world):
    """本级 beside 含下级 on the union page, and 含下级 in the tree and the sub-union table."""
    from playwright.sync_api import expect

    from smartunion.core.testing import new_id_number
    from smartunion.personas import make_org

    # 城关区: the county federation keeps two members itself (workers of employers without
    # a union), a street union holds a shop's union; 职工人数 as filled in.
    services.update_org(world.union_a2, {"employee_count": 60}, actor=world.county_admin)
    street = make_org(
        "城关区张掖路街道工会", world.county_a, Kind.TOWNSHIP, "620102", employee_count=20
    )
    shop = make_org("兰州百货大楼工会", street, Kind.SINGLE, "620102", employee_count=90)
    for i, (name, org) in enumerate(
        [("赵松", world.union_a1), ("周爽", world.union_a2), ("郑淑", shop), ("马丽", shop),
         ("王强", shop), ("刘洋", street), ("陈静", world.county_a), ("杨帆", world.county_a)]
    ):  # fmt: skip
        world.add_member(org, name, id_number=new_id_number(male=i % 2 == 0))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, "county_admin")

    page.goto(f"{live_server.url}/orgs/{world.county_a.pk}/")
    figures = page.get_by_label("会员和职工人数")

    def figure(label):
        return figures.locator(f'.stat:has(.label:text-is("{label}"))')

    expect(figure("本级会员人数").locator(".value")).to_have_text("2")
    expect(figure("含下级会员人数").locator(".value")).to_have_text("10")
    expect(figure("本级职工人数").locator(".value")).to_have_text("—")
    expect(figure("含下级职工人数").locator(".value")).to_have_text("470")
    # 8 members of the 470 workers of the unions with a 职工人数 (the county's own 2 are not).
    expect(figure("含下级入会率").locator(".value")).to_have_text("1.7%")
    expect(figure("含下级入会率").locator(".note")).to_have_text(
        "仅计已填职工人数的工会：会员 8 / 职工 470"
    )
    row = page.locator("#subunions tr", has_text="城关区张掖路街道工会")
    expect(row.locator('[data-label="本级会员"]')).to_have_text("1")
    expect(row.locator('[data-label="含下级会员"]')).to_have_text("4")
    expect(row.locator('[data-label="含下级职工"]')).to_have_text("110")
    screenshot(page, "orgs-detail")

    # 含下级会员人数 opens the list behind it: every member of the subtree.
    figure("含下级会员人数").get_by_role("link").click()
    expect(page.locator("#members").get_by_role("link", name="郑淑")).to_be_visible()
    expect(page.get_by_label("含下级工会会员")).to_be_checked()

    page.goto(f"{live_server.url}/orgs/")
    node = page.locator(f"#node-{street.pk}")
    expect(node.locator(".node-meta").first).to_have_text("含下级会员 4 · 入会率 3.6%")
    screenshot(page, "orgs-tree")
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(f"{live_server.url}/orgs/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "orgs-tree-phone")
    small.goto(f"{live_server.url}/orgs/{world.county_a.pk}/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "orgs-detail-phone")
    phone.close()
    context.close()
