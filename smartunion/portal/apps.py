from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "smartunion.portal"
    verbose_name = "职工之家"

    def ready(self):
        from smartunion.core import seeding
        from smartunion.portal import notices
        from smartunion.portal.seed import run_part

        notices.register_hooks()
        seeding.register(
            seeding.SeedPart("portal", "职工之家演示会员", run_part, after=("accounts",), order=91)
        )
