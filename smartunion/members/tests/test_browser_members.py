"""In a real browser: a county admin logs in, finds a member by pinyin initials, transfers them.

Runs in Debian's chromium (never a downloaded browser) against pytest-django's live server,
which serves the pages from another thread: hence ``transactional_db``. With
``SMARTUNION_SCREENSHOTS=DIR`` set, it also saves the user guide's screenshots into DIR:
``SMARTUNION_SCREENSHOTS=docs/images pytest -m browser smartunion/members`` renews
docs/images/members-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.members.models import Membership, MembershipStatus, Person
from smartunion.orgs.models import Kind
from smartunion.personas import make_org

pytestmark = pytest.mark.browser


def more_members(world) -> None:
    """A few more people in county A, some sharing the initials zs, for a realistic list."""
    union_a3 = make_org(
        "城关区环卫工人联合工会", world.county_a, Kind.JOINT, "620102", employee_count=120
    )
    for name, org in [
        ("赵松", world.union_a1),
        ("周爽", world.union_a2),
        ("郑淑", union_a3),
        ("马丽", union_a3),
    ]:
        world.add_member(org, name, id_number=new_id_number(male=name != "周爽"))


def test_a_county_admin_finds_a_member_by_pinyin_initials_and_transfers_them(
    live_server, browser, world
):
    from playwright.sync_api import expect

    more_members(world)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="会员").click()
    # Typed before htmx (a deferred script) has taken the form, the text would search
    # nothing: wait for the page's load event first.
    page.wait_for_url(re.compile(r"/members/$"))
    page.get_by_placeholder(re.compile("拼音首字母")).fill("zs")
    results = page.locator("#results")
    # The search runs as the user types (HTMX): the list narrows to the people whose
    # initials are zs, without a page load.
    expect(results.get_by_role("link", name="张三")).to_be_visible()
    expect(results.get_by_role("link", name="周爽")).to_be_visible()
    expect(results.get_by_role("link", name="马丽")).to_have_count(0)
    expect(results.get_by_role("link", name="李四")).to_have_count(0)
    screenshot(page, "members-search")
    # The export link follows the search the HTMX swap put in place: the file holds the
    # same four people.
    with page.expect_download() as download:
        results.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "会员查询结果.csv"
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert all(name in exported for name in ("张三", "赵松", "郑淑", "周爽"))
    assert "李四" not in exported

    results.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("#membership-org")).to_have_text("兰州第一机械厂工会（上级：城关区总工会）")

    # 显示完整号码: HTMX puts the full number in place of the masked one; the view is audited.
    number = world.member_a1.person.id_number
    id_row = page.locator("#pii-id_number")
    expect(id_row).not_to_contain_text(number)
    b = world.member_a1.person.birth_date
    expect(page.locator("#birth-date")).to_contain_text(f"{b.year}-**-**")
    id_row.get_by_role("button", name="显示完整号码").click()
    expect(id_row).to_contain_text(number)
    expect(id_row.get_by_role("button")).to_have_count(0)
    # With the whole number shown, its birth date is shown in full too.
    expect(page.locator("#birth-date")).to_contain_text(f"{b.year}年{b.month}月{b.day}日")
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1

    page.locator("#membership").get_by_role("link", name="转会").click()

    # Submitting without a target shows the field's Chinese message and saves nothing.
    page.get_by_role("button", name="办理转会").click()
    expect(page.locator("#to-org-field .errorlist")).to_have_text("请选择转入工会。")
    screenshot(page, "members-transfer-error")

    page.get_by_role("combobox", name="转入工会").select_option(
        label="兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会"
    )
    page.get_by_label("立即完成接收").check()
    page.get_by_role("button", name="办理转会").click()

    expect(page.locator(".messages")).to_contain_text("张三已转入城关区快递行业联合工会")
    expect(page.locator("#membership-org")).to_have_text(
        "城关区快递行业联合工会（上级：城关区总工会）"
    )
    timeline = page.locator("#timeline")
    expect(timeline.locator("li").first).to_contain_text("转入")
    expect(timeline).to_contain_text("转出")
    screenshot(page, "members-detail")

    person = Person.objects.get(pk=world.member_a1.person_id)
    current = Membership.objects.current().get(person=person)
    assert current.org_id == world.union_a2.pk and current.status == MembershipStatus.ACTIVE
    assert person.org_id == world.union_a2.pk
    assert Membership.objects.get(pk=world.member_a1.pk).status == MembershipStatus.ENDED

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(f"{live_server.url}/members/{person.pk}/")
    expect(small.locator("#membership-org")).to_have_text(
        "城关区快递行业联合工会（上级：城关区总工会）"
    )
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(small, "members-detail-phone")
    phone.close()
    context.close()


@pytest.mark.browser
def test_an_application_waits_in_the_pending_list_and_is_approved_with_the_committee_s_date(
    live_server, browser, world
):
    import datetime as dt

    from playwright.sync_api import expect

    from smartunion.members import services

    for name, day in (("孙八", 12), ("周九", 3)):
        services.apply_for_membership(
            services.PersonData(name, new_id_number()),
            world.union_a1,
            actor=world.county_admin,
            applied_on=dt.date(2025, 5, day),
        )
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)
    # The home page's 待办 leads to the applications, the longest waiting first.
    page.get_by_role("link", name=re.compile("待审批的入会申请")).click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("周九")
    expect(rows.first).to_contain_text("2025-05-03")
    expect(page.locator("#results thead")).to_contain_text("申请日期")
    screenshot(page, "members-pending")

    rows.first.get_by_role("link", name="周九").click()
    page.locator("#membership").get_by_role("link", name="批准入会").click()
    # A page of its own: who, where, since when, and the committee's date (today unless
    # changed); nothing happens until it is confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("批准入会：周九")
    expect(page.locator("main")).to_contain_text("申请日期：2025-05-03")
    date = page.get_by_label("批准日期")
    expect(date).to_have_value(dt.date.today().isoformat())
    date.fill("2025-05-01")
    page.get_by_role("button", name="确认批准入会").click()
    expect(page.locator(".errorlist")).to_have_text("批准日期不能早于申请日期。")
    screenshot(page, "members-approve")
    date.fill("2025-05-20")
    page.get_by_role("button", name="确认批准入会").click()
    expect(page.locator(".messages")).to_contain_text("已批准周九入会")
    m = Membership.objects.get(person__name="周九")
    assert m.status == MembershipStatus.ACTIVE and m.joined_on == dt.date(2025, 5, 20)
    context.close()


def test_a_member_is_found_by_the_reading_of_their_surname(live_server, browser, world):
    """曾晓燕 is found by zxy and zengxiaoyan (曾 read zēng as a surname) and still by cxy,
    after the people whose own reading is cxy."""
    from playwright.sync_api import expect

    for name in ("曾晓燕", "岑小燕", "陈晓宇", "单田芳"):
        world.add_member(world.union_a1, name, id_number=new_id_number(male=name == "单田芳"))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/members/")
    search = page.get_by_placeholder(re.compile("拼音首字母"))
    results = page.locator("#results")
    names = results.locator("a.member-link")

    search.fill("zengxiaoyan")
    expect(names).to_have_text(["曾晓燕"])
    search.fill("zxy")
    expect(names).to_have_text(["曾晓燕"])
    search.fill("shantianfang")
    expect(names).to_have_text(["单田芳"])
    # The ordinary reading of the character finds her too, after those it is the reading of.
    search.fill("cxy")
    expect(names).to_have_text(["岑小燕", "陈晓宇", "曾晓燕"])
    screenshot(page, "members-search-surname")
    context.close()


def test_typing_an_id_number_into_the_search_sends_it_in_no_url(live_server, browser, world):
    """Issue 17, item 2: the search posts; neither a request URL nor the address bar (history)
    ever holds the number, even while it is typed digit by digit."""
    from playwright.sync_api import expect

    number = world.member_a2.person.id_number
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    log_in(page, live_server, world.county_admin.username)
    page.goto(f"{live_server.url}/members/")
    page.get_by_placeholder(re.compile("拼音首字母")).press_sequentially(number, delay=20)
    results = page.locator("#results")
    expect(results.get_by_role("link", name="李四")).to_be_visible()
    assert number[:11] not in page.url
    assert not [u for u in urls if number[:11] in u], urls
    context.close()
