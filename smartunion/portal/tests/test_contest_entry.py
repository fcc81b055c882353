"""竞赛报名 from the phone (issue 16): a bound member sees the contests their union may enter,
applies for a trade through ``contests.services.enter_self`` (the unit's check next) and
follows it in 我的办事; the refusals in Chinese, nothing saved."""

import pytest
from django.test import Client
from django.utils import timezone

from smartunion.casework import services as casework
from smartunion.contests.models import Entry
from smartunion.contests.services import NOT_A_MEMBER
from smartunion.contests.testing import county_contest, make_entry
from smartunion.core.actors import SELF_CLERK
from smartunion.members.services import leave_union
from smartunion.portal.models import WorkerBinding
from smartunion.portal.signin import issue_token, phone_index
from smartunion.portal.views import WORKER_COOKIE


def bound(person, phone: str) -> Client:
    WorkerBinding.objects.create(
        phone_index=phone_index(phone), person=person, bound_at=timezone.now()
    )
    client = Client()
    client.cookies[WORKER_COOKIE] = issue_token(phone)
    return client


@pytest.mark.django_db
def test_a_member_enters_a_contest_on_the_phone(world):
    contest = county_contest(world)
    first, second = list(contest.trades.order_by("id"))[:2]
    zhang = bound(world.member_a1.person, "13700005555")  # 兰州第一机械厂工会, in 城关区
    page = zhang.get("/portal/contests/").content.decode()
    assert contest.name in page and first.name in page and 'for="trade-' in page
    wang = bound(world.member_b1.person, "13700006666")  # county B: outside the contest
    assert contest.name not in wang.get("/portal/contests/").content.decode()
    assert (
        wang.post("/portal/contests/", {"contest": contest.pk, "trade": first.pk}).status_code
        == 404
    )

    missing = zhang.post("/portal/contests/", {"contest": contest.pk, "trade": ""})
    assert missing.status_code == 400 and "请选择报名工种" in missing.content.decode()
    assert not Entry.objects.exists()

    done = zhang.post("/portal/contests/", {"contest": contest.pk, "trade": first.pk})
    entry = Entry.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/portal/mine/entry/{entry.pk}/"
    assert (entry.state, entry.org_id, entry.created_by_name) == (
        "entered",
        world.union_a1.pk,
        SELF_CLERK,
    )
    assert entry.responsible_org_id == world.union_a1.pk  # 单位审核 by the member's union
    mine = zhang.get("/portal/mine/").content.decode()
    assert "参赛报名" in mine and "已报名，待单位审核" in mine
    again = zhang.post("/portal/contests/", {"contest": contest.pk, "trade": first.pk})
    assert again.status_code == 400 and "您已报名此工种" in again.content.decode()

    for name in ("赵一", "赵二", "赵三"):  # the unit's quota of the second trade
        make_entry(
            contest, world.add_member(world.union_a1, name=name), world.county_admin, trade=second
        )
    full = zhang.post("/portal/contests/", {"contest": contest.pk, "trade": second.pk})
    assert full.status_code == 400 and "超出本单位名额" in full.content.decode()

    gone = world.add_member(world.union_a1, name="离会")
    leave_union(gone, actor=world.county_admin)
    former = bound(gone.person, "13700007777")
    refused = former.post("/portal/contests/", {"contest": contest.pk, "trade": second.pk})
    assert refused.status_code == 400 and NOT_A_MEMBER in refused.content.decode()

    casework.transition(contest, "start_preliminary", actor=world.county_admin)
    closed = zhang.post("/portal/contests/", {"contest": contest.pk, "trade": second.pk})
    assert closed.status_code == 400 and "不在报名阶段" in closed.content.decode()
    assert Entry.objects.filter(created_by_name=SELF_CLERK).count() == 1
    assert Entry.objects.count() == 4
