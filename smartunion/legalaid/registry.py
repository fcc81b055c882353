"""What legal aid registers with the shared mechanisms (called from AppConfig.ready): its
case type with casework, its home-page 待办 card, its seed part."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import workflow
    from smartunion.legalaid import home, workflows
    from smartunion.legalaid.models import LegalAidCase

    LegalAidCase.case_type = workflows.LEGAL_AID
    workflow.register(LegalAidCase)
    home.register()

    from smartunion.core import seeding
    from smartunion.legalaid.seed import run_part

    seeding.register(
        seeding.SeedPart("legalaid", "工会法律援助", run_part, after=("registry", "assistance"))
    )
