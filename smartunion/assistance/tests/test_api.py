"""The 帮扶 API as a client uses it: the self-test and the standards (public), the deadline
calculator, a file from creation through its transitions to a payment, 金秋助学 and its 409."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from smartunion.assistance.models import HardshipFile, StudentAid
from smartunion.assistance.tests.conftest import CARD, no_exclusions
from smartunion.assistance.tests.test_files import in_file
from smartunion.core.testing import new_id_number

TODAY = dt.date.today()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# ---- the self-test --------------------------------------------------------------------------------


def self_test(client, **overrides):
    body = {
        "region": "620102",
        "year": TODAY.year,
        "household_size": 3,
        "annual_income": "28799.99",
        "annual_rigid_expenses": "0",
        "hardship_costs": "0",
        **overrides,
    }
    return post(client, "/api/v1/assistance/self-test", body)


def test_the_self_test_answers_anyone_with_the_category(standards, client):
    response = self_test(client)
    assert response.status_code == 200
    assert response.json() == {
        "category": "deep",
        "category_label": "深度困难",
        "per_capita_monthly": "800.00",
        "dibao_monthly": "800.00",
        "region_name": "城关区",
    }
    assert self_test(client, annual_income="28800.00").json()["category"] == "relative"
    assert self_test(client, annual_income="57600.00").json()["category"] is None
    assert (
        self_test(client, annual_income="100000", hardship_costs="80000.01").json()["category"]
        == "accident"
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"household_size": 0}, "household_size", "家庭人口至少为1人"),
        ({"annual_income": "-1"}, "annual_income", "不能为负数"),
        ({"annual_income": "一万"}, "annual_income", "应为数字"),
        ({"annual_income": 1000.5}, "annual_income", "应为文字"),
        ({"annual_income": "1000000000.01"}, "annual_income", "不能超过10亿元"),
        ({"region": "999999"}, "region", "请选择县区"),
        ({"year": 2001}, "year", "低保标准尚未录入"),
    ],
)
def test_impossible_self_tests_answer_422_in_chinese(standards, client, overrides, field, message):
    response = self_test(client, **overrides)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d["field"] == field and message in d["message"] for d in detail), detail


def test_the_standard_used_is_public(standards, client):
    response = client.get("/api/v1/assistance/standards", {"region": "620102", "year": TODAY.year})
    assert response.json() == {
        "region": "620102",
        "year": TODAY.year,
        "monthly": "800.00",
        "source_region": "620100",
        "source_name": "兰州市",
    }
    missing = client.get("/api/v1/assistance/standards", {"region": "620102", "year": 2001})
    assert missing.status_code == 422


def test_only_the_province_admin_sets_standards(world, client):
    client.force_login(world.county_admin)
    body = {"region": "620102", "year": TODAY.year, "monthly": "850.00"}
    assert post(client, "/api/v1/assistance/standards", body).status_code == 403
    client.force_login(world.province_admin)
    response = post(client, "/api/v1/assistance/standards", body)
    assert response.status_code == 201 and response.json()["monthly"] == "850.00"


# ---- the calendar ---------------------------------------------------------------------------------


def test_the_deadline_calculator(world, client):
    client.force_login(world.grassroots_admin)
    response = client.get("/api/v1/calendar/deadline", {"start": "2026-02-13", "working_days": 2})
    assert response.json() == {
        "start": "2026-02-13",
        "working_days": 2,
        "due": "2026-02-24",
        "calendar_complete": True,
        "note": "",
    }
    unknown = client.get(
        "/api/v1/calendar/deadline", {"start": "2027-03-01", "working_days": 5}
    ).json()
    assert unknown["calendar_complete"] is False and "2027年" in unknown["note"]
    bad = client.get("/api/v1/calendar/deadline", {"start": "2026-02-30", "working_days": 2})
    assert bad.status_code == 422
    assert (
        client.get(
            "/api/v1/calendar/deadline", {"start": "2026-02-13", "working_days": -1}
        ).status_code
        == 422
    )


# ---- files over the API ---------------------------------------------------------------------------


def file_body(world, **overrides):
    return {
        "org": world.union_a1.pk,
        "region": "620102",
        "head": {
            "name": "陈困难",
            "id_number": new_id_number(),
            "monthly_income": "500",
            "identity": "unemployed",
        },
        "family": [
            {
                "name": "陈小妹",
                "id_number": new_id_number(birth=dt.date(2009, 1, 1)),
                "relation": "child",
                "identity": "student",
            }
        ],
        "work_status": "03",
        "marital_status": "3",
        "hukou_kind": "1",
        "housing": "07",
        "address": "城关区雁滩路8号",
        "main_cause": "3",
        "secondary_causes": ["9"],
        "exclusions": no_exclusions(),
        "bank_card": CARD,
        **overrides,
    }


def test_a_file_goes_through_the_api(standards, client):
    world = standards
    client.force_login(world.grassroots_admin)
    response = post(client, "/api/v1/assistance/files", file_body(world))
    assert response.status_code == 201, response.json()
    file = response.json()
    assert (
        file["state"] == "draft"
        and file["category"] == "deep"
        and file["per_capita_monthly"] == "250.00"
    )
    assert file["bank_card_masked"].endswith(CARD[-4:]) and CARD not in response.content.decode()
    assert file["actions"] == ["submit"]
    url = f"/api/v1/assistance/files/{file['id']}"
    submitted = post(client, f"{url}/submit", {})
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["due"] is not None and submitted.json()["calendar_complete"] is True
    wrong = post(client, f"{url}/approve", {})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["message"] == "当前状态为“待基层初审”，不能“审批建档”。"
    post(client, f"{url}/check", {})
    visit = post(client, f"{url}/visit", {"note": "已入户", "visited_on": TODAY.isoformat()})
    assert visit.status_code == 422
    assert any("授权书" in d["message"] for d in visit.json()["detail"])
    visit = post(
        client,
        f"{url}/visit",
        {"note": "已入户", "visited_on": TODAY.isoformat(), "authorization_signed": True},
    )
    assert visit.json()["state"] == "review"
    review = post(client, f"{url}/review", {})
    assert review.status_code == 403 and "须由上级工会办理" in review.json()["detail"]
    detail = client.get(url).json()
    assert [e["action"] for e in detail["timeline"]] == ["open", "submit", "check", "visit"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda b: b.update(main_cause=["1", "3"]), "main_cause", "主要致困原因"),
        (
            lambda b: b.update(secondary_causes=["1", "2", "4", "5"]),
            "secondary_causes",
            "最多选3项",
        ),
        (
            lambda b: b["family"][0].update(id_number=b["head"]["id_number"]),
            "members.1.id_number",
            "户主不能同时作为自己的家庭成员",
        ),
        (lambda b: b.update(bank_card="6222020200112233445"), "bank_card", "校验位不正确"),
        (lambda b: b.update(other_annual_income="-5"), "other_annual_income", "不能为负数"),
        (lambda b: b.update(other_annual_income=5.5), "other_annual_income", "应为文字"),
        (lambda b: b.update(address=""), "address", "请填写家庭住址"),
    ],
)
def test_bad_files_answer_422_in_chinese_and_save_nothing(
    standards, client, change, field, message
):
    world = standards
    client.force_login(world.grassroots_admin)
    body = file_body(world)
    change(body)
    response = post(client, "/api/v1/assistance/files", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(d["field"] == field and message in d["message"] for d in detail), detail
    assert not HardshipFile.objects.exists()
    assert body["head"]["id_number"] not in response.content.decode()


def test_another_county_s_file_is_404_and_forged_ids_too(standards, client):
    world = standards
    file = in_file(world)
    client.force_login(world.sibling_admin)
    assert client.get(f"/api/v1/assistance/files/{file.pk}").status_code == 404
    assert (
        post(
            client,
            f"/api/v1/assistance/files/{file.pk}/payments",
            {"amount": "100.00", "aid_type": "living", "fund_source": "own"},
        ).status_code
        == 404
    )
    assert (
        post(client, f"/api/v1/assistance/files/{file.pk}/recheck", {"note": "x"}).status_code
        == 404
    )


def test_payments_over_the_api_are_strings_with_two_decimals(standards, caps, client):
    world = standards
    file = in_file(world)
    client.force_login(world.county_admin)
    url = f"/api/v1/assistance/files/{file.pk}/payments"
    response = post(
        client, url, {"amount": "3000.00", "aid_type": "living", "fund_source": "fiscal"}
    )
    assert response.status_code == 201 and response.json()["amount"] == "3000.00"
    over = post(client, url, {"amount": "3000.01", "aid_type": "living", "fund_source": "fiscal"})
    assert over.status_code == 422 and "每次最多3,000.00元" in over.json()["detail"][0]["message"]
    assert (
        post(
            client, url, {"amount": 100, "aid_type": "living", "fund_source": "fiscal"}
        ).status_code
        == 422
    )
    listing = client.get(url).json()
    assert [p["amount"] for p in listing["items"]] == ["3000.00"] and listing["next"] is None


# ---- 金秋助学 --------------------------------------------------------------------------------------


def aid_body(file, campaign, **overrides):
    student = file.members.get(relation="child")
    return {
        "campaign": campaign.pk,
        "household_file": file.pk,
        "student_name": student.name,
        "student_id_number": student.id_number,
        "school": "兰州大学",
        "level": "bachelor",
        "admission_year": TODAY.year,
        **overrides,
    }


def test_a_student_is_aided_once_a_year_in_the_whole_province(standards, student_amounts, client):
    from smartunion.assistance.testing import make_campaign

    world = standards
    file = in_file(world)
    campaign = make_campaign(world.city)
    client.force_login(world.county_admin)
    first = post(client, "/api/v1/assistance/student-aid", aid_body(file, campaign))
    assert first.status_code == 201, first.json()
    assert first.json()["amount"] == "5000.00" and first.json()["state"] == "applied"
    again = post(
        client, "/api/v1/assistance/student-aid", aid_body(file, campaign, school="兰州交通大学")
    )
    assert again.status_code == 409
    message = again.json()["detail"][0]["message"]
    assert "同一学生同一年度只能获得一次金秋助学资助" in message
    assert StudentAid.objects.count() == 1
    over = post(
        client, "/api/v1/assistance/student-aid", aid_body(file, campaign, amount="5000.01")
    )
    assert over.status_code in (409, 422)


def test_student_aid_exclusions_and_other_aid_are_refused(standards, student_amounts, client):
    from smartunion.assistance.testing import make_campaign

    world = standards
    file = in_file(world)
    campaign = make_campaign(world.city)
    client.force_login(world.county_admin)
    military = post(
        client,
        "/api/v1/assistance/student-aid",
        aid_body(file, campaign, exclusions={"military": True}),
    )
    assert military.status_code == 422 and "军事院校" in military.json()["detail"][0]["message"]
    other = post(client, "/api/v1/assistance/student-aid", aid_body(file, campaign, other_aid=True))
    assert other.status_code == 422 and "不再重复资助" in other.json()["detail"][0]["message"]
    stranger = post(
        client,
        "/api/v1/assistance/student-aid",
        aid_body(file, campaign, student_name="外人", student_id_number=new_id_number()),
    )
    assert stranger.status_code == 422 and "家庭的成员" in stranger.json()["detail"][0]["message"]
    assert not StudentAid.objects.exists()


def test_the_self_test_is_rate_limited_per_address(standards, client, settings):
    settings.SMARTUNION_SELF_TEST_RATE = "3/m"
    answers = [self_test(client).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = self_test(client)
    assert "Retry-After" in refused and refused.json()["detail"]
