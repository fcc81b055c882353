"""Code lists of service requests (诉求工单, SERVICES.md §4.1)."""

from django.db import models


class Channel(models.TextChoices):
    """受理渠道."""

    PHONE = "phone", "电话（12351）"
    WINDOW = "window", "服务窗口"
    STATION = "station", "驿站"
    ONLINE = "online", "网上（APP、网站）"


class Urgency(models.TextChoices):
    """问题难度, each with its time limit in working days (casework.Deadline step
    ``handling_<urgency>``, the province may change them)."""

    NORMAL = "normal", "一般问题"
    DIFFICULT = "difficult", "难点问题"
    COMPLEX = "complex", "特别复杂问题"


#: Default working days per urgency (12351's separate limits; the numbers are ours).
URGENCY_DAYS = {Urgency.NORMAL: 5, Urgency.DIFFICULT: 10, Urgency.COMPLEX: 20}

#: The national five categories and the centre services (the province's code list starts here).
DEFAULT_CATEGORIES = [
    ("01", "问题咨询", False, False),
    ("02", "服务帮扶", False, False),
    ("03", "信访投诉", False, False),
    ("04", "法律援助", False, True),
    ("05", "意见建议", False, False),
    ("06", "职业介绍", False, False),
    ("07", "技能培训", False, False),
    ("08", "心理疏导", True, False),
]
