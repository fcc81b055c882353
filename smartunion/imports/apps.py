from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "smartunion.imports"
    verbose_name = "导入导出"
