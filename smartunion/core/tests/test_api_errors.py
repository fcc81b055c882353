"""The API's error bodies: always JSON ``{"detail": …}``, in Chinese, never echoing PII."""

import logging

from django.test import Client

from smartunion.core.api import schema_error_details


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


def test_a_body_that_is_not_json_is_refused_in_chinese(world):
    client = Client()
    client.force_login(world.county_admin)
    response = client.post("/api/v1/orgs", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}


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
        {"field": "id_number", "message": "身份证号码：格式不正确。"},
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
