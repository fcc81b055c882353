"""In a real browser: a contest from its proposal to its published results.

兰州市总工会 proposes a 二类 welding contest (the form warns that the trade ran a provincial
contest last year); the province puts it on the plan; the city opens entries, runs the
preliminaries and the final on the score sheet (scores, ranking), publishes the results
through 公示 and, the notice over, publishes them. With ``SMARTUNION_SCREENSHOTS=docs/images``
it renews docs/images/contests-*.png for the user guide.
"""

from __future__ import annotations

import datetime as dt

import pytest

from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.casework.models import Notice
from smartunion.contests import services
from smartunion.contests.models import Contest, Entry
from smartunion.contests.testing import make_contest, make_entry
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot

pytestmark = pytest.mark.browser
YEAR = dt.date.today().year


def test_a_contest_from_its_plan_to_published_results(live_server, browser, world):
    from playwright.sync_api import expect

    make_contest(world.province, world.province_admin, year=YEAR - 1, state="planned")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def act(label, note=""):
        page.locator("#case-actions").get_by_role("link", name=label).click()
        if note:
            page.locator("#id_note").fill(note)
        page.get_by_role("button", name=f"确认{label}").click()
        expect(page.locator(".msg-success")).to_contain_text(f"已办理“{label}”")

    # -- the city proposes ---------------------------------------------------------------------
    log_in(page, live_server, world.city_admin.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="竞赛").click()
    page.get_by_role("link", name="申报竞赛").click()
    fields = {
        "name": "兰州市职工焊工技能竞赛",
        "starts_on": f"{YEAR}-05-10",
        "ends_on": f"{YEAR}-09-30",
        "budget": "80000.00",
        "trade": "焊工",
        "occupation_code": "6-18-02-04",
        "co_organisers": "兰州市人力资源和社会保障局",
    }
    for name, value in fields.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_tier").select_option("class2")
    page.locator("#id_kind").select_option("skills")
    page.locator("#id_level").select_option("3")
    page.get_by_role("button", name="申报").click()
    expect(page.locator(".msg-success")).to_contain_text("待省总工会纳入计划")
    expect(page.locator("p.msg-warning[role=alert]")).to_contain_text("两年内只举办一次省级竞赛")
    contest = Contest.objects.get(name="兰州市职工焊工技能竞赛")
    screenshot(page, "contests-proposed")

    # -- the province puts it on the plan ------------------------------------------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.province_admin.username)
    page.goto(f"{live_server.url}/contests/?year={YEAR}")
    screenshot(page, "contests-plan")
    page.get_by_role("link", name="兰州市职工焊工技能竞赛").click()
    act("纳入年度计划", note="同意纳入全省二类竞赛计划。")

    # -- entries, checked by the unit, the host and the committee (the city) -------------------
    page.get_by_role("button", name="退出").click()
    log_in(page, live_server, world.city_admin.username)
    page.goto(f"{live_server.url}{contest.get_absolute_url()}")
    act("发布方案，开始报名")
    people = [world.member_a1, world.member_a2, world.add_member(world.union_a1, name="钱师傅")]
    entries = [make_entry(contest, m, world.county_admin) for m in people]
    for entry in entries:
        casework.transition(entry, "unit_approve", actor=world.county_admin)
        casework.transition(entry, "host_approve", actor=world.city_admin)
    page.goto(f"{live_server.url}{entries[0].get_absolute_url()}")
    act("组委会审核通过")
    for entry in entries[1:]:
        casework.transition(entry, "committee_approve", actor=world.city_admin)
    page.goto(f"{live_server.url}{contest.get_absolute_url()}")
    act("报名截止，开始初赛")

    # -- the preliminaries on the score sheet --------------------------------------------------
    page.get_by_role("link", name="成绩录入").click()
    for name in ("赵裁判", "周裁判"):
        page.locator("#id_name").fill(name)
        page.get_by_role("button", name="添加裁判").click()
        expect(page.locator(".msg-success")).to_contain_text("已添加裁判")
    judges = list(contest.judges.order_by("id"))
    scores = {0: ("88", "92"), 1: ("95", "80"), 2: ("70", "75")}
    for i, entry in enumerate(entries):
        for judge in judges:
            for part, value in zip(("theory", "practice"), scores[i], strict=True):
                services.record_score(
                    entry, judge_id=judge.pk, part=part, value=value, actor=world.city_admin
                )
    page.get_by_role("button", name="计算名次").click()
    expect(page.locator(".msg-success")).to_contain_text("3名选手有完整成绩")
    screenshot(page, "contests-scores")
    for entry in entries[:2]:
        casework.transition(Entry.objects.get(pk=entry.pk), "advance", actor=world.city_admin)
    page.goto(f"{live_server.url}{contest.get_absolute_url()}")
    act("初赛结束，开始决赛")

    # -- the final, then 公示 --------------------------------------------------------------------
    page.get_by_role("link", name="成绩录入").click()
    row = page.get_by_role("row").filter(has_text=people[0].person.name)
    row.locator("select[name=part]").select_option("theory")
    row.locator("input[name=value]").fill("91")
    row.get_by_role("button", name="录入").click()
    expect(page.locator(".msg-success")).to_contain_text("已录入成绩")
    finals = {
        entries[0].pk: (("91", "93"), ("90", "94")),
        entries[1].pk: (("97", "97"), ("85", "85")),
    }
    for pk, values in finals.items():
        entry = Entry.objects.get(pk=pk)
        for j, judge in enumerate(judges):
            theory, practice = values[j]
            if not (pk == entries[0].pk and j == 0):
                services.record_score(
                    entry, judge_id=judge.pk, part="theory", value=theory, actor=world.city_admin
                )
            services.record_score(
                entry, judge_id=judge.pk, part="practice", value=practice, actor=world.city_admin
            )
    page.get_by_role("button", name="计算名次").click()
    page.goto(f"{live_server.url}{contest.get_absolute_url()}")
    act("发布成绩公示")
    notice = Notice.objects.get(subject_kind="contests.entry")
    notices.close_notice(notice, actor=world.city_admin, on=notice.ends_on + dt.timedelta(days=1))
    page.reload()
    act("公示结束，发布结果")
    expect(page.locator("#h-status").locator("..")).to_contain_text("结果已发布")
    page.get_by_role("link", name="成绩与名次").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text(people[0].person.name)
    expect(page.get_by_role("row").nth(1)).to_contain_text("一等奖")
    screenshot(page, "contests-results")
    context.close()
