"""The contests' seed part on the personas' world: three years of the plan, entries of
registry members ranked as their contest's step has them, awards of published contests."""

from __future__ import annotations

from smartunion.contests.models import Contest, Entry
from smartunion.contests.seed import run_part
from smartunion.core.seeding import SeedOptions
from smartunion.stats import kept
from smartunion.stats.models import Summary


def test_the_seed_makes_a_consistent_plan_and_runs_once(world):
    for i in range(30):
        world.add_member(world.union_a1 if i % 2 else world.union_b1, name=f"选手{i}")
    lines = run_part(SeedOptions(seed=7))
    assert "已生成劳动和技能竞赛" in lines[0]
    years = set(Contest.objects.values_list("year", flat=True))
    assert len(years) == 3
    assert Entry.objects.exists()
    for e in Entry.objects.filter(round="final").select_related("contest"):
        assert e.state in ("finalist", "publicity", "published", "dropped")
        assert e.preliminary_total is not None
    ranked = Entry.objects.exclude(rank=None).filter(round="final")
    for e in ranked:
        assert e.award == e.contest.award_for(e.rank)
    assert Entry.objects.filter(city=world.city).count() == Entry.objects.count()
    # The statistics' summaries of the contests and their entrants (decision 0034).
    assert kept.check() == []
    assert {"cn", "ce", "cf"} <= set(Summary.objects.values_list("dim", flat=True))
    assert run_part(SeedOptions(seed=7)) == ["已有劳动和技能竞赛，未生成竞赛演示数据。"]
