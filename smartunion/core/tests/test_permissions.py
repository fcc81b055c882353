"""Generated permission tests: every page route and every API operation, for every persona.

Nobody lists routes here. The page routes are enumerated from the root URLconf (recursively,
with their namespaces), the API operations from the OpenAPI schema of the ninja API, and each
gets one test that checks the rules of ARCHITECTURE.md invariant 1 (STYLE.md, "Generated
permission tests"; NetBox ``utilities/testing/views.py``):

pages
  - anonymous GET and POST → redirect to the login page (unless listed in PUBLIC_PAGES);
  - the sibling county's admin asking for county A's objects → 404 (GET and POST);
  - a read-only viewer POSTing → 403, 404 or 405, and nothing in the database changes;
  - county A's admin GET → 200 (405 for POST-only routes; a redirect, but not to the login),
    and a page answered is marked ``Cache-Control: no-store`` (it may carry personal data).
API operations
  - anonymous → 401 (unless listed in PUBLIC_API);
  - the sibling county's admin naming county A's objects (in the path, or as a union or
    member in the body or the query) → 404;
  - a read-only viewer calling a write → 403 or 404, and nothing changes;
  - county A's admin → neither 401, 403, 404, 405 nor 5xx (2xx, or 422 for a refused change),
    and a 2xx answer is marked ``Cache-Control: no-store``.
Django admin
  - anonymous and staff without ``is_staff`` → redirected to the admin login; superuser → 200.

A new route whose URL keyword, or a new API body field that names an object, is not known
here makes its test fail with a message saying where to register it: KWARG_OBJECTS below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from smartunion.api import api
from smartunion.core.testing import PASSWORD, new_id_number
from smartunion.orgs.models import Organization
from smartunion.personas import World
from smartunion.regions.divisions import load_regions
from smartunion.regions.models import Region


@pytest.fixture(scope="module")
def regions_loaded(django_db_setup, django_db_blocker):
    """The divisions table, loaded once for this module's hundred tests instead of per test.

    It is committed outside the tests' transactions, when a transactional test emptied it (the
    session's django_db_setup loads it; loading it again over itself rewrote all 3,223 rows and
    took most of this module's setup), and emptied again after the module so that other
    modules find the database as they expect it.
    """
    with django_db_blocker.unblock():
        loaded = not Region.objects.filter(code="620102").exists()
        if loaded:
            load_regions()
    yield
    if loaded:
        with django_db_blocker.unblock():
            Region.objects.filter(level=3).delete()
            Region.objects.filter(level=2).delete()
            Region.objects.all().delete()


@pytest.fixture(scope="module")
def _uploads_elsewhere(tmp_path_factory):
    """Uploads (imports, venue photos) go to a temporary directory, not the project's var/ —
    set once for the module: a setting changed in every test costs every receiver's work."""
    tmp = tmp_path_factory.mktemp("uploads")
    with override_settings(SMARTUNION_IMPORT_DIR=tmp / "imports", MEDIA_ROOT=tmp / "media"):
        yield


@pytest.fixture
def world(regions_loaded, _uploads_elsewhere, world):
    """The conftest's world, with the divisions committed once for the module."""
    return world


# ---- the one mapping to extend --------------------------------------------------------------


def _pending_transfer(world: World):
    from smartunion.members.services import send_transfer

    return send_transfer(world.member_a2, world.union_a1, actor=world.county_admin)


def _venue(world: World):
    from smartunion.venues.models import Venue, VenueKind

    return Venue.objects.create(
        kind=VenueKind.STATION,
        name="城关区东岗驿站",
        org=world.union_a1,
        region_id="620102",
        address="城关区东岗西路1号",
        lng=103.84,
        lat=36.05,
    )


def _import_job(world: World):
    from smartunion.imports.models import ImportJob, Kind

    return ImportJob.objects.create(
        kind=Kind.MEMBERS,
        org=world.union_a1,
        created_by=world.county_admin,
        created_by_name="county_admin",
        file_name="会员.xlsx",
        file_size=1,
        file_sha256="0" * 64,
    )


def _export_job(world: World):
    from smartunion.imports.models import ExportJob, ExportKind

    return ExportJob.objects.create(
        kind=ExportKind.MEMBERS,
        org=world.union_a1,
        scope_path=world.union_a1.path,
        file_format="xlsx",
        title="城关区会员名单",
        created_by=world.county_admin,
    )


def _hardship_file(world: World):
    from smartunion.assistance.testing import make_file

    return make_file(world.union_a1, world.member_a1.person)


def _campaign(world: World):
    from smartunion.assistance.testing import make_campaign

    return make_campaign(world.county_a)


def _student_aid(world: World):
    from smartunion.assistance.testing import make_campaign, make_file, make_student_aid

    file = make_file(world.union_a2, world.member_a2.person, state="in_file")
    return make_student_aid(file, make_campaign(world.county_a))


def _notice(world: World):
    from smartunion.assistance.testing import make_notice

    return make_notice(world.county_a)


def _attachment(world: World):
    from smartunion.assistance.testing import make_attachment

    return make_attachment(_hardship_file(world))


def _legal_aid_case(world: World):
    from smartunion.legalaid.testing import make_case

    return make_case(world.union_a1, world.county_admin)


def _legal_aid_handler(world: World):
    from smartunion.legalaid.testing import make_handler

    return make_handler(world.county_a)


def _service_request(world: World):
    from smartunion.servicerequests.testing import make_request

    return make_request(world.county_a, world.county_admin)


def _worker_request(world: World):
    """A request of the bound worker (county A's 张三) whose result waits for the rating."""
    from smartunion.casework import services as casework
    from smartunion.servicerequests.testing import make_request

    request = make_request(world.union_a1, world.county_admin, person_id=world.member_a1.person_id)
    request = casework.transition(request, "accept", actor=world.county_admin)
    return casework.transition(request, "report", actor=world.county_admin, note="已办结")


def _contest(world: World):
    from smartunion.contests.testing import county_contest

    return county_contest(world)


def _contest_entry(world: World):
    from smartunion.contests.testing import county_entry

    return county_entry(world)


def _contest_trade(world: World):
    from smartunion.contests.testing import county_trade

    return county_trade(world)


def _contest_judge(world: World):
    from smartunion.contests.testing import county_judge

    return county_judge(world)


def _api_token(world: World):
    from smartunion.accounts.models import ApiToken
    from smartunion.accounts.services import issue_token

    issue_token(world.grassroots_admin)
    return ApiToken.objects.filter(user=world.grassroots_admin).latest("id")


from smartunion.honours import testing as honours_testing  # noqa: E402

# URL keyword (and API path parameter) → the object of county A it names. Routes must use
# these names (common.md): a route with a keyword missing here fails its test until the
# keyword is added, with a factory returning an object inside county A (城关区).
KWARG_OBJECTS: dict[str, Callable[[World], Any]] = {
    "org_id": lambda w: w.union_a1,
    "person_id": lambda w: w.member_a1.person,
    "membership_id": lambda w: w.member_a1,
    "transfer_id": _pending_transfer,
    "venue_id": _venue,
    "job_id": _import_job,
    "export_id": _export_job,
    "file_id": _hardship_file,
    "campaign_id": _campaign,
    "aid_id": _student_aid,
    "notice_id": _notice,
    "attachment_id": _attachment,
    "case_id": _legal_aid_case,
    "ticket_id": _service_request,
    "contest_id": _contest,
    "entry_id": _contest_entry,
    # A staff account below county A's admin (staff pages are for their higher admins).
    "user_id": lambda w: w.grassroots_admin,
    "token_id": _api_token,
    # 电子会员证's token in /verify/<token>: public, any string (an invalid one answers 无效).
    "token": lambda w: SimpleNamespace(pk="not-a-card-token"),
    # 我的办事 (decision 0027): the kind of item, one of the bound worker's own, an action.
    "kind": lambda w: SimpleNamespace(pk="servicerequest"),
    "item_id": _worker_request,
    "action": lambda w: SimpleNamespace(pk="callback"),
    **honours_testing.KWARG_OBJECTS,
}

# API body or query fields that name an object: filled with county A's objects, so that the
# sibling county's admin sending them must get 404.
REFERENCE_FIELDS: dict[str, Callable[[World], Any]] = {
    "org": lambda w: w.union_a1,
    "parent": lambda w: w.county_a,
    "person": lambda w: w.member_a1.person,
    "campaign": _campaign,
    "household_file": _hardship_file,
    "hardship_file": _hardship_file,
    "handler": _legal_aid_handler,
    "host": lambda w: w.county_a,
    "trade": _contest_trade,
    "judge": _contest_judge,
    **honours_testing.REFERENCE_FIELDS,
}

# Values for other required API body fields, so an in-scope call reaches its service.
SAMPLE_VALUES: dict[str, Callable[[World], Any]] = {
    "to_org": lambda w: w.union_a2.pk,
    "name": lambda w: "测试工会",
    "id_number": lambda w: new_id_number(),
    "kind": lambda w: "single",
    "region": lambda w: "620102",
    "username": lambda w: "county_admin",
    "phone": lambda w: WORKER_PHONE,
    "password": lambda w: PASSWORD,
    "file": lambda w: SimpleUploadedFile("会员.csv", "姓名,身份证号码\n".encode("gb18030")),
    "head": lambda w: {"name": "赵困难", "id_number": new_id_number()},
    "address": lambda w: "兰州市城关区东岗西路1号",
    "title": lambda w: "测试活动",
    "starts_on": lambda w: "2026-01-01",
    "ends_on": lambda w: "2026-01-31",
    "student_name": lambda w: "张小明",
    "student_id_number": lambda w: new_id_number(),
    "school": lambda w: "兰州大学",
    "admission_year": lambda w: 2026,
    "amount": lambda w: "100.00",
    "monthly": lambda w: "800.00",
    "year": lambda w: 2026,
    "household_size": lambda w: 3,
    "annual_income": lambda w: "20000",
    "start": lambda w: "2026-02-13",
    "working_days": lambda w: 5,
    "applicant_kind": lambda w: "worker",
    "applicant_name": lambda w: "王小二",
    "matter": lambda w: "labour",
    "aid_form": lambda w: "arbitration",
    "channel": lambda w: "phone",
    "category": lambda w: "01",
    "caller_name": lambda w: "刘师傅",
    "summary": lambda w: "单位拖欠工资",
    "code": lambda w: "0901",
    "head_user": lambda w: w.county_admin.pk,
    "trades": lambda w: [{"name": "电工", "occupation_code": "6-31-01-03", "level": "3"}],
    "value": lambda w: "86.5",
    "reason": lambda w: "同一单位",
    "facts": lambda w: "拖欠工资三个月",
    "action": lambda w: "callback",
    "level": lambda w: "high",
    # 年报改写: a column of the annual report, and its note.
    "indicator": lambda w: "members",
    "note": lambda w: "含未录入系统的派遣工",
    "figure": lambda w: 5,
    # 组队 (contests): county A's entry; 奖励规则: one promotion rule.
    "entries": lambda w: [_contest_entry(w).number],
    "rules": lambda w: [{"label": "第一名晋升技师", "outcome": "promotion", "max_rank": 1}],
    **honours_testing.SAMPLE_VALUES,
}

# Pages anyone may open (each with the reason).
PUBLIC_PAGES = {
    "accounts:login": "the login page itself",
    "accounts:logout": "logging out needs no login; it only ends a session",
    "nearby": "附近驿站: the workers' public phone page (no personal information)",
    "gongshi:public_notices": "公示栏: notices are public by nature (masked names only)",
    "gongshi:public_notice": "one published 公示 (masked names only; drafts answer 404)",
    "healthz": "for load balancers and monitors: the database and the task worker, nothing else",
    "portal:signin": "职工之家's sign-in by mobile number and SMS code",
    "verify": "会员证核验's landing: scan or paste a member's e-card code",
    "verify_token": "会员证核验: 有效 / 已过期 / 无效 of one e-card (masked name, union)",
}
# The workers' pages (职工之家, decision 0022): only a worker's cookie opens them; anyone else,
# a staff session included, is sent to the portal's sign-in.
WORKER_PAGE_NAMESPACE = "portal"
# API operations anyone may call (method, path).
PUBLIC_API = {
    ("POST", "/api/v1/auth/token"): "exchanges a password for a token",
    ("GET", "/api/v1/regions"): "GB/T 2260 reference data (issue 2)",
    ("GET", "/api/v1/venues/nearest"): "附近驿站 for the workers' public phone page",
    ("GET", "/api/v1/assistance/standards"): "低保标准: public figures of the local governments",
    (
        "POST",
        "/api/v1/assistance/self-test",
    ): "困难职工自测: a worker checks a household (saves nothing)",
    ("GET", "/api/v1/venues/places"): "附近驿站's place search: counties, towns, open venues",
    ("GET", "/api/v1/openapi.json"): "the schema",
    ("GET", "/api/v1/docs"): "the interactive docs",
    ("GET", "/api/v1/"): "ninja's root",
    ("POST", "/api/v1/portal/auth/code"): "职工之家: a worker asks for a sign-in SMS code",
    ("POST", "/api/v1/portal/auth/token"): "职工之家: a worker exchanges the SMS code for a token",
    ("GET", "/api/v1/verify/{token}"): "会员证核验: anyone checks an e-card (masked name, union)",
}
# The workers' own routes (职工之家, decision 0021): only a worker's token opens them; staff
# sessions and staff tokens are refused with 401 like an anonymous call.
WORKER_API_PREFIX = "/api/v1/portal/"
WORKER_PHONE = "13900001111"
# API operations only the province federation's admins may call (each with the reason): county
# A's admin must be refused (403) and the province admin let in.
PROVINCE_ONLY_API = {
    ("POST", "/api/v1/assistance/standards"): "低保标准 are the province's configuration",
    ("POST", "/api/v1/requests/categories"): "诉求分类 is the province's code list",
    ("POST", "/api/v1/legal-aid/minimum-wages"): "最低工资标准 are the province's configuration",
    **honours_testing.PROVINCE_ONLY_API,
}
# Pages a read-only viewer may POST to (each with the reason).
VIEWER_MAY_POST = {
    "accounts:login": "logging in",
    "accounts:logout": "logging out",
    "accounts:otp_setup": "anyone may enrol an authenticator for their own account",
    "accounts:otp_verify": "anyone may give their own second factor",
    "imports:export_new": "a read-only viewer may export, masked, what it may see: in the "
    "background too (the job is its own)",
    "members:list": "the member search posts (an ID number stays out of URLs); it changes nothing",
    "orgs:detail": "the union's member search posts (an ID number stays out of URLs); it "
    "changes nothing",
}
# API operations that are POSTs but change nothing, which a read-only viewer may call (each with
# the reason); the database must still be unchanged after the call.
VIEWER_MAY_CALL = {
    ("POST", "/api/v1/members/search"): "a search sent by POST so that an ID number stays out "
    "of URLs and logs",
}
# URL patterns outside these rules (each with the reason).
IGNORED_PATTERNS = {
    r"^media/(?P<path>.*)$": "uploaded files, served by Django only with DEBUG on",
}

API_VIEWS = ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/")

LOGIN_URL = "accounts:login"
# A POST body with a plausible value for the fields page forms commonly have.
PAGE_POST_FIELDS = ("name", "note", "reason", "field", "to_org", "org", "parent")


# ---- enumeration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRoute:
    name: str
    route: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str
    public: bool
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    body_required: tuple[str, ...]
    body_schema: dict = field(hash=False, compare=False, default_factory=dict)
    query_required: tuple[str, ...] = ()
    content_type: str = "application/json"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _kwarg_names(pattern) -> list[str]:
    # Route patterns compile to regexes too, one named group per <converter:name>.
    return list(pattern.regex.groupindex)


def walk_urlconf(patterns=None, prefix: str = "", namespace: str | None = None, kwargs=()):
    """Every URL pattern of the root URLconf: (full route, namespaced name, kwarg names)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        names = (*kwargs, *_kwarg_names(p.pattern))
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk_urlconf(p.url_patterns, route, ns, names)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield route, name, tuple(dict.fromkeys(names)), namespace or ""


def _top(namespace: str) -> str:
    return namespace.split(":", 1)[0]


@cache
def page_routes() -> list[PageRoute]:
    routes = []
    for route, name, kwargs, namespace in walk_urlconf():
        if route in IGNORED_PATTERNS or _top(namespace) in ("admin", "api"):
            continue
        routes.append(PageRoute(name or f"<unnamed {route}>", route, kwargs))
    return routes


@cache
def openapi() -> dict:
    return api.get_openapi_schema()


def _resolve_ref(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@cache
def api_operations() -> list[ApiOperation]:
    ops = []
    for path, methods in openapi()["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            body, content_type = {}, "application/json"
            if "requestBody" in op:
                content_type, content = next(iter(op["requestBody"]["content"].items()))
                body = _resolve_ref(content["schema"])
            ops.append(
                ApiOperation(
                    method=method.upper(),
                    path=path,
                    public=not op.get("security"),
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query_params=tuple(p["name"] for p in params if p["in"] == "query"),
                    body_required=tuple(body.get("required", ())),
                    body_schema=body,
                    query_required=tuple(
                        p["name"] for p in params if p["in"] == "query" and p.get("required")
                    ),
                    content_type=content_type,
                )
            )
    # The schema, the docs page and ninja's root are views of the API, not operations in it.
    ops += [ApiOperation("GET", path, True, (), (), ()) for path in API_VIEWS]
    return ops


def api_url_routes() -> list[str]:
    return [route for route, _, _, namespace in walk_urlconf() if _top(namespace) == "api"]


# ---- helpers --------------------------------------------------------------------------------


def register_hint(kind: str, names) -> str:
    return (
        f"Unknown {kind} {sorted(names)}: register each in KWARG_OBJECTS (URL keywords) or "
        "REFERENCE_FIELDS / SAMPLE_VALUES (API fields) in smartunion/core/tests/test_permissions.py "
        "with a factory returning an object of county A, or rename it to one of "
        f"{sorted(KWARG_OBJECTS)} (common.md)."
    )


def fill_kwargs(world: World, names) -> dict[str, int]:
    unknown = [n for n in names if n not in KWARG_OBJECTS]
    if unknown:
        pytest.fail(register_hint("URL keyword", unknown))
    return {n: KWARG_OBJECTS[n](world).pk for n in names}


def client_for(user) -> Client:
    # A view that crashes shows up as a 500 among the problems, not as an exception.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def api_client(world: World, op) -> Client:
    """The client an operation is tried with where only its answers matter (paging, bounds):
    a bound worker's token on the portal's routes, the province admin's session elsewhere."""
    if op.path.startswith(WORKER_API_PREFIX):
        return Client(
            raise_request_exception=False,
            headers={"Authorization": f"Bearer {bound_worker_token(world)}"},
        )
    return client_for(world.province_admin)


def clients(world: World) -> tuple[Client, Client, Client, Client]:
    """Anonymous, the viewer, the sibling county's admin and county A's admin."""
    return (
        client_for(None),
        client_for(world.viewer),
        client_for(world.sibling_admin),
        client_for(world.county_admin),
    )


def db_state() -> dict[str, list]:
    """Every row of every smartunion table: equal before and after means nothing changed.

    Read as the database holds it (ciphertext, not decrypted values): a quarter of the cost
    through the ORM's converters, and a rewritten encrypted value shows as a change too.
    """
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model.__module__.startswith("smartunion."):
                table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
                state[model._meta.label] = cursor.fetchall()
    return state


def login_url() -> str:
    return resolve_url(LOGIN_URL)


def page_post_data(world: World) -> dict[str, Any]:
    values = {
        "name": "篡改",
        "note": "篡改",
        "reason": "retired",
        "field": "id_number",
        "to_org": world.union_a2.pk,
        "org": world.union_a1.pk,
        "parent": world.county_a.pk,
    }
    return {k: values[k] for k in PAGE_POST_FIELDS}


def _sample(world: World, name: str, prop: dict) -> Any:
    """A value for a body or query field: county A's object, a sample, or an allowed code."""
    if name in REFERENCE_FIELDS:
        return REFERENCE_FIELDS[name](world).pk
    enum = _resolve_ref(prop).get("enum")
    if name in SAMPLE_VALUES:
        value = SAMPLE_VALUES[name](world)
        if not enum or value in enum:
            return value
    if enum:
        return enum[0]
    raise LookupError(name)


def body_for(world: World, op: ApiOperation) -> dict[str, Any]:
    """The required fields, and every field that names a union or a member (as county A's)."""
    body, unknown = {}, []
    props = op.body_schema.get("properties", {})
    wanted = [*op.body_required, *(n for n in props if n in REFERENCE_FIELDS)]
    for name in dict.fromkeys(wanted):
        try:
            body[name] = _sample(world, name, props.get(name, {}))
        except LookupError:
            unknown.append(name)
    if unknown:
        pytest.fail(register_hint(f"body field of {op}", unknown))
    return body


def query_for(world: World, op: ApiOperation) -> dict[str, Any]:
    """The required query parameters, and those that name a union or a member."""
    query, unknown = {}, []
    wanted = [*op.query_required, *(n for n in op.query_params if n in REFERENCE_FIELDS)]
    for name in dict.fromkeys(wanted):
        try:
            query[name] = _sample(world, name, {})
        except LookupError:
            unknown.append(name)
    if unknown:
        pytest.fail(register_hint(f"query parameter of {op}", unknown))
    return query


def call(client: Client, op: ApiOperation, url: str, body: dict | None, query: dict | None):
    if op.method == "GET":
        return client.get(url, query or {})
    if op.content_type == "multipart/form-data":
        for value in (body or {}).values():
            if hasattr(value, "seek"):
                value.seek(0)  # the same upload is sent by each persona in turn
        return client.post(url + ("?" + urlencode(query) if query else ""), body or {})
    return client.generic(op.method, url, json.dumps(body or {}), content_type="application/json")


def api_url(op: ApiOperation, kwargs: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), op.path)


# ---- the rules ------------------------------------------------------------------------------


def test_every_url_keyword_and_api_parameter_is_registered():
    used = {k for r in page_routes() for k in r.kwargs}
    used |= {k for op in api_operations() for k in op.path_params}
    unknown = used - set(KWARG_OBJECTS)
    assert not unknown, register_hint("URL keyword", unknown)


def test_every_page_route_is_named():
    unnamed = [r.route for r in page_routes() if r.name.startswith("<unnamed")]
    assert not unnamed, (
        f"give these URL patterns a name (tests and templates reverse them): {unnamed}"
    )


def test_every_api_url_is_an_operation_of_the_openapi_schema():
    """An operation hidden from the schema would escape the API tests below."""
    paths = {re.sub(r"\{(\w+)\}", r"<\1>", op.path) for op in api_operations()}
    routes = {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route) for route in api_url_routes()}
    assert routes - paths == set()


def test_the_allow_lists_name_only_existing_routes():
    names = {r.name for r in page_routes()}
    ops = {(op.method, op.path) for op in api_operations()}
    assert set(PUBLIC_PAGES) - names == set()
    assert set(VIEWER_MAY_POST) - names == set()
    assert set(PUBLIC_API) - ops == set()
    assert set(PROVINCE_ONLY_API) - ops == set()
    assert set(VIEWER_MAY_CALL) - ops == set()


def test_the_database_state_sees_any_change_of_a_row(world):
    # The rules' "nothing changed" compares db_state() before and after: it must see a change.
    before = db_state()
    assert db_state() == before
    Organization.objects.filter(pk=world.union_a1.pk).update(name="改名")
    assert db_state() != before


def worker_page_problems(world: World, route: PageRoute, url: str) -> list[str]:
    from smartunion.portal.views import WORKER_COOKIE

    problems = []
    signin_url = reverse("portal:signin")
    anonymous, _, _, admin = clients(world)
    for who, client in (("anonymous", anonymous), ("county A's admin (staff session)", admin)):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or response["Location"] != signin_url:
                problems.append(
                    f"{who} {method.upper()} → {response.status_code} "
                    f"{response.get('Location', '')}, expected a redirect to {signin_url}"
                )
    worker = client_for(None)
    worker.cookies[WORKER_COOKIE] = bound_worker_token(world)
    response = worker.get(url)
    if response.status_code not in (200, 405):
        problems.append(f"a worker's cookie GET → {response.status_code}, expected 200 (or 405)")
    if route.kwargs:
        # Another worker trying the first one's ids: as if they did not exist.
        stranger = client_for(None)
        stranger.cookies[WORKER_COOKIE] = other_worker_token(world)
        for method in ("get", "post"):
            status = getattr(stranger, method)(url).status_code
            if status != 404 and not (status == 405 and method == "get"):
                problems.append(
                    f"another worker's cookie {method.upper()} → {status}, expected 404"
                )
    if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
        problems.append("a worker's cookie GET → a page without Cache-Control: no-store")
    return [f"{route.name} ({url}): {p}" for p in problems]


def page_problems(world: World, route: PageRoute) -> list[str]:
    """What ``route`` does against the page rules (an empty list when it obeys them)."""
    from smartunion.portal.views import WORKER_COOKIE

    kwargs = fill_kwargs(world, route.kwargs)
    url = reverse(route.name, kwargs=kwargs)
    if _top(route.name) == WORKER_PAGE_NAMESPACE and route.name not in PUBLIC_PAGES:
        return worker_page_problems(world, route, url)
    data = page_post_data(world)
    problems = []
    # Logging in writes last_login: every client logs in before the database is compared.
    anonymous, viewer, sibling, admin = clients(world)
    # The "anonymous" visitor carries a worker's cookie: it must open no staff page either.
    anonymous.cookies[WORKER_COOKIE] = bound_worker_token(world)

    # The viewer goes first: a write by a persona before it could hide the viewer's own.
    if route.name not in VIEWER_MAY_POST and route.name not in PUBLIC_PAGES:
        before = db_state()
        response = viewer.post(url, data)
        if response.status_code not in (403, 404, 405):
            problems.append(f"viewer POST → {response.status_code}, expected 403, 404 or 405")
        if db_state() != before:
            problems.append("viewer POST changed the database")

    before = db_state()
    if route.name not in PUBLIC_PAGES:
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            if response.status_code != 302 or not response["Location"].startswith(login_url()):
                problems.append(
                    f"anonymous {method.upper()} → {response.status_code} "
                    f"{response.get('Location', '')}, expected a redirect to {login_url()}"
                )

    if route.kwargs and route.name not in PUBLIC_PAGES:
        # 405 says nothing about the object when the route refuses the method for any object.
        missing = reverse(route.name, kwargs={k: 999_999 for k in kwargs})
        for method in ("get", "post"):
            response = getattr(sibling, method)(url, data if method == "post" else None)
            refused_anyway = getattr(sibling, method)(missing).status_code == 405
            if response.status_code != 404 and not (response.status_code == 405 and refused_anyway):
                problems.append(
                    f"sibling county's admin {method.upper()} of county A's object → "
                    f"{response.status_code}, expected 404"
                )
    if route.name not in PUBLIC_PAGES and db_state() != before:
        problems.append("an anonymous or the sibling county's POST changed the database")

    response = admin.get(url)
    # A redirect elsewhere than the login page still lets the user in (a download with
    # nothing to download may send them back to its page).
    let_in = response.status_code in (200, 405) or (
        response.status_code == 302 and not response["Location"].startswith(login_url())
    )
    if route.name not in PUBLIC_PAGES and not let_in:
        problems.append(f"county A's admin GET → {response.status_code}, expected 200 (or 405)")
    if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
        problems.append("county A's admin GET → a page without Cache-Control: no-store")
    return [f"{route.name} ({url}): {p}" for p in problems]


def api_problems(world: World, op: ApiOperation) -> list[str]:
    """What ``op`` does against the API rules (an empty list when it obeys them)."""
    kwargs = fill_kwargs(world, op.path_params)
    url = api_url(op, kwargs)
    body = body_for(world, op) if op.method != "GET" else None
    references = query_for(world, op)
    problems = []
    anonymous, viewer, sibling, admin = clients(world)

    if (op.method, op.path) in PUBLIC_API:
        response = call(anonymous, op, url, body, None)
        if response.status_code >= 500 or response.status_code in (401, 403):
            problems.append(f"public, but anonymous → {response.status_code}")
        return problems
    if op.public:
        problems.append("answers without authentication; add it to PUBLIC_API if it must")
    if op.path.startswith(WORKER_API_PREFIX):
        return [f"{op}: {p}" for p in worker_api_problems(world, op, url, body)]

    # The viewer goes first: a write by a persona before it could hide the viewer's own.
    if op.method != "GET":
        before = db_state()
        response = call(viewer, op, url, body, None)
        allowed = (200,) if (op.method, op.path) in VIEWER_MAY_CALL else (403, 404)
        if response.status_code not in allowed:
            problems.append(f"viewer {op.method} → {response.status_code}, expected {allowed}")
        if db_state() != before:
            problems.append(f"viewer {op.method} changed the database")

    before = db_state()
    response = call(anonymous, op, url, body, references)
    if response.status_code != 401:
        problems.append(f"anonymous → {response.status_code}, expected 401")

    refers_to_county_a = (
        op.path_params
        or any(name in REFERENCE_FIELDS for name in references)
        or (body and any(name in REFERENCE_FIELDS for name in body))
    )
    if refers_to_county_a:
        response = call(sibling, op, url, body, references)
        if response.status_code != 404:
            problems.append(
                f"sibling county's admin naming county A's objects → {response.status_code} "
                f"{response.content[:200]!r}, expected 404"
            )
    if db_state() != before:
        problems.append("an anonymous or the sibling county's call changed the database")

    if (op.method, op.path) in PROVINCE_ONLY_API:
        if call(admin, op, url, body, references).status_code != 403:
            problems.append("province-only, but county A's admin was not refused with 403")
        admin = client_for(world.province_admin)
    response = call(admin, op, url, body, references)
    if response.status_code in (401, 403, 404, 405) or response.status_code >= 500:
        problems.append(
            f"county A's admin → {response.status_code} {response.content[:300]!r}, "
            "expected 2xx (or 422)"
        )
    elif op.method == "GET" and response.status_code != 200:
        problems.append(f"county A's admin GET → {response.status_code}, expected 200")
    if response.status_code < 300 and "no-store" not in response.get("Cache-Control", ""):
        problems.append(
            f"county A's admin → {response.status_code} without Cache-Control: no-store"
        )
    return [f"{op}: {p}" for p in problems]


def bound_worker_token(world: World) -> str:
    """A worker's token of WORKER_PHONE, the number bound to county A's member 张三."""
    from smartunion.portal.models import WorkerBinding
    from smartunion.portal.signin import issue_token, phone_index

    WorkerBinding.objects.get_or_create(
        phone_index=phone_index(WORKER_PHONE),
        defaults={"person": world.member_a1.person, "bound_at": world.member_a1.created_at},
    )
    return issue_token(WORKER_PHONE)


OTHER_WORKER_PHONE = "13900002222"


def other_worker_token(world: World) -> str:
    """A worker's token bound to county B's member 王五: another worker."""
    from smartunion.portal.models import WorkerBinding
    from smartunion.portal.signin import issue_token, phone_index

    WorkerBinding.objects.get_or_create(
        phone_index=phone_index(OTHER_WORKER_PHONE),
        defaults={"person": world.member_b1.person, "bound_at": world.member_b1.created_at},
    )
    return issue_token(OTHER_WORKER_PHONE)


def worker_api_problems(world: World, op: ApiOperation, url: str, body) -> list[str]:

    problems = []
    anonymous, viewer, _, admin = clients(world)
    for who, client in (("anonymous", anonymous), ("viewer", viewer), ("county A's admin", admin)):
        response = call(client, op, url, body, None)
        if response.status_code != 401:
            problems.append(f"{who} (staff session) → {response.status_code}, expected 401")

    def with_bearer(key: str):
        return client_for(None).generic(
            op.method,
            url,
            json.dumps(body or {}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    staff_key = (
        client_for(None)
        .post(
            "/api/v1/auth/token",
            {"username": world.county_admin.username, "password": PASSWORD},
            content_type="application/json",
        )
        .json()["token"]
    )
    response = with_bearer(staff_key)
    if response.status_code != 401:
        problems.append(f"a staff token → {response.status_code}, expected 401")
    if op.path_params:
        # Another worker trying the first one's ids: as if they did not exist.
        response = with_bearer(other_worker_token(world))
        if response.status_code != 404:
            problems.append(f"another worker's token → {response.status_code}, expected 404")
    response = with_bearer(bound_worker_token(world))
    if response.status_code >= 300 and response.status_code != 422:
        problems.append(f"a worker's token → {response.status_code}, expected 2xx (or 422)")
    elif response.status_code < 300 and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"a worker's token → {response.status_code} without no-store")
    return problems


@pytest.mark.parametrize("route", page_routes(), ids=str)
def test_page_route_obeys_the_scope_rules(world, route: PageRoute):
    problems = page_problems(world, route)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("op", api_operations(), ids=str)
def test_api_operation_obeys_the_scope_rules(world, op: ApiOperation):
    problems = api_problems(world, op)
    assert not problems, "\n".join(problems)


@cache
def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
    return urls


@pytest.mark.parametrize("url", admin_urls())
def test_django_admin_is_for_superusers_only(world, url):
    admin_login = reverse("admin:login")
    for user in (None, world.county_admin, world.province_admin):
        response = client_for(user).get(url)
        assert response.status_code == 302, (url, user)
        assert response["Location"].startswith(admin_login), (url, user)
    assert client_for(world.superuser).get(url).status_code == 200


# ---- the rules themselves can fail ----------------------------------------------------------


@override_settings(ROOT_URLCONF="smartunion.core.tests.leaky_urls")
def test_the_page_rules_catch_a_route_without_login_or_scope(world):
    route = next(r for r in _routes_of_current_urlconf() if r.name == "leaky")
    assert route.kwargs == ("org_id",)
    problems = "\n".join(page_problems(world, route))
    assert "anonymous GET → 200" in problems
    assert "sibling county's admin GET of county A's object → 200" in problems
    assert "viewer POST → 200" in problems and "viewer POST changed the database" in problems


@override_settings(ROOT_URLCONF="smartunion.core.tests.leaky_urls")
def test_the_api_rules_catch_an_operation_without_auth_or_scope(world):
    op = ApiOperation("POST", "/leaky-api/orgs/{org_id}/rename", True, ("org_id",), (), ())
    problems = "\n".join(api_problems(world, op))
    assert "answers without authentication" in problems
    assert "anonymous → 200" in problems
    assert "sibling county's admin naming county A's objects → 200" in problems
    assert "viewer POST changed the database" in problems


def _routes_of_current_urlconf() -> list[PageRoute]:
    return [
        PageRoute(name or route, route, kwargs)
        for route, name, kwargs, namespace in walk_urlconf()
        if not namespace
    ]
