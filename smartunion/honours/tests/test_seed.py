"""The honours part of the seed: the register, last year's 陇原工匠 named, studios' figures."""

from collections import Counter

from smartunion.core.seeding import SeedOptions
from smartunion.honours.models import Honour, Nomination, Selection, ServiceLog, Studio
from smartunion.honours.seed import run_part
from smartunion.honours.studios import figures
from smartunion.members.seed import generate
from smartunion.personas import ensure_regions
from smartunion.venues.seed import run_part as venues_part


def test_the_seed_fills_the_register_selections_and_studios(db):
    ensure_regions()
    generate(orgs=150, members=2500, seed=5, workers=1)
    venues_part(SeedOptions(seed=5, orgs=150, members=2500, demo=True))
    lines = run_part(SeedOptions(seed=5))
    assert "已生成劳模工匠数据" in lines[0], lines
    kinds = Counter(Honour.objects.values_list("kind", flat=True))
    assert kinds["craftsman"] == 17 and kinds["craftsman_nominee"] == 16
    assert kinds["provincial_may1_medal"] == 90 * 3 and kinds["pioneer"] >= 1
    assert Honour.objects.filter(state="revoked").exclude(revoked_reason="").count() == 2
    craft = Selection.objects.get(kind="craftsman")
    states = Counter(Nomination.objects.filter(selection=craft).values_list("state", flat=True))
    assert states == {"named": 33, "rejected": 7}
    assert Nomination.objects.filter(selection__kind="provincial_may1_medal").exists()
    for case in Nomination.objects.all():
        assert case.number.startswith(f"PX{case.opened_on.year}")
    assert ServiceLog.objects.exists()
    first = Studio.objects.order_by("pk").first()
    assert figures(first.records.all())["trained"] == 172
    assert first.leader_honour.person_id == first.leader_id and first.venue.kind == "studio"
    assert run_part(SeedOptions(seed=5)) == ["已有荣誉库记录，未生成劳模工匠演示数据。"]


def test_without_venues_the_studios_are_named_after_their_leaders(world):
    """The province seed has no venues of kind 创新工作室: a studio a leader, in their union."""
    from smartunion.honours.seed import Generator
    from smartunion.honours.testing import make_honour

    models = [make_honour(world.member_a1.person), make_honour(world.member_a1.person, year=2022)]
    Generator(SeedOptions(seed=5)).studios(models)
    (studio,) = Studio.objects.all()
    assert (studio.name, studio.org_id, studio.venue_id, studio.leader_id) == (
        "张三劳模创新工作室",
        world.member_a1.person.org_id,
        None,
        world.member_a1.person_id,
    )
    assert studio.members.count() >= 1 and figures(studio.records.all())["funding"] > 0
