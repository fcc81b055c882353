"""Wherever a union is picked, each choice says where it sits in the tree (issue 11 §1):
two unions of the same name are never two identical entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartunion.orgs.models import Kind
from smartunion.personas import make_org

PICKER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "picker-results"}


@pytest.fixture
def twins(world):
    """Two 城关区快递行业联合工会: the county's own, and one under 泉坪乡工会."""
    town = make_org("泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    return world.union_a2, make_org("城关区快递行业联合工会", town, Kind.JOINT, "620102")


def test_the_move_picker_shows_the_path_of_each_union_it_finds(client, world, twins):
    client.force_login(world.county_admin)
    fragment = client.get(
        reverse("orgs:move", kwargs={"org_id": world.union_a1.pk}), {"q": "快递"}, **PICKER
    ).content.decode()
    assert "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会" in fragment
    assert "兰州市总工会 › 城关区总工会 › 泉坪乡工会 › 城关区快递行业联合工会" in fragment


def test_the_picker_reads_the_paths_of_all_its_choices_at_once(client, world, twins):
    client.force_login(world.county_admin)
    target = reverse("orgs:move", kwargs={"org_id": world.union_a1.pk})
    client.get(target, {"q": "工会"}, **PICKER)
    with CaptureQueriesContext(connection) as few:
        client.get(target, {"q": "快递"}, **PICKER)
    for i in range(5):
        make_org(f"城关区快递分会{i}", twins[1], Kind.JOINT, "620102")
    with CaptureQueriesContext(connection) as many:
        fragment = client.get(target, {"q": "快递"}, **PICKER).content.decode()
    assert fragment.count("› 泉坪乡工会 › 城关区快递行业联合工会 › 城关区快递分会") == 5
    assert len(many) == len(few)


def test_the_import_picker_shows_paths(client, world, twins):
    client.force_login(world.county_admin)
    fragment = client.get(reverse("imports:upload"), {"q": "快递"}, **PICKER).content.decode()
    assert "城关区总工会 › 泉坪乡工会 › 城关区快递行业联合工会" in fragment


def test_the_transfer_form_names_each_target_by_its_path(client, world, twins):
    client.force_login(world.county_admin)
    html = client.get(
        reverse("members:transfer", kwargs={"membership_id": world.member_a1.pk}),
        {"org_q": "快递"},
    ).content.decode()
    select = html[html.index('name="to_org"') : html.index("</select>")]
    assert f'value="{twins[0].pk}">兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会<' in select
    assert (
        f'value="{twins[1].pk}">兰州市总工会 › 城关区总工会 › 泉坪乡工会 › 城关区快递行业联合工会<'
        in select
    )
