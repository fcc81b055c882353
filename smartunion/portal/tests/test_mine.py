"""我要办事 / 我的办事 / 消息 (decision 0027): a bound worker applies, follows, answers a 补正,
rates the result; sees only their own items; gets notices and an SMS for the important ones."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartunion.accounts.models import User
from smartunion.casework import services as casework
from smartunion.casework.attachments import add_attachment
from smartunion.casework.models import Attachment, CaseEvent
from smartunion.core.testing import new_id_number, run_queued_tasks
from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import min_wages
from smartunion.members.services import PersonData, register_member
from smartunion.portal import signin
from smartunion.portal.models import WorkerBinding
from smartunion.portal.tests.helpers import Member, make_member
from smartunion.portal.views import WORKER_COOKIE
from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.services import ensure_categories

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def photo(name="现场.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def bound_client(member) -> Client:
    from django.utils import timezone

    WorkerBinding.objects.create(
        phone_index=signin.phone_index(member.phone),
        person=member.membership.person,
        bound_at=timezone.now(),
    )
    client = Client()
    client.cookies[WORKER_COOKIE] = signin.issue_token(member.phone)
    return client


def outbox_texts(outbox) -> list[str]:
    return (
        [p.read_text(encoding="utf-8") for p in sorted(outbox.iterdir())] if outbox.exists() else []
    )


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMARTUNION_SMS_OUTBOX = tmp_path / "sms-outbox"
    settings.SMARTUNION_CASE_FILE_DIR = str(tmp_path / "case-files")
    return settings.SMARTUNION_SMS_OUTBOX


@pytest.mark.django_db
def test_a_worker_asks_follows_and_rates_a_request_and_answers_a_legal_aid_correction(
    outbox, django_capture_on_commit_callbacks
):
    ensure_categories()
    min_wages()
    member = make_member()
    staff = User.objects.get(username="root_portal")
    other = Member(
        register_member(
            PersonData(name="钱多多", id_number=new_id_number(), phone="13912340000"),
            member.membership.org,
            actor=staff,
        ),
        "",
        "13912340000",
        "钱多多",
    )
    client = bound_client(member)

    # Refusals: a file that is not an image or PDF, an empty summary — Chinese, nothing saved.
    bad = client.post(
        "/portal/apply/request/",
        {"category": "02", "summary": "工资被拖欠", "file": photo("a.png", b"MZ not an image")},
    )
    assert bad.status_code == 400 and "只能上传 JPG、PNG 图片或 PDF 文件" in bad.content.decode()
    empty = client.post("/portal/apply/request/", {"category": "02", "summary": " "})
    assert empty.status_code == 400 and "请填写诉求内容" in empty.content.decode()
    assert not ServiceRequest.objects.exists() and not Attachment.objects.exists()

    made = client.post(
        "/portal/apply/request/",
        {"category": "02", "summary": "单位三个月未发工资。", "file": photo()},
    )
    request = ServiceRequest.objects.get()
    assert made["Location"] == f"/portal/mine/servicerequest/{request.pk}/"
    assert request.person_id == member.membership.person_id and request.channel == "online"
    assert request.org_id == member.membership.org_id
    assert Attachment.objects.get().kind == "photo"
    page = client.get(made["Location"]).content.decode()
    assert "待分派" in page and "现场.png" in page

    # Staff handle it; an internal note on the way is not shown to the worker.
    with django_capture_on_commit_callbacks(execute=True):
        request = casework.transition(request, "accept", actor=staff, note="内部：先核实单位情况")
        casework.transition(request, "report", actor=staff, note="已督促单位补发工资。")
    assert not outbox_texts(outbox)  # queued for the task worker, not sent in the request
    run_queued_tasks()
    assert any("已办结反馈，请您评价" in t for t in outbox_texts(outbox))
    home = client.get("/portal/").content.decode()
    assert "请评价" in home and "条未读" in home
    add_attachment(
        request,
        photo("内部核查记录.png"),
        kind="other",
        kinds=dict(ServiceRequest.attachment_kinds),
        actor=staff,
    )
    detail = client.get(made["Location"]).content.decode()
    assert "已督促单位补发工资" in detail and "内部：先核实" not in detail
    assert "现场.png" in detail and "内部核查记录" not in detail  # staff's files stay theirs
    assert "评价办理结果" in detail

    # Another worker: 404 on the page, the answer and the API.
    stranger = bound_client(other)
    assert stranger.get(made["Location"]).status_code == 404
    url = f"/portal/mine/servicerequest/{request.pk}/do/callback/"
    assert stranger.post(url, {"satisfied": "yes"}).status_code == 404
    # No choice: a Chinese message, the request still waits.
    assert "请选择回访结果" in client.post(url, {"satisfied": ""}).content.decode()
    assert client.post(url, {"satisfied": "basic", "note": "还行"}).status_code == 302
    request.refresh_from_db()
    assert request.state == "closed" and request.satisfied is True
    assert request.callback_comment.startswith("基本满意")

    # Legal aid: applied, documents wanted (notice + SMS), answered with a photo → review.
    client.post(
        "/portal/apply/legal-aid/",
        {"matter": "labour", "aid_form": "arbitration", "facts": "拖欠工资。"},
    )
    case = LegalAidCase.objects.get()
    assert case.person_id == member.membership.person_id and case.state == "review"
    with django_capture_on_commit_callbacks(execute=True):
        casework.transition(case, "request_documents", actor=staff, note="请补交劳动合同照片。")
    run_queued_tasks()
    texts = outbox_texts(outbox)
    assert any("需要补正材料" in t for t in texts) and not any(member.name in t for t in texts)
    detail_url = f"/portal/mine/legalaidcase/{case.pk}/"
    assert "请补交劳动合同照片" in client.get(detail_url).content.decode()
    answer = f"{detail_url}do/documents_supplied/"
    nothing = client.post(answer, {"note": ""})
    assert nothing.status_code == 400 and "请上传补正的材料" in nothing.content.decode()
    assert client.post(answer, {"note": "劳动合同", "file": photo("合同.png")}).status_code == 302
    case.refresh_from_db()
    assert case.state == "review"
    assert CaseEvent.objects.filter(action="documents_supplied", actor_name="本人（职工之家）")

    # The list, and the notices page marks them read.
    mine = client.get("/portal/mine/").content.decode()
    assert case.number in mine and request.number in mine
    assert 'aria-label="未读"' in client.get("/portal/notices/").content.decode()
    home = client.get("/portal/").content.decode()
    assert "条未读" not in home and 'aria-label="未读"' not in home

    # The API: the same items; another worker's id is a 404.
    key = signin.issue_token(member.phone)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    items = api.get("/api/v1/portal/applications").json()["items"]
    assert {i["number"] for i in items} == {case.number, request.number}
    other_key = signin.issue_token(other.phone)
    assert (
        Client(headers={"Authorization": f"Bearer {other_key}"})
        .get(f"/api/v1/portal/applications/legalaidcase/{case.pk}")
        .status_code
        == 404
    )
    created = api.post(
        "/api/v1/portal/requests",
        {"category": "01", "summary": "咨询社保。"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["state"] == "dispatch"
    assert api.get("/api/v1/portal/notices").json()["items"][0]["kind"] in ("step", "documents")


@pytest.mark.django_db
def test_the_self_test_leads_to_a_help_request_and_student_aid_needs_a_household_file(outbox):
    from decimal import Decimal

    from django.utils import timezone

    from smartunion.assistance.models import HardshipFile, StudentAid
    from smartunion.assistance.testing import make_campaign, make_file
    from smartunion.casework.models import RegionalRate

    ensure_categories()
    member = make_member()
    client = bound_client(member)
    year = timezone.localdate().year
    RegionalRate.objects.create(kind="dibao", region_id="620100", year=year, monthly=Decimal(909))

    wrong = client.post("/portal/apply/self-test/", {"region": "620102", "household_size": "x"})
    assert wrong.status_code == 400 and "请填写家庭人口" in wrong.content.decode()
    values = {"region": "620102", "household_size": "3", "annual_income": "18000"}
    tested = client.post("/portal/apply/self-test/", values).content.decode()
    assert "可能符合困难职工建档条件" in tested and not ServiceRequest.objects.exists()
    applied = client.post("/portal/apply/self-test/", {**values, "apply": "1"})
    request = ServiceRequest.objects.get()
    assert applied["Location"] == f"/portal/mine/servicerequest/{request.pk}/"
    assert request.category.code == "02" and "自测结果：深度困难" in request.summary

    refused = client.post(
        "/portal/apply/student-aid/", {"student_name": "赵小明", "school": "兰州一中"}
    )
    assert refused.status_code == 400 and "请先申请困难帮扶并建档" in refused.content.decode()
    # Her own hardship file (staff made it) is one of 我的办事 too.
    file = make_file(member.membership.org, member.membership.person, state="in_file")
    assert file.number in client.get("/portal/mine/").content.decode()
    # A campaign that closed yesterday (or an id of none) is refused on its field, not a 404.
    closed = make_campaign(member.membership.org)
    closed.ends_on = closed.starts_on = timezone.localdate() - dt.timedelta(days=1)
    closed.save()
    for campaign in (closed.pk, 999999):
        refused = client.post(
            "/portal/apply/student-aid/",
            {"campaign": campaign, "student_name": "赵小明", "school": "兰州一中"},
        )
        assert refused.status_code == 400
        assert "请选择正在申报的金秋助学活动" in refused.content.decode()
    assert not StudentAid.objects.exists()
    # A child of her household, during an open campaign: the application goes in, at the
    # province's standard, and is one of 我的办事.
    from smartunion.assistance.models import HouseholdMember, StudentAidAmount
    from smartunion.core.idnumber import mask_id_number
    from smartunion.members.services import id_blind_index

    HardshipFile.objects.filter(pk=file.pk).update(category="relative")
    StudentAidAmount.objects.update_or_create(
        level="high", category="relative", defaults={"amount": Decimal("2000")}
    )
    born = dt.date(timezone.localdate().year - 16, 3, 1)
    child = new_id_number(birth=born)
    HouseholdMember.objects.create(
        file=file,
        relation="child",
        name="赵小明",
        id_number=child,
        id_hash=id_blind_index(child),
        id_masked=mask_id_number(child),
        gender="1",
        birth_date=born,
        monthly_income=Decimal("0"),
        medical_insurance="2",
        identity="student",
    )
    campaign = make_campaign(member.membership.org)
    applied = client.post(
        "/portal/apply/student-aid/",
        {
            "campaign": campaign.pk,
            "student_name": "赵小明",
            "student_id_number": child,
            "school": "兰州一中",
            "level": "high",
            "admission_year": timezone.localdate().year - 1,
        },
    )
    assert applied.status_code == 302, applied.content.decode()[-500:]
    aid = StudentAid.objects.get()
    assert (aid.household_file_id, aid.amount) == (file.pk, Decimal("2000"))
    assert aid.number in client.get("/portal/mine/").content.decode()
    assert client.get(f"/portal/mine/hardshipfile/{file.pk}/").status_code == 200
