"""网上入会 from the phone (issue 14; decision 0026): through the registry's own services, to
the union's pending list and the staff's approval; a current member gets a transfer request;
every refusal says why in Chinese and saves nothing."""

import datetime as dt

import pytest
from django.test import Client

from smartunion.core.actors import SELF_CLERK
from smartunion.core.idnumber import make_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number, run_queued_tasks
from smartunion.members.models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    Transfer,
    TransferKind,
)
from smartunion.members.services import approve_application, decline_transfer, reject_application
from smartunion.orgs.models import Status
from smartunion.portal import binding, joining
from smartunion.portal.models import WorkerBinding
from smartunion.portal.signin import issue_token, phone_index
from smartunion.portal.tests.helpers import post, worker_client
from smartunion.portal.views import WORKER_COOKIE

JOIN_URL = "/api/v1/portal/join"
UNIONS_URL = "/api/v1/portal/unions"
NEW_PHONE = "13700001234"


def saved_rows() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Membership.objects.count(),
        Transfer.objects.count(),
        WorkerBinding.objects.count(),
    )


@pytest.mark.django_db
def test_a_new_worker_joins_online_and_the_union_approves(world):
    client, _ = worker_client(NEW_PHONE)
    # The union search: open grassroots unions by the union's or the employer's name, with path.
    hits = client.get(UNIONS_URL, {"q": "快递"}).json()
    assert [h["name"] for h in hits["items"]] == ["城关区快递行业联合工会"]
    assert hits["items"][0]["path"] == [
        "甘肃省总工会",
        "兰州市总工会",
        "城关区总工会",
        "城关区快递行业联合工会",
    ]
    assert client.get(UNIONS_URL, {"q": "城关区总工会"}).json()["items"] == []  # not grassroots
    assert client.get(UNIONS_URL, {"q": "快"}).json()["items"] == []  # too short
    paged = client.get(UNIONS_URL, {"q": "工会", "limit": 2}).json()
    assert len(paged["items"]) == 2 and paged["next"]
    assert client.get(JOIN_URL).json() == {"member": False, "application": None}

    number = new_id_number(male=False)
    body = {
        "org": world.union_a2.pk,
        "name": "周 秀英",
        "id_number": number,
        "education": "20",
        "is_migrant_worker": True,
        "new_form_type": "03",
        "is_model_worker": True,  # for staff to record: ignored
    }
    response = post(client, JOIN_URL, body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (
        out["application"]["state_label"] == "申请中"
        and out["application"]["kind"] == "application"
    )
    assert out["application"]["union_path"][-1] == "城关区快递行业联合工会"
    assert number not in response.content.decode()

    m = Membership.objects.select_related("person").get(person__name="周秀英")
    assert (m.status, m.channel, m.org_id) == ("applied", "online", world.union_a2.pk)
    assert m.person.phone_hash == phone_index(NEW_PHONE) and m.person.gender == "2"
    assert m.person.is_migrant_worker and m.person.education == "20"
    assert m.person.new_form_type == "03" and not m.person.is_model_worker
    # The worker is the actor: in the history as 本人, in the audit log as worker:<token row>.
    event = MembershipEvent.objects.get(membership=m)
    assert (event.actor_id, event.actor_name) == (None, SELF_CLERK)
    entry = AuditEntry.objects.filter(action="member.apply").latest("seq")
    assert entry.actor_id is None and entry.actor_name.startswith("worker:")
    assert NEW_PHONE not in str(entry.changes) and number not in str(entry.changes)
    assert WorkerBinding.objects.get(phone_index=phone_index(NEW_PHONE)).person_id == m.person_id

    # It waits in the union's pending list (channel 网上申请), for its staff only.
    staff = Client()
    staff.force_login(world.county_admin)
    pending = staff.get("/api/v1/members/applications").json()["items"]
    assert [p["channel"] for p in pending if p["id"] == m.pk] == ["online"]
    sibling = Client()
    sibling.force_login(world.sibling_admin)
    assert all(p["id"] != m.pk for p in sibling.get("/api/v1/members/applications").json()["items"])

    # One pending application at a time.
    before = saved_rows()
    again = post(client, JOIN_URL, body)
    assert again.status_code == 422 and again.json()["detail"][0]["message"] == joining.PENDING
    assert saved_rows() == before

    approve_application(m, actor=world.county_admin)
    state = client.get(JOIN_URL).json()
    assert state["member"] is True and state["application"]["state_label"] == "已批准"
    assert client.get("/api/v1/portal/membership").json()["status_label"] == "在籍"
    assert client.get("/api/v1/portal/card").status_code == 200
    # Bound now: the member applies as that person (no name or number), to the same union no.
    same = post(client, JOIN_URL, {"org": world.union_a2.pk})
    assert same.status_code == 422
    assert same.json()["detail"][0]["message"].endswith("您已是该工会的会员，无需申请。")


@pytest.mark.django_db
def test_refusals_say_why_and_save_nothing(world, settings):
    settings.SMARTUNION_PORTAL_JOIN_RATE = "7/h"
    client, _ = worker_client(NEW_PHONE)
    person = world.member_a1.person  # registry phone 13800138000, not NEW_PHONE
    world.union_b1.status = Status.DISSOLVED
    world.union_b1.save()
    child = make_id_number("620102", dt.date.today().replace(year=dt.date.today().year - 12), 11)
    cases = [
        ({"id_number": "62010219900101001"}, "id_number", "身份证号码"),
        ({"id_number": child}, "id_number", "入会时年龄应在16至100周岁之间"),
        ({"org": world.union_b1.pk}, "org", "“七里河区供电公司工会”已撤销，不能接收会员。"),
        ({"org": world.county_a.pk}, "org", "“城关区总工会”不是基层工会"),
        # A registered number under another phone, or another name: the binding's one message.
        ({"name": person.name, "id_number": person.id_number}, "", binding.NOT_VERIFIED),
        ({"name": "张四", "id_number": person.id_number}, "", binding.NOT_VERIFIED),
    ]
    before = saved_rows()
    for change, field, message in cases:
        body = {"org": world.union_a1.pk, "name": "周秀英", "id_number": new_id_number(), **change}
        response = post(client, JOIN_URL, body)
        assert response.status_code == 422, (change, response.content)
        detail = response.json()["detail"][0]
        assert detail["field"] == field and message in detail["message"], (change, detail)
        assert person.id_number not in response.content.decode()
    assert saved_rows() == before
    refusals = AuditEntry.objects.filter(action="portal.join")
    assert [r.changes["outcome"] for r in refusals] == ["not_verified", "not_verified"]
    # Submissions are limited per number (7 an hour here: this is the 7th, then the 8th).
    body = {"org": world.union_a1.pk, "name": "周秀英", "id_number": "1"}
    assert post(client, JOIN_URL, body).status_code == 422
    throttled = post(client, JOIN_URL, body)
    assert throttled.status_code == 429 and throttled.json()["detail"] == joining.TOO_MANY
    assert saved_rows() == before


def sms_texts(outbox) -> list[str]:
    return (
        [p.read_text(encoding="utf-8") for p in sorted(outbox.iterdir())] if outbox.exists() else []
    )


@pytest.mark.django_db
def test_a_member_of_another_union_gets_a_transfer_request(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMARTUNION_SMS_OUTBOX = outbox = tmp_path / "sms"
    wang = world.member_b1  # 王五 of 七里河区供电公司工会, registry phone 13800138000
    client, key = worker_client("13800138000")
    page = Client()
    page.cookies[WORKER_COOKIE] = key
    body = {"org": world.union_a1.pk, "name": "王五", "id_number": wang.person.id_number}
    response = post(client, JOIN_URL, body)
    assert response.status_code == 201, response.content
    app = response.json()["application"]
    assert (app["kind"], app["state_label"], app["union"]) == (
        "transfer",
        "申请中",
        "兰州第一机械厂工会",
    )
    assert response.json()["member"] is True
    t = Transfer.objects.get(person=wang.person)
    assert (t.kind, t.from_org_id, t.to_org_id) == (
        TransferKind.SEND,  # the receiving union decides
        world.union_b1.pk,
        world.union_a1.pk,
    )
    assert t.sent_by_name == SELF_CLERK
    # Still one membership, in the old union, until the receiving union agrees.
    assert list(Membership.objects.filter(person=wang.person).values_list("status", flat=True)) == [
        MembershipStatus.ACTIVE
    ]
    listed = page.get("/portal/mine/").content.decode()
    assert (
        "转会申请（转入兰州第一机械厂工会）" in listed
        and "由兰州第一机械厂工会审批" in listed  # the union they move into decides
    )
    with django_capture_on_commit_callbacks(execute=True):
        decline_transfer(t, actor=world.county_admin, note="劳动合同尚未解除")
    app = client.get(JOIN_URL).json()["application"]
    assert (app["state_label"], app["reason"]) == ("未通过", "劳动合同尚未解除")
    # 我的办事 and 消息 show the decision and its reason; one SMS says only that it is there.
    detail = page.get(f"/portal/mine/transfer/{t.pk}/").content.decode()
    assert "不予接收" in detail and "劳动合同尚未解除" in detail and "未通过" in detail
    assert "办理结果" in page.get("/portal/notices/").content.decode()
    assert not sms_texts(outbox)  # queued for the task worker
    run_queued_tasks()
    [text] = sms_texts(outbox)
    assert text.startswith("To: 13800138000") and "转会申请已有审批结果" in text
    assert "王五" not in text and "劳动合同" not in text


@pytest.mark.django_db
def test_the_join_page_searches_applies_and_follows(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMARTUNION_SMS_OUTBOX = outbox = tmp_path / "sms"
    client.cookies[WORKER_COOKIE] = issue_token(NEW_PHONE)
    page = client.get("/portal/join/", {"q": "机械"}).content.decode()
    assert "兰州第一机械厂工会" in page and "兰州市总工会 › 城关区总工会" in page
    fragment = client.get("/portal/join/", {"q": "没有这个单位"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "没有找到" in fragment.content.decode()
    form = client.get("/portal/join/", {"org": world.union_a1.pk}).content.decode()
    assert 'for="id_education"' in form and 'name="phone"' not in form

    before = saved_rows()
    bad = client.post(
        "/portal/join/", {"org": world.union_a1.pk, "name": "周秀英", "id_number": "620102"}
    )
    assert bad.status_code == 400 and "620102" not in bad.content.decode().split("<form")[1]
    assert "身份证号码" in bad.content.decode() and saved_rows() == before

    number = new_id_number()
    done = client.post(
        "/portal/join/",
        {
            "org": world.union_a1.pk,
            "name": "周秀英",
            "id_number": number,
            "employment_status": "10",
        },
    )
    assert done.status_code == 302, done.content.decode()
    followed = client.get("/portal/join/").content.decode()
    assert "申请中" in followed and number not in followed
    m = Membership.objects.get(person__name="周秀英")
    listed = client.get("/portal/mine/").content.decode()
    assert "入会申请（兰州第一机械厂工会）" in listed and "由兰州第一机械厂工会审批" in listed
    assert "办理结果" not in client.get("/portal/notices/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reject_application(m, actor=world.county_admin, note="非本单位职工")
    home = client.get("/portal/").content.decode()
    assert "未通过" in home and "非本单位职工" in home and 'href="/portal/join/"' in home
    assert "办理结果" in home and f'href="/portal/mine/join/{m.pk}/"' in home  # 消息
    detail = client.get(f"/portal/mine/join/{m.pk}/").content.decode()
    assert "未予批准" in detail and "非本单位职工" in detail and number not in detail
    run_queued_tasks()
    [text] = sms_texts(outbox)
    assert text.startswith(f"To: {NEW_PHONE}") and "入会申请已有审批结果" in text
    assert "周秀英" not in text and "非本单位" not in text
    # Another worker: as if it did not exist.
    stranger = Client()
    stranger.cookies[WORKER_COOKIE] = issue_token("13900002222")
    WorkerBinding.objects.create(
        phone_index=phone_index("13900002222"), person=world.member_b1.person, bound_at=m.created_at
    )
    assert stranger.get(f"/portal/mine/join/{m.pk}/").status_code == 404
    # A form posted without a union is sent back to pick one.
    missing = client.post("/portal/join/", {"name": "周秀英", "id_number": new_id_number()})
    assert (
        missing.status_code == 400 and "请先搜索并选择您所在单位的工会" in missing.content.decode()
    )
