from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartunion.core"
    verbose_name = "基础"
