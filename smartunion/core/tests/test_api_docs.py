"""The OpenAPI schema and the interactive docs load, and the docs use only our own static files."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from smartunion.api import api


def test_the_openapi_schema_loads_and_lists_every_route():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "智慧工会平台 API"
    expected = {f"/api/v1{op_path}" for op_path in _operation_paths()}
    assert expected <= set(schema["paths"])
    assert "/api/v1/members/{person_id}/reveal" in schema["paths"]
    assert {"BearerToken", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def _operation_paths():
    for prefix, router in api._routers:
        for path in router.path_operations:
            yield re.sub(r"\{\w+:(\w+)\}", r"{\1}", (prefix + path).replace("//", "/"))


def test_the_docs_page_loads_nothing_from_another_host():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references, html
    for ref in references:
        assert not re.match(r"^(https?:)?//", ref), ref
        assert ref.startswith("/" + settings.STATIC_URL.lstrip("/")), ref
        assert finders.find(ref.removeprefix("/" + settings.STATIC_URL.lstrip("/"))), ref
    assert "cdn" not in html.lower()
    # The page's scripts are files, so the Content-Security-Policy (script-src 'self') allows them.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline)
