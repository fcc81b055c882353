from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "smartunion.stats"
    verbose_name = "统计分析"

    def ready(self):
        from smartunion.casework import observers
        from smartunion.core import seeding
        from smartunion.stats import home, kept, seed

        home.register()
        seeding.register(
            seeding.SeedPart(
                "stats", "统计年报演示改写", seed.run_part, after=("accounts",), order=92
            )
        )
        # The cases' figures kept in the summaries, in the transaction of every case write.
        observers.register(
            observers.Observer("stats.kept", before=kept.before, after=kept.after, added=kept.added)
        )
