from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "smartunion.portal"
    verbose_name = "职工之家"
