"""帮扶 pages as staff use them: opening a file through the form (and what it refuses), the
file's page, a transition's page, payments, print forms, the export, 公示 and campaigns."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse

from smartunion.assistance.models import CampaignLine, HardshipFile, StudentAid
from smartunion.assistance.tests.conftest import CARD, household
from smartunion.assistance.tests.test_files import in_file, new_file, through_review
from smartunion.casework.models import Attachment
from smartunion.core.models import AuditEntry

TODAY = dt.date.today()


def form_data(world, data=None, org=None) -> dict:
    """The POST of the new-file form for ``household()``."""
    data = data or household()
    post = {
        "org": str((org or world.union_a1).pk),
        "region": data.region,
        "bank_card": data.bank_card or "",
        "family-TOTAL_FORMS": str(len(data.family)),
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "29",
    }
    for key, value in data.values.items():
        if key == "exclusions":
            for code, answer in value.items():
                post[f"exclusion_{code}"] = "1" if answer else "0"
        elif key == "secondary_causes":
            post[key] = value
        else:
            post[key] = value
    head = data.head
    post.update(
        {
            "head-name": head.name,
            "head-id_number": head.id_number,
            "head-monthly_income": head.monthly_income,
            "head-health": head.health,
            "head-medical_insurance": head.medical_insurance,
            "head-identity": head.identity,
            "head-phone": "13900001111",
        }
    )
    for i, m in enumerate(data.family):
        post.update(
            {
                f"family-{i}-name": m.name,
                f"family-{i}-id_number": m.id_number,
                f"family-{i}-relation": m.relation,
                f"family-{i}-monthly_income": m.monthly_income,
                f"family-{i}-health": m.health,
                f"family-{i}-medical_insurance": m.medical_insurance,
                f"family-{i}-identity": m.identity,
                f"family-{i}-school_level": m.school_level,
            }
        )
    return post


def test_a_grassroots_admin_opens_a_file_through_the_form(standards, client):
    world = standards
    client.force_login(world.grassroots_admin)
    page = client.get(reverse("assistance:file_new"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "户主（困难职工本人）" in text and "不予建档情形核查" in text and "家庭成员" in text
    response = client.post(reverse("assistance:file_new"), form_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    file = HardshipFile.objects.get()
    assert response["Location"] == reverse("assistance:file", kwargs={"file_id": file.pk})
    detail = client.get(response["Location"]).content.decode()
    assert "张建国" in detail and "深度困难" in detail and "200.00" in detail
    assert "提交申请" in detail  # the first transition's button
    for member in file.members.all():
        assert member.id_number not in detail and member.id_masked in detail
    assert CARD not in detail


def test_a_refused_form_keeps_what_was_typed_and_says_why_in_chinese(standards, client):
    world = standards
    client.force_login(world.grassroots_admin)
    data = household()
    data.family[0].id_number = data.family[0].id_number[:17] + (
        "0" if data.family[0].id_number[17] != "0" else "1"
    )
    post = form_data(world, data)
    response = client.post(reverse("assistance:file_new"), post)
    assert response.status_code == 200
    text = response.content.decode()
    assert "第1位家庭成员：身份证号码校验位不正确" in text
    assert 'value="兰州市城关区东岗西路1号"' in text  # the rest is kept
    assert not HardshipFile.objects.exists()


def test_the_new_file_form_needs_every_exclusion_answered(standards, client):
    world = standards
    client.force_login(world.grassroots_admin)
    post = form_data(world)
    first = next(k for k in post if k.startswith("exclusion_"))
    del post[first]
    text = client.post(reverse("assistance:file_new"), post).content.decode()
    assert "请逐项回答不予建档情形核查" in text
    assert not HardshipFile.objects.exists()


def test_a_transition_page_asks_for_its_fields_and_moves_the_file(standards, client):
    world = standards
    file = new_file(world)
    client.force_login(world.grassroots_admin)
    url = reverse("assistance:file_submit", kwargs={"file_id": file.pk})
    assert "提交后由基层工会初审" in client.get(url).content.decode()
    response = client.post(url, {"expected_state": "draft"})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == "submitted"
    # The same page again (a second click, another tab): the state moved on.
    again = client.post(url, {"expected_state": "draft"}).content.decode()
    assert "该事项刚被他人处理" in again


def test_the_wrong_role_sees_why_and_nothing_moves(standards, client):
    world = standards
    file = through_review(world, new_file(world))
    client.force_login(world.grassroots_admin)
    response = client.post(
        reverse("assistance:file_approve", kwargs={"file_id": file.pk}),
        {"expected_state": file.state},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "当前状态为“待公示”，不能“审批建档”" in text
    file.refresh_from_db()
    assert file.state == "ready"


def test_a_payment_page_records_money_and_refuses_bad_amounts(standards, caps, client):
    world = standards
    file = in_file(world)
    client.force_login(world.county_admin)
    url = reverse("assistance:file_pay", kwargs={"file_id": file.pk})
    bad = client.post(
        url,
        {
            "aid_type": "living",
            "amount": "-100",
            "fund_source": "own",
            "paid_on": TODAY.isoformat(),
        },
    )
    assert "金额应大于0" in bad.content.decode()
    ok = client.post(
        url,
        {
            "aid_type": "living",
            "amount": "1500.50",
            "fund_source": "own",
            "paid_on": TODAY.isoformat(),
        },
    )
    assert ok.status_code == 302
    page = client.get(reverse("assistance:file", kwargs={"file_id": file.pk})).content.decode()
    assert "1500.50" in page and "本级工会经费" in page


def test_print_forms_are_masked_unless_revealed_and_the_full_print_is_audited(standards, client):
    world = standards
    file = new_file(world)
    head = file.members.get(relation="self")
    client.force_login(world.county_admin)
    for name in (
        "assistance:file_print",
        "assistance:file_print_application",
        "assistance:file_print_authorization",
    ):
        page = client.get(reverse(name, kwargs={"file_id": file.pk})).content.decode()
        assert head.id_masked in page and head.id_number not in page
    full = client.get(
        reverse("assistance:file_print", kwargs={"file_id": file.pk}), {"full": "1"}
    ).content.decode()
    assert head.id_number in full and CARD in full
    assert AuditEntry.objects.filter(action="assistance.print_full").exists()
    client.force_login(world.viewer)
    viewer = client.get(
        reverse("assistance:file_print", kwargs={"file_id": file.pk}), {"full": "1"}
    ).content.decode()
    assert head.id_number not in viewer


def test_the_export_follows_the_national_form_masked_and_audited(standards, client):
    import csv

    world = standards
    file = new_file(world)
    client.force_login(world.county_admin)
    response = client.get(reverse("assistance:files"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[1]
    assert header[:5] == ["档案编号", "困难类别", "建档标准", "姓名", "民族"]
    assert "家庭成员1身份证号" in header
    assert rows[2][0] == file.number and rows[2][3] == "张建国"
    for member in file.members.all():
        assert member.id_number not in text
    assert CARD not in text
    assert AuditEntry.objects.filter(action="export").exists()


def test_the_file_list_filters_and_the_lists_staff_work_from(standards, client):
    world = standards
    first = new_file(world)
    second = new_file(world, household(head_name="刘秀英", head_income="2500"))
    client.force_login(world.county_admin)
    url = reverse("assistance:files")
    deep = client.get(url, {"category": "deep"}).content.decode()
    assert "张建国" in deep and "刘秀英" not in deep
    assert "刘秀英" in client.get(url, {"q": "刘"}).content.decode()
    assert "没有符合条件的档案" in client.get(url, {"list": "not_rechecked"}).content.decode()
    assert first.pk and second.pk
    client.force_login(world.sibling_admin)
    assert "张建国" not in client.get(url).content.decode()


def test_the_file_list_takes_the_case_lists_shared_filters(standards, client):
    """Waiting (the user's turn), overdue, state and union: casework's filters, as on the other
    case lists (``casework.views.filter_cases``), and only within the user's scope."""
    from django.utils import timezone

    world = standards
    mine = new_file(world)
    other = new_file(
        world,
        household(head_name="刘秀英", head_income="2500"),
        org=world.union_a2,
        actor=world.county_admin,
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    HardshipFile.objects.filter(pk=mine.pk).update(
        due_on=yesterday, clock_stopped_on=None, responsible_org=world.county_a
    )
    HardshipFile.objects.filter(pk=other.pk).update(due_on=None, state="in_file")
    client.force_login(world.county_admin)
    url = reverse("assistance:files")

    def names(**params) -> set[str]:
        text = client.get(url, params).content.decode()
        return {name for name in ("张建国", "刘秀英") if name in text}

    assert names() == {"张建国", "刘秀英"}
    assert names(list="waiting") == names(waiting="1") == {"张建国"}
    assert names(list="overdue") == names(overdue="1") == {"张建国"}
    assert names(state="in_file") == {"刘秀英"}
    assert names(org=str(world.union_a2.pk)) == {"刘秀英"}
    assert names(org=str(world.union_b1.pk)) == set()  # another county's union: nothing
    client.force_login(world.sibling_admin)
    assert names(list="overdue") == set()


def test_the_student_aid_list_s_overdue_are_the_home_card_s(world, client):
    """逾期未办的金秋助学申请: the list the home page's card opens holds what the card counts —
    past the deadline with the clock running; one whose clock is stopped is neither."""
    from django.utils import timezone

    from smartunion.assistance.testing import make_campaign, make_file, make_student_aid
    from smartunion.casework.home import todo_figures
    from smartunion.core.testing import new_id_number
    from smartunion.members.models import Person

    heads = []
    for name in ("张建国", "刘秀英"):
        world.add_member(world.union_a1, name, id_number=new_id_number())
        heads.append(Person.objects.get(name=name))
    campaign = make_campaign(world.union_a1)
    late, stopped = (
        make_student_aid(make_file(world.union_a1, head, state="in_file"), campaign)
        for head in heads
    )
    past = timezone.localdate() - dt.timedelta(days=3)
    StudentAid.objects.filter(pk=late.pk).update(due_on=past, responsible_org=world.union_a1)
    StudentAid.objects.filter(pk=stopped.pk).update(
        due_on=past, responsible_org=world.union_a1, clock_stopped_on=past
    )
    client.force_login(world.county_admin)
    text = client.get(reverse("assistance:student_aids"), {"overdue": "1"}).content.decode()
    assert late.number in text and stopped.number not in text
    card = [f for f in todo_figures(world.county_admin) if f.label == "逾期未办的金秋助学申请"]
    assert [f.value for f in card] == [1]


def test_the_overdue_list_holds_what_the_home_card_counts(standards, client):
    """逾期未办: of the files waiting on the user's union or below it, as the card that opens
    the list counts them — not one in the county's subtree whose turn is the city's."""
    from django.utils import timezone

    from smartunion.casework.home import todo_figures

    world = standards
    mine = new_file(world)
    above = new_file(world, household(head_name="刘秀英", head_income="2500"))
    past = timezone.localdate() - dt.timedelta(days=2)
    HardshipFile.objects.filter(pk=mine.pk).update(due_on=past, responsible_org=world.county_a)
    HardshipFile.objects.filter(pk=above.pk).update(due_on=past, responsible_org=world.city)
    client.force_login(world.county_admin)
    text = client.get(reverse("assistance:files"), {"overdue": "1"}).content.decode()
    assert "张建国" in text and "刘秀英" not in text
    card = [f for f in todo_figures(world.county_admin) if f.label == "逾期未办的困难职工档案"]
    assert [f.value for f in card] == [1]
    client.force_login(world.city_admin)
    text = client.get(reverse("assistance:files"), {"overdue": "1"}).content.decode()
    assert "张建国" in text and "刘秀英" in text


def test_attachments_are_checked_encrypted_and_only_for_those_in_scope(
    standards, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SMARTUNION_CASE_FILE_DIR = tmp_path / "cases"
    world = standards
    file = new_file(world)
    client.force_login(world.grassroots_admin)
    url = reverse("assistance:file_attach", kwargs={"file_id": file.pk})
    exe = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(url, {"kind": "application", "file": exe})
    assert not Attachment.objects.exists()
    settings.SMARTUNION_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile(
        "申请书.pdf", b"%PDF-1.4 " + b"0" * 200, content_type="application/pdf"
    )
    page = client.post(url, {"kind": "application", "file": big}, follow=True).content.decode()
    assert "附件不能超过" in page
    assert not Attachment.objects.exists()
    settings.SMARTUNION_ATTACHMENT_MAX_BYTES = 10_000
    pdf = SimpleUploadedFile(
        "620102199001011234申请书.pdf", b"%PDF-1.4 hello", content_type="application/pdf"
    )
    client.post(url, {"kind": "application", "file": pdf})
    attachment = Attachment.objects.get()
    assert "620102199001011234" not in attachment.name
    stored = (tmp_path / "cases" / attachment.stored_file).read_bytes()
    assert b"hello" not in stored
    download = client.get(reverse("casework:attachment", kwargs={"attachment_id": attachment.pk}))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    client.force_login(world.sibling_admin)
    assert (
        client.get(
            reverse("casework:attachment", kwargs={"attachment_id": attachment.pk})
        ).status_code
        == 404
    )


def test_a_notice_is_built_published_objected_to_and_closed_from_its_pages(standards, client):
    world = standards
    file = through_review(world, new_file(world))
    client.force_login(world.county_admin)
    listing = client.get(reverse("casework:notices")).content.decode()
    assert "困难职工档案：1 条待公示" in listing
    new = reverse("casework:notice_new") + "?kind=assistance.hardshipfile"
    response = client.post(
        new, {"title": "城关区困难职工建档公示", "working_days": "5", "subjects": [str(file.pk)]}
    )
    assert response.status_code == 302
    notice_url = response["Location"]
    client.post(notice_url, {"step": "publish"})
    file.refresh_from_db()
    assert file.state == "publicity"
    page = client.get(notice_url).content.decode()
    assert "张*国" in page and "登记异议" in page
    from smartunion.casework.models import NoticeItem

    item = NoticeItem.objects.get(object_id=file.pk)
    client.post(
        notice_url,
        {
            "step": "objection",
            "item": item.pk,
            "received_on": TODAY.isoformat(),
            "channel": "电话",
            "summary": "家中有商铺",
        },
    )
    assert "还有 1 件异议未处理" in client.get(notice_url).content.decode()
    public = client.get(
        reverse("gongshi:public_notice", kwargs={"notice_id": item.notice_id})
    ).content.decode()
    assert "张*国" in public and "张建国" not in public


def test_a_campaign_builds_its_roster_from_the_files_and_pays_after_publicity(
    standards, caps, client
):
    world = standards
    file = in_file(world)
    client.force_login(world.county_admin)
    response = client.post(
        reverse("assistance:campaign_new"),
        {
            "kind": "winter",
            "title": "2026年城关区冬送温暖",
            "year": TODAY.year,
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "budget": "10000",
            "fund_own": "10000",
            "target_groups": ["hardship"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    url = response["Location"]
    client.post(url, {"step": "roster", "source": "hardship", "form": "cash", "amount": "800"})
    line = CampaignLine.objects.get()
    assert line.hardship_file == file and line.state == "proposed" and line.bank_card_masked
    new = reverse("casework:notice_new") + "?kind=assistance.campaignline"
    notice_url = client.post(
        new, {"title": "冬送温暖慰问名单公示", "working_days": "3", "subjects": [str(line.pk)]}
    )["Location"]
    client.post(notice_url, {"step": "publish"})
    line.refresh_from_db()
    assert line.state == "in_notice"
    from smartunion.casework import notices
    from smartunion.casework.models import Notice

    notice = Notice.objects.get(pk=int(notice_url.rstrip("/").rsplit("/", 1)[1]))
    notices.close_notice(notice, actor=world.county_admin, on=notice.ends_on + dt.timedelta(days=1))
    line.refresh_from_db()
    assert line.state == "approved"
    bank = client.get(
        reverse("assistance:campaign_bank_file", kwargs={"campaign_id": line.campaign_id})
    )
    assert bank.status_code == 200 and bank["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    client.post(url, {"step": "pay", "fund_source": "own", "paid_on": TODAY.isoformat()})
    line.refresh_from_db()
    assert line.state == "paid"
    page = client.get(url).content.decode()
    assert "800.00" in page


def test_the_calendar_page_is_read_by_all_and_kept_by_the_province(world, client):
    client.force_login(world.county_admin)
    page = client.get(reverse("casework:calendar"), {"year": "2026"}).content.decode()
    assert "2026年节假日安排" in page and "2026-10-01 国庆节" in page
    assert (
        client.post(
            reverse("casework:calendar"), {"year": "2027", "holidays": "2027-01-01 元旦"}
        ).status_code
        == 403
    )
    client.force_login(world.province_admin)
    response = client.post(
        reverse("casework:calendar"),
        {"year": "2027", "holidays": "2027-01-01 元旦\n2027-13-01 错", "workdays": ""},
    )
    assert "第2行的日期不正确" in response.content.decode()
    response = client.post(
        reverse("casework:calendar"),
        {"year": "2027", "holidays": "2027-01-01 元旦", "workdays": ""},
    )
    assert response.status_code == 302


def test_standards_are_entered_by_the_province_admin(world, client):
    client.force_login(world.province_admin)
    response = client.post(
        reverse("assistance:standards"),
        {"region": "620102", "year": TODAY.year, "monthly": "820.00"},
    )
    assert response.status_code == 302
    assert "820.00" in client.get(reverse("assistance:standards")).content.decode()
    client.force_login(world.county_admin)
    assert (
        client.post(
            reverse("assistance:standards"),
            {"region": "620102", "year": TODAY.year, "monthly": "1"},
        ).status_code
        == 403
    )


def test_lists_read_a_page_in_a_fixed_number_of_queries(
    standards, client, django_assert_max_num_queries
):
    world = standards
    for i in range(12):
        new_file(world, household(head_name=f"测试{i}号"))
    client.force_login(world.county_admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assistance:files")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/assistance/files?limit=50").status_code == 200
    file = HardshipFile.objects.first()
    with django_assert_max_num_queries(16):
        assert (
            client.get(reverse("assistance:file", kwargs={"file_id": file.pk})).status_code == 200
        )
