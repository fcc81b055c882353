from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "smartunion.servicerequests"
    verbose_name = "职工诉求工单"

    def ready(self):
        from smartunion.servicerequests import indicators, registry

        registry.register()
        indicators.register_indicators()
