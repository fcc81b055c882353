"""The contest API as a client uses it: propose, plan, open entries, enter, check, score,
rank; bad input answers 422 with the Chinese message naming the field and saves nothing;
forged ids answer 404."""

from __future__ import annotations

import datetime as dt
import json

from smartunion.contests.models import Contest, Entry, Score
from smartunion.contests.testing import county_contest, county_entry, county_judge

YEAR = dt.date.today().year
API = "/api/v1/contests"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def proposal(world, **overrides):
    return {
        "org": world.city.pk,
        "name": "兰州市职工焊工技能竞赛",
        "year": YEAR,
        "tier": "city",
        "kind": "skills",
        "starts_on": f"{YEAR}-05-01",
        "ends_on": f"{YEAR}-06-30",
        "budget": "80000.00",
        "trades": [{"name": "焊工", "occupation_code": "6-18-02-04", "level": "3"}],
        **overrides,
    }


def test_a_contest_and_an_entry_through_the_api(world, client):
    client.force_login(world.city_admin)
    answer = post(client, API, proposal(world))
    assert answer.status_code == 201, answer.content
    contest = answer.json()
    assert contest["state"] == "proposed" and contest["budget"] == "80000.00"
    assert contest["theory_weight"] == "30" and contest["trades"][0]["quota_per_unit"] == 3
    assert post(client, f"{API}/{contest['id']}/plan").status_code == 403
    client.force_login(world.province_admin)
    assert (
        post(client, f"{API}/{contest['id']}/plan", {"note": "同意"}).json()["state"] == "planned"
    )
    client.force_login(world.city_admin)
    assert post(client, f"{API}/{contest['id']}/open_entries").json()["state"] == "entries"

    client.force_login(world.grassroots_admin)
    assert client.get(API).json()["items"][0]["id"] == contest["id"]
    trade = contest["trades"][0]["id"]
    entry = post(
        client,
        f"{API}/{contest['id']}/entries",
        {"trade": trade, "person": world.member_a1.person_id},
    )
    assert entry.status_code == 201, entry.content
    entry = entry.json()
    assert entry["state"] == "entered" and entry["city"] == world.city.pk
    moved = post(client, f"{API}/entries/{entry['id']}/unit_approve")
    assert moved.json()["state"] == "unit_ok" and "reject" in moved.json()["actions"]
    listed = client.get(f"{API}/{contest['id']}/entries").json()["items"]
    assert [e["person_name"] for e in listed] == ["张三"]


def test_bad_input_is_refused_with_its_field_and_nothing_saved(world, client):
    client.force_login(world.city_admin)
    cases = [
        (dict(theory_weight="30", practice_weight="60"), "理论、实操、答辩权重之和应为100%"),
        (dict(theory_weight="35", practice_weight="65"), "理论知识权重不能超过30%"),
        (dict(budget="12.345"), "预算最多保留两位小数"),
        (dict(trades=[]), "请至少列出一个竞赛工种"),
    ]
    for overrides, text in cases:
        answer = post(client, API, proposal(world, **overrides))
        assert answer.status_code == 422, (overrides, answer.content)
        assert text in answer.content.decode(), answer.content.decode()
    answer = post(client, API, proposal(world, budget=1.5))
    assert answer.status_code == 422
    assert not Contest.objects.exists()


def test_scores_outside_the_range_conflicts_and_forged_ids(world, client):
    entry = county_entry(world)
    judge = county_judge(world)
    client.force_login(world.county_admin)
    url = f"{API}/entries/{entry.pk}/scores"
    answer = post(client, url, {"judge": judge.pk, "part": "theory", "value": "101"})
    assert answer.status_code == 422 and "分数应在0至100之间" in answer.content.decode()
    answer = post(client, url, {"judge": judge.pk, "part": "theory", "value": "86"})
    assert answer.status_code == 422 and "不能录入成绩" in answer.content.decode()
    assert not Score.objects.exists()
    for path in (
        f"{API}/999999",
        f"{API}/entries/999999",
        f"{API}/999999/entries",
    ):
        assert client.get(path).status_code == 404
    assert post(client, url, {"judge": 999999, "part": "theory", "value": "86"}).status_code in (
        404,
        422,
    )
    answer = post(
        client,
        f"{API}/{county_contest(world).pk}/entries",
        {"trade": 999999, "person": world.member_a2.person_id},
    )
    assert answer.status_code == 404
    client.force_login(world.sibling_admin)
    assert client.get(f"{API}/entries/{entry.pk}").status_code == 404
    assert post(client, f"{API}/entries/{entry.pk}/unit_approve").status_code == 404
    assert Entry.objects.get(pk=entry.pk).state == "entered"
