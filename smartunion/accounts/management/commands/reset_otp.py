"""manage.py reset_otp USERNAME: remove an account's authenticator and recovery codes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from smartunion.accounts.models import User
from smartunion.accounts.services import reset_second_factor


class Command(BaseCommand):
    help = (
        "重置账号的动态口令（删除认证器和恢复码，写入审计日志），该账号下次登录时重新绑定。"
        "用于没有上级管理员的账号（省总管理员、超级管理员）；其他账号由上级管理员在"
        "“工作人员”页面重置。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在。")
        removed = reset_second_factor(user, actor=None)
        self.stdout.write(f"已重置 {username} 的动态口令（删除 {removed} 个设备）。")
