from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "smartunion.members"
    verbose_name = "会员实名制"
