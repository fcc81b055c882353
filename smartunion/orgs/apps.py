from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "smartunion.orgs"
    verbose_name = "工会组织"

    def ready(self):
        from smartunion.orgs import home, indicators

        home.register()
        indicators.register_indicators()
