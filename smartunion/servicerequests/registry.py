"""What service requests register with the shared mechanisms (called from AppConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from smartunion.casework import workflow
    from smartunion.servicerequests import workflows
    from smartunion.servicerequests.models import ServiceRequest

    ServiceRequest.case_type = workflows.REQUEST
    workflow.register(ServiceRequest)

    from smartunion.casework import spawn
    from smartunion.servicerequests import services

    spawn.register(
        spawn.Source(
            key="request",
            model=ServiceRequest,
            what="诉求工单",
            prefill=services.spawn_prefill,
            link=services.spawn_link,
            unmask=services.spawn_unmask,
        )
    )

    from smartunion.core import seeding
    from smartunion.servicerequests.seed import run_centres, run_part

    seeding.register(
        seeding.SeedPart(
            "servicerequests", "职工诉求工单", run_part, after=("registry", "legalaid")
        )
    )
    seeding.register(
        seeding.SeedPart(
            "servicecentres",
            "职工服务中心",
            run_centres,
            after=("servicerequests", "accounts"),
            order=95,
        )
    )
