"""The API's error bodies: always JSON ``{"detail": …}``, in Chinese, never echoing PII."""

import json
import logging

import pytest
from django.test import Client

from smartunion.core.api import schema_error_details
from smartunion.orgs.models import Organization


def test_a_crash_answers_json_500_and_logs_the_traceback(world, monkeypatch, caplog):
    from smartunion.orgs import services

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "update_org", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.county_admin)
    with caplog.at_level(logging.ERROR, logger="smartunion.api"):
        response = client.patch(
            f"/api/v1/orgs/{world.union_a1.pk}", {"name": "新名"}, content_type="application/json"
        )
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误，请稍后重试；问题持续时请联系管理员。"}
    assert "RuntimeError: a bug" in caplog.text


def test_a_body_that_is_not_json_is_refused_in_chinese_with_422(world):
    client = Client()
    client.force_login(world.county_admin)
    before = Organization.objects.count()
    response = client.post("/api/v1/orgs", "{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "", "message": "请求内容不是有效的 JSON。"}]}
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v1/orgs/-5/dissolve"),
        ("get", "/api/v1/orgs/abc"),
        ("get", "/api/v1/venues/-1"),
        ("get", "/api/v1/no-such-thing"),
        ("patch", "/api/v1/orgs/5/"),
    ],
)
def test_a_url_that_names_no_operation_answers_json_404(world, method, path):
    client = Client()
    client.force_login(world.county_admin)
    response = client.generic(method.upper(), path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "接口或记录不存在，请检查网址（见 /api/v1/docs）。"}


def test_a_method_an_operation_lacks_answers_json_405_with_allow(world):
    client = Client()
    client.force_login(world.county_admin)
    response = client.delete(f"/api/v1/orgs/{world.union_a1.pk}")
    assert response.status_code == 405
    assert response.json() == {"detail": "此接口不支持该请求方法。"}
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_a_body_above_the_memory_limit_answers_400_in_chinese(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(world.county_admin)
    before = Organization.objects.count()
    body = json.dumps({"parent": world.county_a.pk, "name": "工" * 1000, "kind": "single"})
    response = client.post("/api/v1/orgs", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容无法读取（过大或格式损坏）。"}
    assert Organization.objects.count() == before


def test_a_broken_multipart_body_answers_400_in_chinese(world):
    client = Client()
    client.force_login(world.county_admin)
    response = client.generic(
        "POST",
        "/api/v1/imports/jobs",
        b"--xyz\r\nContent-Disposition: form-data; name=kind\r\n\r\nmembers",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容无法读取（过大或格式损坏）。"}


def test_a_change_someone_else_made_first_answers_409(world):
    from smartunion.members.services import STALE

    client = Client()
    client.force_login(world.county_admin)
    membership = world.member_a1
    url = f"/api/v1/members/memberships/{membership.pk}/restore"
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {"detail": [{"field": "", "message": STALE}]}


@pytest.mark.parametrize("q", ["a\x00b", "\x00", "张\x1b", "a\tb", "x\x7f"])
def test_a_control_character_in_a_search_answers_422(world, q):
    client = Client()
    client.force_login(world.county_admin)
    for path, label in (("/api/v1/orgs", "搜索词"), ("/api/v1/members", "搜索词")):
        response = client.get(path, {"q": q})
        assert response.status_code == 422, path
        assert response.json() == {
            "detail": [{"field": "q", "message": f"{label}：不能含有控制字符（如 NUL）。"}]
        }


def test_a_control_character_in_a_page_search_answers_422_with_a_page(world):
    client = Client()
    client.force_login(world.county_admin)
    for path in ("/orgs/", "/venues/", "/members/"):
        response = client.get(path, {"q": "a\x00"})
        assert response.status_code == 422, path
        assert "搜索词：不能含有控制字符（如 NUL）。" in response.content.decode()


def test_a_control_character_in_a_body_text_answers_422_and_saves_nothing(world):
    client = Client()
    client.force_login(world.county_admin)
    before = Organization.objects.get(pk=world.union_a1.pk).name
    response = client.patch(
        f"/api/v1/orgs/{world.union_a1.pk}",
        {"name": "新\x00名"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "name", "message": "名称：不能含有控制字符（如 NUL）。"}]
    }
    assert Organization.objects.get(pk=world.union_a1.pk).name == before


def test_schema_errors_name_the_field_and_never_repeat_the_value():
    secret = "620102199005170039"
    details = schema_error_details(
        [
            {"type": "string_type", "loc": ("body", "payload", "id_number"), "input": 620102},
            {"type": "missing", "loc": ("body", "payload", "name"), "input": {}},
            {"type": "extra_forbidden", "loc": ("body", "payload", "gender"), "input": secret},
            {
                "type": "literal_error",
                "loc": ("query", "status"),
                "input": secret,
                "ctx": {"expected": "'normal', 'dissolved' or 'merged'"},
            },
        ],
        {"id_number": "身份证号码", "name": "姓名", "status": "状态"},
    )
    assert details == [
        {"field": "id_number", "message": "身份证号码：应为文字。"},
        {"field": "name", "message": "姓名：必须填写。"},
        {"field": "gender", "message": "“gender”不是可以提交的字段。"},
        {"field": "status", "message": "状态：取值不正确，可选值为 normal、dissolved、merged。"},
    ]
    assert secret not in str(details)


def test_chinese_is_sent_as_it_is_not_as_escapes(db):
    response = Client().get("/api/v1/orgs")
    assert response.status_code == 401
    assert "请先登录".encode() in response.content
    assert b"\\u" not in response.content
