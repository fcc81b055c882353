from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "smartunion.stats"
    verbose_name = "统计分析"

    def ready(self):
        from smartunion.stats import home

        home.register()
