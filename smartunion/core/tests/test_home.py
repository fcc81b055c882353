"""首页: the figures of the user's scope, computed from the records and the member counters."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartunion.core.home import _id_route, id_url, todo_figures
from smartunion.core.testing import new_id_number
from smartunion.members import services as member_services
from smartunion.members.services import PersonData
from smartunion.orgs import services as org_services
from smartunion.orgs.models import Organization
from smartunion.stats.home import scope_figures


def figure(figures, label):
    for group in (figures.headline, figures.by_kind, figures.by_status):
        for f in group:
            if f.label == label:
                return f
    raise AssertionError(f"no figure {label!r}")


def todo(user, label):
    for f in todo_figures(user):
        if f.label == label:
            return f
    raise AssertionError(f"no 待办 {label!r}")


def test_a_county_admin_sees_the_figures_of_the_county_only(world):
    figures = scope_figures(world.county_admin)
    assert figure(figures, "工会组织数").value == 3
    assert figure(figures, "基层工会数").value == 2
    assert figure(figures, "会员人数").value == 2
    assert figure(figures, "单独基层工会").value == 1
    assert figure(figures, "联合基层工会").value == 1
    assert figure(figures, "县区总工会").value == 1
    assert figures.unions_total == 3


def test_the_province_admin_sees_everything(world):
    figures = scope_figures(world.province_admin)
    assert figure(figures, "工会组织数").value == 7
    assert figure(figures, "会员人数").value == 3


def test_the_membership_rate_counts_only_unions_whose_employees_are_known(world):
    # union_a1: 300 employees, 1 member; union_a2 has no employee figure and 1 member.
    figures = scope_figures(world.county_admin)
    assert figures.membership_rate == pytest.approx(1 / 300)
    assert figure(figures, "入会率").value == "0.3%"


def test_the_scope_figures_are_the_scope_unions_figures_with_its_sub_unions(world):
    # One definition: the home page of a union's admin and that union's 含下级 figures agree.
    org_services.update_org(world.union_b1, {"employee_count": 50}, actor=world.city_admin)
    for user, org in (
        (world.province_admin, world.province),
        (world.city_admin, world.city),
        (world.county_admin, world.county_a),
        (world.sibling_admin, world.county_b),
    ):
        figures = scope_figures(user)
        org = Organization.objects.get(pk=org.pk)
        assert figure(figures, "会员人数").value == org.subtree_member_count
        assert figures.membership_rate == org.subtree_membership_rate


def test_overdue_elections_and_missing_womens_committees_are_counted(world):
    org_services.update_org(
        world.union_a1,
        {"term_ends_on": dt.date.today() - dt.timedelta(days=1), "women_committee": True},
        actor=world.county_admin,
    )
    org_services.update_org(
        world.union_a2, {"term_ends_on": dt.date.today()}, actor=world.county_admin
    )
    assert todo(world.county_admin, "换届逾期的工会").value == 1
    assert todo(world.county_admin, "未建女职工委员会的工会").value == 2  # county_a and union_a2


def test_dissolved_unions_count_by_status_but_not_as_active(world):
    empty = org_services.create_org(
        {"name": "空工会", "kind": "single", "region": world.union_a1.region},
        parent=world.county_a,
        actor=world.county_admin,
    )
    org_services.dissolve_org(empty, actor=world.county_admin)
    figures = scope_figures(world.county_admin)
    assert figure(figures, "撤销").value == 1
    assert figure(figures, "工会组织数").value == 3
    assert figures.unions_total == 4


def test_pending_applications_and_incoming_transfers_are_counted_for_the_subtree(world):
    member_services.apply_for_membership(
        PersonData(name="赵申请", id_number=new_id_number(), phone=""),
        world.union_a2,
        actor=world.county_admin,
    )
    member_services.send_transfer(world.member_b1, world.union_a1, actor=world.city_admin)
    assert todo(world.county_admin, "待审批的入会申请").value == 1
    assert todo(world.county_admin, "待接收的转会").value == 1
    assert todo(world.sibling_admin, "待审批的入会申请").value == 0
    assert todo(world.sibling_admin, "待接收的转会").value == 0  # it is their outgoing transfer


def test_the_home_page_links_each_figure_to_its_list(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("core:home")).content.decode()
    tree = reverse("orgs:tree")
    for link in (
        f"{tree}?status=normal",
        f"{tree}?kind=grassroots",
        f"{tree}?overdue=1",
        f"{tree}?women_committee=0",
        f"{tree}?kind=single",
        reverse("members:list"),
        f"{reverse('members:list')}?status=applied",
        reverse("members:transfers"),
    ):
        assert f'href="{link}' in page, link
    assert "城关区总工会" in page and "七里河" not in page


def test_the_linked_tree_filters_list_what_the_figures_count(client, world):
    org_services.update_org(
        world.union_a1,
        {"term_ends_on": dt.date.today() - dt.timedelta(days=1)},
        actor=world.county_admin,
    )
    client.force_login(world.county_admin)
    overdue = client.get(reverse("orgs:tree"), {"overdue": "1"}).content.decode()
    assert "兰州第一机械厂工会" in overdue and "城关区快递行业联合工会" not in overdue
    grassroots = client.get(reverse("orgs:tree"), {"kind": "grassroots"}).content.decode()
    results = grassroots.split('id="tree-results"')[1]
    assert "兰州第一机械厂工会" in results and "城关区快递行业联合工会" in results
    county_link = reverse("orgs:detail", kwargs={"org_id": world.county_a.pk})
    assert f'href="{county_link}"' not in results


def test_the_home_page_never_counts_all_memberships(client, world, django_assert_max_num_queries):
    for i in range(30):
        world.add_member(world.union_a1, f"成员{i}")
    client.force_login(world.province_admin)
    from smartunion.casework.workflow import case_models

    # The page and the registry's 待办 take seven queries, the statistics of the scope six (its
    # union afresh; the unions by status and by kind from the summaries, decision 0033: one read
    # of the rows each and, for the rest of this month, one indexed read of the unions whose
    # span begins or ends in it per span — two for the status, one for the kind; members and
    # 入会率 are kept counters); each case type's 待办 card one more, the reminders one, the
    # files due for their yearly re-check two (the rules, the count), and the legal-aid
    # hearings of the coming week one.
    budget = 7 + 6 + len(list(case_models())) + 4
    with CaptureQueriesContext(connection) as queries:
        with django_assert_max_num_queries(budget):
            assert client.get(reverse("core:home")).status_code == 200
    membership_counts = [
        q["sql"]
        for q in queries.captured_queries
        if "members_membership" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    # The only count over memberships is the one of pending applications.
    assert len(membership_counts) == 1 and "applied" in membership_counts[0]
    assert Organization.objects.get(pk=world.union_a1.pk).member_count == 31


def test_a_user_without_a_scope_sees_nothing(world):
    from smartunion.accounts.models import User

    nobody = User(username="nobody", is_superuser=False, role="viewer", is_active=False)
    figures = scope_figures(nobody)
    assert figures.unions_total == 0


@pytest.mark.parametrize(
    ("name", "kwarg"), [("members:detail", "person_id"), ("orgs:detail", "org_id")]
)
@pytest.mark.parametrize("pk", [1, 7, 2_300_000, "42"])
def test_id_url_is_the_routes_url_for_that_id(name, kwarg, pk):
    assert id_url(name, pk) == reverse(name, kwargs={kwarg: pk})


def test_id_url_of_no_id_is_empty_as_the_url_tag_with_as():
    assert id_url("members:detail", None) == "" == id_url("members:detail", "x")


def test_id_url_forgets_its_routes_when_the_urlconf_changes(settings):
    id_url("members:detail", 3)
    assert _id_route.cache_info().currsize
    settings.ROOT_URLCONF = "smartunion.core.tests.error_urls"
    assert not _id_route.cache_info().currsize


def test_the_navigation_bar_links_each_route_without_reversing_it_per_page(client, world):
    """base.html's 16 links reversed once per URLconf (``{% route %}``, core.home.url_for):
    ``{% url %}`` cost ~0.2 ms of every page's CPU. The links stay those of ``reverse``."""
    from unittest import mock

    import django.urls

    client.force_login(world.county_admin)
    first = client.get(reverse("core:home")).content.decode()
    # {% url %} imports ``reverse`` from django.urls as it renders.
    with mock.patch.object(django.urls, "reverse", wraps=django.urls.reverse) as reversing:
        again = client.get(reverse("core:home")).content.decode()
    # Only the page's own link to its scope union is reversed with {% url %}.
    assert reversing.call_count == 1
    for name in ("core:home", "orgs:tree", "members:list", "assistance:files", "stats:home"):
        assert f'href="{reverse(name)}"' in again
    assert first.count("<a ") == again.count("<a ")


def test_the_scope_figures_read_the_unions_summaries_once(world):
    """Its union afresh, one read of the summaries and one of the month's remainder for the
    unions by status and by kind together (stats.indicators.totals), 5 queries before; the
    members and 入会率 are kept counters."""
    for user in (world.province_admin, world.city_admin, world.county_admin):
        with CaptureQueriesContext(connection) as queries:
            figures = scope_figures(user)
        assert len(queries.captured_queries) == 3, [q["sql"] for q in queries.captured_queries]
        assert figures.unions_total == sum(f.value for f in figures.by_status)
