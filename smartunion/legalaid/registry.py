"""What legal aid registers with the shared mechanisms (called from AppConfig.ready): its
case type with casework, its home-page 待办 card, its seed part."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import workflow
    from smartunion.legalaid import workflows
    from smartunion.legalaid.models import LegalAidCase

    LegalAidCase.case_type = workflows.LEGAL_AID
    workflow.register(LegalAidCase)
