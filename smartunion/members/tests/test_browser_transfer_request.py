"""In a real browser: 申请转入 across counties (issue 11 §4).

County A's admin asks for a member of county B by full name and full ID number; county B's
admin finds it among the home page's 待办, approves it on the transfers page, and the member
moves. With ``SMARTUNION_SCREENSHOTS=DIR`` set, it saves the user guide's screenshots
(docs/images/members-transfer-request*.png, members-transfers.png).
"""

from __future__ import annotations

import re

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.members.models import Membership, Person, Transfer, TransferStatus
from smartunion.members.services import NO_MATCH

pytestmark = pytest.mark.browser


def test_county_a_asks_for_a_member_of_county_b_who_approves(live_server, browser, world):
    from playwright.sync_api import expect

    number = Person.objects.get(pk=world.member_b1.person_id).id_number
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)

    page.goto(f"{live_server.url}/members/transfers/")
    page.get_by_role("link", name="申请转入", exact=True).click()
    page.wait_for_url(re.compile(r"/members/transfers/request/$"))
    form = page.locator("#transfer-request-form")
    form.get_by_role("combobox", name="转入工会（本方）").select_option(
        label="兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会"
    )
    # A name that does not match the number: one answer, the number not shown back.
    form.get_by_label("姓名").fill("王六")
    form.get_by_label("身份证号码").fill(number)
    form.get_by_role("button", name="发出申请").click()
    expect(page.locator(".msg-error")).to_contain_text(NO_MATCH)
    expect(form.get_by_label("身份证号码")).to_have_value("")
    assert number not in page.content()
    screenshot(page, "members-transfer-request-error")

    form.get_by_role("combobox", name="转入工会（本方）").select_option(
        label="兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会"
    )
    form.get_by_label("姓名").fill("王五")
    form.get_by_label("身份证号码").fill(number)
    form.get_by_label("说明").fill("已入职城关区快递公司")
    form.get_by_role("button", name="发出申请").click()
    expect(page.locator(".messages")).to_contain_text(
        "已向七里河区供电公司工会申请王五转入城关区快递行业联合工会，待对方工会同意"
    )
    outgoing = page.locator("#out")
    expect(outgoing).to_contain_text("申请转入")
    expect(outgoing.get_by_role("link", name="王五")).to_have_count(0)  # not theirs yet
    screenshot(page, "members-transfer-request")
    transfer = Transfer.objects.get()
    assert transfer.status == TransferStatus.PENDING

    # County B's admin: the home page's 待办 leads to the transfers page.
    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    other.set_default_timeout(TIMEOUT_MS)
    b = other.new_page()
    log_in(b, live_server, world.sibling_admin.username)
    card = b.locator(".stat", has_text="待同意的转入申请")
    expect(card.locator(".value")).to_have_text("1")
    card.get_by_role("link").click()
    b.wait_for_url(re.compile(r"/members/transfers/\?box=in#in$"))
    incoming = b.locator("#in")
    expect(incoming).to_contain_text("城关区快递行业联合工会")
    expect(incoming).to_contain_text("已入职城关区快递公司")
    screenshot(b, "members-transfers")
    incoming.get_by_role("button", name="同意转出").click()
    expect(b.locator(".messages")).to_contain_text("已同意王五转入城关区快递行业联合工会")
    expect(b.locator("#in")).to_contain_text("没有待接收的转会")

    current = Membership.objects.current().get(person_id=world.member_b1.person_id)
    assert current.org_id == world.union_a2.pk and current.card_no == world.member_b1.card_no
    assert Transfer.objects.get().status == TransferStatus.ACCEPTED

    # County A's admin now opens the member's page.
    page.goto(f"{live_server.url}/members/{world.member_b1.person_id}/")
    expect(page.locator("#membership-org")).to_have_text(
        "城关区快递行业联合工会（上级：城关区总工会）"
    )
    other.close()
    context.close()
