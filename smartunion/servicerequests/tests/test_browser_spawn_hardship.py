"""In a real browser: a request that is really a hardship case becomes a hardship file.

County A's staff open a worker's request for help (服务帮扶), press 转为困难帮扶, find the 建档
form filled in from the request — the worker's name, masked ID number and phone, union,
employer and what they asked —, complete the household and save; the file says where it came
from and the request links to it. Also the 职工服务中心 page naming the centre's head. With
``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/requests-hardship-*.png and
requests-centres.png.
"""

from __future__ import annotations

import pytest

from smartunion.assistance.models import HardshipFile
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.servicerequests.models import ServiceCentre
from smartunion.servicerequests.testing import make_request

pytestmark = pytest.mark.browser


def test_a_request_becomes_a_hardship_file_without_retyping_the_worker(live_server, browser, world):
    from playwright.sync_api import expect

    person = world.member_a1.person
    ticket = make_request(
        world.county_a,
        world.county_admin,
        category="02",
        person_id=person.pk,
        employer="兰州第一机械厂",
        summary="爱人重病住院，家里欠下医药费，孩子上大学的学费交不上，请工会帮扶。",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/requests/{ticket.pk}/")
    page.locator("#case-actions").get_by_role("link", name="转为困难帮扶").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"由诉求工单 {ticket.number} 转来")
    expect(page.locator("#id_head-name")).to_have_value(person.name)
    expect(page.locator("#id_head-id_number")).to_have_value(person.id_masked)
    expect(page.locator("#id_cause_note")).to_have_value(ticket.summary)
    expect(page.locator("#id_employer")).to_have_value("兰州第一机械厂")
    page.locator("#id_region").select_option("620102")
    page.locator("#id_work_status").select_option("03")
    page.locator("#id_marital_status").select_option("1")
    page.locator("#id_hukou_kind").select_option("1")
    page.locator("#id_housing").select_option("07")
    page.locator("#id_address").fill("兰州市城关区东岗西路1号")
    page.locator('input[name="main_cause"][value="2"]').check()
    for radio in page.locator('input[name^="exclusion_"][value="0"]').all():
        radio.check()
    screenshot(page, "requests-hardship-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".msg-success")).to_contain_text("已建立档案")
    file = HardshipFile.objects.get()
    assert file.head == person
    expect(page.get_by_text("来自诉求工单")).to_contain_text(ticket.number)
    screenshot(page, "requests-hardship-file")

    page.get_by_role("link", name=ticket.number).click()
    expect(page.locator("#h-status").locator("..")).to_contain_text(
        f"已转困难职工档案 {file.number}"
    )
    expect(page.locator("#timeline")).to_contain_text("转为困难帮扶")
    screenshot(page, "requests-hardship-linked")

    # -- the county names the head of its service centre ------------------------------------------
    page.goto(f"{live_server.url}/requests/centres/")
    page.locator("#id_org").select_option(str(world.county_a.pk))
    page.locator("#id_head_username").fill(world.grassroots_admin.username)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".msg-success")).to_contain_text("职工服务中心负责人已设为")
    expect(page.locator("#h-centres").locator("..")).to_contain_text(
        world.grassroots_admin.username
    )
    screenshot(page, "requests-centres")
    assert ServiceCentre.objects.get(org=world.county_a).head == world.grassroots_admin
    context.close()
