"""Entries: registry members entered by their union within its quota, checked by the unit,
the host and the committee; scores by judges without a conflict, two per station; rankings;
the final's results through 公示 and the award rules into the honours register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartunion.casework import notices
from smartunion.casework import services as casework
from smartunion.casework.models import Notice
from smartunion.contests import services
from smartunion.contests.models import Benefit, Entry, Score
from smartunion.contests.testing import make_contest, make_entry
from smartunion.core.errors import NotInScope
from smartunion.honours.models import Honour
from smartunion.members.services import leave_union


def messages(exc) -> dict:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def move(case, name, actor, note="", **data):
    return casework.transition(case, name, actor=actor, note=note, data=data)


@pytest.fixture
def contest(world):
    """A 一类 contest of the province, hosted by 兰州市总工会, open for entries."""
    return make_contest(
        world.province, world.province_admin, state="entries", host_id=world.city.pk
    )


def test_entries_keep_to_the_unit_quota_and_the_membership_rule(world, contest):
    trade = contest.trades.first()
    first = make_entry(contest, world.member_a1, world.grassroots_admin)
    assert first.state == "entered" and first.org == world.union_a1 and first.city == world.city
    assert first.responsible_org == world.union_a1
    for name in ("李一", "李二"):
        make_entry(contest, world.add_member(world.union_a1, name=name), world.grassroots_admin)
    fourth = world.add_member(world.union_a1, name="李四")
    with pytest.raises(ValidationError) as exc:
        make_entry(contest, fourth, world.grassroots_admin)
    assert messages(exc)["person"] == ["超出本单位名额：电工每个单位限报3人。"]
    other_trade = contest.trades.last()
    assert make_entry(contest, fourth, world.grassroots_admin, trade=other_trade)
    with pytest.raises(ValidationError) as exc:
        make_entry(contest, world.member_a1, world.grassroots_admin)
    assert messages(exc)["person"] == ["该选手已报名此工种。"]

    gone = world.add_member(world.union_a2, name="离会")
    leave_union(gone, actor=world.county_admin)
    with pytest.raises(ValidationError) as exc:
        make_entry(contest, gone, world.county_admin)
    assert messages(exc)["person"] == ["该职工不是在籍会员，本竞赛只接受在籍会员报名。"]
    with pytest.raises(NotInScope):
        make_entry(contest, world.member_b1, world.county_admin)  # a person of county B
    with pytest.raises(NotInScope):
        services.enter(
            contest, trade_id=999999, person_id=world.member_a2.person_id, actor=world.county_admin
        )
    with pytest.raises(PermissionDenied):
        make_entry(contest, world.member_a2, world.viewer)
    assert Entry.objects.filter(trade=trade).count() == 3


def test_an_entry_is_checked_by_its_unit_the_host_and_the_committee(world, contest):
    entry = make_entry(contest, world.member_a1, world.grassroots_admin)
    with pytest.raises(NotInScope):
        move(entry, "unit_approve", world.sibling_admin)
    entry = move(entry, "unit_approve", world.grassroots_admin)
    with pytest.raises(PermissionDenied) as exc:
        move(entry, "host_approve", world.county_admin)
    assert "承办单位" in str(exc.value)
    entry = move(entry, "host_approve", world.city_admin)
    with pytest.raises(PermissionDenied):
        move(entry, "committee_approve", world.city_admin)
    entry = move(entry, "committee_approve", world.province_admin)
    assert entry.state == "accepted"
    # The host and the organiser see the entries of their contest (and nobody beside them).
    assert Entry.objects.visible_to(world.city_admin).filter(pk=entry.pk).exists()
    assert not Entry.objects.visible_to(world.sibling_admin).filter(pk=entry.pk).exists()


def _accepted(world, contest, members):
    entries = []
    for member in members:
        entry = make_entry(contest, member, world.grassroots_admin)
        for step, who in (
            ("unit_approve", world.grassroots_admin),
            ("host_approve", world.city_admin),
            ("committee_approve", world.province_admin),
        ):
            entry = move(entry, step, who)
        entries.append(entry)
    return entries


def _score(entry, judges, actor, theory, practice):
    for judge, t, p in zip(judges, theory, practice, strict=True):
        services.record_score(entry, judge_id=judge.pk, part="theory", value=t, actor=actor)
        services.record_score(entry, judge_id=judge.pk, part="practice", value=p, actor=actor)


def test_from_entries_to_published_results_and_award_candidates(world, contest):
    a, b, c = _accepted(
        world,
        contest,
        [
            world.member_a1,
            world.add_member(world.union_a1, name="钱二"),
            world.add_member(world.union_a1, name="孙三"),
        ],
    )
    contest = move(contest, "start_preliminary", world.province_admin)
    j1 = services.add_judge(contest, name="赵裁判", actor=world.province_admin)
    j2 = services.add_judge(contest, name="周裁判", actor=world.province_admin)
    j3 = services.add_judge(contest, name="吴裁判", actor=world.province_admin)
    services.declare_conflict(c, judge_id=j1.pk, reason="同一单位师徒", actor=world.province_admin)

    bad = [
        (dict(judge_id=j1.pk, part="theory", value="101"), "value", "分数应在0至100之间。"),
        (dict(judge_id=j1.pk, part="theory", value="-1"), "value", "分数应在0至100之间。"),
        (dict(judge_id=j1.pk, part="defence", value="80"), "part", "本竞赛不设技术答辩。"),
        (dict(judge_id=j1.pk, part="theory", value=80.5), "value", "请以数字文本填写分数"),
    ]
    for kwargs, field, text in bad:
        with pytest.raises(ValidationError) as exc:
            services.record_score(a, actor=world.city_admin, **kwargs)
        assert messages(exc)[field][0].startswith(text)
    with pytest.raises(ValidationError) as exc:
        services.record_score(c, judge_id=j1.pk, part="theory", value="90", actor=world.city_admin)
    assert messages(exc)["judge"] == [
        "裁判赵裁判已声明与该选手存在利害关系，须回避，不能为其评分。"
    ]
    with pytest.raises(NotInScope):
        services.record_score(a, judge_id=999999, part="theory", value="90", actor=world.city_admin)
    with pytest.raises(PermissionDenied):
        services.record_score(
            a, judge_id=j1.pk, part="theory", value="90", actor=world.grassroots_admin
        )
    assert not Score.objects.exists()

    # Two judges a station, averaged: a (90, 80) / (80, 90) → theory 85, practice 85 → 85.
    _score(a, (j1, j2), world.city_admin, ("90", "80"), ("80", "90"))
    with pytest.raises(ValidationError) as exc:
        services.record_score(a, judge_id=j3.pk, part="theory", value="70", actor=world.city_admin)
    assert "已有两名裁判的分数" in messages(exc)["station"][0]
    # b: theory 95 practice 81 → 28.5 + 56.7 = 85.2; c: theory 70 practice 91.5 → 85.05.
    _score(b, (j1, j2), world.city_admin, ("95", "95"), ("81", "81"))
    _score(c, (j2, j3), world.city_admin, ("70", "70"), ("91.5", "91.5"))
    assert services.rank_round(contest, actor=world.province_admin) == 3
    a, b, c = (Entry.objects.get(pk=e.pk) for e in (a, b, c))
    assert (a.total, b.total, c.total) == (Decimal("85.000"), Decimal("85.200"), Decimal("85.050"))
    assert (b.rank, c.rank, a.rank) == (1, 2, 3)

    for entry in (b, c):
        move(entry, "advance", world.province_admin)
    contest = move(contest, "start_final", world.province_admin)
    a.refresh_from_db()
    assert a.state == "eliminated" and a.preliminary_rank == 3
    b.refresh_from_db()
    assert b.round == "final" and b.total is None and b.preliminary_total == Decimal("85.200")

    with pytest.raises(ValidationError) as exc:
        move(contest, "publish_results", world.province_admin)
    assert "成绩不全或未排名" in messages(exc)[""][0]
    # A tie on the total and the practice: theory decides (the contest's rule).
    _score(b, (j1, j2), world.province_admin, ("90", "90"), ("90", "90"))
    _score(c, (j2, j3), world.province_admin, ("80", "80"), ("90", "90"))
    services.rank_round(contest, actor=world.province_admin)
    b.refresh_from_db(), c.refresh_from_db()
    assert (b.rank, b.award, c.rank, c.award) == (1, "first", 2, "second")

    contest = move(contest, "publish_results", world.province_admin)
    notice = Notice.objects.get(subject_kind="contests.entry")
    assert notice.state == "published"
    assert [i.name_masked for i in notice.items.order_by("category")] == ["钱*", "孙*"]
    with pytest.raises(ValidationError):
        move(contest, "finish", world.province_admin)
    notices.close_notice(notice, actor=world.province_admin, on=notice.ends_on + dt.timedelta(1))
    contest = move(contest, "finish", world.province_admin)
    assert contest.state == "published"
    honours = Honour.objects.filter(source=f"contest:{contest.pk}")
    assert sorted(honours.values_list("person__name", "kind")) == [
        ("孙三", "technical_expert"),
        ("钱二", "provincial_may1_medal"),
        ("钱二", "technical_expert"),
    ]
    assert set(honours.values_list("state", flat=True)) == {"candidate"}
    promotions = Benefit.objects.filter(outcome="promotion")
    assert sorted(promotions.values_list("to_level", flat=True)) == ["2", "2"]
    assert services.apply_awards(contest, actor=world.province_admin) == []  # nothing twice
