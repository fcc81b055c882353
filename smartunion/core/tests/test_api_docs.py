"""The OpenAPI schema and the interactive docs load, and the docs use only our own static files."""

import re

import pytest
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
    assert not re.search(r"https?://|cdn\.|jsdelivr|unpkg", html), "an address of another host"
    # The page's scripts are files, so the Content-Security-Policy (script-src 'self') allows them.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
def test_the_docs_page_renders_in_a_browser_from_our_own_server_only(live_server):
    from playwright.sync_api import sync_playwright

    requested, console = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
        title = page.inner_text(".swagger-ui .info .title")
        operations = page.locator(".opblock").count()
        browser.close()
    assert "智慧工会平台 API" in title
    assert operations >= 20
    assert [u for u in requested if not u.startswith((live_server.url, "data:"))] == []
    assert not [m for m in console if "Content Security Policy" in m]


def _operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield path, method, op


def test_every_operation_declares_its_error_answers_with_the_error_schema():
    """Issue 17, item 4: a generated client knows the 4xx answers of each operation."""
    schema = Client().get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail"}
    missing = []
    for path, method, op in _operations(schema):
        parameters = op.get("parameters", [])
        expected = set()
        if op.get("security"):
            expected |= {"401", "403", "404"}
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if parameters or "requestBody" in op:
            expected.add("422")
        if "requestBody" in op:
            expected.add("400")
        for status in sorted(expected):
            answer = op["responses"].get(status)
            if answer is None:
                missing.append(f"{method.upper()} {path}: {status}")
                continue
            ref = answer["content"]["application/json"]["schema"].get("$ref", "")
            if ref.rsplit("/", 1)[-1] not in ("Error", "Detail"):
                missing.append(f"{method.upper()} {path}: {status} without the error schema")
            assert answer["description"], (path, status)
    assert not missing, "\n".join(missing)


def test_the_declared_extra_answers_are_listed():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert (
        "409" in paths["/api/v1/members/memberships/{membership_id}/approve"]["post"]["responses"]
    )
    assert "429" in paths["/api/v1/auth/token"]["post"]["responses"]
    assert "404" in paths["/api/v1/regions"]["get"]["responses"]


def test_no_two_schemas_of_the_api_share_a_name():
    """django-ninja names an OpenAPI component by its class name: two schemas of one name
    (two apps' ``CategoryOut``) leave the document with one of them, and clients — the
    fuzzer's response checks too — read the other operation's answers by the wrong schema."""
    from ninja import Schema

    import smartunion.urls  # noqa: F401 - every router imported

    modules: dict[str, set[str]] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("smartunion."):
                modules.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: mods for name, mods in modules.items() if len(mods) > 1} == {}
