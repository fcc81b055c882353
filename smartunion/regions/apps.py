from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "smartunion.regions"
    verbose_name = "行政区划"
