"""网络投票 on the phone (issue 16): the open selections and their nominees (no ID number), one
vote a day per selection through the honours' service, the Chinese refusals, nothing saved."""

import datetime as dt

import pytest
from django.test import Client

from smartunion.casework import services as casework
from smartunion.honours.models import Nomination, Selection, Vote
from smartunion.honours.selections import ALREADY_VOTED, VOTE_CLOSED
from smartunion.honours.testing import a_voting_nomination
from smartunion.portal.signin import issue_token
from smartunion.portal.views import WORKER_COOKIE


@pytest.mark.django_db
def test_a_worker_votes_once_a_day_on_the_phone(world):
    case = a_voting_nomination(world)
    today = casework.today()
    Nomination.objects.filter(pk=case.pk).update(deeds="扎根一线二十年，带出徒弟三十余名。")
    Selection.objects.filter(pk=case.selection_id).update(
        vote_starts_on=today, vote_ends_on=today + dt.timedelta(days=3)
    )
    client = Client()
    client.cookies[WORKER_COOKIE] = issue_token("13700009999")  # signed in, not bound
    assert 'href="/portal/vote/"' in client.get("/portal/bind/").content.decode()
    page = client.get("/portal/vote/").content.decode()
    assert case.selection.title in page and "张三" in page and "扎根一线二十年" in page
    assert world.member_a1.person.id_number not in page and "投票给张三" in page
    assert "今天已投" not in page

    assert client.post("/portal/vote/", {"nomination": case.pk}).status_code == 302
    page = client.get("/portal/vote/").content.decode()
    assert "今天已投" in page and "投票给张三" not in page
    twice = client.post("/portal/vote/", {"nomination": case.pk})
    assert twice.status_code == 400 and ALREADY_VOTED in twice.content.decode()
    assert client.post("/portal/vote/", {"nomination": "x"}).status_code == 404
    assert client.post("/portal/vote/", {"nomination": 999_999}).status_code == 404
    assert Vote.objects.count() == 1 and Nomination.objects.get(pk=case.pk).votes == 1

    yesterday = today - dt.timedelta(days=1)
    Selection.objects.filter(pk=case.selection_id).update(
        vote_starts_on=yesterday, vote_ends_on=yesterday
    )
    closed = client.post("/portal/vote/", {"nomination": case.pk})
    assert closed.status_code == 400 and VOTE_CLOSED in closed.content.decode()
    assert "目前没有正在投票的评选" in closed.content.decode() and Vote.objects.count() == 1
