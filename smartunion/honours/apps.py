from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "smartunion.honours"
    verbose_name = "劳模工匠荣誉库"

    def ready(self):
        from smartunion.honours import indicators, registry

        registry.register()
        indicators.register_indicators()
