"""manage.py load_calendar: add the years a newer chinese-calendar package knows."""

from django.core.management.base import BaseCommand

from smartunion.casework.calendar import load_package_calendar
from smartunion.casework.services import recompute_due_dates


class Command(BaseCommand):
    help = "把 chinese-calendar 软件包已知、而库中尚未录入的年份的节假日安排补入工作日历（已录入的年份不变）。"

    def handle(self, *args, **options):
        years = load_package_calendar()
        if years:
            self.stdout.write(f"已补入：{'、'.join(str(y) for y in years)}年")
            self.stdout.write(f"重新计算了 {recompute_due_dates()} 个按周一至周五估算的期限。")
        else:
            self.stdout.write("没有需要补入的年份。")
