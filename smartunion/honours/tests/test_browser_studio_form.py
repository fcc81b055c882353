"""In a real browser: a county clerk names a studio through the pages — refused for a leader
without an honour, then named with one — adds a member found by the picker, and prints the
leader's 荣誉证明 (A4 in Chromium's PDF). With ``SMARTUNION_SCREENSHOTS=docs/images`` it
renews docs/images/honours-studio-*.png."""

from __future__ import annotations

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.honours.models import Studio, StudioMember
from smartunion.honours.testing import make_honour

pytestmark = pytest.mark.browser


def test_a_studio_named_and_staffed_through_the_pages(live_server, browser, world):
    from playwright.sync_api import expect

    leader = world.member_a1.person
    member = world.add_member(world.union_a1, "欧阳明").person
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/honours/studios/")
    page.get_by_role("link", name="登记工作室").click()
    page.get_by_label("工作室名称").fill("张三劳模创新工作室")
    page.get_by_label("级别").select_option(label="市级")
    page.get_by_label("命名年度").fill("2024")
    page.get_by_label("命名文号").fill("兰工发〔2024〕12号")
    page.locator("#id_leader_q").fill(leader.name)
    page.get_by_role("radio").first.check()
    expect(page.locator("#id_leader_results")).to_contain_text(leader.id_masked)
    page.get_by_role("button", name="登记", exact=True).click()
    # No honour held: refused by the leader's field, nothing saved, the choice kept.
    expect(page.locator("#id_leader_errors")).to_contain_text("领衔人须是荣誉库中在册的")
    assert not Studio.objects.exists()
    make_honour(leader)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".msg-success")).to_contain_text("已登记创新工作室")
    # A member found by name in the picker.
    page.locator("#id_person_q").fill("欧阳")
    page.get_by_role("radio", name=member.name).check()
    page.get_by_label("分工").fill("工艺改进")
    page.get_by_role("button", name="添加成员").click()
    expect(page.locator("#members")).to_contain_text(member.id_masked)
    assert StudioMember.objects.filter(person=member).exists()
    screenshot(page, "honours-studio-form")
    # The leader's honours certificate, A4.
    page.get_by_role("link", name=leader.name).click()
    with context.expect_page() as opened:
        page.get_by_role("link", name="打印荣誉证明").click()
    sheet = opened.value
    expect(sheet.locator("h1")).to_have_text("荣誉证明")
    expect(sheet.locator(".sheet")).to_contain_text(leader.id_masked)
    assert sheet.pdf(format="A4")[:4] == b"%PDF"
    context.close()
