"""The requests' figures are statistics indicators: registered in 统计分析, computed by the
stats machinery, and the figures page reads the same declarations in a few grouped reads.
Counselling is counted, never named."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from smartunion.casework import services as casework
from smartunion.servicerequests import indicators
from smartunion.servicerequests.figures import figures
from smartunion.servicerequests.models import RequestCategory, ServiceRequest
from smartunion.servicerequests.testing import make_request
from smartunion.stats import indicators as stats

TODAY = dt.date.today()


def move(request, name, actor, note="说明", **data):
    return casework.transition(request, name, actor=actor, note=note, data=data)


def requests_of_the_year(world):
    """Taken at the city: one sent down to county A and handled there on time, called back
    satisfied; one by window at county A, reported, called back dissatisfied twice; one
    counselling request (hidden) and one online request under a sub-category."""
    a = make_request(world.city, world.city_admin)
    a = move(a, "send_down", world.city_admin, to_org=world.county_a.pk)
    a = move(a, "accept", world.county_admin)
    a = move(a, "report", world.county_admin, note="已答复")
    move(a, "callback", world.city_admin, satisfied="yes")
    b = make_request(world.county_a, world.county_admin, channel="window", category="03")
    b = move(b, "accept", world.county_admin)
    b = move(b, "report", world.county_admin, note="已答复")
    b = move(b, "callback", world.city_admin, satisfied="no")
    b = move(b, "report", world.county_admin, note="再答复")
    move(b, "callback", world.city_admin, satisfied="no")
    make_request(
        world.union_a1, world.county_admin, category="08", counsellor_id=world.county_admin.pk
    )
    sub = RequestCategory.objects.create(
        code="0301", name="拖欠工资投诉", parent=RequestCategory.objects.get(code="03")
    )
    make_request(world.county_b, world.sibling_admin, channel="online", category=sub.code)


def test_the_requests_indicators_are_registered_in_the_statistics(world):
    codes = {i.code for i in stats.all_indicators()}
    assert {i.code for i in indicators.ALL} <= codes
    assert stats.get("requests.on_time_rate").is_rate
    assert dict(stats.get("requests.by_channel").categories)["phone"] == "电话（12351）"


def test_the_figures_page_and_the_statistics_give_the_same_numbers(world):
    requests_of_the_year(world)
    f = figures(world.province_admin, TODAY.year)
    today = timezone.localdate()
    for indicator in indicators.ALL:
        expected = stats.figure(indicator, world.province, today, today).value
        assert f.figures[indicator.code].value == expected, indicator.code
    values = {code: shown.value for code, shown in f.figures.items()}
    assert values["requests.count"] == 4  # the counselling request counted
    assert values["requests.closed"] == 2
    assert values["requests.handled"] == 2
    assert values["requests.on_time_rate"] == 1.0
    assert values["requests.satisfaction_rate"] == 0.5
    assert values["requests.by_channel"] == {"phone": 2, "window": 1, "station": 0, "online": 1}
    by_category = values["requests.by_category"]
    assert by_category["01"] == 1 and by_category["03"] == 2 and by_category["08"] == 1
    assert by_category["other"] == 0


def test_a_category_the_province_added_counts_as_other(world):
    RequestCategory.objects.create(code="09", name="婚恋交友")
    make_request(world.county_a, world.county_admin, category="09")
    f = figures(world.county_admin, TODAY.year)
    assert f.figures["requests.by_category"].value["other"] == 1


def test_the_figures_by_sub_unit_and_the_scope(world):
    requests_of_the_year(world)
    f = figures(world.city_admin, TODAY.year)
    rows = {(r.org.name if r.org else "本级"): r.values for r in f.by_union}
    assert rows == {"城关区总工会": ["2", "2"], "七里河区总工会": ["1", "0"], "本级": ["1", "0"]}
    county = figures(world.county_admin, TODAY.year)
    assert county.figures["requests.count"].value == 2  # taken in county A's subtree
    assert county.figures["requests.handled"].value == 2
    sibling = figures(world.sibling_admin, TODAY.year)
    assert sibling.figures["requests.count"].value == 1


def test_the_figures_of_a_past_year_and_a_bad_year(world):
    make_request(world.county_a, world.county_admin)
    ServiceRequest.objects.update(opened_on=dt.date(TODAY.year - 1, 6, 1))
    assert figures(world.county_admin, TODAY.year - 1).figures["requests.count"].value == 1
    assert figures(world.county_admin, TODAY.year).figures["requests.count"].value == 0
    for bad in ("1999", "abc", str(TODAY.year + 1), ""):
        assert figures(world.county_admin, bad).year == TODAY.year


def test_the_figures_page_names_nobody_and_reads_little(
    world, client, django_assert_max_num_queries
):
    requests_of_the_year(world)
    client.force_login(world.province_admin)
    with django_assert_max_num_queries(12):
        page = client.get("/requests/figures/").content.decode()
    assert "心理疏导" in page and "受理诉求工单数" in page and "50.0%" in page
    assert "刘师傅" not in page
