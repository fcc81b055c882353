"""manage.py send_reminders: write the reminders of every step due today or overdue."""

from django.core.management.base import BaseCommand

from smartunion.casework.reminders import sweep


class Command(BaseCommand):
    help = (
        "为今天到期和已逾期的待办环节生成催办提醒（每天运行一次即可；后台任务也会按期限自动生成）。"
    )

    def handle(self, *args, **options):
        self.stdout.write(f"生成催办提醒 {sweep()} 条。")
