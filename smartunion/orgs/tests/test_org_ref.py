"""The member page, the transfer list and the history timeline name each union with its
parent, each a link to its page when the user may open it (issue 11 §1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartunion.members import services as member_services
from smartunion.members.models import ChangeReason


def link(org) -> str:
    return f'<a href="{reverse("orgs:detail", kwargs={"org_id": org.pk})}">{org.name}</a>'


def test_the_member_page_links_the_union_and_its_parent(client, world):
    client.force_login(world.county_admin)
    page = client.get(
        reverse("members:detail", kwargs={"person_id": world.member_a1.person_id})
    ).content.decode()
    dd = page[page.index('id="membership-org"') : page.index("</dd>", page.index("membership-org"))]
    assert link(world.union_a1) in dd and f"（上级：{link(world.county_a)}）" in dd
    timeline = page[page.index('id="timeline"') :]
    assert f"{link(world.union_a1)}<span" in timeline


def test_a_union_above_the_users_scope_is_named_but_not_linked(client, world):
    client.force_login(world.grassroots_admin)
    page = client.get(
        reverse("members:detail", kwargs={"person_id": world.member_a1.person_id})
    ).content.decode()
    assert link(world.union_a1) in page
    assert "（上级：城关区总工会）" in page and link(world.county_a) not in page


def test_the_transfer_list_names_both_unions_with_their_parents_at_a_fixed_cost(client, world):
    def send(membership, to_org):
        member_services.send_transfer(
            membership, to_org, actor=world.city_admin, reason=ChangeReason.LABOR_RELATION
        )

    client.force_login(world.city_admin)
    send(world.member_a1, world.union_b1)
    client.get(reverse("members:transfers"))
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("members:transfers")).content.decode()
    assert f"{link(world.union_a1)}<span" in page and f"（上级：{link(world.county_b)}）" in page
    send(world.member_a2, world.union_b1)
    send(world.member_b1, world.union_a1)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("members:transfers"))
    assert len(three) == len(one)
