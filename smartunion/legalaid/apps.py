from django.apps import AppConfig


class LegalAidConfig(AppConfig):
    name = "smartunion.legalaid"
    verbose_name = "工会法律援助"

    def ready(self):
        from smartunion.legalaid import indicators, registry

        registry.register()
        indicators.register_indicators()
