"""Two 正常 unions under one parent never share a name (issue 11 §1): the database refuses
them, the services, forms, API and seeds say so in Chinese and name the union already there."""

import datetime as dt
import importlib
import random
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from smartunion.orgs import services
from smartunion.orgs.models import Kind, Organization
from smartunion.orgs.names import normalize_name, numbered_name
from smartunion.orgs.seed import OrgBuilder
from smartunion.personas import build_world, ensure_regions, make_org
from smartunion.regions.models import Region

TAKEN = (
    "上级工会下已有同名的工会“城关区快递行业联合工会”"
    "（兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会），"
    "同一上级工会下的工会不能重名，请在名称中加上区分的字样。"
)


def values(name: str) -> dict:
    return {"name": name, "kind": Kind.JOINT, "region": Region.objects.get(code="620102")}


def test_names_are_compared_without_width_or_spacing_differences():
    assert normalize_name(" 城关区　快递（一）工会 ") == normalize_name("城关区 快递(一)工会")
    assert normalize_name("城关区  快递ＡＢＣ工会") == "城关区 快递ABC工会"
    assert numbered_name("甲工会", {"甲工会", "甲工会(2)"}) == "甲工会（3）"
    assert numbered_name("乙工会", {"甲工会"}) == "乙工会"


@pytest.mark.parametrize(
    "name", ["城关区快递行业联合工会", " 城关区快递行业联合工会　", "城关区快递行业联合工会\u3000"]
)
def test_a_second_union_of_a_siblings_name_is_refused_naming_the_first(world, name):
    count = Organization.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_org(values(name), parent=world.county_a, actor=world.county_admin)
    assert caught.value.message_dict["name"] == [TAKEN]
    assert Organization.objects.count() == count


def test_full_width_letters_make_no_new_name(world):
    services.create_org(
        values("城关区ABC物流工会"), parent=world.county_a, actor=world.county_admin
    )
    with pytest.raises(ValidationError) as caught:
        services.create_org(
            values("城关区ＡＢＣ物流工会"), parent=world.county_a, actor=world.county_admin
        )
    assert "城关区ABC物流工会" in caught.value.message_dict["name"][0]


def test_the_same_name_under_another_parent_is_allowed_and_found_as_a_namesake(world):
    town = make_org("泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    twin = services.create_org(
        values("城关区快递行业联合工会"), parent=town, actor=world.county_admin
    )
    count, shown = services.namesakes(twin.name, exclude=twin.pk)
    assert count == 1 and [o.path_display for o in shown] == [
        "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会"
    ]


def test_renaming_into_a_siblings_name_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.update_org(
            world.union_a1, {"name": "城关区快递行业联合工会"}, actor=world.county_admin
        )
    assert caught.value.message_dict["name"] == [TAKEN]
    assert Organization.objects.get(pk=world.union_a1.pk).name == "兰州第一机械厂工会"


def test_moving_under_a_parent_with_a_child_of_the_same_name_is_refused(world):
    twin = make_org("城关区快递行业联合工会", world.county_b, Kind.JOINT, "620103")
    with pytest.raises(ValidationError) as caught:
        services.move_org(twin, world.county_a, actor=world.city_admin)
    assert caught.value.message_dict["parent"] == [TAKEN]
    assert Organization.objects.get(pk=twin.pk).parent_id == world.county_b.pk


def test_a_dissolved_union_leaves_its_name_free(world):
    old = services.create_org(values("旧名工会"), parent=world.county_a, actor=world.county_admin)
    services.dissolve_org(old, actor=world.county_admin)
    new = services.create_org(values("旧名工会"), parent=world.county_a, actor=world.county_admin)
    assert new.pk != old.pk


def test_the_database_refuses_siblings_of_one_name_written_around_the_services(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_org("城关区快递行业联合工会 ", world.county_a, Kind.JOINT, "620102")


def test_the_database_refuses_a_union_written_without_its_name_key(world):
    org = Organization(
        name="某工会", parent=world.county_a, kind=Kind.SINGLE, region_id="620102", path="~x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.bulk_create([org])


def test_the_form_shows_the_message_and_saves_nothing(client, world):
    client.force_login(world.county_admin)
    count = Organization.objects.count()
    page = client.post(
        reverse("orgs:create", kwargs={"org_id": world.county_a.pk}),
        {"name": "城关区快递行业联合工会", "kind": Kind.JOINT, "region": "620102"}
        | {"employee_count": "0"},
    ).content.decode()
    assert "上级工会下已有同名的工会“城关区快递行业联合工会”" in page
    assert "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会" in page
    assert Organization.objects.count() == count


def test_the_form_warns_of_the_same_name_elsewhere_in_the_province(client, world):
    client.force_login(world.city_admin)
    response = client.post(
        reverse("orgs:create", kwargs={"org_id": world.county_b.pk}),
        {"name": "城关区快递行业联合工会", "kind": Kind.JOINT, "region": "620103"}
        | {"employee_count": "0"},
        follow=True,
    )
    page = response.content.decode()
    assert "已新建工会组织“城关区快递行业联合工会”" in page
    assert (
        "省内另有1个名为“城关区快递行业联合工会”的工会："
        "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会。"
    ) in page


def test_the_api_answers_422_naming_the_existing_union(world):
    client = Client()
    client.force_login(world.county_admin)
    count = Organization.objects.count()
    response = client.post(
        "/api/v1/orgs",
        {"parent": world.county_a.pk, "name": "城关区快递行业联合工会", "kind": "joint"}
        | {"region": "620102"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "name", "message": f"名称：{TAKEN}"}]
    assert Organization.objects.count() == count


def test_the_migration_numbers_siblings_that_already_share_a_name(db, capsys):
    """Migration 0005's function, with its historical models, over siblings that share a name
    as they could before it: their keys not yet filled (each a placeholder the constraints let
    through), the constraints it then adds in force on what it leaves."""
    migration = importlib.import_module(
        "smartunion.orgs.migrations.0005_organization_sibling_names"
    )
    world = build_world()
    town = make_org("泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    elsewhere = make_org("城关区快递行业联合工会", town, Kind.JOINT, "620102")

    def old(path: str, name: str, status: str = "normal") -> Organization:
        # bulk_create: save() would fill name_key from the name, as it does since 0005.
        (org,) = Organization.objects.bulk_create(
            [
                Organization(
                    name=name,
                    name_key=f"~{path}",
                    parent_id=world.county_a.pk,
                    kind="joint",
                    region_id="620102",
                    path=f"~{path}",
                    status=status,
                )
            ]
        )
        return org

    second = old("second", "城关区快递行业联合工会 ")
    third = old("third", "城关区快递行业联合工会")
    gone = old("gone", "城关区快递行业联合工会", status="dissolved")
    apps = (
        MigrationLoader(connection)
        .project_state(("orgs", migration.__name__.rpartition(".")[2]))
        .apps
    )
    migration.fill_name_keys(apps, SimpleNamespace(connection=connection))
    names = dict(Organization.objects.values_list("pk", "name"))
    assert names[world.union_a2.pk] == "城关区快递行业联合工会"  # the oldest keeps its name
    assert names[second.pk] == "城关区快递行业联合工会（2）"
    assert names[third.pk] == "城关区快递行业联合工会（3）"
    assert names[gone.pk] == names[elsewhere.pk] == "城关区快递行业联合工会"
    assert (
        f"#{third.pk} 城关区快递行业联合工会 → 城关区快递行业联合工会（3）"
        in capsys.readouterr().out
    )
    keys = dict(Organization.objects.values_list("pk", "name_key"))
    assert keys[second.pk] == normalize_name("城关区快递行业联合工会（2）")
    assert not [k for k in keys.values() if not k or k.startswith("~")]


@pytest.mark.parametrize("seed", [1, 7])
def test_the_province_seed_never_makes_siblings_of_one_name(db, seed):
    ensure_regions()
    specs = OrgBuilder(random.Random(seed), "62", dt.date(2026, 6, 1)).build(6000)
    keys = Counter((id(s.parent), normalize_name(s.name)) for s in specs)
    assert keys.most_common(1)[0][1] == 1
    # Names repeat in the tree as they do in real life: the numbering is what kept them apart.
    assert any(s.name.endswith("（2）") for s in specs)


NAME_CHECK = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "name-check"}


def test_the_form_says_while_typing_that_a_sibling_has_the_name(client, world):
    client.force_login(world.county_admin)
    create = reverse("orgs:create", kwargs={"org_id": world.county_a.pk})
    fragment = client.get(create, {"name": "城关区快递行业联合工会 "}, **NAME_CHECK)
    assert "<html" not in fragment.content.decode()
    assert TAKEN in fragment.content.decode()
    assert client.get(create, {"name": "城关区新工会"}, **NAME_CHECK).content.decode().strip() == ""


def test_the_form_warns_while_typing_of_the_name_elsewhere(client, world):
    client.force_login(world.city_admin)
    fragment = client.get(
        reverse("orgs:create", kwargs={"org_id": world.county_b.pk}),
        {"name": "城关区快递行业联合工会"},
        **NAME_CHECK,
    ).content.decode()
    assert "msg-warning" in fragment and "省内另有1个名为“城关区快递行业联合工会”的工会" in fragment


def test_editing_a_union_does_not_find_it_as_its_own_namesake(client, world):
    client.force_login(world.county_admin)
    fragment = client.get(
        reverse("orgs:edit", kwargs={"org_id": world.union_a2.pk}),
        {"name": "城关区快递行业联合工会"},
        **NAME_CHECK,
    ).content.decode()
    assert fragment.strip() == ""


def test_the_name_check_of_another_countys_union_is_not_found(client, world):
    client.force_login(world.county_admin)
    response = client.get(
        reverse("orgs:create", kwargs={"org_id": world.county_b.pk}),
        {"name": "七里河区供电公司工会"},
        **NAME_CHECK,
    )
    assert response.status_code == 404


def test_model_validation_knows_the_rule_before_saving(world):
    twin = Organization(
        name="城关区快递行业联合工会　", parent=world.county_a, kind=Kind.JOINT, region_id="620102"
    )
    with pytest.raises(ValidationError) as caught:
        twin.full_clean(exclude=["path"])
    assert "同一上级工会下已有同名的工会。" in caught.value.messages
