"""The "stats" seed part (demo data only, once): one 年报改写 of the demo county for last year,
so that a newcomer sees an override beside its computed figure in the annual report."""

from __future__ import annotations

from django.utils import timezone

from smartunion.core.seeding import SeedOptions


def run_part(options: SeedOptions) -> list[str]:
    from smartunion.accounts.models import User
    from smartunion.stats import services
    from smartunion.stats.models import Override

    if not options.demo or Override.objects.exists():
        return []
    clerk = User.objects.filter(username="chengguan_admin").select_related("scope_org").first()
    if clerk is None or clerk.scope_org is None:
        return []
    year = timezone.localdate().year - 1
    services.set_override(
        clerk.scope_org,
        year=year,
        indicator="employees",
        value=clerk.scope_org.subtree_employee_count + 120,
        note="含驻区单位劳务派遣人员120人（系统中未登记职工人数）",
        actor=clerk,
    )
    return [f"{clerk.scope_org.name}{year}年统计年报：演示改写1项（职工人数）"]
