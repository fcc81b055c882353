"""What service requests register with the shared mechanisms (called from AppConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import workflow
    from smartunion.servicerequests import workflows
    from smartunion.servicerequests.models import ServiceRequest

    ServiceRequest.case_type = workflows.REQUEST
    workflow.register(ServiceRequest)

    from smartunion.core import seeding
    from smartunion.servicerequests.seed import run_part

    seeding.register(
        seeding.SeedPart(
            "servicerequests", "职工诉求工单", run_part, after=("registry", "legalaid")
        )
    )
