from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "smartunion.venues"
    verbose_name = "工会阵地"

    def ready(self):
        from smartunion.core import seeding
        from smartunion.venues import indicators
        from smartunion.venues.seed import run_part

        seeding.register(seeding.SeedPart("venues", "演示阵地", run_part, after=("registry",)))
        indicators.register_indicators()
