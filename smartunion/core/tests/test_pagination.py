"""Generated paging tests: every list operation of the API pages one way (core.pagination).

Nobody lists the list operations here: they are the GET operations of the OpenAPI schema whose
answer has ``items``. Each must take ``limit`` (default 50, 1–500) and ``after``, answer
``next``, list every item exactly once when ``next`` is followed, and refuse a bad ``limit``
or ``after`` with a Chinese 422. No GET answers a bare array (a list that cannot page).

A new list operation needs a factory in LIST_ITEMS making at least three of its items (or the
test says where to register one); NOT_LISTS names the few answers with ``items`` that are not
lists to page through, each with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from smartunion.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from smartunion.core.tests.test_permissions import (
    KWARG_OBJECTS,
    ApiOperation,
    _resolve_ref,
    api_client,
    api_operations,
    api_url,
    client_for,
    openapi,
)
from smartunion.personas import World

NOT_LISTS = {
    "/api/v1/venues/nearest": "the k nearest venues to a point (at most 50): a search answer, "
    "not a list to page through",
    "/api/v1/venues/places": "the first places whose name holds the words (at most 20), for "
    "附近驿站's place search: a search answer, not a list to page through",
}


def _members(world: World) -> dict:
    for name in ("李四", "王五", "赵六"):
        world.add_member(world.union_a1, name=name)
    return {}


def _applications(world: World) -> dict:
    from smartunion.core.testing import new_id_number
    from smartunion.members.services import PersonData, apply_for_membership

    # Two on the same day: the id decides between them.
    for name, day in (("甲", 3), ("乙", 1), ("丙", 3), ("丁", 2)):
        apply_for_membership(
            PersonData(name=name, id_number=new_id_number()),
            world.union_a1,
            actor=world.county_admin,
            applied_on=dt.date(2025, 5, day),
        )
    return {}


def _transfers(world: World) -> dict:
    from smartunion.members.services import send_transfer

    for name in ("李四", "王五", "赵六"):
        member = world.add_member(world.union_a1, name=name)
        send_transfer(member, world.union_a2, actor=world.county_admin)
    return {}


def _import_jobs(world: World) -> dict:
    for _ in range(3):
        KWARG_OBJECTS["job_id"](world)
    return {}


def _import_issues(world: World) -> dict:
    job = KWARG_OBJECTS["job_id"](world)
    # Two problems on one row: the id decides between them.
    for row_no, column in ((3, "姓名"), (2, "身份证号码"), (3, "手机号码"), (5, "姓名")):
        job.issues.create(
            row_no=row_no, column=column, level="error", code="invalid", message="不正确。"
        )
    return {"job_id": job.pk}


def _venues(world: World) -> dict:
    for _ in range(3):
        KWARG_OBJECTS["venue_id"](world)
    return {}


# List path → a factory making at least three items the province admin sees; it returns the
# path parameters to list them with.
def _hardship_files(world: World) -> dict:
    from smartunion.assistance.testing import make_file

    make_file(world.union_a1, world.member_a1.person)
    make_file(world.union_a2, world.member_a2.person)
    make_file(world.union_a1, world.add_member(world.union_a1, name="赵六").person)
    return {}


def _payments(world: World) -> dict:
    from smartunion.assistance.testing import make_file
    from smartunion.casework.models import LedgerLine

    file = make_file(world.union_a1, world.member_a1.person, state="in_file")
    head = file.members.get(relation="self")
    for amount in (100, 200, 300):
        LedgerLine.objects.create(
            subject=file,
            org=world.county_a,
            fund_source="own",
            purpose="living",
            amount=amount,
            paid_on=dt.date.today(),
            year=dt.date.today().year,
            beneficiary_hash=head.id_hash,
            beneficiary_name=head.name,
            beneficiary_id_masked=head.id_masked,
        )
    return {"file_id": file.pk}


def _campaigns(world: World) -> dict:
    from smartunion.assistance.testing import make_campaign

    for kind in ("spring", "summer", "winter"):
        make_campaign(world.county_a, kind=kind)
    return {}


def _campaign_lines(world: World) -> dict:
    from smartunion.assistance.campaigns import LineData, add_line
    from smartunion.assistance.testing import make_campaign
    from smartunion.core.testing import new_id_number

    campaign = make_campaign(world.county_a, kind="winter")
    for name in ("李四", "王五", "赵六"):
        data = LineData(
            name=name, id_number=new_id_number(), group="hardship", form="goods", goods="米面油"
        )
        add_line(campaign, data, actor=world.county_admin)
    return {"campaign_id": campaign.pk}


def _student_aids(world: World) -> dict:
    from smartunion.assistance.testing import make_campaign, make_file, make_student_aid

    campaign = make_campaign(world.county_a)
    for name in ("李四", "王五", "赵六"):
        parent = world.add_member(world.union_a2, name=name).person
        make_student_aid(make_file(world.union_a2, parent, state="in_file"), campaign)
    return {}


def _tokens(world: World) -> dict:
    from smartunion.accounts.services import issue_token

    for _ in range(3):
        issue_token(world.province_admin)
    return {}


def _staff_tokens(world: World) -> dict:
    from smartunion.accounts.services import issue_token

    for _ in range(3):
        issue_token(world.grassroots_admin)
    return {"user_id": world.grassroots_admin.pk}


def _legal_aid_cases(world: World) -> dict:
    from smartunion.legalaid.testing import make_case

    for name in ("李四", "王五", "赵六"):
        make_case(world.union_a1, world.county_admin, applicant_name=name)
    return {}


def _legal_aid_handlers(world: World) -> dict:
    from smartunion.legalaid.testing import make_handler

    for name in ("李律师", "王律师", "赵律师"):
        make_handler(world.county_a, name=name)
    return {}


def _minimum_wages(world: World) -> dict:
    from smartunion.legalaid.testing import min_wages

    min_wages("620100", years=(2024, 2025, 2026))
    return {}


def _service_requests(world: World) -> dict:
    from smartunion.servicerequests.testing import make_request

    for _ in range(3):
        make_request(world.union_a1, world.county_admin)
    return {}


def _centres(world: World) -> dict:
    from smartunion.servicerequests.services import set_centre_head

    for org, head in (
        (world.county_a, world.county_admin),
        (world.city, world.city_admin),
        (world.province, world.province_admin),
    ):
        set_centre_head(org_id=org.pk, head_user_id=head.pk, actor=world.province_admin)
    return {}


from smartunion.honours import testing as honours_testing  # noqa: E402


def _contests(world: World) -> dict:
    from smartunion.contests.testing import make_contest

    for name in ("电工竞赛", "焊工竞赛", "钳工竞赛"):
        make_contest(world.county_a, world.county_admin, tier="city", name=name)
    return {}


def _contest_entries(world: World) -> dict:
    from smartunion.contests.testing import county_contest, make_entry

    contest = county_contest(world)
    for name in ("李四", "王五", "赵六"):
        make_entry(contest, world.add_member(world.union_a1, name=name), world.county_admin)
    return {"contest_id": contest.pk}


def _contest_teams(world: World) -> dict:
    from smartunion.contests.services import create_team
    from smartunion.contests.testing import county_contest, make_entry

    contest = county_contest(world)
    trades = list(contest.trades.all())
    numbers = [
        make_entry(
            contest,
            world.add_member(world.union_a1, name=f"队员{i}"),
            world.county_admin,
            trade=trades[i % len(trades)],
        ).number
        for i in range(6)
    ]
    for i, name in enumerate(("一队", "二队", "三队")):
        create_team(
            contest.pk,
            actor=world.county_admin,
            org_id=world.union_a1.pk,
            name=name,
            entry_numbers=numbers[2 * i : 2 * i + 2],
            counted=2,
        )
    return {"contest_id": contest.pk}


def _contest_judges(world: World) -> dict:
    from smartunion.contests.services import add_judge
    from smartunion.contests.testing import county_contest

    contest = county_contest(world)
    for name in ("赵裁判", "钱裁判", "孙裁判"):
        add_judge(contest, name=name, actor=world.county_admin)
    return {"contest_id": contest.pk}


def _worker_requests(world: World) -> dict:
    """Three requests of the bound worker (张三, test_permissions.bound_worker_token): three
    items of 我的办事, and three notices (each 已提交)."""
    from smartunion.servicerequests.testing import make_request

    for _ in range(3):
        make_request(world.union_a1, world.county_admin, person_id=world.member_a1.person_id)
    return {}


LIST_ITEMS: dict[str, Callable[[World], dict]] = {
    "/api/v1/regions": lambda w: {},  # the provinces
    "/api/v1/orgs": lambda w: {},  # the world's seven unions
    "/api/v1/members": _members,
    "/api/v1/members/applications": _applications,
    "/api/v1/members/transfers": _transfers,
    "/api/v1/imports/jobs": _import_jobs,
    "/api/v1/imports/jobs/{job_id}/issues": _import_issues,
    "/api/v1/venues": _venues,
    "/api/v1/assistance/files": _hardship_files,
    "/api/v1/assistance/files/{file_id}/payments": _payments,
    "/api/v1/assistance/campaigns": _campaigns,
    "/api/v1/assistance/campaigns/{campaign_id}/lines": _campaign_lines,
    "/api/v1/assistance/student-aid": _student_aids,
    "/api/v1/legal-aid/cases": _legal_aid_cases,
    "/api/v1/legal-aid/handlers": _legal_aid_handlers,
    "/api/v1/legal-aid/minimum-wages": _minimum_wages,
    "/api/v1/requests": _service_requests,
    "/api/v1/contests": _contests,
    "/api/v1/contests/{contest_id}/entries": _contest_entries,
    "/api/v1/contests/{contest_id}/judges": _contest_judges,
    "/api/v1/contests/{contest_id}/teams": _contest_teams,
    "/api/v1/requests/categories": lambda w: {},  # the code list the migration starts
    "/api/v1/requests/centres": _centres,
    "/api/v1/stats/indicators": lambda w: {},  # the indicators declared in code
    "/api/v1/auth/tokens": _tokens,
    "/api/v1/staff/{user_id}/tokens": _staff_tokens,
    "/api/v1/portal/applications": _worker_requests,
    "/api/v1/portal/notices": _worker_requests,
    "/api/v1/portal/unions": lambda w: {"?": {"q": "工会"}},  # the world's grassroots unions
    **honours_testing.LIST_ITEMS,
}


def _answer(op: ApiOperation) -> dict:
    if op.path not in openapi()["paths"]:
        return {}  # the schema and docs pages
    responses = openapi()["paths"][op.path][op.method.lower()]["responses"]
    ok = responses.get(200) or responses.get("200") or {}
    content = ok.get("content", {}).get("application/json", {})
    return _resolve_ref(content.get("schema", {}))


def _params(op: ApiOperation) -> dict[str, dict]:
    op_schema = openapi()["paths"][op.path][op.method.lower()]
    return {p["name"]: p for p in op_schema.get("parameters", []) if p["in"] == "query"}


def list_operations() -> list[ApiOperation]:
    return [
        op
        for op in api_operations()
        if op.method == "GET"
        and "items" in _answer(op).get("properties", {})
        and op.path not in NOT_LISTS
    ]


def _url(world: World, op: ApiOperation) -> tuple[str, dict]:
    """The list's URL and the query it needs (a factory's ``"?"``, e.g. a search's words)."""
    factory = LIST_ITEMS.get(op.path)
    if factory is None:
        pytest.fail(
            f"Unknown list {op}: register a factory making three of its items in LIST_ITEMS "
            "(smartunion/core/tests/test_pagination.py), or in NOT_LISTS with the reason."
        )
    kwargs = dict(factory(world))
    query = kwargs.pop("?", {})
    return api_url(op, kwargs), query


def test_no_get_answers_a_bare_array():
    bare = [str(op) for op in api_operations() if _answer(op).get("type") == "array"]
    assert not bare, f"answer {{'items': [...], 'next': …}} (core.pagination) instead: {bare}"


def test_the_exceptions_name_existing_operations():
    paths = {op.path for op in api_operations()}
    assert set(NOT_LISTS) - paths == set()
    assert set(LIST_ITEMS) - paths == set()


def test_there_are_list_operations_to_check():
    assert len(list_operations()) >= len(LIST_ITEMS) > 0


@pytest.mark.parametrize("op", list_operations(), ids=str)
def test_a_list_declares_limit_and_after_and_answers_next(op: ApiOperation):
    params = _params(op)
    assert {"limit", "after"} <= set(params), f"{op}: declare its filters on core.pagination.PageIn"
    limit = params["limit"]["schema"]
    assert (limit.get("default"), limit.get("minimum"), limit.get("maximum")) == (
        DEFAULT_LIMIT,
        1,
        MAX_LIMIT,
    )
    answer = _answer(op)["properties"]
    assert "next" in answer, f"{op}: answer core.pagination.page_schema(Item)"
    assert set(answer) - {"items", "next", "count"} == set()


@pytest.mark.parametrize("op", list_operations(), ids=str)
def test_following_next_lists_every_item_once(world, op: ApiOperation):
    url, query = _url(world, op)
    client = api_client(world, op)
    whole = client.get(url, {**query, "limit": MAX_LIMIT})
    assert whole.status_code == 200, whole.content[:300]
    whole = whole.json()
    assert whole["next"] is None
    assert len(whole["items"]) >= 3, f"{op}: its LIST_ITEMS factory must make three items"

    seen, after = [], ""
    for _ in range(len(whole["items"])):
        body = client.get(url, {**query, "limit": 2, "after": after}).json()
        assert len(body["items"]) <= 2
        seen += body["items"]
        if body["next"] is None:
            break
        after = body["next"]
    assert seen == whole["items"]


@pytest.mark.parametrize("op", list_operations(), ids=str)
@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": 0}, "limit"),
        ({"limit": MAX_LIMIT + 1}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": "!!not a cursor"}, "after"),
        ({"after": "WzEsMiwzLDQsNV0"}, "after"),  # [1,2,3,4,5]: no list has five keys
    ],
    ids=["limit 0", "limit 501", "limit ten", "garbage after", "after of five keys"],
)
def test_a_bad_limit_or_after_is_refused_in_chinese(world, op: ApiOperation, query, field):
    url, needed = _url(world, op)
    response = api_client(world, op).get(url, {**needed, **query})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [d["field"] for d in detail] == [field]
    label = {"limit": "每页条数", "after": "游标"}[field]
    assert detail[0]["message"].startswith(label), detail


def test_the_applications_list_the_longest_waiting_first(world):
    _applications(world)
    body = client_for(world.county_admin).get("/api/v1/members/applications").json()
    assert [(m["person_name"], m["applied_on"]) for m in body["items"]] == [
        ("乙", "2025-05-01"),
        ("丁", "2025-05-02"),
        ("甲", "2025-05-03"),
        ("丙", "2025-05-03"),
    ]
