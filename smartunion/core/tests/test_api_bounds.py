"""Generated from the OpenAPI document: every numeric parameter of every operation is bounded.

Issue 17, item 3: ``GET /api/v1/orgs?offset=99999999999999999999`` was a 500. Each integer
query parameter now declares a maximum (→ 422 in Chinese beyond it), except those naming an
object by id (→ 404, like any id outside the user's scope); each path id answers JSON 404 for
a negative, non-numeric or absurd value. A new operation is covered without anyone listing it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from smartunion.core.tests.test_permissions import (
    KWARG_OBJECTS,
    REFERENCE_FIELDS,
    ApiOperation,
    api_client,
    api_operations,
    api_url,
    body_for,
    call,
    fill_kwargs,
    openapi,
)

ABSURD = "99999999999999999999"


def integer_query_params(op: ApiOperation) -> list[dict]:
    details = openapi()["paths"].get(op.path, {}).get(op.method.lower(), {})
    return [
        p
        for p in details.get("parameters", [])
        if p["in"] == "query" and _types(p["schema"]) & {"integer", "number"}
    ]


def _types(schema: dict) -> set[str]:
    if "type" in schema:
        return {schema["type"]}
    return {t for s in schema.get("anyOf", []) for t in _types(s)}


def _bounded(schema: dict) -> bool:
    if "type" in schema:
        return schema["type"] not in ("integer", "number") or "maximum" in schema
    return all(_bounded(s) for s in schema.get("anyOf", []))


OPERATIONS = [op for op in api_operations() if op.path.startswith("/api/v1/") and op.method]
WITH_NUMBERS = [op for op in OPERATIONS if integer_query_params(op)]
# Path parameters naming a row (``*_id``); /verify/{token} takes any string and answers 无效.
WITH_PATH_IDS = [
    op for op in OPERATIONS if op.path_params and all(p.endswith("_id") for p in op.path_params)
]


def test_there_are_operations_to_check():
    assert len(WITH_NUMBERS) >= 5
    assert len(WITH_PATH_IDS) >= 15


@pytest.mark.parametrize("op", WITH_NUMBERS, ids=str)
def test_every_integer_query_parameter_has_a_maximum_or_names_an_object(op):
    unbounded = [
        p["name"]
        for p in integer_query_params(op)
        if p["name"] not in REFERENCE_FIELDS and not _bounded(p["schema"])
    ]
    assert not unbounded, f"{op}: declare a bound (smartunion/core/bounds.py) for {unbounded}"


@pytest.mark.parametrize("op", WITH_NUMBERS, ids=str)
def test_an_absurd_number_in_a_query_answers_422_or_404_in_chinese(world, op):
    client = api_client(world, op)
    url = api_url(op, fill_kwargs(world, op.path_params))
    for param in integer_query_params(op):
        response = client.get(url, {param["name"]: ABSURD})
        expected = 404 if param["name"] in REFERENCE_FIELDS else 422
        assert response.status_code == expected, (param["name"], response.content[:300])
        detail = response.json()["detail"]
        text = detail if isinstance(detail, str) else detail[0]["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
        assert ABSURD not in text


@pytest.mark.parametrize("op", WITH_PATH_IDS, ids=str)
@pytest.mark.parametrize("bad", ["-5", "abc", ABSURD, "0"])
def test_a_bad_id_in_a_path_answers_json_404(world, op, bad):
    assert set(op.path_params) <= set(KWARG_OBJECTS)
    client = Client()
    client.force_login(world.province_admin)
    url = api_url(op, dict.fromkeys(op.path_params, bad))
    # A body that would be accepted: the path alone decides the answer.
    response = call(client, op, url, body_for(world, op) if op.method != "GET" else None, None)
    assert response.status_code == 404, (url, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    assert "不存在" in response.json()["detail"]
