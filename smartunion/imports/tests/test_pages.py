"""The pages and the API: upload, background check, HTMX progress, report, commit, downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from smartunion.core.testing import new_id_number, run_queued_tasks
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import csv_bytes, member_row, validated
from smartunion.members.models import Person


def upload(client, data: bytes, org, name="m.csv", kind="members"):
    return client.post(
        reverse("imports:upload"),
        {"kind": kind, "org": org.pk, "file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def bad_file(world):
    rows = [
        member_row("赵六", org=world.union_a1),
        member_row("钱七", id_number="62010219900517001X", org=world.union_a1),
    ]
    return csv_bytes(rows)


def test_the_whole_flow_through_the_pages_and_the_task_worker(client, world, bad_file):
    client.force_login(world.county_admin)
    response = upload(client, bad_file, world.county_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:detail", kwargs={"job_id": job.pk}
    )
    assert job.status == JobStatus.PENDING and job.task_id
    page = client.get(response["Location"])
    assert "正在检查" in page.content.decode() and 'hx-trigger="every 1s"' in page.content.decode()
    run_queued_tasks()
    # The polling fragment asks the page to reload once the check is done.
    poll = client.get(response["Location"] + "?poll=1", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "可导入" in page and "身份证号码校验位不正确" in page and "确认导入" in page
    response = client.post(
        reverse("imports:commit", kwargs={"job_id": job.pk}), {"mode": "valid_only"}
    )
    assert response.status_code == 302
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED and job.created_count == 1
    page = client.get(reverse("imports:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "导入结果" in page and "导入完成" in page
    assert (
        Person.objects.filter(name="赵六").exists()
        and not Person.objects.filter(name="钱七").exists()
    )


def test_the_running_status_is_an_htmx_fragment(client, world, bad_file):
    client.force_login(world.county_admin)
    upload(client, bad_file, world.county_a)
    job = ImportJob.objects.get()
    fragment = client.get(
        reverse("imports:detail", kwargs={"job_id": job.pk}), headers={"HX-Request": "true"}
    )
    text = fragment.content.decode()
    assert text.strip().startswith('<div id="job-status"') and "<html" not in text
    assert "<progress" in text


def test_a_bad_upload_gets_a_chinese_message_and_saves_nothing(client, world):
    client.force_login(world.county_admin)
    response = upload(client, b"", world.county_a)
    assert response.status_code == 200
    assert (
        "文件是空的" in response.content.decode()
        or "请选择要上传的文件" in response.content.decode()
    )
    response = upload(client, b"x", world.county_b)
    assert "工会不存在或不在您的管理范围内。" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_union_to_import_into_is_found_by_name_within_the_subtree(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("imports:upload")).content.decode()
    own = f'name="org" value="{world.county_a.pk}" checked'
    assert own in page  # the staff's own union to begin with
    page = client.get(reverse("imports:upload"), {"org": world.union_a1.pk}).content.decode()
    assert f'name="org" value="{world.union_a1.pk}" checked' in page  # from the union's page
    fragment = client.get(
        reverse("imports:upload"),
        {"q": "工会"},
        headers={"HX-Request": "true", "HX-Target": "picker-results"},
    ).content.decode()
    assert fragment.strip().startswith('<div id="picker-results"')
    assert "兰州第一机械厂工会" in fragment and "城关区快递行业联合工会" in fragment
    assert world.union_b1.name not in fragment and world.county_b.name not in fragment
    assert "<html" not in fragment
    fragment = client.get(
        reverse("imports:upload"),
        {"q": "医院"},
        headers={"HX-Request": "true", "HX-Target": "picker-results"},
    ).content.decode()
    assert "没有找到名称中有“医院”的工会" in fragment


def test_a_refused_file_is_shown_with_its_reason(client, world):
    client.force_login(world.county_admin)
    upload(client, b"%PDF-1.7 ...", world.county_a, name="a.pdf")
    run_queued_tasks()
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:detail", kwargs={"job_id": job.pk})).content.decode()
    assert "文件被拒收" in page and "PDF" in page and "确认导入" not in page


def test_the_error_workbook_holds_the_bad_rows_and_an_error_column(client, world, bad_file):
    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    client.force_login(world.county_admin)
    response = client.get(reverse("imports:errors", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows())
    assert rows[0][-2:] == ["错误说明", "原行号"]
    assert len(rows) == 2 and rows[1][0] == "钱七"
    assert rows[1][1] == "62010219900517001X"  # the original text, for fixing
    assert "【身份证号码】身份证号码校验位不正确" in rows[1][-2] and rows[1][-1] == 3
    # Someone else in scope without export_pii may not download the uploaded rows.
    client.force_login(world.viewer)
    assert client.get(reverse("imports:errors", kwargs={"job_id": job.pk})).status_code == 404


def test_the_error_workbook_keeps_the_code_and_union_lists_and_the_dropdowns(
    client, world, bad_file
):
    import openpyxl

    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    client.force_login(world.county_admin)
    data = b"".join(
        client.get(reverse("imports:errors", kwargs={"job_id": job.pk})).streaming_content
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["会员信息", "代码表", "工会列表"]
    sheet = wb["会员信息"]
    # 姓名, 身份证号码, 手机号码, 所在工会编号, 民族, 学历, 入会日期 as the user's file had them.
    checks = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    assert checks["D2"].formula1.startswith("'工会列表'!$D$2")
    assert checks["E2"].formula1.startswith("'代码表'!") and checks["F2"].type == "list"
    assert checks["B2"].type == "textLength" and checks["G2"].type == "date"
    assert "A2" not in checks and "C2" not in checks  # 姓名 and 手机号码 are typed freely
    codes = wb["代码表"]
    ethnicity = next(c.column_letter for c in codes[1] if c.value == "民族")
    assert "汉族" in [c.value for c in codes[ethnicity]]
    unions = [c.value for c in wb["工会列表"]["D"]][1:]
    assert f"{world.union_a1.pk} 兰州第一机械厂工会" in unions
    assert not any("七里河" in (u or "") for u in unions)
    # Fixed by choosing from the lists, it goes back as it is.
    sheet["B2"] = new_id_number()
    sheet["D2"] = f"{world.union_a2.pk} 城关区快递行业联合工会"
    sheet["E2"] = "回族"
    out = io.BytesIO()
    wb.save(out)
    again = validated(
        out.getvalue(), actor=world.county_admin, org=world.county_a, name="fixed.xlsx"
    )
    assert (again.rows_read, again.rows_valid) == (1, 1)


def test_the_error_workbook_can_be_fixed_and_uploaded_again(client, world, bad_file):
    import openpyxl

    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    client.force_login(world.county_admin)
    data = b"".join(
        client.get(reverse("imports:errors", kwargs={"job_id": job.pk})).streaming_content
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active["B2"] = new_id_number()
    out = io.BytesIO()
    wb.save(out)
    again = validated(
        out.getvalue(), actor=world.county_admin, org=world.county_a, name="fixed.xlsx"
    )
    assert (again.rows_read, again.rows_valid) == (1, 1)
    assert again.ignored_columns == ["错误说明", "原行号"]


def test_templates_download_as_xlsx(client, world):
    client.force_login(world.grassroots_admin)
    for name in ("imports:template_members", "imports:template_orgs"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert response.content.startswith(b"PK")


def test_exports_download_masked_by_get_and_in_full_only_by_post_with_permission(client, world):
    client.force_login(world.county_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.county_a.pk})
    response = client.get(url + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "张三" in text and world.member_a1.person.id_number not in text
    response = client.post(url, {"format": "csv", "pii": "1"})
    assert world.member_a1.person.id_number in b"".join(response.streaming_content).decode(
        "utf-8-sig"
    )
    client.force_login(world.grassroots_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.union_a1.pk})
    assert client.post(url, {"format": "csv", "pii": "1"}).status_code == 403
    response = client.get(reverse("imports:export_orgs", kwargs={"org_id": world.union_a1.pk}))
    assert response.status_code == 200


def test_the_export_section_says_what_is_masked_and_the_xlsx_limit(client, world):
    client.force_login(world.county_admin)
    html = client.get(reverse("imports:list")).content.decode()
    assert (
        "身份证号码、出生日期和手机号默认脱敏；超过 300,000 行的 Excel 文件在后台生成"
        "（见“我的导出”），CSV 边查边下载。"
    ) in html
    assert "没有后台导出。" in html


def test_an_xlsx_too_long_for_a_web_request_is_offered_in_the_background(client, world, settings):
    # County A has two members: with a limit of one, its xlsx would outlast the web server's
    # timeout. The page offers a background export instead, before any work; the CSV streams.
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 1
    from smartunion.core.models import AuditEntry

    client.force_login(world.county_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.county_a.pk})
    response = client.get(url + "?format=xlsx&all=1")
    html = response.content.decode()
    assert (
        response.status_code == 200 and "名单超过 1 行，在网页上直接生成 Excel 文件会超时。" in html
    )
    assert f'action="{reverse("imports:export_new")}"' in html
    for field in ('name="kind" value="members"', f'name="org" value="{world.county_a.pk}"'):
        assert field in html
    assert 'name="former" value="1"' in html and 'name="pii"' not in html
    back = reverse("orgs:detail", kwargs={"org_id": world.county_a.pk})
    assert f'href="{back}"' in html
    assert f'href="{reverse("orgs:tree")}" aria-current="page"' in html  # still under 工会组织
    assert not AuditEntry.objects.filter(action__startswith="export").exists()
    response = client.get(url + "?format=csv")
    assert "李四" in b"".join(response.streaming_content).decode("utf-8-sig")
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 2
    response = client.get(url + "?format=xlsx")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("imports:detail", "job"),
        ("imports:issues", "job"),
        ("imports:export_members", "org"),
        ("imports:export_orgs", "org"),
    ],
)
def test_pages_outside_the_subtree_answer_404(client, world, bad_file, name, kwargs):
    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    target = {"job_id": job.pk} if kwargs == "job" else {"org_id": world.county_a.pk}
    client.force_login(world.sibling_admin)
    assert client.get(reverse(name, kwargs=target)).status_code == 404
    client.force_login(world.county_admin)
    assert client.get(reverse(name, kwargs=target)).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client, world):
    for name in ("imports:list", "imports:upload", "imports:template_members"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize("action", ["commit", "cancel", "resume", "transfers"])
def test_a_viewer_cannot_act_on_a_job_and_get_is_not_allowed(client, world, bad_file, action):
    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    url = reverse(f"imports:{action}", kwargs={"job_id": job.pk})
    client.force_login(world.viewer)
    assert client.post(url, {"mode": "valid_only"}).status_code == 404
    client.force_login(world.county_admin)
    assert client.get(url).status_code == 405
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED
    assert not Person.objects.filter(name="赵六").exists()


def test_a_commit_refused_by_the_service_shows_its_message(client, world, bad_file):
    job = validated(bad_file, actor=world.county_admin, org=world.county_a)
    client.force_login(world.county_admin)
    response = client.post(
        reverse("imports:commit", kwargs={"job_id": job.pk}),
        {"mode": "all_or_nothing"},
        follow=True,
    )
    assert "选择“全部正确才导入”时一行都不会导入" in response.content.decode()
    assert not Person.objects.filter(name="赵六").exists()


def test_the_list_page_shows_the_jobs_of_the_subtree_only(client, world, bad_file):
    validated(bad_file, actor=world.county_admin, org=world.county_a, name="a县文件.csv")
    client.force_login(world.sibling_admin)
    assert "a县文件.csv" not in client.get(reverse("imports:list")).content.decode()
    client.force_login(world.city_admin)
    assert "a县文件.csv" in client.get(reverse("imports:list")).content.decode()


def test_the_api_uploads_polls_lists_issues_and_commits(client, world, bad_file):
    client.force_login(world.county_admin)
    response = client.post(
        "/api/v1/imports/jobs",
        {
            "kind": "members",
            "org": world.county_a.pk,
            "file": SimpleUploadedFile("m.csv", bad_file),
        },
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    run_queued_tasks()
    job = client.get(f"/api/v1/imports/jobs/{job_id}").json()
    assert (job["status"], job["rows_valid"], job["rows_error"]) == ("validated", 1, 1)
    issues = client.get(f"/api/v1/imports/jobs/{job_id}/issues?level=error").json()["items"]
    assert [(i["row_no"], i["column"]) for i in issues] == [(3, "身份证号码")]
    response = client.post(
        f"/api/v1/imports/jobs/{job_id}/commit",
        {"mode": "all_or_nothing"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "全部正确才导入" in response.json()["detail"][0]["message"]
    response = client.post(
        f"/api/v1/imports/jobs/{job_id}/commit",
        {"mode": "valid_only"},
        content_type="application/json",
    )
    assert response.status_code == 202
    run_queued_tasks()
    assert client.get(f"/api/v1/imports/jobs/{job_id}").json()["created_count"] == 1
    client.force_login(world.sibling_admin)
    assert client.get(f"/api/v1/imports/jobs/{job_id}").status_code == 404


def test_a_union_pages_member_list_exports_as_it_is_filtered(client, world):
    from smartunion.core.models import AuditEntry
    from smartunion.core.testing import downloaded_csv
    from smartunion.members.models import Membership

    Membership.objects.filter(pk=world.member_a2.pk).update(status="ended")
    client.force_login(world.county_admin)
    org_url = reverse("orgs:detail", kwargs={"org_id": world.county_a.pk})
    export_url = reverse("imports:export_members", kwargs={"org_id": world.county_a.pk})
    html = client.get(org_url, {"status": "ended", "sub": "1"}).content.decode()
    link = f'href="{export_url}?status=ended&amp;sub=1&amp;q=&amp;format=xlsx"'
    assert link in html and 'id="member-export-csv"' in html

    def names(**params) -> list[str]:
        _banner, header, *rows = downloaded_csv(client.get(export_url, {**params, "format": "csv"}))
        return sorted(r[header.index("姓名")] for r in rows)

    assert names(status="ended", sub="1") == ["李四"]
    assert names(sub="1") == ["张三"]  # the current members
    assert names(sub="1", status="current") == ["张三"]
    assert names(sub="0") == []  # the county union itself has none
    assert names(sub="1", q="zs") == ["张三"]
    assert names() == ["张三"]  # the page's top links: the subtree's current members
    last = AuditEntry.objects.filter(action="export").order_by("-seq")[1]
    assert last.changes == {
        "kind": "members",
        "format": "csv",
        "with_pii": False,
        "searched": True,
        "status": "",
    }
    # A search by ID number offers no export: the link would carry the number.
    number = world.member_a1.person.id_number
    html = client.post(org_url, {"q": number, "sub": "1"}).content.decode()
    assert (
        "张三" in html
        and "member-export-xlsx" not in html
        and number not in html.replace('value="' + number + '"', "")
    )


def test_a_filtered_union_list_too_long_for_the_page_keeps_its_filters_in_the_background(
    client, world, settings
):
    settings.SMARTUNION_EXPORT_XLSX_WEB_ROWS = 0
    client.force_login(world.county_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.union_a1.pk})
    html = client.get(url, {"format": "xlsx", "status": "active", "sub": "0", "q": "zs"})
    html = html.content.decode()
    for field in (
        'name="status" value="active"',
        'name="subtree" value="0"',
        'name="q" value="zs"',
    ):
        assert field in html
    response = client.post(
        reverse("imports:export_new"),
        {
            "kind": "members",
            "org": world.union_a1.pk,
            "format": "xlsx",
            "status": "active",
            "subtree": "0",
            "q": "zs",
        },
    )
    assert response.status_code == 302
    from smartunion.imports.models import ExportJob

    job = ExportJob.objects.get()
    assert job.params == {"former": False, "q": "zs", "status": "active", "subtree": False}
    assert job.title == "兰州第一机械厂工会本级会员名单（在籍）（查询结果）"


def test_an_xlsx_download_leaves_no_file_behind_even_if_never_read(client, world, settings):
    # The workbook holds personal information: a client that goes away before the first
    # chunk must not leave it in the temporary folder (VAR_DIR: imports/tests/conftest.py).
    client.force_login(world.county_admin)
    url = reverse("imports:export_members", kwargs={"org_id": world.county_a.pk})
    response = client.post(url, {"format": "xlsx", "pii": "1"})
    assert response.status_code == 200 and response["Content-Length"]
    assert not list((settings.VAR_DIR / "tmp").rglob("*"))
    data = b"".join(response.streaming_content)
    assert data.startswith(b"PK") and len(data) == int(response["Content-Length"])
    response.close()


def test_an_exported_union_list_is_named_after_its_filters(world):
    from smartunion.imports import exports

    def stem(**filters) -> str:
        return exports.member_export(world.county_admin, world.county_a, **filters).stem

    assert stem() == stem(status="current") == "城关区总工会会员名单"
    assert stem(status="retained", subtree=False) == "城关区总工会本级会员名单（保留会籍）"
    assert stem(current_only=False) == "城关区总工会会员名单（全部会籍）"
    assert stem(q="zs") == "城关区总工会会员名单（查询结果）"
