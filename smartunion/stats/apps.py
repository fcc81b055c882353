from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "smartunion.stats"
    verbose_name = "统计分析"

    def ready(self):
        from smartunion.casework import observers
        from smartunion.stats import home, kept

        home.register()
        # The cases' figures kept in the summaries, in the transaction of every case write.
        observers.register(
            observers.Observer("stats.kept", before=kept.before, after=kept.after, added=kept.added)
        )
