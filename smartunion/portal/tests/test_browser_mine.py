"""In a real browser at 390 × 844: a bound worker asks for help with a photo from the phone,
follows it, answers a legal-aid 补正 from the home page's notice and rates the request's result.

With ``SMARTUNION_SCREENSHOTS=docs/images`` it renews docs/images/portal-mine-*.png (the user
guide's chapter 职工使用说明).
"""

from __future__ import annotations

import pytest

from smartunion.core.testing_browser import TIMEOUT_MS, screenshot

pytestmark = pytest.mark.browser

PHONE = "13900001111"
PHONE_SIZE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_worker_applies_follows_answers_a_correction_and_rates(
    live_server, browser, world, tmp_path
):
    from django.utils import timezone
    from playwright.sync_api import expect

    from smartunion.casework import services as casework
    from smartunion.legalaid.testing import min_wages
    from smartunion.portal import apply, signin
    from smartunion.portal.models import WorkerBinding
    from smartunion.servicerequests.models import ServiceRequest
    from smartunion.servicerequests.services import ensure_categories

    ensure_categories()
    min_wages()
    person = world.add_member(world.union_a1, "马兰花", phone=PHONE).person
    WorkerBinding.objects.create(
        phone_index=signin.phone_index(PHONE), person=person, bound_at=timezone.now()
    )
    context = browser.new_context(
        viewport=PHONE_SIZE, locale="zh-CN", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": "smartunion_worker", "value": signin.issue_token(PHONE), "url": live_server.url}]
    )
    page = context.new_page()
    photo = tmp_path / "欠薪现场.png"
    photo.write_bytes(PNG)

    # 我要办事 → 我有诉求, with a photo; the first try without content is refused in Chinese.
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="我要办事").first.click()
    page.get_by_role("link", name="我有诉求").click()
    page.get_by_label("诉求类别").select_option(label="服务帮扶")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#error")).to_contain_text("请填写诉求内容")
    assert not ServiceRequest.objects.exists()
    page.get_by_label("诉求内容").fill("单位三个月未发工资，请工会帮助。")
    page.get_by_label("照片或材料（可多选）").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]
    screenshot(page, "portal-mine-apply")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#item-state")).to_have_text("待分派")
    expect(page.get_by_text("欠薪现场.png")).to_be_visible()
    request = ServiceRequest.objects.get()
    assert request.person_id == person.pk and request.channel == "online"

    # The union handles it and reports; legal aid asks her for documents.
    request = casework.transition(request, "accept", actor=world.county_admin)
    casework.transition(request, "report", actor=world.county_admin, note="已督促单位补发工资。")
    aid = apply.apply_legal_aid(person, matter="labour", aid_form="arbitration", facts="欠薪。")
    casework.transition(
        aid, "request_documents", actor=world.county_admin, note="请补交劳动合同照片。"
    )

    # The home page's notices, newest first, unread marked; the 补正 one opens the case.
    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("#unread-count")).to_be_visible()
    expect(page.locator(".notices li").first).to_contain_text("需补正材料")
    screenshot(page, "portal-mine-notices")
    page.locator(".notices li").first.get_by_role("link").click()
    expect(page.locator("#item-next")).to_have_text("请您补正材料")
    expect(page.get_by_text("请补交劳动合同照片。")).to_be_visible()
    page.get_by_label("照片或材料（可多选）").set_input_files(str(photo))
    page.get_by_label("补正说明").fill("已拍照上传劳动合同。")
    screenshot(page, "portal-mine-correction")
    page.get_by_role("button", name="提交补正").click()
    expect(page.locator("#item-state")).to_have_text("待审查")
    aid.refresh_from_db()
    assert aid.state == "review"

    # 我的办事 → the request → 评价: 基本满意.
    page.get_by_role("link", name="我的办事").click()
    page.get_by_role("link", name=request.number).click()
    expect(page.locator("#item-next")).to_have_text("请您评价办理结果")
    page.get_by_label("基本满意").check()
    page.get_by_label("意见或建议（选填）").fill("办得及时。")
    screenshot(page, "portal-mine-rate")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#item-state")).to_have_text("已办结")
    request.refresh_from_db()
    assert request.satisfied is True and request.callback_comment.startswith("基本满意")
    assert person.id_number not in page.content()
    page.get_by_role("link", name="我的办事").click()
    screenshot(page, "portal-mine-list")
    context.close()
