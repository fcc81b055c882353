"""What the honours register registers with the shared mechanisms (called from
AppConfig.ready): the nomination case type with casework and its 公示 subject."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import notices, workflow
    from smartunion.honours import workflows
    from smartunion.honours.models import Nomination

    Nomination.case_type = workflows.NOMINATION
    workflow.register(Nomination)
    notices.register(notices.for_case_type(Nomination))

    from smartunion.core import seeding
    from smartunion.honours.seed import run_part

    seeding.register(
        seeding.SeedPart(
            "honours", "劳模工匠", run_part, after=("registry", "venues", "assistance")
        )
    )
