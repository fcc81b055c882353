"""The error pages in a real browser: Chinese, with the navigation bar, never Django's own."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot

pytestmark = pytest.mark.browser

NAV = "主导航"


def staff_page(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, username)
    return context, page


def assert_chinese_page(page, status: str, title: str):
    expect(page.locator(".error-code")).to_have_text(status)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("navigation", name=NAV)).to_be_visible()
    html = page.content()
    assert "URLconf" not in html and "Traceback" not in html and "Django" not in html


@override_settings(ROOT_URLCONF="smartunion.core.tests.error_urls")
def test_every_error_is_a_chinese_page_with_the_navigation_bar(live_server, browser, world):
    from smartunion.core.tests.test_permissions import KWARG_OBJECTS

    context, page = staff_page(browser, live_server, world.county_admin.username)

    page.goto(f"{live_server.url}/no-such-page/")
    assert_chinese_page(page, "404", "页面不存在")
    screenshot(page, "error-404")
    # The navigation bar still works from there.
    page.get_by_role("navigation", name=NAV).get_by_role("link", name="会员").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("会员")

    page.goto(f"{live_server.url}/test-bad-request/")
    assert_chinese_page(page, "400", "请求不正确")

    response = page.goto(f"{live_server.url}/test-server-error/")
    assert response.status == 500
    assert_chinese_page(page, "500", "系统出错了")
    expect(page.locator("#error-reference")).to_have_text(
        __import__("re").compile(r"^[0-9A-F]{8}$")
    )
    screenshot(page, "error-500")
    context.close()

    venue = KWARG_OBJECTS["venue_id"](world)
    context, page = staff_page(browser, live_server, world.viewer.username)
    page.goto(f"{live_server.url}{reverse('venues:edit', kwargs={'venue_id': venue.pk})}")
    assert_chinese_page(page, "403", "没有权限")
    expect(page.locator("main")).to_contain_text("只读账号不能修改阵地。")
    context.close()


def test_a_form_sent_with_a_stale_csrf_token_gets_the_chinese_page_and_a_way_back(
    live_server, browser, world
):
    context, page = staff_page(browser, live_server, world.county_admin.username)
    form = reverse("members:edit", kwargs={"person_id": world.member_a1.person_id})
    page.goto(f"{live_server.url}{form}")
    # As when the page was left open past a logout and login elsewhere.
    page.locator("form.form input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64); }"
    )
    page.get_by_label("姓名").fill("改了的名字")
    page.get_by_role("button", name="保存").click()
    assert_chinese_page(page, "403", "页面已过期，请刷新后重试")
    screenshot(page, "error-csrf")
    page.get_by_role("link", name="返回上一页（刷新后重新提交）").click()
    expect(page.get_by_label("姓名")).to_be_visible()
    world.member_a1.person.refresh_from_db()
    assert world.member_a1.person.name == "张三"
    context.close()
