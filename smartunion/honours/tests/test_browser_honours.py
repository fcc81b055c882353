"""In a real browser: a county's nominee list refused for a ratio, fixed and submitted; the
province vets and reviews a nominee; the register and the studios after naming. With
``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/honours-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.honours import selections, studios
from smartunion.honours.models import Nomination
from smartunion.honours.testing import a_nomination, make_selection, make_studio

pytestmark = pytest.mark.browser


def test_a_nominee_list_from_ratio_check_to_the_register(live_server, browser, world):
    from playwright.sync_api import expect

    selection = make_selection(world, vote=False)
    first = a_nomination(world, selection=selection)
    other = world.add_member(world.union_a1, "马建国").person
    second = a_nomination(world, selection=selection, person=other)
    Nomination.objects.filter(pk=second.pk).update(categories=["frontline"])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    # -- county A's list breaks the 农民工 ratio: refused ------------------------------------------
    log_in(page, live_server, world.county_admin.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="劳模工匠").click()
    page.get_by_role("link", name="评选推荐").click()
    page.locator("#selection").select_option(label=selection.title)
    page.get_by_role("button", name="筛选").click()
    page.locator("#org").select_option(label="城关区总工会")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#h-ratios").locator("..")).to_contain_text("低于要求")
    page.get_by_role("button", name="上报推荐名单").click()
    expect(page.locator(".msg-error")).to_contain_text("推荐名单中农民工占0.0%（0/2）")
    screenshot(page, "honours-ratios")

    # -- with a migrant worker on it, the list goes up --------------------------------------------
    Nomination.objects.filter(pk=second.pk).update(categories=["frontline", "migrant"])
    page.reload()
    page.get_by_role("button", name="上报推荐名单").click()
    expect(page.locator(".msg-success")).to_contain_text("共 2 人进入部门联审")

    # -- the province vets and reviews ------------------------------------------------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.province_admin.username)
    page.goto(f"{live_server.url}/honours/nominations/{first.pk}/")
    page.locator("#case-actions").get_by_role("link", name="部门联审通过").click()
    page.get_by_label("税务").check()
    page.get_by_label("审计").check()
    page.get_by_role("button", name="确认部门联审通过").click()
    expect(page.locator(".msg-success")).to_contain_text("已办理“部门联审通过”")
    page.locator("#case-actions").get_by_role("link", name="专家评审通过").click()
    page.locator("#id_score").fill("91.5")
    page.get_by_role("button", name="确认专家评审通过").click()
    expect(page.locator("#h-status").locator("..")).to_contain_text("待公示")
    screenshot(page, "honours-nomination")

    # -- 公示 and naming (services), then the register and the studios -----------------------------
    notice = selections.publish(selection.pk, actor=world.province_admin)
    notices.close_notice(
        notice, actor=world.province_admin, on=notice.ends_on + dt.timedelta(days=1)
    )
    casework.transition(
        Nomination.objects.get(pk=first.pk),
        "name",
        actor=world.province_admin,
        data={"document_no": "甘工发〔2026〕20号"},
    )
    studio = make_studio(world)
    studios.add_record(
        studio.pk,
        studios.RecordData(
            type="training", happened_on=casework.today(), title="师带徒", trained=172, promoted=21
        ),
        actor=world.county_admin,
    )
    page.goto(f"{live_server.url}/honours/?held=1")
    expect(page.locator("table")).to_contain_text("省五一劳动奖章")
    screenshot(page, "honours-register")
    page.get_by_role("link", name="张三").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("省五一劳动奖章")
    screenshot(page, "honours-detail")
    page.goto(f"{live_server.url}/honours/studios/")
    expect(page.locator("#h-totals").locator("..")).to_contain_text("培训 172 人次")
    screenshot(page, "honours-studios")
    context.close()
