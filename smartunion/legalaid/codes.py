"""Code lists of trade-union legal aid (工会法律援助, SERVICES.md §3.2–§3.7)."""

from django.db import models


class ApplicantKind(models.TextChoices):
    """人员所属类型: who may apply (《工会法律援助办法》)."""

    WORKER = "worker", "职工"
    MIGRANT = "migrant", "农民工"
    UNION_WORKER = "union_worker", "工会工作者"
    UNION_ORG = "union_org", "工会组织"


class Matter(models.TextChoices):
    """援助事由: the national five case types (SERVICES.md §3.3)."""

    LABOUR = "labour", "劳动争议"
    PERSONAL = "personal", "职工人身权、民主权、财产权受侵犯"
    UNION_WORKER = "union_worker", "工会工作者履职权益受侵犯"
    UNION_ORG = "union_org", "工会组织合法权益受侵犯"
    OTHER = "other", "其他需要援助的事项"


class Subtype(models.TextChoices):
    """争议类别 of a labour dispute (山西 2012, SERVICES.md §3.3)."""

    RELATION = "relation", "劳动关系"
    WAGES = "wages", "劳动报酬"
    INSURANCE = "insurance", "社会保险"
    INJURY = "injury", "工伤事故"
    OCCUPATIONAL = "occupational", "职业危害赔偿"
    DISMISSAL = "dismissal", "解除/终止劳动合同"
    COMPENSATION = "compensation", "经济补偿"
    OTHER = "other", "其他"


class AidForm(models.TextChoices):
    """援助形式 (SERVICES.md §3.4)."""

    CONSULT = "consult", "法律咨询"
    DOCUMENTS = "documents", "代写法律文书"
    MEDIATION = "mediation", "参与协商、调解"
    ARBITRATION = "arbitration", "仲裁代理"
    LITIGATION = "litigation", "诉讼代理"
    NON_LITIGATION = "non_litigation", "非诉讼代理"


class Exemption(models.TextChoices):
    """免予经济困难审查的情形 (SERVICES.md §3.2)."""

    NONE = "", "无（按经济困难标准审查）"
    MIGRANT_WAGES = "migrant_wages", "农民工追索劳动报酬"
    MIGRANT_INJURY = "migrant_injury", "农民工请求工伤赔偿"
    HARDSHIP = "hardship", "因重大疾病、自然灾害等不可抗力无力支付"


class HandlerKind(models.TextChoices):
    """承办人类型."""

    LAWYER = "lawyer", "工会律师"
    FIRM = "firm", "签约律师事务所"
    LEGAL_WORKER = "legal_worker", "工会法律工作者"


class Stage(models.TextChoices):
    """办理阶段."""

    NEGOTIATION = "negotiation", "协商"
    MEDIATION = "mediation", "调解"
    ARBITRATION = "arbitration", "仲裁"
    FIRST = "first", "一审"
    SECOND = "second", "二审"
    ENFORCEMENT = "enforcement", "执行"


class Result(models.TextChoices):
    """结案结果."""

    MEDIATED = "mediated", "调解成功"
    AWARD = "award", "裁决"
    JUDGMENT = "judgment", "判决"
    WITHDRAWN = "withdrawn", "撤诉"
    ENDED = "ended", "终止"


class TerminationReason(models.TextChoices):
    """终止援助的原因 (SERVICES.md §3.6)."""

    WITHDREW = "withdrew", "申请人撤回申请"
    FALSE_INFO = "false_info", "申请人提供虚假信息"
    NOT_ELIGIBLE = "not_eligible", "不再符合援助条件"
    MATTER_ENDED = "matter_ended", "援助事项已终结"
    NO_DOCUMENTS = "no_documents", "逾期未补正材料（视为撤回申请）"


class TransferTo(models.TextChoices):
    """转办去向."""

    GOVERNMENT = "government", "政府法律援助中心"
    UNION = "union", "其他地区工会"
