from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "smartunion.assistance"
    verbose_name = "困难职工帮扶"

    def ready(self):
        from smartunion.assistance import indicators, registry

        registry.register()
        indicators.register_indicators()
