from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartunion.accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from smartunion.accounts import checks  # noqa: F401  (registers the deploy checks)
        from smartunion.accounts.seed import run_part
        from smartunion.core import seeding

        seeding.register(
            seeding.SeedPart("accounts", "演示账号", run_part, after=("registry",), order=90)
        )
