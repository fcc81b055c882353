"""In a real browser at 390 × 844: a worker signs in with the SMS code, binds, sees the
membership and the e-card, and a second phone checks the card at /verify/ (有效).

With ``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/portal-*.png (the user
guide's chapter 职工使用说明).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from smartunion.core.testing_browser import TIMEOUT_MS, screenshot

pytestmark = pytest.mark.browser

PHONE = "13900001111"
PHONE_SIZE = {"width": 390, "height": 844}


def newest_code() -> str:
    outbox = settings.SMARTUNION_SMS_OUTBOX
    newest = max(outbox.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    return re.search(r"验证码为(\d{6})", newest.read_text(encoding="utf-8")).group(1)


def test_a_worker_shows_the_e_card_and_another_phone_checks_it(live_server, browser, world):
    from playwright.sync_api import expect

    membership = world.add_member(world.union_a1, "马兰花", phone=PHONE)
    person = membership.person

    def phone():
        context = browser.new_context(
            viewport=PHONE_SIZE, locale="zh-CN", is_mobile=True, has_touch=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    page = phone()
    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="手机号登录")).to_be_visible()
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sent")).to_contain_text("验证码已发送到 139****1111")
    page.get_by_label("验证码").fill(newest_code())
    screenshot(page, "portal-signin")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="实名认证")).to_be_visible()
    page.get_by_label("姓名").fill("马兰")
    page.get_by_label("身份证号码").fill(person.id_number)
    page.get_by_role("button", name="认证").click()
    expect(page.locator("#error")).to_have_text("信息核验未通过，请携带身份证到所在工会办理。")
    page.get_by_label("姓名").fill("马兰花")
    page.get_by_label("身份证号码").fill(person.id_number)
    screenshot(page, "portal-bind")
    page.get_by_role("button", name="认证").click()

    expect(page.get_by_role("heading", name="我的会籍")).to_be_visible()
    expect(page.locator("#card-union")).to_have_text("兰州第一机械厂工会")
    expect(page.locator("#card-status")).to_have_text("在籍")
    expect(page.locator("#card-no")).to_have_text(membership.card_no)
    expect(page.locator("#ecard svg")).to_be_visible()
    expect(page.get_by_role("link", name="附近驿站")).to_be_visible()
    assert person.id_number not in page.content()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]
    screenshot(page, "portal-home")
    verify_url = page.locator("#ecard-link").get_attribute("href")

    checker = phone()
    checker.goto(verify_url)
    expect(checker.locator("#verdict")).to_have_text("有效")
    expect(checker.locator("#verify-name")).to_have_text("马*花")
    expect(checker.locator("#verify-union")).to_have_text("兰州第一机械厂工会")
    assert person.id_number not in checker.content()
    screenshot(checker, "portal-verify")
    # An edited code is 无效.
    checker.goto(verify_url[:-2] + ("AA" if not verify_url.endswith("AA") else "BB"))
    expect(checker.locator("#verdict")).to_have_text("无效")

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="手机号登录")).to_be_visible()
