"""The figures kept in the statistics' summaries from their declarations (stats.kept): the
service requests' and legal-aid cases' (decision 0025), the contests' and their entrants', the
hardship files filed and the campaign lines paid (decision 0034) — equal to a recount after
every service that changes them, and the pages and figures read from them give what the
records give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartunion.assistance import campaigns
from smartunion.assistance.models import CampaignLine, HardshipFile
from smartunion.assistance.testing import make_campaign, make_file, make_line
from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.casework.models import Notice
from smartunion.contests import services as contest_services
from smartunion.contests.models import Contest, Entry
from smartunion.contests.testing import make_contest, make_entry
from smartunion.core.testing import new_id_number
from smartunion.legalaid import indicators as legal_aid
from smartunion.legalaid.models import LegalAidCase
from smartunion.legalaid.testing import make_case, make_handler, min_wages
from smartunion.orgs import services as org_services
from smartunion.servicerequests import services as request_services
from smartunion.servicerequests.figures import figures as request_figures
from smartunion.servicerequests.models import ServiceRequest
from smartunion.servicerequests.testing import make_request
from smartunion.stats import indicators, kept, summaries
from smartunion.stats.models import Summary
from smartunion.stats.modules import year_figures
from smartunion.stats.testing import freeze_today

#: "Today" of every test here (STYLE.md: tests freeze today): after the contests' May, the
#: records the services date today in July, 40 days before it in June.
TODAY = dt.date(2026, 7, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Django's local date and time frozen at TODAY (the world is built on that day too).
    The fixtures' helpers that take the real date (legalaid.testing's minimum wages and
    knew_on, contests.testing's year) are given TODAY's instead."""
    freeze_today(monkeypatch, TODAY)


def _case(org, actor, **changes):
    """``make_case`` known of 90 days before TODAY, with TODAY's minimum wages."""
    min_wages(years=(TODAY.year - 1, TODAY.year))
    return make_case(org, actor, knew_on=TODAY - dt.timedelta(days=90), **changes)


def legal_aid_figures(user, year):
    return year_figures(
        user, str(year), shown=legal_aid.ALL, by_union=(legal_aid.CASES, legal_aid.RECOVERED)
    )


def move(case, name, actor, note="说明", **data):
    return casework.transition(case, name, actor=actor, note=note, data=data)


def recounted() -> None:
    assert kept.check() == []


def _pages(world):
    """Every figure of both pages, for the province and the city (from the summaries) and
    the county (from the records)."""
    out = {}
    for user in (world.province_admin, world.city_admin, world.county_admin):
        for name, page in (("requests", request_figures), ("legalaid", legal_aid_figures)):
            f = page(user, TODAY.year)
            rows = [(r.org.pk if r.org else None, r.values) for r in f.by_union]
            out[user.username, name] = ({c: s.value for c, s in f.figures.items()}, rows)
    return out


def test_after_every_service_the_summaries_equal_a_recount_and_the_pages_the_records(
    world, monkeypatch
):
    # Service requests: intake at the city, down to a county, accepted, reported, called back
    # dissatisfied (reopened), reported again, called back, quality-checked.
    a = make_request(world.city, world.city_admin)
    recounted()
    assert Summary.objects.filter(dim="rt", path=world.province.path).exists()
    steps = [
        ("send_down", world.city_admin, {"to_org": world.county_a.pk}),
        ("accept", world.county_admin, {}),
        ("report", world.county_admin, {}),
        ("callback", world.city_admin, {"satisfied": "no"}),
        ("report", world.county_admin, {}),
        ("callback", world.city_admin, {"satisfied": "yes"}),
        ("quality", world.city_admin, {}),
    ]
    for name, actor, data in steps:
        a = move(a, name, actor, **data)
        recounted()
    assert a.state == "closed" and a.satisfied and a.on_time is not None
    # A request taken in a union below the counties, sent back up, spawning a legal-aid case.
    min_wages(years=(TODAY.year - 1, TODAY.year))
    b = make_request(
        world.union_a1, world.county_admin, category="04", person_id=world.member_a1.person_id
    )
    b = move(
        b,
        "spawn_legal_aid",
        world.county_admin,
        applicant_kind="migrant",
        aid_form="arbitration",
        subtype="wages",
        exemption="migrant_wages",
        amount_in_dispute="6000",
    )
    recounted()
    spawned = LegalAidCase.objects.get()
    # Legal aid through its whole flow, with money recovered in fen; a consultation; a
    # termination and a transfer.
    lawyer = make_handler(world.county_a)
    case = _case(world.union_a1, world.grassroots_admin)
    for name, actor, data in [
        ("grant", world.county_admin, {}),
        ("assign", world.county_admin, {"handler": lawyer.pk}),
        ("record_stage", world.county_admin, {"stage": "arbitration", "happened_on": TODAY}),
        ("close", world.county_admin, {"result": "mediated", "recovered": "8000.55"}),
        ("callback", world.city_admin, {"score": 4}),
        ("archive", world.county_admin, {}),
    ]:
        case = move(case, name, actor, **data)
        recounted()
    _case(world.county_b, world.sibling_admin, consultation=True, aid_form="consult")
    move(spawned, "terminate", world.county_admin, note="撤回", reason="withdrew")
    other = _case(world.city, world.city_admin)
    move(other, "transfer", world.city_admin, to="government", to_name="兰州市法律援助中心")
    recounted()
    # A sub-category moved under another category of the code list.
    request_services.save_category(
        code="0301", name="拖欠工资", parent_code="03", actor=world.superuser
    )
    make_request(world.county_b, world.sibling_admin, category="0301", channel="online")
    request_services.save_category(
        code="0301", name="拖欠工资", parent_code="04", actor=world.superuser
    )
    recounted()
    # A union with requests and cases moved to the sibling county; a county to the province.
    org_services.move_org(world.union_a1, world.county_b, actor=world.city_admin)
    recounted()
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    world.county_b.refresh_from_db()  # its path: under the province now
    recounted()
    province = request_figures(world.province_admin, TODAY.year).figures
    assert province["requests.count"].value == 3
    assert legal_aid_figures(world.province_admin, TODAY.year).figures[
        "legalaid.recovered"
    ].value == Decimal("8000.55")
    # The pages from the summaries equal the pages from the records.
    from_summaries = _pages(world)
    monkeypatch.setattr(summaries, "DEPTH", 0)
    assert _pages(world) == from_summaries


def test_the_command_rebuilds_and_checks_the_kept_rows(world):
    make_request(world.county_a, world.county_admin)
    ServiceRequest.objects.update(opened_on=dt.date(TODAY.year - 1, 3, 15))  # not a service
    with pytest.raises(CommandError, match="summary cells drifted"):
        call_command("rebuild_stats", "--check")
    call_command("rebuild_stats", "--check", "--fix")
    recounted()
    call_command("rebuild_stats")
    recounted()
    rows = Summary.objects.filter(dim="rt", path=world.province.path).order_by("month")
    assert [(r.month, r.n) for r in rows] == [
        (summaries.month_index(dt.date(TODAY.year - 1, 3, 1)), 1),
        (summaries.YEARS + TODAY.year - 1, 1),  # its year's row beside it (decision 0032)
    ]


# ---- the contests' entrants and the assistance lines (decision 0034) ----------------------------

#: The flows of contests and 帮扶 kept from their declarations (stats 0008).
FLOWS = ("cn", "ct", "ck", "ce", "cf", "fn", "pr", "pm", "pk", "pa")


def _kept_figures(world, days):
    """Every contests' and 帮扶 figure of the province, the city and both counties at each
    of ``days``: the overview's (read together), each read alone, and the comparison's (but
    the counties', read from the records either way); and their trends over the last 14
    months (money in yuan, not the fen kept)."""
    from smartunion.assistance import indicators as assistance
    from smartunion.contests import indicators as contests

    shown = [*contests.ALL, *assistance.ALL]
    today = TODAY
    out = {}
    for on in days:
        for org in (world.province, world.city, world.county_a, world.county_b):
            for fig in indicators.figures_of(shown, org, on, today):
                alone = indicators.figure(fig.indicator, org, on, today)
                assert (alone.value, alone.own) == (fig.value, fig.own), fig.indicator.code
                out[on, org.name, fig.indicator.code] = (fig.value, fig.own)
            if org not in (world.province, world.city):
                continue  # a county's sub-units: read from the records either way
            children = list(org.children.all())
            for indicator in shown:
                values = indicators.by_child(indicator, org, children, on, today)
                out[on, org.name, indicator.code, "by_child"] = values
    for org in (world.province, world.city, world.county_a, world.county_b):
        for indicator in shown:
            out[org.name, indicator.code, "trend"] = indicators.trend(indicator, org, today, 14)
    return out


def _figure(code, org, on):
    """(含下级, 本级) of ``code`` for ``org`` at ``on``, from the summaries where kept."""
    figure = indicators.figure(indicators.get(code), org, on, TODAY)
    return figure.value, figure.own


def _month_row(dim, path, day, value=""):
    row = Summary.objects.filter(
        dim=dim, path=path, month=summaries.month_index(day), value=value
    ).first()
    return row.n if row else 0


def _paid_line(campaign, i, amount: str) -> CampaignLine:
    """A line paid today, written outside the services (the summaries are not told)."""
    return make_line(campaign, i, amount=Decimal(amount), state="paid", paid_on=TODAY)


def _accept(entry, world):
    for step, who in (
        ("unit_approve", world.grassroots_admin),
        ("host_approve", world.city_admin),
        ("committee_approve", world.province_admin),
    ):
        entry = move(entry, step, who, note="")
    return entry


def _score(entry, judges, actor, value):
    for judge in judges:
        for part in ("theory", "practice"):
            contest_services.record_score(
                entry, judge_id=judge.pk, part=part, value=value, actor=actor
            )


def test_the_contests_and_their_entrants_follow_every_service(world, monkeypatch):
    """Entrants count under their union in the month their contest begins: every service that
    moves a contest or an entry keeps the rows equal to a recount, and the figures from the
    summaries equal those from the records at a month's end, inside a month and today."""
    year = TODAY.year
    contest = make_contest(
        world.province,
        world.province_admin,
        state="entries",
        host_id=world.city.pk,
        year=year,
        starts_on=dt.date(year, 5, 12),
        ends_on=dt.date(year, 9, 30),
    )
    make_contest(
        world.city, world.city_admin, year=year, tier="class2", kind="labour", name="兰州劳动竞赛"
    )
    recounted()
    assert _month_row("cn", world.province.path, dt.date(year, 5, 1)) == 2
    assert _month_row("ct", world.province.path, dt.date(year, 5, 1), "class1") == 1
    assert _month_row("ck", world.province.path, dt.date(year, 5, 1), "labour") == 1
    members = [world.member_a1, *(world.add_member(world.union_a1, name=n) for n in "钱孙李")]
    trades = list(contest.trades.order_by("id"))  # three of a union a trade
    entries = [
        make_entry(contest, m, world.grassroots_admin, trade=trades[i // 3])
        for i, m in enumerate(members)
    ]
    recounted()
    a, b, c = (_accept(e, world) for e in entries[:3])
    move(entries[3], "reject", world.grassroots_admin, note="材料不全")
    recounted()
    assert _month_row("ce", world.province.path, dt.date(year, 5, 1)) == 3
    contest = move(contest, "start_preliminary", world.province_admin, note="")
    judges = [
        contest_services.add_judge(contest, name=name, actor=world.province_admin)
        for name in ("赵裁判", "周裁判")
    ]
    for entry, value in ((a, "80"), (b, "90"), (c, "85")):
        _score(entry, judges, world.city_admin, value)
    contest_services.rank_round(contest, actor=world.province_admin)
    for entry in (b, c):
        move(Entry.objects.get(pk=entry.pk), "advance", world.province_admin, note="")
    recounted()
    contest = move(contest, "start_final", world.province_admin, note="")
    recounted()
    assert _month_row("ce", world.province.path, dt.date(year, 5, 1)) == 3
    assert _month_row("cf", world.province.path, dt.date(year, 5, 1)) == 2
    assert _month_row("cf", world.county_a.path, dt.date(year, 5, 1)) == 2
    for entry, value in ((b, "95"), (c, "70")):
        _score(Entry.objects.get(pk=entry.pk), judges, world.province_admin, value)
    contest_services.rank_round(contest, actor=world.province_admin)
    contest = move(contest, "publish_results", world.province_admin, note="")
    notice = Notice.objects.get(subject_kind="contests.entry")
    notices.close_notice(notice, actor=world.province_admin, on=notice.ends_on + dt.timedelta(1))
    contest = move(contest, "finish", world.province_admin, note="")
    recounted()
    days = [
        dt.date(year, 4, 30),  # a month's end before the contest begins
        dt.date(year, 5, 11),  # inside its month, the day before
        dt.date(year, 5, 12),  # inside its month, the day it begins
        dt.date(year, 5, 31),
        TODAY,
    ]
    assert _figure("contests.preliminary_entrants", world.province, TODAY) == (3, 0)
    assert _figure("contests.final_entrants", world.city, TODAY) == (2, 0)
    # The city's contest began on 1 May, the province's own on 12 May.
    assert _figure("contests.contests", world.province, dt.date(year, 5, 11)) == (1, 0)
    assert _figure("contests.contests", world.province, dt.date(year, 5, 12)) == (2, 1)
    # A contest's dates changed (no service changes them today: decision 0034) move its
    # entrants to the new month with it, inside ``records_changed`` of the contest and them.
    with (
        kept.records_changed(Contest.objects.filter(pk=contest.pk)),
        kept.records_changed(Entry.objects.filter(contest=contest)),
    ):
        Contest.objects.filter(pk=contest.pk).update(
            starts_on=dt.date(year - 1, 12, 31), ends_on=dt.date(year, 1, 20)
        )
    recounted()
    assert _month_row("ce", world.province.path, dt.date(year, 5, 1)) == 0
    assert _month_row("ce", world.province.path, dt.date(year - 1, 12, 1)) == 3
    # Their unions moved: to the sibling county; that county to the province.
    org_services.move_org(world.union_a1, world.county_b, actor=world.city_admin)
    recounted()
    org_services.move_org(world.county_b, world.province, actor=world.province_admin)
    world.county_b.refresh_from_db()  # its path: under the province now
    recounted()
    days.append(dt.date(year - 1, 12, 31))
    from_summaries = _kept_figures(world, days)
    monkeypatch.setattr(summaries, "DEPTH", 0)
    assert _kept_figures(world, days) == from_summaries


def test_the_lines_paid_and_the_files_filed_follow_their_services(world, monkeypatch):
    """Aid paid counts and sums (in fen) under the campaign's union in the month of its 发放日期:
    paying lines keeps the rows equal to a recount, as do a file's transitions (建档日期) and
    a union's move; figures from the summaries equal those from the records."""
    campaign = make_campaign(world.county_a, kind="winter")
    autumn = make_campaign(world.city, kind="summer")
    lines = []
    for i, (target, amount) in enumerate(
        ((campaign, "800.50"), (campaign, "1200"), (autumn, "300"))
    ):
        lines.append(
            campaigns.add_line(
                target,
                campaigns.LineData(
                    name=f"受助{i}",
                    id_number=new_id_number(),
                    amount=amount,
                    bank_card="6222020200112233446",
                ),
                actor=world.city_admin,
            )
        )
    recounted()
    notice = notices.create_notice(
        "assistance.campaignline",
        org=world.city,
        subjects=lines,
        title="慰问名单公示",
        actor=world.city_admin,
    )
    notices.publish_notice(notice, actor=world.city_admin)
    notice.refresh_from_db()
    notices.close_notice(notice, actor=world.city_admin, on=notice.ends_on + dt.timedelta(1))
    recounted()
    earlier = TODAY - dt.timedelta(days=40)
    campaigns.pay_lines(
        campaign,
        actor=world.county_admin,
        fund_source="own",
        paid_on=earlier,
        line_ids=[lines[0].pk],
    )
    recounted()
    campaigns.pay_lines(campaign, actor=world.county_admin, fund_source="own", paid_on=TODAY)
    campaigns.pay_lines(autumn, actor=world.city_admin, fund_source="own", paid_on=TODAY)
    recounted()
    assert _month_row("pm", world.province.path, earlier) == 80050
    assert _month_row("pr", world.county_a.path, TODAY) == 1
    assert _month_row("pa", world.city.path, TODAY, "summer") == 30000
    assert _month_row("pk", world.province.path, TODAY, "winter") == 1
    assert CampaignLine.objects.filter(state="paid").count() == 3
    # A file filed, closed and re-entered (its 建档日期 cleared) through its transitions.
    file = make_file(world.union_a1, world.member_a1.person, state="in_file")
    HardshipFile.objects.filter(pk=file.pk).update(filed_on=earlier)
    kept.rebuild()  # written outside the services
    assert _month_row("fn", world.province.path, earlier) == 1
    file = move(file, "cancel", world.county_admin, note="注销", reason="other")
    recounted()
    move(file, "reenter", world.county_admin, note="返困")
    recounted()
    assert _month_row("fn", world.province.path, earlier) == 0
    days = [earlier, earlier.replace(day=1) - dt.timedelta(days=1), TODAY]
    assert _figure("assistance.aid_paid", world.province, TODAY)[0] == Decimal("2300.50")
    org_services.move_org(world.county_a, world.province, actor=world.province_admin)
    world.county_a.refresh_from_db()  # its path: under the province now
    recounted()
    from_summaries = _kept_figures(world, days)
    monkeypatch.setattr(summaries, "DEPTH", 0)
    assert _kept_figures(world, days) == from_summaries


def test_money_beyond_32_bits_of_fen_is_kept(world):
    """A month's aid over 21,474,836.47 元 (2³¹ fen) in one summary row."""
    campaign = make_campaign(world.county_a, kind="winter")
    for i in range(2):
        _paid_line(campaign, i, "20000000.00")
    kept.rebuild()
    recounted()
    assert _month_row("pm", world.province.path, TODAY) == 4_000_000_000


def test_the_migration_fills_the_flows_of_existing_records(world):
    """stats 0008's function, with its historical models, over records already there."""
    import importlib

    from smartunion.core.testing import historical_apps

    contest = make_contest(
        world.province,
        world.province_admin,
        state="entries",
        host_id=world.city.pk,
        year=TODAY.year,
    )
    _accept(make_entry(contest, world.member_a1, world.grassroots_admin), world)
    _paid_line(make_campaign(world.county_a, kind="winter"), 0, "100.00")
    make_request(world.county_a, world.county_admin)
    Summary.objects.filter(dim__in=FLOWS).delete()
    others = sorted(Summary.objects.values_list("dim", "path", "month", "value", "n"))
    name = "0008_h15c_kept_flows"
    migration = importlib.import_module(f"smartunion.stats.migrations.{name}")
    assert set(migration.DIMS) == set(FLOWS) <= set(kept.dims())
    migration.fill(historical_apps("stats", name), None)
    recounted()
    assert (
        sorted(
            Summary.objects.exclude(dim__in=FLOWS).values_list("dim", "path", "month", "value", "n")
        )
        == others
    )
    assert {"ce", "cn", "pm", "pr"} <= set(Summary.objects.values_list("dim", flat=True))
    migration.empty(historical_apps("stats", name), None)
    assert not Summary.objects.filter(dim__in=FLOWS).exists()


def test_the_command_checks_and_names_the_contests_and_aid_rows(world):
    _paid_line(make_campaign(world.county_a, kind="winter"), 0, "100.00")  # not a service
    out = StringIO()
    with pytest.raises(CommandError, match="summary cells drifted"):
        call_command("rebuild_stats", "--check", stdout=out)
    assert "帮扶发放金额（分）" in out.getvalue() and "帮扶慰问人次" in out.getvalue()
    call_command("rebuild_stats", "--check", "--fix", stdout=StringIO())
    recounted()
    assert _month_row("pm", world.province.path, TODAY) == 10000
