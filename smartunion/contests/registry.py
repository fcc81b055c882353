"""What contests register with the shared mechanisms (called from AppConfig.ready): their
case types with casework, the results' 公示, the seed part."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import notices, workflow
    from smartunion.contests import workflows
    from smartunion.contests.models import Contest, Entry

    Contest.case_type = workflows.CONTEST
    Entry.case_type = workflows.ENTRY
    workflow.register(Contest)
    workflow.register(Entry)
    notices.register(
        notices.for_case_type(Entry, ready_filter=lambda rows: rows.exclude(rank=None))
    )

    from smartunion.contests.seed import run_part
    from smartunion.core import seeding

    seeding.register(
        seeding.SeedPart("contests", "劳动和技能竞赛", run_part, after=("registry", "honours"))
    )
