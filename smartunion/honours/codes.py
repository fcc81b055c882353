"""Code lists of the honours register (荣誉库, SERVICES.md §6.1, §6.4)."""

from django.db import models


class Level(models.TextChoices):
    """荣誉级别."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省部级"
    CITY = "city", "地市级"
    COUNTY = "county", "县级"
    ENTERPRISE = "enterprise", "企业级"


class Kind(models.TextChoices):
    """荣誉类型. The label is what staff see; ``propose_candidate`` takes either."""

    NATIONAL_MODEL = "national_model", "全国劳模"
    PROVINCIAL_MODEL = "provincial_model", "省部级劳模"
    CITY_MODEL = "city_model", "地市级劳模"
    NATIONAL_MAY1_MEDAL = "national_may1_medal", "全国五一劳动奖章"
    PROVINCIAL_MAY1_MEDAL = "provincial_may1_medal", "省五一劳动奖章"
    MAY1_AWARD = "may1_award", "五一劳动奖状"
    PIONEER = "pioneer", "工人先锋号"
    CRAFTSMAN = "craftsman", "陇原工匠"
    CRAFTSMAN_NOMINEE = "craftsman_nominee", "陇原工匠提名"
    TECHNICAL_EXPERT = "technical_expert", "技术能手"


#: Honours held by a unit or a team (奖状, 工人先锋号) rather than a person.
UNIT_KINDS = frozenset({Kind.MAY1_AWARD, Kind.PIONEER})

#: Kinds that make their holder a 劳模 (model worker) with the benefits of a level; the 全国五一
#: 劳动奖章 counts as 省部级 (全总 复函, SERVICES.md §6.1).
MODEL_KINDS = frozenset(
    {Kind.NATIONAL_MODEL, Kind.PROVINCIAL_MODEL, Kind.CITY_MODEL, Kind.NATIONAL_MAY1_MEDAL}
)

#: The level an honour of a kind has unless told otherwise.
DEFAULT_LEVEL = {
    Kind.NATIONAL_MODEL: Level.NATIONAL,
    Kind.PROVINCIAL_MODEL: Level.PROVINCIAL,
    Kind.CITY_MODEL: Level.CITY,
    Kind.NATIONAL_MAY1_MEDAL: Level.NATIONAL,
    Kind.PROVINCIAL_MAY1_MEDAL: Level.PROVINCIAL,
    Kind.MAY1_AWARD: Level.PROVINCIAL,
    Kind.PIONEER: Level.PROVINCIAL,
    Kind.CRAFTSMAN: Level.PROVINCIAL,
    Kind.CRAFTSMAN_NOMINEE: Level.PROVINCIAL,
    Kind.TECHNICAL_EXPERT: Level.PROVINCIAL,
}

#: The body that grants a kind at a level, as the register prints it by default.
GRANTING_BODY = {
    Level.NATIONAL: "中华全国总工会",
    Level.PROVINCIAL: "甘肃省总工会",
    Level.CITY: "市（州）总工会",
    Level.COUNTY: "县（区）总工会",
    Level.ENTERPRISE: "企业工会",
}


class State(models.TextChoices):
    """Whether the honour is held (SERVICES.md §6.4: 保持荣誉 → 撤销 / 已故)."""

    CANDIDATE = "candidate", "候选"
    HELD = "held", "在册"
    REVOKED = "revoked", "撤销"
    DECEASED = "deceased", "已故"


def kind_from(value: str) -> str | None:
    """The code of a kind given by its code or its label (全国劳模 → national_model)."""
    value = (value or "").strip()
    if value in Kind.values:
        return value
    for kind in Kind:
        if kind.label == value:
            return kind.value
    return None


class ServiceKind(models.TextChoices):
    """劳模服务记录的类型 (SERVICES.md §6.3)."""

    HEALTH_CHECK = "health_check", "健康体检"
    REST_TRIP = "rest_trip", "疗休养"
    VISIT = "visit", "节日慰问"
    ALLOWANCE = "allowance", "荣誉津贴发放"
    HARDSHIP = "hardship", "困难帮扶"


#: The province's default benefits per level (SERVICES.md §6.2: local examples; Gansu's rules
#: were not found, so the province edits these).
DEFAULT_BENEFITS = {
    Level.NATIONAL: ("500.00", True, True, 2, "1000.00"),
    Level.PROVINCIAL: ("400.00", True, True, 2, "500.00"),
    Level.CITY: ("240.00", True, False, 1, "300.00"),
    Level.COUNTY: ("0.00", False, False, 1, "200.00"),
    Level.ENTERPRISE: ("0.00", False, False, 0, "0.00"),
}


class Category(models.TextChoices):
    """推荐对象类别 of a nominee, counted by the ratio rules of a selection (SERVICES.md §6.7)."""

    INDUSTRIAL = "industrial", "产业工人"
    FRONTLINE = "frontline", "一线职工和技术人员"
    SCIENTIST = "scientist", "科教人员"
    MIGRANT = "migrant", "农民工"
    WOMAN = "woman", "女性"
    NEW_FORM = "new_form", "新就业形态劳动者"
    NON_PUBLIC = "non_public", "非公有制企业"
    UNIT_HEAD = "unit_head", "企业负责人"


#: The 2022 rules of the 全国五一劳动奖章 (SERVICES.md §6.7): the rows a new notice starts with.
DEFAULT_RATIOS = ((Category.INDUSTRIAL, 35), (Category.MIGRANT, 10))

#: 部门联审: who vets enterprise nominees and their heads.
DEPARTMENTS = ("市场监管", "税务", "纪检监察", "审计", "应急管理")


class StudioTier(models.TextChoices):
    """创新工作室级别 (SERVICES.md §6.8)."""

    NATIONAL_DEMO = "national_demo", "全国示范性"
    PROVINCIAL_DEMO = "provincial_demo", "省级示范性"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    ENTERPRISE = "enterprise", "企业级"


class StudioState(models.TextChoices):
    NAMED = "named", "已命名"
    REVOKED = "revoked", "已撤销"


class OutcomeKind(models.TextChoices):
    """创新成果类型 (SERVICES.md §6.8)."""

    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    INNOVATION = "innovation", "技术革新"
    PROCESS = "process", "工艺改进"
    SUGGESTION = "suggestion", "合理化建议"
    STANDARD = "standard", "标准"
    PAPER = "paper", "论文"
    SOFTWARE = "software", "软件著作权"


PATENT_KINDS = frozenset({OutcomeKind.INVENTION, OutcomeKind.UTILITY, OutcomeKind.DESIGN})
