"""The 工会组织 API: scoped lists and reads, create/edit/move/dissolve through the services."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from stdnum.cn import uscc as stdnum_uscc

from smartunion.core.models import AuditEntry
from smartunion.orgs.models import Kind, Organization, Status
from smartunion.personas import make_org

URL = "/api/v1/orgs"


def uscc(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def fields(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json()["detail"]}


def snapshot():
    return list(Organization.objects.order_by("pk").values_list("pk", "path", "status", "name"))


def new_union(world, **extra):
    body = {
        "parent": world.county_a.pk,
        "name": "城关区第二建筑公司工会",
        "kind": Kind.SINGLE.value,
        "region": "620102",
    }
    return body | extra


# ---- reading --------------------------------------------------------------------------------


def test_it_lists_only_the_unions_of_the_county_admins_subtree(world):
    body = client_for(world.county_admin).get(URL).json()
    names = [o["name"] for o in body["items"]]
    assert names == ["城关区总工会", "兰州第一机械厂工会", "城关区快递行业联合工会"]
    assert body["count"] == 3
    assert "七里河区供电公司工会" not in names


def test_parent_lists_the_direct_children_of_a_union(world):
    body = client_for(world.city_admin).get(URL, {"parent": world.city.pk}).json()
    assert [o["name"] for o in body["items"]] == ["城关区总工会", "七里河区总工会"]


def test_a_parent_outside_the_subtree_answers_404(world):
    response = client_for(world.county_admin).get(URL, {"parent": world.county_b.pk})
    assert response.status_code == 404
    assert "不在您的管理范围内" in response.json()["detail"]


def test_q_finds_unions_by_a_part_of_the_name_and_status_filters(world):
    client = client_for(world.province_admin)
    assert [o["name"] for o in client.get(URL, {"q": "机械"}).json()["items"]] == [
        "兰州第一机械厂工会"
    ]
    assert client.get(URL, {"status": "dissolved"}).json()["count"] == 0
    bad = client.get(URL, {"status": "gone"})
    assert bad.status_code == 422
    assert fields(bad)["status"].startswith("状态：取值不正确")


def test_limit_and_after_page_through_the_list_in_tree_order_with_the_count(world):
    client = client_for(world.province_admin)
    first = client.get(URL, {"limit": 2}).json()
    second = client.get(URL, {"limit": 2, "after": first["next"]}).json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert [o["name"] for o in first["items"] + second["items"]] == [
        world.province.name,
        world.city.name,
        world.county_a.name,
        world.union_a1.name,
    ]
    assert client.get(URL, {"limit": 501}).status_code == 422


def test_detail_gives_region_code_kind_member_count_and_a_masked_chair_phone(world):
    org = world.union_a1
    org.set_chair_phone("13912345678")
    org.save()
    body = client_for(world.county_admin).get(f"{URL}/{org.pk}").json()
    assert body["region"] == "620102" and body["region_name"] == "城关区"
    assert body["kind"] == "single" and body["kind_label"] == "单独基层工会"
    assert body["member_count"] == 1 and body["employee_count"] == 300
    assert body["chair_phone"] == "139****5678"
    assert "13912345678" not in str(body)


def test_a_union_gives_its_own_members_and_those_with_its_sub_unions(world):
    client = client_for(world.province_admin)
    body = client.get(f"{URL}/{world.province.pk}").json()
    assert body["member_count"] == 0 and body["membership_rate"] is None
    assert body["subtree_member_count"] == 3
    assert body["subtree_employee_count"] == 300
    assert body["subtree_membership_rate"] == pytest.approx(1 / 300)
    items = client.get(URL, {"parent": world.city.pk}).json()["items"]
    assert [(o["name"], o["member_count"], o["subtree_member_count"]) for o in items] == [
        ("城关区总工会", 0, 2),
        ("七里河区总工会", 0, 1),
    ]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["OrgOut"]
    assert "含下级" in schema["properties"]["subtree_member_count"]["description"]


def test_the_figures_cannot_be_written(world):
    client = client_for(world.county_admin)
    response = patch(client, f"{URL}/{world.union_a1.pk}", {"subtree_member_count": 500})
    assert response.status_code == 422
    assert fields(response) == {
        "subtree_member_count": "“subtree_member_count”不是可以提交的字段。"
    }
    assert Organization.objects.get(pk=world.union_a1.pk).subtree_member_count == 1


def test_detail_of_a_union_in_the_sibling_county_is_404(world):
    response = client_for(world.county_admin).get(f"{URL}/{world.union_b1.pk}")
    assert response.status_code == 404


def test_list_queries_do_not_grow_with_the_number_of_unions(world):
    client = client_for(world.province_admin)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL).json()["items"]) == 7
    for i in range(12):
        make_org(f"测试工会{i}", world.county_b, Kind.SINGLE, "620103")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["items"]) == 19
    assert len(many) == len(few) <= 6


# ---- create ---------------------------------------------------------------------------------


def test_create_puts_a_union_under_its_parent_and_answers_201(world):
    union_code = uscc("81620102MC0000001")
    response = post(
        client_for(world.county_admin),
        URL,
        new_union(
            world,
            uscc=union_code,
            employer_uscc=uscc("91620102MA72AB3C4"),
            industry="E",
            unit_category="170",
            chair_phone="13912345678",
            employee_count=40,
            women_committee=True,
            founded_on="2020-05-01",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == world.county_a.pk and body["uscc"] == union_code
    assert body["industry_label"] == "建筑业" and body["chair_phone"] == "139****5678"
    org = Organization.objects.get(pk=body["id"])
    assert org.path.startswith(world.county_a.path) and org.depth == world.county_a.depth + 1
    assert AuditEntry.objects.filter(action="org.create", object_id=str(org.pk)).exists()


def test_create_under_a_union_of_another_county_is_404_and_saves_nothing(world):
    before = snapshot()
    response = post(client_for(world.county_admin), URL, new_union(world, parent=world.county_b.pk))
    assert response.status_code == 404
    assert snapshot() == before


def test_create_with_a_wrong_uscc_check_character_names_the_field_and_saves_nothing(world):
    before = snapshot()
    good = uscc("81620102MC0000001")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = post(client_for(world.county_admin), URL, new_union(world, uscc=wrong))
    assert response.status_code == 422
    assert "校验位" in fields(response)["uscc"]
    assert snapshot() == before


def test_create_with_an_employers_code_as_the_unions_own_is_refused(world):
    response = post(
        client_for(world.county_admin), URL, new_union(world, uscc=uscc("91620102MA72AB3C4"))
    )
    assert response.status_code == 422
    assert "应以8开头" in fields(response)["uscc"]


def test_create_with_an_unknown_field_or_a_region_of_another_province_is_refused(world):
    before = snapshot()
    client = client_for(world.county_admin)
    extra = post(client, URL, new_union(world, member_count=500))
    assert extra.status_code == 422
    assert fields(extra) == {"member_count": "“member_count”不是可以提交的字段。"}
    region = post(client, URL, new_union(world, region="110101"))
    assert region.status_code == 422
    assert fields(region)["region"] == "行政区划代码不存在或不属于本省。"
    assert snapshot() == before


def test_create_without_a_name_names_the_field(world):
    response = post(client_for(world.county_admin), URL, new_union(world, name="  "))
    assert response.status_code == 422
    assert "工会名称" in fields(response)["name"]


def test_a_viewer_cannot_create_a_union(world):
    before = snapshot()
    response = post(client_for(world.viewer), URL, new_union(world))
    assert response.status_code == 403
    assert response.json()["detail"] == "您的账号只有查看权限，不能修改。"
    assert snapshot() == before


# ---- edit -----------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(world):
    org = world.union_a2
    response = patch(
        client_for(world.county_admin),
        f"{URL}/{org.pk}",
        {"employee_count": 80, "term_ends_on": "2028-12-31"},
    )
    assert response.status_code == 200, response.content
    org.refresh_from_db()
    assert org.employee_count == 80 and str(org.term_ends_on) == "2028-12-31"
    assert org.name == "城关区快递行业联合工会"


def test_patch_with_null_for_a_required_field_is_refused(world):
    response = patch(client_for(world.county_admin), f"{URL}/{world.union_a2.pk}", {"name": None})
    assert response.status_code == 422
    assert "不能为空" in fields(response)["name"]
    assert Organization.objects.get(pk=world.union_a2.pk).name == "城关区快递行业联合工会"


def test_patch_of_a_union_in_the_sibling_county_is_404(world):
    response = patch(client_for(world.county_admin), f"{URL}/{world.union_b1.pk}", {"name": "改名"})
    assert response.status_code == 404
    assert Organization.objects.get(pk=world.union_b1.pk).name == "七里河区供电公司工会"


# ---- move -----------------------------------------------------------------------------------


def test_move_takes_the_whole_subtree_along(world):
    child = make_org("机械厂第一分工会", world.union_a1, Kind.SINGLE, "620102")
    response = post(
        client_for(world.city_admin),
        f"{URL}/{world.union_a1.pk}/move",
        {"parent": world.county_b.pk},
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == world.county_b.pk
    child.refresh_from_db()
    assert child.path.startswith(world.county_b.path)


def test_moving_a_union_under_its_own_descendant_is_refused_and_nothing_moves(world):
    before = snapshot()
    response = post(
        client_for(world.city_admin),
        f"{URL}/{world.county_a.pk}/move",
        {"parent": world.union_a1.pk},
    )
    assert response.status_code == 422
    assert "下级组织" in fields(response)["parent"]
    assert snapshot() == before


def test_moving_a_union_under_another_countys_union_is_404(world):
    before = snapshot()
    response = post(
        client_for(world.county_admin),
        f"{URL}/{world.union_a2.pk}/move",
        {"parent": world.county_b.pk},
    )
    assert response.status_code == 404
    assert snapshot() == before


# ---- dissolve -------------------------------------------------------------------------------


def test_dissolving_a_union_that_has_members_is_refused_and_nothing_changes(world):
    before = snapshot()
    response = post(client_for(world.county_admin), f"{URL}/{world.union_a1.pk}/dissolve", {})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "", "message": "该工会还有1名会员，请先为他们办理转会，再撤销。"}
    ]
    assert snapshot() == before


def test_dissolving_an_empty_union_marks_it_dissolved(world):
    empty = make_org("城关区某公司工会", world.county_a, Kind.SINGLE, "620102")
    response = post(
        client_for(world.county_admin), f"{URL}/{empty.pk}/dissolve", {"on": "2026-01-15"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dissolved"
    assert response.json()["dissolved_on"] == "2026-01-15"
    assert Organization.objects.get(pk=empty.pk).status == Status.DISSOLVED


@pytest.mark.parametrize("who", ["viewer", "sibling_admin"])
def test_others_cannot_dissolve_a_union(world, who):
    empty = make_org("城关区某公司工会", world.county_a, Kind.SINGLE, "620102")
    response = post(client_for(getattr(world, who)), f"{URL}/{empty.pk}/dissolve", {})
    assert response.status_code in (403, 404)
    assert Organization.objects.get(pk=empty.pk).status == Status.NORMAL


def test_the_list_and_a_union_give_its_path_names_province_first(world):
    town = make_org("泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    twin = make_org("城关区快递行业联合工会", town, Kind.JOINT, "620102")
    client = client_for(world.county_admin)
    items = client.get(URL, {"q": "快递"}).json()["items"]
    assert [o["path_names"] for o in items] == [
        ["甘肃省总工会", "兰州市总工会", "城关区总工会", "城关区快递行业联合工会"],
        ["甘肃省总工会", "兰州市总工会", "城关区总工会", "泉坪乡工会", "城关区快递行业联合工会"],
    ]
    assert client.get(f"{URL}/{twin.pk}").json()["path_names"][-2:] == [
        "泉坪乡工会",
        "城关区快递行业联合工会",
    ]
