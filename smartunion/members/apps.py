from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "smartunion.members"
    verbose_name = "会员实名制"

    def ready(self):
        from smartunion.core import seeding
        from smartunion.members import home, indicators
        from smartunion.members.seed import run_part

        seeding.register(seeding.SeedPart("registry", "工会组织与会员", run_part, after=()))
        home.register()
        indicators.register_indicators()
        from smartunion.members import summaries  # noqa: F401  (registers its remainders)
