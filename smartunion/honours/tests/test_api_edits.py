"""PATCH /api/v1/honours/selections/{id} and /studios/{id}: the edit pages' services
(``selections.update_selection``, ``studios.update_studio``) through the API — only the fields
given change, bad input answers 422 in Chinese with nothing saved, scope answers 403/404."""

from __future__ import annotations

import json

from smartunion.honours.models import Quota, Selection, Studio
from smartunion.honours.testing import a_selection, make_studio


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_a_selection_and_a_studio_edited_through_the_api(world, client):
    selection = a_selection(world)
    studio = make_studio(world)
    client.force_login(world.county_admin)
    url = f"/api/v1/honours/selections/{selection.pk}"

    answer = patch(
        client, url, {"title": "城关区工匠评选（修订）", "document_no": "城工发〔1〕1号"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["title"] == "城关区工匠评选（修订）" and body["kind"] == "craftsman"
    assert body["quotas"] == [{"org": world.union_a1.pk, "places": 3}]  # untouched
    answer = patch(client, url, {"quotas": [{"org": world.union_a1.pk, "places": 5}]})
    assert answer.json()["quotas"][0]["places"] == 5
    for change, text in (
        ({"title": "  "}, "请填写评选名称。"),
        ({"vote_starts_on": "2030-01-10"}, "网络投票须同时填写开始和截止日期"),
        ({"ratios": [{"category": "migrant", "min_percent": 10}] * 2}, "的比例要求重复。"),
    ):
        answer = patch(client, url, change)
        assert answer.status_code == 422 and text in answer.content.decode(), answer.content
    saved = Selection.objects.get(pk=selection.pk)
    assert saved.title == "城关区工匠评选（修订）" and saved.vote_starts_on is None
    assert list(Quota.objects.filter(selection=saved).values_list("places", flat=True)) == [5]

    url = f"/api/v1/honours/studios/{studio.pk}"
    answer = patch(client, url, {"tier": "city", "field": "电网检修"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["tier"] == "city" and answer.json()["name"] == studio.name
    answer = patch(client, url, {"leader": world.add_member(world.union_a1, "冯无荣").person_id})
    assert answer.status_code == 422 and "领衔人须是荣誉库中在册的" in answer.content.decode()
    answer = patch(client, url, {"name": ""})
    assert answer.status_code == 422 and "工作室名称" in answer.content.decode()
    assert Studio.objects.get(pk=studio.pk).leader_id == studio.leader_id

    client.force_login(world.sibling_admin)
    assert patch(client, url, {"field": "越权"}).status_code == 404
    assert patch(client, f"/api/v1/honours/selections/{selection.pk}", {}).status_code == 404
    client.force_login(world.grassroots_admin)  # below the organising county
    answer = patch(client, f"/api/v1/honours/selections/{selection.pk}", {"title": "改名"})
    assert answer.status_code in (403, 404)
    assert Selection.objects.get(pk=selection.pk).title == "城关区工匠评选（修订）"
    assert Studio.objects.get(pk=studio.pk).field == "电网检修"
