"""In a real browser: one household from application through 公示 to its first payment.

A grassroots clerk opens the file and takes it through the check and the home visit; the
county's staff review it, verify it, publish it (the public notice is looked at on a phone),
close the notice once its period is over, approve the file and pay the first aid. With
``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/assistance-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from smartunion.assistance.models import HardshipFile
from smartunion.casework.models import Cap, LedgerLine, Notice, RegionalRate
from smartunion.core.testing import new_id_number
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def fill_member(
    page, prefix: str, name: str, number: str, income: str = "", relation: str = ""
) -> None:
    page.locator(f"#id_{prefix}-name").fill(name)
    page.locator(f"#id_{prefix}-id_number").fill(number)
    if income:
        page.locator(f"#id_{prefix}-monthly_income").fill(income)
    if relation:
        page.locator(f"#id_{prefix}-relation").select_option(relation)


def test_one_household_from_application_through_publicity_to_the_first_payment(
    live_server, browser, world
):
    from playwright.sync_api import expect

    for year in (TODAY.year - 1, TODAY.year):
        RegionalRate.objects.create(
            kind="dibao", region_id="620100", year=year, monthly=Decimal("840")
        )
    Cap.objects.create(purpose="living", per_payment=Decimal("3000"), per_year=Decimal("6000"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    # -- the grassroots clerk opens the file ---------------------------------------------------
    log_in(page, live_server, world.grassroots_admin.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="帮扶").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("困难职工帮扶")
    page.get_by_role("link", name="新建困难职工档案").first.click()
    fill_member(page, "head", "马建军", new_id_number(), income="900")
    fill_member(
        page,
        "family-0",
        "李秀兰",
        new_id_number(male=False, birth=dt.date(1988, 3, 2)),
        relation="spouse",
    )
    fill_member(
        page,
        "family-1",
        "马小雨",
        new_id_number(male=False, birth=dt.date(2007, 9, 1)),
        relation="child",
    )
    page.locator("#id_family-1-identity").select_option("student")
    page.locator("#id_family-1-school_level").select_option("bachelor")
    page.locator("#id_region").select_option("620102")
    page.locator("#id_work_status").select_option("03")
    page.locator("#id_marital_status").select_option("1")
    page.locator("#id_hukou_kind").select_option("1")
    page.locator("#id_housing").select_option("07")
    page.locator("#id_address").fill("兰州市城关区雁滩路88号")
    page.locator("#id_annual_rigid_expenses").fill("6000")
    page.get_by_label("下岗失业").first.check()
    page.get_by_label("子女上学").last.check()
    page.locator("#id_bank_name").fill("中国工商银行")
    page.locator("#id_bank_card").fill("6222020200112233446")
    for radio in page.locator("input[type=radio][name^=exclusion_][value='0']").all():
        radio.check()
    screenshot(page, "assistance-file-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("马建军")
    expect(page.locator("#h-assess")).to_be_visible()
    file = HardshipFile.objects.get()
    assert file.category == "deep" and file.household_size == 3

    def act(label, note="", fields=None):
        page.locator("#case-actions").get_by_role("link", name=label).click()
        for key, value in (fields or {}).items():
            box = page.locator(f"#id_{key}")
            if box.get_attribute("type") == "checkbox":
                box.check()
            else:
                box.fill(value)
        if note:
            page.locator("#id_note").fill(note)
        page.get_by_role("button", name=f"确认{label}").click()
        expect(page.locator(".msg-success")).to_contain_text(f"已办理“{label}”")

    act("提交申请")
    act("初审通过")
    act(
        "入户调查完成",
        note="入户核实：三口之家，户主下岗，孩子在读大学。",
        fields={"visited_on": TODAY.isoformat(), "authorization_signed": "1"},
    )
    expect(page.locator("#h-status").locator("..")).to_contain_text("待上级工会复核")
    screenshot(page, "assistance-file-review")

    # -- the county: review, verify, 公示 -----------------------------------------------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/assistance/?list=waiting")
    page.get_by_role("link", name="马建军").click()
    act("复核通过")
    act("核实通过")
    page.goto(f"{live_server.url}/casework/notices/")
    page.get_by_role("link", name=re.compile("困难职工档案：1 条待公示")).click()
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".msg-success")).to_contain_text("公示已发布")
    screenshot(page, "assistance-notice")
    notice = Notice.objects.get()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    public = phone.new_page()
    public.goto(f"{live_server.url}/gongshi/{notice.pk}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(notice.title)
    expect(public.locator("table")).to_contain_text("马*军")
    assert "马建军" not in public.content()
    screenshot(public, "assistance-notice-public-phone")
    phone.close()

    # Five working days later (the test moves the notice back instead of waiting).
    Notice.objects.filter(pk=notice.pk).update(
        published_on=TODAY - dt.timedelta(days=14), ends_on=TODAY - dt.timedelta(days=1)
    )
    page.reload()
    page.get_by_role("button", name="公示期满，结束公示").click()
    expect(page.locator(".msg-success")).to_contain_text("公示已结束")

    # -- approval and the first payment -----------------------------------------------------------
    page.goto(f"{live_server.url}/assistance/files/{file.pk}/")
    act("审批建档")
    expect(page.locator("#h-status").locator("..")).to_contain_text("在档")
    page.get_by_role("link", name="记录帮扶发放").click()
    page.locator("#id_aid_type").select_option("living")
    page.locator("#id_amount").fill("2000")
    page.locator("#id_fund_source").select_option("fiscal")
    page.get_by_role("button", name="记录发放").click()
    expect(page.locator(".msg-success")).to_contain_text("已记录发放 2,000.00 元")
    expect(page.locator("#h-payments").locator("..")).to_contain_text("2,000.00")
    expect(page.locator("#timeline")).to_contain_text("审批建档")
    screenshot(page, "assistance-file-paid")
    assert LedgerLine.objects.get().amount == Decimal("2000.00")
    context.close()
