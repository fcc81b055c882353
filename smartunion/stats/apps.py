from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "smartunion.stats"
    verbose_name = "统计分析"
