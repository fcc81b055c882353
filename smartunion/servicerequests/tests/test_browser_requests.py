"""In a real browser: a worker's call from intake to callback.

The city's 12351 operator takes the call and sends it down to the county, whose staff handle
it and report the result back up; the city's operator calls the worker back and the request
closes. With ``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/requests-*.png.
"""

from __future__ import annotations

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.servicerequests.models import ServiceRequest

pytestmark = pytest.mark.browser


def test_a_call_from_intake_to_callback(live_server, browser, world):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def act(label, note="", select=None):
        page.locator("#case-actions").get_by_role("link", name=label).click()
        for key, value in (select or {}).items():
            page.locator(f"#id_{key}").select_option(label=value)
        if note:
            page.locator("#id_note").fill(note)
        page.get_by_role("button", name=f"确认{label}").click()
        expect(page.locator(".msg-success")).to_contain_text(f"已办理“{label}”")

    # -- the city's operator takes the call -------------------------------------------------------
    log_in(page, live_server, world.city_admin.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="诉求工单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("职工诉求工单")
    page.get_by_role("link", name="受理诉求").click()
    page.locator("#id_channel").select_option("phone")
    page.locator("#id_category").select_option(label="信访投诉")
    page.locator("#id_urgency").select_option("difficult")
    page.locator("#id_caller_name").fill("刘建华")
    page.locator("#id_caller_phone").fill("13900001111")
    page.locator("#id_employer").fill("城关区某建筑公司")
    page.locator("#id_summary").fill("单位已三个月未发工资，请工会帮助协调。")
    screenshot(page, "requests-intake")
    page.get_by_role("button", name="受理").click()
    expect(page.locator(".msg-success")).to_contain_text("已受理诉求工单")
    ticket = ServiceRequest.objects.get()
    expect(page.locator("#h-status").locator("..")).to_contain_text("待分派")
    act("下派", note="请城关区总工会协调办理。", select={"to_org": "城关区总工会"})
    expect(page.locator("#h-routing").locator("..")).to_contain_text("城关区总工会")

    # -- the county handles it and reports back ---------------------------------------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/requests/?waiting=1")
    page.get_by_role("link", name=ticket.number).click()
    act("本级办理")
    act("办结反馈", note="已约谈用人单位，承诺本月底前补发全部工资。")
    expect(page.locator("#h-status").locator("..")).to_contain_text("待回访")
    screenshot(page, "requests-reported")

    # -- the city's operator calls back -----------------------------------------------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.city_admin.username)
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    act("回访", note="职工确认已收到部分工资。", select={"satisfied": "满意"})
    expect(page.locator("#h-status").locator("..")).to_contain_text("已办结")
    expect(page.locator("#h-routing").locator("..")).to_contain_text("办结反馈")
    screenshot(page, "requests-closed")
    ticket.refresh_from_db()
    assert ticket.satisfied is True and ticket.handled_by_name
    context.close()
