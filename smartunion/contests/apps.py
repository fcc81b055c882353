from django.apps import AppConfig


class ContestsConfig(AppConfig):
    name = "smartunion.contests"
    verbose_name = "劳动和技能竞赛"

    def ready(self):
        from smartunion.contests import indicators, registry

        registry.register()
        indicators.register_indicators()
