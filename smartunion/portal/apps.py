from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "smartunion.portal"
    verbose_name = "职工之家"

    def ready(self):
        from smartunion.core import seeding
        from smartunion.members import decisions
        from smartunion.portal import joining, mine, notices
        from smartunion.portal.seed import run_cases_part, run_contest_part, run_part

        notices.register_hooks()
        # 网上入会 and the own transfer request in 我的办事 and 消息; an SMS for the decision.
        for source in joining.sources():
            mine.register(source)
        decisions.observe(joining.on_decision)
        seeding.register(
            seeding.SeedPart("portal", "职工之家演示会员", run_part, after=("accounts",), order=91)
        )
        seeding.register(
            seeding.SeedPart(
                "portal-cases",
                "职工之家演示办事",
                run_cases_part,
                after=("portal", "servicerequests", "legalaid"),
                order=92,
            )
        )
        seeding.register(
            seeding.SeedPart(
                "portal-contests",
                "职工之家演示竞赛报名",
                run_contest_part,
                after=("portal", "contests"),
                order=93,
            )
        )
