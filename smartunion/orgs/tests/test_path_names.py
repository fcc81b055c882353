"""A union's place in the tree: its ``path_names`` (province first) and ``path_display``."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartunion.orgs.models import Kind, Organization, attach_path_names
from smartunion.personas import make_org


def test_path_names_run_from_the_province_down_to_the_union(world):
    org = Organization.objects.get(pk=world.union_a2.pk)
    assert org.path_names == [
        "甘肃省总工会",
        "兰州市总工会",
        "城关区总工会",
        "城关区快递行业联合工会",
    ]


def test_the_display_leaves_out_the_province_it_shares_with_every_union(world):
    assert world.union_a2.path_display == "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会"
    assert world.city.path_display == "兰州市总工会"
    assert world.province.path_display == "甘肃省总工会"


def test_a_page_of_unions_gets_its_path_names_in_one_query(world):
    town = make_org("泉坪乡工会", world.county_a, Kind.TOWNSHIP, "620102")
    make_org("城关区快递行业联合工会", town, Kind.JOINT, "620102")
    orgs = list(Organization.objects.filter(kind__in=[Kind.JOINT, Kind.SINGLE]))
    with CaptureQueriesContext(connection) as queries:
        attach_path_names(orgs)
        displays = sorted(o.path_display for o in orgs)
    assert len(queries) == 1
    assert displays == [
        "兰州市总工会 › 七里河区总工会 › 七里河区供电公司工会",
        "兰州市总工会 › 城关区总工会 › 兰州第一机械厂工会",
        "兰州市总工会 › 城关区总工会 › 城关区快递行业联合工会",
        "兰州市总工会 › 城关区总工会 › 泉坪乡工会 › 城关区快递行业联合工会",
    ]


def test_path_names_follow_a_renamed_ancestor(world):
    Organization.objects.filter(pk=world.county_a.pk).update(name="城关区总工会（新）")
    org = Organization.objects.get(pk=world.union_a1.pk)
    assert org.path_names[2] == "城关区总工会（新）"
