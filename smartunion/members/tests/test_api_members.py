"""The 会员 API: search and read (masked), register, and the lifecycle, each through a service."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartunion.core.idnumber import check_char, make_id_number
from smartunion.core.models import AuditEntry
from smartunion.core.testing import birth_date_forms, new_id_number
from smartunion.members.models import Membership, MembershipStatus, Person, Transfer
from smartunion.members.services import leave_union
from smartunion.orgs.models import Kind
from smartunion.orgs.services import dissolve_org
from smartunion.personas import make_org

URL = "/api/v1/members"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {d["field"]: d["message"] for d in response.json()["detail"]}


def counts() -> tuple[int, ...]:
    """Every table a member write touches: equal before and after means nothing was saved."""
    return (
        Person.objects.count(),
        Membership.objects.count(),
        Transfer.objects.count(),
        AuditEntry.objects.count(),
        *Membership.objects.order_by("pk").values_list("status", flat=True),
    )


def register(client, org, **extra):
    body = {"name": "赵六", "id_number": new_id_number(), "phone": "13912345678", "org": org.pk}
    return post(client, URL, body | extra)


def with_check_char(first17: str) -> str:
    return first17 + check_char(first17)


# ---- register (POST /members) ---------------------------------------------------------------


def test_register_answers_201_with_the_member_masked_and_saves_the_form_fields(world):
    number = new_id_number(male=False)
    response = register(
        client_for(world.county_admin),
        world.union_a1,
        id_number=number,
        ethnicity="04",
        education="20",
        new_form_type="04",
        is_migrant_worker=True,
        joined_on="2024-03-01",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "赵六" and body["gender"] == "2" and body["gender_label"] == "女"
    assert body["id_number"] == number[:6] + "********" + number[-4:]
    assert body["phone"] == "139****5678"
    assert number not in response.content.decode() and "13912345678" not in str(body)
    assert body["labels"]["ethnicity"] == "藏族" and body["labels"]["new_form_type"] == "外卖配送员"
    assert body["current"]["org"] == world.union_a1.pk
    assert body["current"]["joined_on"] == "2024-03-01" and body["current"]["card_no"]
    assert [e["change_type_label"] for e in body["events"]] == ["入会"]
    person = Person.objects.get(pk=body["id"])
    assert person.is_migrant_worker and person.education == "20"


def test_a_lower_case_x_and_full_width_digits_are_accepted(world):
    number = with_check_char("62010219900101002")
    if not number.endswith("X"):
        number = with_check_char("62010219900101003")
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    response = register(client_for(world.county_admin), world.union_a1, id_number=typed)
    assert response.status_code == 201, response.content


BAD_ID_NUMBERS = {
    "a wrong check character": (
        lambda: (lambda n: n[:-1] + ("1" if n[-1] != "1" else "2"))(new_id_number()),
        "校验位不正确",
    ),
    "an impossible date": (lambda: with_check_char("62010219990229123"), "不是真实的日期"),
    "17 characters": (lambda: new_id_number()[:17], "应为18位，当前为17位"),
    "19 characters": (lambda: new_id_number() + "1", "应为18位，当前为19位"),
    "a 15-digit old number": (lambda: "620102900517123", "请填写18位居民身份证号码"),
}


@pytest.mark.parametrize("case", BAD_ID_NUMBERS)
def test_a_bad_id_number_is_refused_naming_the_field_and_nothing_is_saved(world, case):
    make, expected = BAD_ID_NUMBERS[case]
    number = make()
    before = counts()
    response = register(client_for(world.county_admin), world.union_a1, id_number=number)
    message = fields(response)["id_number"]
    assert expected in message and message.startswith("身份证号码")
    assert number not in response.content.decode()
    assert counts() == before


def test_a_second_person_with_the_same_id_number_is_refused(world):
    client = client_for(world.city_admin)
    number = world.member_b1.person.id_number
    before = counts()
    while_a_member = register(client, world.union_a2, id_number=number)
    assert "此人已是会员" in fields(while_a_member)["id_number"]
    leave_union(world.member_b1, actor=world.sibling_admin)
    before = counts()
    after_leaving = register(client, world.union_a2, id_number=number, name="王六")
    assert fields(after_leaving) == {
        "id_number": "身份证号码：该身份证号码已登记为另一姓名的人员，请核对姓名和号码。"
    }
    assert counts() == before


def test_a_second_current_membership_is_refused(world):
    before = counts()
    client = client_for(world.county_admin)
    person = world.member_a1.person
    by_number = post(
        client,
        f"{URL}/applications",
        {"org": world.union_a2.pk, "name": person.name, "id_number": person.id_number},
    )
    assert "此人已是会员" in fields(by_number)["id_number"]
    by_person = post(client, f"{URL}/applications", {"org": world.union_a2.pk, "person": person.pk})
    assert "此人已是会员" in fields(by_person)[""]
    assert counts() == before


def test_a_bad_phone_and_a_missing_name_name_their_fields(world):
    client = client_for(world.county_admin)
    before = counts()
    assert fields(register(client, world.union_a1, phone="12345"))["phone"].startswith("手机号码")
    assert "姓名" in fields(register(client, world.union_a1, name=""))["name"]
    missing = post(client, URL, {"name": "赵六", "org": world.union_a1.pk})
    assert fields(missing) == {"id_number": "身份证号码：必须填写。"}
    assert counts() == before


def test_a_code_outside_its_code_list_or_an_unknown_field_is_refused(world):
    client = client_for(world.county_admin)
    before = counts()
    assert fields(register(client, world.union_a1, education="99"))["education"].startswith(
        "学历：取值不正确"
    )
    assert fields(register(client, world.union_a1, gender="1")) == {
        "gender": "“gender”不是可以提交的字段。"
    }
    assert counts() == before


def test_registering_into_another_countys_union_is_404_and_saves_nothing(world):
    before = counts()
    response = register(client_for(world.county_admin), world.union_b1)
    assert response.status_code == 404
    assert counts() == before


def test_a_viewer_cannot_register(world):
    before = counts()
    response = register(client_for(world.viewer), world.union_a1)
    assert response.status_code == 403
    assert counts() == before


# ---- reading --------------------------------------------------------------------------------


def test_the_list_holds_the_subtrees_members_masked(world):
    body = client_for(world.county_admin).get(URL).json()
    assert [m["name"] for m in body["items"]] == ["张三", "李四"]
    assert body["next"] is None
    assert all("*" in m["id_number"] and m["membership_status"] == "active" for m in body["items"])


def test_org_includes_its_whole_subtree(world):
    sub = make_org("机械厂第一分工会", world.union_a1, Kind.SINGLE, "620102")
    world.add_member(sub, "钱七")
    client = client_for(world.county_admin)
    names = [m["name"] for m in client.get(URL, {"org": world.union_a1.pk}).json()["items"]]
    assert names == ["张三", "钱七"]
    assert client.get(URL, {"org": world.union_b1.pk}).status_code == 404


def test_q_finds_members_by_pinyin_initials_name_or_full_id_number(world):
    client = client_for(world.city_admin)
    assert [m["name"] for m in client.get(URL, {"q": "zs"}).json()["items"]] == ["张三"]
    assert [m["name"] for m in client.get(URL, {"q": "王"}).json()["items"]] == ["王五"]
    number = world.member_a2.person.id_number
    found = post(client, f"{URL}/search", {"q": number})
    assert [m["name"] for m in found.json()["items"]] == ["李四"]
    # The county admin of B searching A's member by the full number finds nothing.
    sibling = client_for(world.sibling_admin)
    assert post(sibling, f"{URL}/search", {"q": number}).json()["items"] == []


@pytest.mark.parametrize("q", ["620102199005170039", "13912345678", "620102 19900517 0039"])
def test_a_number_in_a_search_url_is_refused_pointing_to_the_post_search(world, q):
    response = client_for(world.county_admin).get(URL, {"q": q})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "q",
                "message": "搜索词：身份证号码和手机号码不能放在网址中（网址会被记入服务器和代理的"
                "访问日志），请用 POST /api/v1/members/search 查找。",
            }
        ]
    }


def test_the_post_search_pages_like_the_list(world):
    client = client_for(world.county_admin)
    first = post(client, f"{URL}/search", {"q": "", "limit": 1}).json()
    assert len(first["items"]) == 1 and first["next"]
    second = post(client, f"{URL}/search", {"q": "", "limit": 1, "after": first["next"]}).json()
    assert second["items"][0]["id"] > first["items"][0]["id"]


def test_pages_follow_the_next_cursor_without_counting(world):
    for i in range(5):
        world.add_member(world.union_a2, f"成员{i}")
    client = client_for(world.county_admin)
    seen, after, pages = [], "", 0
    while True:
        body = client.get(URL, {"limit": 3, "after": after}).json()
        seen += [m["id"] for m in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        after = body["next"]
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    assert "count" not in body


def test_list_queries_do_not_grow_with_the_number_of_members(world):
    client = client_for(world.province_admin)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL).json()["items"]) == 3
    for i in range(15):
        world.add_member(world.union_b1 if i % 2 else world.union_a2, f"成员{i}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["items"]) == 18
    assert len(many) == len(few) <= 5
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)


def test_application_and_transfer_lists_keep_a_fixed_number_of_queries(world):
    client = client_for(world.province_admin)
    client.get(f"{URL}/applications")
    with CaptureQueriesContext(connection) as empty:
        client.get(f"{URL}/applications")
        client.get(f"{URL}/transfers")
    for _ in range(4):
        post(
            client,
            f"{URL}/applications",
            {"org": world.union_a1.pk, "name": "孙八", "id_number": new_id_number()},
        )
    for m in (world.member_a1, world.member_a2, world.member_b1):
        post(client, f"{URL}/memberships/{m.pk}/transfer", {"to_org": world.county_a.pk})
    with CaptureQueriesContext(connection) as full:
        assert len(client.get(f"{URL}/applications").json()["items"]) == 4
        assert len(client.get(f"{URL}/transfers").json()["items"]) == 3
    assert len(full) == len(empty)


def test_detail_has_masked_numbers_the_current_membership_and_the_history(world):
    response = client_for(world.grassroots_admin).get(f"{URL}/{world.member_a1.person_id}")
    body = response.json()
    person = world.member_a1.person
    assert body["id_number"] == person.id_masked and body["phone"] == "138****8000"
    assert person.id_number not in response.content.decode()
    assert body["current"]["id"] == world.member_a1.pk
    # The birth date is what the mask hides: the year and the age only.
    assert "birth_date" not in body
    assert (body["birth_year"], body["age"]) == (person.birth_date.year, person.age)
    for text in birth_date_forms(person):
        assert text not in response.content.decode(), text


def test_detail_of_a_member_in_the_sibling_county_is_404(world):
    response = client_for(world.county_admin).get(f"{URL}/{world.member_b1.person_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "会员不存在或不在您的管理范围内。"}


def test_detail_queries_do_not_grow_with_the_history(world):
    client = client_for(world.county_admin)
    url = f"{URL}/{world.member_a1.person_id}"
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    m = world.member_a1
    for to in (world.union_a2, world.union_a1, world.union_a2):
        m = Membership.objects.get(
            pk=post(client, f"{URL}/memberships/{m.pk}/transfer-now", {"to_org": to.pk}).json()[
                "id"
            ]
        )
    with CaptureQueriesContext(connection) as long:
        body = client.get(url).json()
    assert len(body["memberships"]) == 4 and len(body["events"]) == 10
    assert len(long) == len(short)


# ---- edit and reveal ------------------------------------------------------------------------


def test_patch_edits_the_fields_sent_and_the_id_number_cannot_be_changed(world):
    client = client_for(world.county_admin)
    url = f"{URL}/{world.member_a1.person_id}"
    response = client.patch(
        url, {"phone": "13700001111", "skill_level": "2"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["phone"] == "137****1111"
        and response.json()["labels"]["skill_level"] == "技师"
    )
    refused = client.patch(url, {"id_number": new_id_number()}, content_type="application/json")
    assert fields(refused) == {"id_number": "“身份证号码”不是可以提交的字段。"}


def test_reveal_returns_the_full_number_once_audited_and_not_cached(world):
    person = world.member_a1.person
    response = post(
        client_for(world.grassroots_admin), f"{URL}/{person.pk}/reveal", {"field": "id_number"}
    )
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": person.id_number}
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.filter(action="pii.reveal").latest("seq")
    assert entry.object_id == str(person.pk) and entry.changes == {"field": "id_number"}
    assert entry.actor_name == "grassroots_admin"


def test_reveal_is_refused_to_a_viewer_and_outside_the_subtree(world):
    before = AuditEntry.objects.count()
    viewer = post(
        client_for(world.viewer), f"{URL}/{world.member_a1.person_id}/reveal", {"field": "phone"}
    )
    assert viewer.status_code == 403
    assert viewer.json()["detail"] == "您的账号没有查看完整个人信息的权限。"
    sibling = post(
        client_for(world.sibling_admin),
        f"{URL}/{world.member_a1.person_id}/reveal",
        {"field": "phone"},
    )
    assert sibling.status_code == 404
    bad_field = post(
        client_for(world.county_admin),
        f"{URL}/{world.member_a1.person_id}/reveal",
        {"field": "address"},
    )
    assert fields(bad_field)["field"].startswith("字段：取值不正确")
    assert AuditEntry.objects.count() == before


# ---- applications ---------------------------------------------------------------------------


def test_an_application_is_approved_and_issues_a_card(world):
    client = client_for(world.grassroots_admin)
    applied = post(
        client,
        f"{URL}/applications",
        {
            "org": world.union_a1.pk,
            "name": "孙八",
            "id_number": new_id_number(),
            "channel": "online",
        },
    )
    assert applied.status_code == 201, applied.content
    assert applied.json()["status"] == "applied" and applied.json()["card_no"] == ""
    pending = client.get(f"{URL}/applications").json()["items"]
    assert [m["person_name"] for m in pending] == ["孙八"]
    today = str(timezone.localdate())
    approved = post(client, f"{URL}/memberships/{applied.json()['id']}/approve", {"on": today})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "active" and approved.json()["joined_on"] == today
    assert approved.json()["card_no"]


def test_an_application_can_be_rejected_and_not_approved_twice(world):
    client = client_for(world.county_admin)
    applied = post(
        client,
        f"{URL}/applications",
        {"org": world.union_a2.pk, "name": "孙八", "id_number": new_id_number()},
    ).json()
    rejected = post(client, f"{URL}/memberships/{applied['id']}/reject", {"note": "材料不全"})
    assert rejected.json()["status"] == "rejected"
    again = post(client, f"{URL}/memberships/{applied['id']}/approve")
    # Someone (here: the same user) decided first: a conflict, not bad input.
    assert again.status_code == 409
    assert "已发生变化" in again.json()["detail"][0]["message"]


def test_an_application_without_name_or_id_number_names_the_fields(world):
    before = counts()
    response = post(
        client_for(world.county_admin), f"{URL}/applications", {"org": world.union_a1.pk}
    )
    assert set(fields(response)) == {"name", "id_number"}
    assert counts() == before


# ---- transfers ------------------------------------------------------------------------------


def test_a_transfer_is_sent_then_accepted_and_the_member_is_never_in_two_unions(world):
    client = client_for(world.county_admin)
    sent = post(
        client,
        f"{URL}/memberships/{world.member_a1.pk}/transfer",
        {"to_org": world.union_a2.pk, "note": "调动"},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "pending"
    assert Membership.objects.current().filter(person=world.member_a1.person).count() == 1
    inbox = client.get(f"{URL}/transfers", {"box": "in"}).json()["items"]
    assert [t["id"] for t in inbox] == [sent.json()["id"]]
    accepted = post(client, f"{URL}/transfers/{sent.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["org"] == world.union_a2.pk and accepted.json()["status"] == "active"
    assert accepted.json()["card_no"] == world.member_a1.card_no
    current = Membership.objects.current().filter(person=world.member_a1.person)
    assert [m.org_id for m in current] == [world.union_a2.pk]


def test_a_transfer_across_counties_is_accepted_by_the_receiving_county(world):
    sent = post(
        client_for(world.city_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer",
        {"to_org": world.union_b1.pk},
    ).json()
    outbox = client_for(world.county_admin).get(f"{URL}/transfers", {"box": "out"}).json()
    assert [t["id"] for t in outbox["items"]] == [sent["id"]]
    # The sending county cannot accept on the receiving union's behalf.
    assert (
        post(client_for(world.county_admin), f"{URL}/transfers/{sent['id']}/accept").status_code
        == 404
    )
    accepted = post(client_for(world.sibling_admin), f"{URL}/transfers/{sent['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert (
        client_for(world.sibling_admin).get(f"{URL}/{world.member_a1.person_id}").status_code == 200
    )
    assert (
        client_for(world.county_admin).get(f"{URL}/{world.member_a1.person_id}").status_code == 404
    )


def test_a_pending_transfer_can_be_declined(world):
    client = client_for(world.county_admin)
    sent = post(
        client, f"{URL}/memberships/{world.member_a1.pk}/transfer", {"to_org": world.union_a2.pk}
    ).json()
    declined = post(client, f"{URL}/transfers/{sent['id']}/decline", {"note": "填错了"})
    assert declined.status_code == 200 and declined.json()["status"] == "cancelled"
    assert Membership.objects.get(pk=world.member_a1.pk).status == MembershipStatus.ACTIVE


def test_transfer_now_moves_a_member_in_one_step_when_the_actor_holds_both_unions(world):
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer-now",
        {"to_org": world.union_a2.pk},
    )
    assert response.status_code == 200, response.content
    assert response.json()["org"] == world.union_a2.pk
    assert Membership.objects.get(pk=world.member_a1.pk).status == MembershipStatus.ENDED


def test_transfer_now_is_refused_when_the_actor_holds_only_the_sending_union(world):
    before = counts()
    response = post(
        client_for(world.grassroots_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer-now",
        {"to_org": world.union_a2.pk},
    )
    assert fields(response) == {"to_org": "转入工会不存在或不在您的管理范围内。"}
    assert counts() == before


def test_a_transfer_to_a_dissolved_union_is_refused(world):
    closed = make_org("城关区已撤销工会", world.county_a, Kind.SINGLE, "620102")
    dissolve_org(closed, actor=world.county_admin)
    before = counts()
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer",
        {"to_org": closed.pk},
    )
    assert "已撤销" in fields(response)["to_org"]
    assert counts() == before


def test_a_transfer_to_a_union_outside_the_actors_scope_waits_for_that_union(world):
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer",
        {"to_org": world.union_b1.pk},
    )
    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["kind"], sent["kind_label"]) == ("send", "转出")
    assert sent["to_org_name"] == "七里河区供电公司工会"
    # The sender sees the target's name, nothing of the target itself or its members.
    county_a = client_for(world.county_admin)
    assert county_a.get(f"/api/v1/orgs/{world.union_b1.pk}").status_code == 404
    assert county_a.get(f"{URL}/{world.member_b1.person_id}").status_code == 404
    inbox = client_for(world.sibling_admin).get(f"{URL}/transfers", {"box": "in"}).json()
    assert [t["id"] for t in inbox["items"]] == [sent["id"]]


def test_a_transfer_to_a_union_of_another_province_is_refused(world):
    elsewhere = make_org("四川省总工会", None, Kind.PROVINCE, "510000")
    before = counts()
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a1.pk}/transfer",
        {"to_org": elsewhere.pk},
    )
    assert fields(response) == {"to_org": "转入工会不存在，请重新选择。"}
    assert counts() == before


# ---- retain, restore, leave, expel ----------------------------------------------------------


def test_retain_then_restore(world):
    client = client_for(world.county_admin)
    url = f"{URL}/memberships/{world.member_a1.pk}"
    today = str(timezone.localdate())
    retained = post(client, f"{url}/retain", {"reason": "retired", "on": today})
    assert retained.status_code == 200, retained.content
    assert retained.json()["status"] == "retained" and retained.json()["retained_on"] == today
    restored = post(client, f"{url}/restore")
    assert restored.json()["status"] == "active"


def test_retain_needs_a_retention_reason(world):
    before = counts()
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a1.pk}/retain",
        {"reason": "crime"},
    )
    assert fields(response)["reason"].startswith("原因：取值不正确")
    assert counts() == before


@pytest.mark.parametrize(("action", "end_type"), [("leave", "left"), ("expel", "expelled")])
def test_leave_and_expel_end_the_membership(world, action, end_type):
    response = post(
        client_for(world.county_admin),
        f"{URL}/memberships/{world.member_a2.pk}/{action}",
        {"note": "委员会决定", "on": str(timezone.localdate())},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended" and response.json()["end_type"] == end_type


@pytest.mark.parametrize(
    "action", ["leave", "expel", "restore", "approve", "reject", "transfer", "transfer-now"]
)
def test_a_forged_post_with_another_countys_membership_is_404_and_saves_nothing(world, action):
    before = counts()
    body = {"to_org": world.union_a2.pk} if action.startswith("transfer") else {}
    response = post(
        client_for(world.county_admin), f"{URL}/memberships/{world.member_b1.pk}/{action}", body
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "会籍不存在或不在您的管理范围内。"}
    assert counts() == before


def test_a_forged_post_with_another_countys_person_is_404(world):
    before = counts()
    client = client_for(world.county_admin)
    rejoin = post(
        client,
        f"{URL}/applications",
        {"org": world.union_a1.pk, "person": world.member_b1.person_id},
    )
    assert rejoin.status_code == 404
    edit = client.patch(
        f"{URL}/{world.member_b1.person_id}", {"name": "改名"}, content_type="application/json"
    )
    assert edit.status_code == 404
    assert counts() == before
    assert Person.objects.get(pk=world.member_b1.person_id).name == "王五"


def test_a_viewer_cannot_run_lifecycle_actions(world):
    before = counts()
    response = post(client_for(world.viewer), f"{URL}/memberships/{world.member_a1.pk}/leave")
    assert response.status_code == 403
    assert counts() == before


def test_birth_date_comes_from_the_id_number(world):
    number = make_id_number("620102", dt.date(1985, 7, 9), 24)
    body = register(client_for(world.county_admin), world.union_a1, id_number=number).json()
    assert body["birth_year"] == 1985 and body["gender"] == "2"
    today = dt.date.today()
    assert body["age"] == today.year - 1985 - ((today.month, today.day) < (7, 9))
