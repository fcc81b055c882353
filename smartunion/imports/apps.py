from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "smartunion.imports"
    verbose_name = "导入导出"

    def ready(self):
        from smartunion.core import seeding
        from smartunion.imports.seedfiles import run_part

        seeding.register(
            seeding.SeedPart("files", "导入文件", run_part, after=("accounts",), order=95)
        )
