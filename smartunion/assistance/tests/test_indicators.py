"""The 帮扶 indicators equal a brute-force count over small random data sets (hardship files
filed and closed on random days, campaign lines paid or not on random days with Decimal
amounts), for a union's subtree and its own records, at a past date and today, and for the
sub-units in the comparison's one grouped read."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from smartunion.assistance.codes import CampaignKind, Category, Cause
from smartunion.assistance.indicators import ALL
from smartunion.assistance.models import CampaignLine, HardshipFile, LineState
from smartunion.assistance.testing import make_campaign, make_file, make_line
from smartunion.core.testing import read_once, reading_once
from smartunion.stats import indicators, kept

PAST = dt.date(2022, 6, 30)


def _day(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _seed(world, rng):
    today = timezone.localdate()
    start = dt.date(2020, 1, 1)
    unions = [
        world.province,
        world.city,
        world.county_a,
        world.county_b,
        world.union_a1,
        world.union_a2,
    ]
    for i in range(30):
        org = rng.choice(unions)
        file = make_file(org, world.add_member(org, name=f"帮扶{i}").person, state="in_file")
        file.filed_on = rng.choice([None, _day(rng, start, today)])
        closed = _day(rng, start, today)
        file.closed_on = (
            closed
            if rng.random() < 0.4 and (not file.filed_on or closed >= file.filed_on)
            else None
        )
        file.category = rng.choice([c for c, _ in Category.choices] + [""])
        file.main_cause = rng.choice([c for c, _ in Cause.choices])
        file.save()
    campaigns = [
        make_campaign(org, kind=kind)
        for org in unions
        for kind, _ in CampaignKind.choices
        if rng.random() < 0.5
    ]
    for i in range(40):
        campaign = rng.choice(campaigns)
        make_line(
            campaign,
            i,
            state=rng.choice([s for s, _ in LineState.choices]),
            paid_on=rng.choice([None, _day(rng, start, today)]),
            amount=rng.choice([None, Decimal(rng.randrange(1, 500000)) / 100]),
        )
    kept.rebuild()  # written outside the services: the statistics' summaries recounted


def _brute(code, org, on, *, own=False):
    def inside(rec):
        return rec.org.path == org.path if own else rec.org.path.startswith(org.path)

    files = [
        f
        for f in read_once("files", lambda: list(HardshipFile.objects.select_related("org")))
        if inside(f)
    ]
    lines = [
        ln
        for ln in read_once(
            "lines", lambda: list(CampaignLine.objects.select_related("org", "campaign"))
        )
        if inside(ln)
    ]
    in_file = [
        f
        for f in files
        if f.filed_on and f.filed_on <= on and (f.closed_on is None or f.closed_on > on)
    ]
    year_start = on.replace(month=1, day=1)
    paid = [
        ln
        for ln in lines
        if ln.state == LineState.PAID and ln.paid_on and year_start <= ln.paid_on <= on
    ]

    if code == "assistance.files":
        return len(in_file)
    if code == "assistance.files.by_category":
        return {c: sum(1 for f in in_file if f.category == c) for c, _ in Category.choices}
    if code == "assistance.files.by_cause":
        return {c: sum(1 for f in in_file if f.main_cause == c) for c, _ in Cause.choices}
    if code == "assistance.filed":
        return sum(1 for f in files if f.filed_on and year_start <= f.filed_on <= on)
    if code == "assistance.recipients":
        return len(paid)
    if code == "assistance.aid_paid":
        return sum((ln.amount or Decimal(0) for ln in paid), Decimal(0))
    if code == "assistance.recipients.by_campaign":
        return {k: sum(1 for ln in paid if ln.campaign.kind == k) for k, _ in CampaignKind.choices}
    if code == "assistance.aid_paid.by_campaign":
        return {
            k: sum((ln.amount or Decimal(0) for ln in paid if ln.campaign.kind == k), Decimal(0))
            for k, _ in CampaignKind.choices
        }
    raise KeyError(code)


def test_the_assistance_indicators_are_registered_with_chinese_names():
    codes = {i.code for i in indicators.all_indicators()}
    assert {i.code for i in ALL} <= codes
    for indicator in ALL:
        assert indicator.group == "困难职工帮扶" and indicator.name and indicator.definition
    assert indicators.get("assistance.aid_paid").unit == "元"


@pytest.mark.parametrize("seed_", [1, 2])
def test_each_assistance_indicator_equals_the_brute_force_count(world, seed_):
    _seed(world, random.Random(seed_))
    today = timezone.localdate()
    with reading_once():
        for on in (PAST, today):
            _compare_with_brute_force(world, on, today)


def _compare_with_brute_force(world, on, today):
    for org in (world.province, world.city, world.county_a, world.union_a1):
        for indicator in ALL:
            fig = indicators.figure(indicator, org, on, today)
            assert fig.value == _brute(indicator.code, org, on), (indicator.code, org.name, on)
            assert fig.own == _brute(indicator.code, org, on, own=True), (indicator.code, "本级")
        children = list(org.children.all())
        for indicator in ALL:
            values = indicators.by_child(indicator, org, children, on, today)
            for child in children:
                assert values[child.pk] == _brute(indicator.code, child, on), indicator.code
            assert values[None] == _brute(indicator.code, org, on, own=True), indicator.code


def test_the_money_paid_is_decimal(world):
    _seed(world, random.Random(3))
    fig = indicators.figure(
        indicators.get("assistance.aid_paid"),
        world.province,
        timezone.localdate(),
        timezone.localdate(),
    )
    assert isinstance(fig.value, (Decimal, int))
    assert not isinstance(fig.value, float)


def test_the_api_gives_the_money_paid_in_yuan_with_its_cents(world):
    from django.test import Client

    today = timezone.localdate()
    campaign = make_campaign(world.county_a, kind="winter")
    for i, amount in enumerate(("800.50", "1200.25")):
        make_line(campaign, i, state=LineState.PAID, paid_on=today, amount=Decimal(amount))
    kept.rebuild()  # written outside the services
    client = Client()
    client.force_login(world.city_admin)
    body = client.get(f"/api/v1/stats/orgs/{world.city.pk}").json()
    by_code = {f["code"]: f for f in body["figures"]}
    assert Decimal(str(by_code["assistance.aid_paid"]["value"])) == Decimal("2000.75")
    assert by_code["assistance.recipients"]["value"] == 2
    assert Decimal(str(by_code["assistance.aid_paid.by_campaign"]["value"]["winter"])) == Decimal(
        "2000.75"
    )
    rows = client.get(
        f"/api/v1/stats/orgs/{world.city.pk}/children", {"indicator": "assistance.aid_paid"}
    ).json()["rows"]
    assert {Decimal(str(r["value"])) for r in rows if r["value"]} == {Decimal("2000.75")}
    points = client.get(
        f"/api/v1/stats/orgs/{world.county_a.pk}/trend",
        {"indicator": "assistance.aid_paid", "months": 2},
    ).json()["points"]
    assert Decimal(str(points[-1]["value"])) == Decimal("2000.75")
    from django.urls import reverse

    kwargs = {"org_id": world.city.pk}
    overview = client.get(reverse("stats:overview", kwargs=kwargs)).content.decode()
    assert "帮扶发放金额" in overview and "2,000.75" in overview
    compare = client.get(
        reverse("stats:compare", kwargs=kwargs), {"indicator": "assistance.aid_paid"}
    ).content.decode()
    assert "2,000.75" in compare
    trend = client.get(reverse("stats:trend", kwargs=kwargs), {"indicator": "assistance.aid_paid"})
    assert trend.status_code == 200
