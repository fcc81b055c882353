from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "smartunion.venues"
    verbose_name = "工会阵地"
