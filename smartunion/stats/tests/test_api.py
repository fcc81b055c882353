"""The 统计分析 API: indicators, the overview of a scope, the comparison and the trend; bad
input refused in Chinese; nothing outside the user's scope (404)."""

import datetime as dt

from django.test import Client
from django.utils import timezone

URL = "/api/v1/stats"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fields(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["detail"]}


def test_the_indicators_are_listed_with_their_chinese_names_and_definitions(world):
    body = client_for(world.county_admin).get(f"{URL}/indicators?limit=500").json()
    assert body["next"] is None
    by_code = {i["code"]: i for i in body["items"]}
    assert by_code["members"]["name"] == "会员人数"
    assert by_code["members"]["unit"] == "人"
    assert "入会日期" in by_code["members"]["definition"]
    assert by_code["members.rate"]["name"] == "入会率"
    assert {"code": "2", "label": "女"} in by_code["members.by_gender"]["categories"]
    assert by_code["members.joins"]["kind"] == "flow"


def test_the_overview_gives_each_figure_with_and_without_the_sub_units(world):
    body = client_for(world.city_admin).get(f"{URL}/orgs/{world.county_a.pk}").json()
    assert body["org"]["name"] == "城关区总工会"
    assert body["date"] == timezone.localdate().isoformat()
    by_code = {f["code"]: f for f in body["figures"]}
    assert by_code["members"]["value"] == 2 and by_code["members"]["own"] == 0
    assert by_code["employees"]["value"] == 300
    assert by_code["members.rate"]["value"] == 1 / 300
    assert by_code["members.by_gender"]["value"] == {"1": 1, "2": 1}
    assert by_code["unions"]["value"] == 3 and by_code["unions"]["own"] == 1


def test_the_overview_at_a_past_date_counts_the_members_of_then(world):
    from smartunion.members import summaries as member_summaries
    from smartunion.members.models import Membership

    Membership.objects.filter(pk=world.member_a1.pk).update(joined_on=dt.date(2020, 5, 1))
    Membership.objects.filter(pk=world.member_a2.pk).update(joined_on=dt.date(2023, 5, 1))
    # Back-dated by hand, not by a service: the statistics' summaries rebuilt (decision 0020).
    member_summaries.rebuild()
    body = client_for(world.county_admin).get(
        f"{URL}/orgs/{world.county_a.pk}", {"date": "2021-12-31"}
    )
    by_code = {f["code"]: f for f in body.json()["figures"]}
    assert by_code["members"]["value"] == 1


def test_the_comparison_lists_each_sub_unit_and_marks_those_with_sub_units(world):
    body = client_for(world.city_admin).get(
        f"{URL}/orgs/{world.city.pk}/children", {"indicator": "members"}
    )
    assert body.status_code == 200
    rows = body.json()["rows"]
    assert [(r["org"]["name"], r["value"], r["org"]["has_children"]) for r in rows] == [
        ("城关区总工会", 2, True),
        ("七里河区总工会", 1, True),
    ]
    assert body.json()["indicator"]["name"] == "会员人数"


def test_the_comparison_shows_the_unions_own_members_as_a_row_of_its_own(world):
    world.add_member(world.county_a, "赵六")
    rows = (
        client_for(world.county_admin)
        .get(f"{URL}/orgs/{world.county_a.pk}/children", {"indicator": "members"})
        .json()["rows"]
    )
    assert rows[-1] == {"org": None, "value": 1}


def test_a_comparison_reads_as_much_for_many_sub_units_as_for_few(world):
    """Its page and its answer read each sub-unit in the one query of them all, for every
    indicator, today (the kept counters) and at a past date: nothing is read again for each
    row (a field the rows show left out of that query would be)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartunion.orgs.models import Kind
    from smartunion.personas import make_org
    from smartunion.stats import indicators

    client = client_for(world.county_admin)
    codes = [i.code for i in indicators.all_indicators()]

    def reads():
        out = {}
        for code in codes:
            for date in (None, "2024-12-31"):
                query = {"indicator": code, **({"date": date} if date else {})}
                with CaptureQueriesContext(connection) as api:
                    answer = client.get(f"{URL}/orgs/{world.county_a.pk}/children", query)
                with CaptureQueriesContext(connection) as page:
                    shown = client.get(f"/stats/orgs/{world.county_a.pk}/compare/", query)
                assert answer.status_code == shown.status_code == 200, code
                out[code, date] = (len(api), len(page), len(answer.json()["rows"]))
        return out

    few = reads()
    for i in range(4):
        make_org(f"新建工会{i}", world.county_a, Kind.SINGLE, "620102", employee_count=10)
    many = reads()
    for key, (api, page, rows) in few.items():
        assert many[key] == (api, page, rows + 4), key


def test_the_trend_gives_24_months_by_default_up_to_today(world):
    body = client_for(world.county_admin).get(
        f"{URL}/orgs/{world.county_a.pk}/trend", {"indicator": "members"}
    )
    points = body.json()["points"]
    assert len(points) == 24
    assert points[-1]["date"] == timezone.localdate().isoformat()
    assert points[-1]["value"] == 2
    six = client_for(world.county_admin).get(
        f"{URL}/orgs/{world.county_a.pk}/trend", {"indicator": "members.joins", "months": 6}
    )
    assert len(six.json()["points"]) == 6


def test_a_union_outside_the_scope_answers_404(world):
    client = client_for(world.sibling_admin)
    for path in ("", "/children?indicator=members", "/trend?indicator=members"):
        response = client.get(f"{URL}/orgs/{world.county_a.pk}{path}")
        assert response.status_code == 404, path
        assert "不在您的管理范围内" in response.json()["detail"]


def test_a_date_in_the_future_or_before_2000_is_refused(world):
    client = client_for(world.county_admin)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for date, message in [
        (tomorrow.isoformat(), "统计日期不能晚于今天。"),
        ("1999-12-31", "统计日期不能早于2000年1月1日。"),
    ]:
        for path in ("", "/children"):
            response = client.get(
                f"{URL}/orgs/{world.county_a.pk}{path}", {"date": date, "indicator": "members"}
            )
            assert response.status_code == 422
            assert fields(response)["date"] == message
    bad = client.get(f"{URL}/orgs/{world.county_a.pk}", {"date": "2024-13-01"})
    assert bad.status_code == 422 and fields(bad)["date"].startswith("统计日期")


def test_an_unknown_indicator_is_refused_in_chinese(world):
    client = client_for(world.county_admin)
    for path in ("/children", "/trend"):
        response = client.get(f"{URL}/orgs/{world.county_a.pk}{path}", {"indicator": "nope"})
        assert response.status_code == 422
        assert fields(response)["indicator"] == "指标代码“nope”不存在，请从指标列表中选择。"
    default = client.get(f"{URL}/orgs/{world.county_a.pk}/children")
    assert default.json()["indicator"]["code"] == "members"


def test_a_breakdown_has_no_trend(world):
    response = client_for(world.county_admin).get(
        f"{URL}/orgs/{world.county_a.pk}/trend", {"indicator": "members.by_gender"}
    )
    assert response.status_code == 422
    assert "分组指标" in fields(response)["indicator"]


def test_months_outside_1_to_120_are_refused(world):
    client = client_for(world.county_admin)
    for months in (0, 121, -5):
        response = client.get(
            f"{URL}/orgs/{world.county_a.pk}/trend", {"indicator": "members", "months": months}
        )
        assert response.status_code == 422, months
        assert fields(response)["months"].startswith("月数"), fields(response)
    assert (
        client.get(
            f"{URL}/orgs/{world.county_a.pk}/trend", {"indicator": "members", "months": 120}
        ).status_code
        == 200
    )
