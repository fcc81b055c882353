"""Code lists of contests (SERVICES.md §5)."""

from django.db import models


class Tier(models.TextChoices):
    """竞赛层级."""

    LEADING = "leading", "省级引领性劳动竞赛"
    CLASS1 = "class1", "省级一类竞赛"
    CLASS2 = "class2", "省级二类竞赛"
    CITY = "city", "市州级竞赛"
    ENTERPRISE = "enterprise", "企业级竞赛"


#: The tiers that count as a provincial contest for the two-year rule of one trade.
PROVINCIAL_TIERS = (Tier.LEADING, Tier.CLASS1, Tier.CLASS2)


class ContestKind(models.TextChoices):
    """竞赛类别."""

    LABOUR = "labour", "劳动竞赛"
    SKILLS = "skills", "技能竞赛"
    INNOVATION = "innovation", "创新竞赛"


class OrganiserRole(models.TextChoices):
    HOST = "host", "主办"
    UNDERTAKER = "undertaker", "承办"
    CO = "co", "协办"


class SkillLevel(models.TextChoices):
    """国家职业资格/职业技能等级."""

    L5 = "5", "初级工（五级）"
    L4 = "4", "中级工（四级）"
    L3 = "3", "高级工（三级）"
    L2 = "2", "技师（二级）"
    L1 = "1", "高级技师（一级）"


class Part(models.TextChoices):
    THEORY = "theory", "理论知识"
    PRACTICE = "practice", "实际操作"
    DEFENCE = "defence", "技术答辩"


class Round(models.TextChoices):
    PRELIMINARY = "preliminary", "初赛（市州选拔）"
    FINAL = "final", "决赛"


class TieRule(models.TextChoices):
    """同分（总成绩与实际操作成绩均相同）时."""

    THEORY_THEN_EQUAL = "theory", "理论知识成绩高者列前，仍相同则并列"
    EQUAL = "equal", "并列"


class Award(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    EXCELLENCE = "excellence", "优胜奖"


#: Awards from the best down: a rule "优胜奖及以上" matches the first four.
AWARD_ORDER = (Award.FIRST, Award.SECOND, Award.THIRD, Award.EXCELLENCE)


class Outcome(models.TextChoices):
    """What an award rule gives."""

    HONOUR = "honour", "荣誉候选"
    PROMOTION = "promotion", "技能等级晋升"
