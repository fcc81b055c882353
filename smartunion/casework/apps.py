from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "smartunion.casework"
    verbose_name = "业务办理（公共）"

    def ready(self):
        from smartunion.casework import home

        home.register()
