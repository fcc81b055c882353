"""The OpenAPI schema and the interactive docs load, and the docs use only our own static files."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client


def test_the_openapi_schema_loads_with_the_routes_of_issue_2():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "智慧工会平台 API"
    assert {
        "/api/v1/auth/token",
        "/api/v1/regions",
        "/api/v1/orgs",
        "/api/v1/orgs/{org_id}",
        "/api/v1/members",
        "/api/v1/members/{person_id}",
        "/api/v1/members/{person_id}/reveal",
        "/api/v1/members/memberships/{membership_id}/transfer",
        "/api/v1/members/transfers/{transfer_id}/accept",
    } <= set(schema["paths"])
    assert {"BearerToken", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    # Every URL of the API is in the schema: test_permissions.py checks that, route by route.


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
