"""In a real browser: a county admin uploads a member sheet, reads the report, fixes nothing,
imports the valid rows, and sees the result.

The background jobs are run by django-tasks-db's own worker code in the test's thread
(``core.testing.run_queued_tasks``), while the page polls its progress as it does against ``manage.py
db_worker``. With ``SMARTUNION_SCREENSHOTS=DIR`` set it saves the import guide's screenshots:
``SMARTUNION_SCREENSHOTS=docs/images pytest -m browser smartunion/imports`` renews
docs/images/imports-*.png.
"""

from __future__ import annotations

import re

import pytest

from smartunion.core.testing import run_queued_tasks
from smartunion.core.testing_browser import TIMEOUT_MS, log_in, screenshot
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row
from smartunion.members.models import Person

pytestmark = pytest.mark.browser


def sheet(world) -> bytes:
    """Four new people for union A1, one with a mistyped ID number, one twice."""
    twice = member_row("孙八", org=world.union_a1)
    return csv_bytes(
        [
            member_row("赵六", org=world.union_a1),
            member_row("钱七", id_number="62010219900517001X", org=world.union_a1),
            twice,
            member_row("周九", org=world.union_a1, ethnicity="回族"),
            twice,
        ],
        encoding="gb18030",
    )


def test_a_county_admin_uploads_checks_and_imports_a_member_sheet(
    live_server, browser, world, tmp_path
):
    from playwright.sync_api import expect

    upload = tmp_path / "城关区会员.csv"
    upload.write_bytes(sheet(world))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入导出").click()
    page.get_by_role("link", name="上传导入文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传导入文件")
    page.get_by_label("会员").check()
    # The union is found by its name (the staff's own union is chosen to begin with).
    expect(page.get_by_role("radio", name=re.compile("城关区总工会"))).to_be_checked()
    page.get_by_placeholder("输入工会名称查找").fill("机械")
    page.get_by_role("radio", name=re.compile("兰州第一机械厂工会")).check()
    page.get_by_label("文件").set_input_files(str(upload))
    screenshot(page, "imports-upload")
    page.get_by_role("button", name="上传并检查").click()

    # The job's page polls its status while the worker checks the file.
    expect(page.get_by_role("heading", level=1)).to_contain_text("城关区会员.csv")
    job = ImportJob.objects.get()
    run_queued_tasks()
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.VALIDATED
    issues = page.get_by_role("region", name="问题清单")
    expect(issues).to_contain_text("校验位", timeout=TIMEOUT_MS)
    figures = page.get_by_role("region", name="检查结果")
    expect(figures).to_contain_text("读取行数")
    # 5 rows: 3 to import, the mistyped number and the second 孙八 refused with their rows.
    expect(figures.locator(".stat").nth(0).locator(".value")).to_have_text("5")
    expect(figures.locator(".stat").nth(1).locator(".value")).to_have_text("3")
    expect(figures.locator(".stat").nth(2).locator(".value")).to_have_text("2")
    # Each refused row with its row number (the header is row 1), column and message.
    checksum = issues.locator("tbody tr", has_text="校验位")
    expect(checksum.locator("td").nth(0)).to_have_text("3")
    expect(checksum.locator("td").nth(1)).to_have_text("身份证号码")
    expect(issues.locator("tbody tr", has_text="重复").locator("td").nth(0)).to_have_text("6")
    expect(page.get_by_role("link", name=re.compile("下载错误行"))).to_be_visible()
    screenshot(page, "imports-report")

    page.get_by_role("button", name="确认导入").click()
    run_queued_tasks()
    expect(page.get_by_role("region", name="导入结果")).to_contain_text("新建", timeout=TIMEOUT_MS)
    page.reload()
    result = page.get_by_role("region", name="导入结果")
    expect(result.locator("dd").nth(1)).to_have_text("3")
    screenshot(page, "imports-result")
    assert set(Person.objects.filter(org=world.union_a1).values_list("name", flat=True)) >= {
        "赵六",
        "孙八",
        "周九",
    }
    assert not Person.objects.filter(name="钱七").exists()
    context.close()


def test_a_list_too_long_for_the_page_is_exported_in_the_background(
    live_server, browser, world, settings, tmp_path
):
    from playwright.sync_api import expect
    from python_calamine import CalamineWorkbook

    # County A's two members stand for a province: more than an Excel file a page may write.
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 1
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server, world.county_admin.username)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="会员").click()
    page.locator("#export-xlsx").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导出“会员名单”")
    expect(page.get_by_role("region", name="名单较长，请在后台生成")).to_contain_text(
        "名单超过 1 行"
    )
    screenshot(page, "exports-notice")
    page.get_by_role("button", name="在后台生成 Excel 文件").click()

    # The job's page polls while the worker writes the file, then offers it.
    expect(page.get_by_role("heading", level=1)).to_have_text("会员名单.xlsx")
    expect(page.get_by_role("region", name="状态")).to_contain_text("排队等待生成")
    run_queued_tasks()
    download_link = page.get_by_role("link", name="下载文件")
    expect(download_link).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("region", name="状态")).to_contain_text("可以下载")
    screenshot(page, "exports-done")
    with page.expect_download() as download:
        download_link.click()
    path = tmp_path / "会员名单.xlsx"
    download.value.save_as(path)
    _banner, header, *rows = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名单").to_python()
    )
    assert header[0] == "姓名" and sorted(r[0] for r in rows) == ["张三", "李四"]

    # 我的导出 on the 导入导出 page lists it.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入导出").click()
    mine = page.get_by_role("region", name="我的导出")
    expect(mine.get_by_role("link", name="会员名单.xlsx")).to_be_visible()
    expect(mine).to_contain_text("可以下载")
    context.close()
