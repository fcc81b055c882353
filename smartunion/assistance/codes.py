"""Code lists of hardship assistance (困难职工档案表 and its 填表说明, SERVICES.md §1.4–1.5, §2).

Stored values are short codes; labels are the form's words. Where the source list is cut off
or absent, the list is ours and marked so.
"""

from django.db import models


class Category(models.TextChoices):
    """困难类别 (the current three-category scheme), computed, never typed."""

    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENT = "accident", "意外致困"


class LegacyCategory(models.TextChoices):
    """Categories of old files, kept as they were imported (SERVICES.md §1.2)."""

    DIBAO = "dibao", "低保户"
    DIBAO_EDGE = "dibao_edge", "低保边缘户"
    ACCIDENT = "accident", "意外致困户"
    ABOVE_DIBAO = "above_dibao", "低保线以上"
    ENJOYS_DIBAO = "enjoys_dibao", "享受低保"
    NO_DIBAO = "no_dibao", "未享受低保"
    ORDINARY = "ordinary", "一般困难"
    SPECIAL = "special", "特困"
    EXTREME = "extreme", "极困"


class FilingLevel(models.TextChoices):
    """建档标准: the level at which the file is counted."""

    NATIONAL = "national", "全国级"
    PROVINCE = "province", "省级"
    CITY = "city", "地市级"
    COUNTY = "county", "区县级"
    GRASSROOTS = "grassroots", "基层"


class FileSource(models.TextChoices):
    """档案来源."""

    EXISTING = "existing", "存量档案"
    NEW = "new", "增量档案"
    RETURNED = "returned", "返困档案"


class Health(models.TextChoices):
    """健康状况."""

    GOOD = "01", "良好"
    CANCER = "02", "癌症/恶性肿瘤"
    CARDIOVASCULAR = "03", "心血管病"
    CEREBROVASCULAR = "04", "脑血管病"
    UREMIA = "05", "尿毒症/终末期肾病"
    MENTAL = "06", "精神病"
    LIVER = "07", "肝病"
    BLOOD = "08", "血液病"
    DIABETES = "09", "糖尿病"
    TUMOR = "10", "肿瘤病"
    SPINE = "11", "腰颈椎病"
    HYPERTENSION = "12", "高血压病"
    LUNG = "13", "肺病"
    ORDINARY = "14", "一般疾病"
    COMA = "15", "深度昏迷"
    PARALYSIS = "16", "永久瘫痪"
    ALZHEIMER = "17", "严重阿尔茨海默病"
    PARKINSON = "18", "严重帕金森病"
    MOTOR_NEURON = "19", "严重运动神经元病"
    DISABLED = "20", "残疾"


class Disability(models.TextChoices):
    """残疾类别 (GB/T 26341)."""

    VISION = "1", "视力残疾"
    HEARING = "2", "听力残疾"
    SPEECH = "3", "言语残疾"
    INTELLECTUAL = "4", "智力残疾"
    PHYSICAL = "5", "肢体残疾"
    MENTAL = "6", "精神残疾"
    MULTIPLE = "7", "多重残疾"


class DisabilityGrade(models.TextChoices):
    GRADE_1 = "1", "一级（极重度）"
    GRADE_2 = "2", "二级（重度）"
    GRADE_3 = "3", "三级（中度）"
    GRADE_4 = "4", "四级（轻度）"


class WorkStatus(models.TextChoices):
    """工作状态/身份."""

    EMPLOYED = "01", "在岗"
    LAID_OFF = "02", "下（待）岗"
    UNEMPLOYED = "03", "失（无）业"
    RETIRED = "04", "退休"
    SICK_LEAVE = "05", "病休"
    EARLY_RETIRED = "06", "内退"
    SEMI_RETIRED = "07", "离休"
    MIGRANT = "08", "农民工"


class ModelWorkerType(models.TextChoices):
    """劳模类型."""

    NONE = "0", "非劳模"
    NATIONAL = "1", "全国劳模"
    PROVINCIAL = "2", "省部级劳模"
    CITY = "3", "地市级劳模"
    OTHER = "9", "其他"


class Housing(models.TextChoices):
    """住房类型."""

    UNIT_RENTAL = "01", "承租单位公房"
    LOW_RENT = "02", "政府廉租房"
    OWN = "03", "自购房/商品房"
    AFFORDABLE = "04", "经济适用房"
    PRICE_LIMITED = "05", "两限房"
    SELF_BUILT = "06", "自建房"
    RENTED = "07", "租房"
    NONE = "08", "无房"
    OTHER = "09", "其他"


class HousingArea(models.TextChoices):
    """建筑面积."""

    UNDER_20 = "1", "20平方米及以下"
    TO_50 = "2", "20–50平方米"
    TO_70 = "3", "50–70平方米"
    OVER_70 = "4", "70平方米以上"


class Marital(models.TextChoices):
    MARRIED = "1", "已婚"
    SINGLE = "2", "未婚"
    DIVORCED = "3", "离异"
    WIDOWED = "4", "丧偶"


class HukouKind(models.TextChoices):
    """户口类型 as the 档案表 lists it."""

    NON_AGRICULTURAL = "1", "非农业"
    AGRICULTURAL = "2", "农业"
    CONVERTED = "3", "农转居"


class MedicalInsurance(models.TextChoices):
    """医保状况 (the form's field; the list is ours: the source gives none)."""

    EMPLOYEE = "1", "城镇职工基本医疗保险"
    RESIDENT = "2", "城乡居民基本医疗保险"
    COMMERCIAL = "3", "仅商业医疗保险"
    NONE = "9", "未参加医疗保险"


class Cause(models.TextChoices):
    """致困原因: exactly one main, up to three secondary."""

    NO_WORK_ABILITY = "1", "无劳动能力"
    ABLE_NOT_EMPLOYED = "2", "有劳动能力而未就业"
    LAID_OFF = "3", "下岗失业"
    NO_INSURANCE = "4", "未参加社会保险"
    INSURANCE_SHORTFALL = "5", "社会保险待遇落实不到位"
    SERIOUS_ILLNESS = "6", "患重特大疾病"
    DISASTER = "7", "遭受自然灾害"
    ACCIDENT = "8", "遭受意外事故"
    SCHOOLING = "9", "子女上学"
    OTHER = "10", "其他"


class Relation(models.TextChoices):
    """与户主关系 (the head of household is "本人")."""

    SELF = "self", "本人"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    PARENT_IN_LAW = "in_law", "岳父母/公婆"
    GRANDCHILD = "grandchild", "孙子女/外孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class Identity(models.TextChoices):
    """人员身份 of a household member (the list is ours; the form names the field only)."""

    EMPLOYED = "employed", "在职职工"
    UNEMPLOYED = "unemployed", "下岗失业人员"
    RETIRED = "retired", "退休人员"
    STUDENT = "student", "在校学生"
    PRESCHOOL = "preschool", "学龄前儿童"
    FARMER = "farmer", "务农"
    FLEXIBLE = "flexible", "灵活就业"
    NONE = "none", "无业"
    OTHER = "other", "其他"


class SchoolLevel(models.TextChoices):
    """当前学历 / the level of schooling (also 金秋助学's levels)."""

    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    HIGH = "high", "普通高中"
    VOCATIONAL = "vocational", "中职（中专、技校）"
    COLLEGE = "college", "高职（专科）"
    BACHELOR = "bachelor", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


#: The levels 金秋助学 aids (high school and above).
STUDENT_AID_LEVELS = (
    SchoolLevel.HIGH,
    SchoolLevel.VOCATIONAL,
    SchoolLevel.COLLEGE,
    SchoolLevel.BACHELOR,
    SchoolLevel.POSTGRADUATE,
)


class CancelReason(models.TextChoices):
    """注销原因."""

    DEATH = "death", "死亡"
    MOVED = "moved", "调离"
    RETIRED = "retired", "退休"
    MISIDENTIFIED = "misidentified", "精准识别不符"
    OTHER = "other", "其他"


class AidType(models.TextChoices):
    """帮扶类型: the purpose of a payment (caps are set per purpose)."""

    LIVING = "living", "生活救助"
    MEDICAL = "medical", "医疗救助"
    STUDY = "study", "子女助学"
    LEGAL = "legal", "法律援助"
    EMPLOYMENT = "employment", "就业创业帮扶"
    WARMTH = "warmth", "送温暖慰问"
    COOLING = "cooling", "夏送清凉慰问"
    JOBS = "jobs", "春送岗位服务"
    OTHER = "other", "其他"


class CampaignKind(models.TextChoices):
    """四送."""

    SPRING = "spring", "春送岗位"
    SUMMER = "summer", "夏送清凉"
    AUTUMN = "autumn", "金秋助学"
    WINTER = "winter", "冬送温暖"


#: What a campaign's payments are for, in the ledger.
CAMPAIGN_PURPOSE = {
    CampaignKind.SPRING: AidType.JOBS,
    CampaignKind.SUMMER: AidType.COOLING,
    CampaignKind.AUTUMN: AidType.STUDY,
    CampaignKind.WINTER: AidType.WARMTH,
}


class TargetGroup(models.TextChoices):
    """慰问/服务对象 (SERVICES.md §2.5–2.6)."""

    HARDSHIP = "hardship", "在档困难职工"
    MIGRANT = "migrant", "困难农民工"
    MODEL_WORKER = "model_worker", "劳模和先进工作者"
    FRONTLINE = "frontline", "一线职工"
    OUTDOOR = "outdoor", "户外劳动者"
    NEW_FORM = "new_form", "新就业形态劳动者"
    STUDENT = "student", "困难职工家庭学生"
    OTHER = "other", "其他"


class AidForm(models.TextChoices):
    CASH = "cash", "现金"
    GOODS = "goods", "实物"
    SERVICE = "service", "服务"


class StudentExclusion(models.TextChoices):
    """金秋助学 不予资助的情形 (天门 2024/2025; SERVICES.md §2.4)."""

    MILITARY = "military", "军事院校"
    FREE_TEACHER = "free_teacher", "免费师范生"
    DIRECTED = "directed", "定向生"
    HIGH_FEE_PRIVATE = "high_fee", "高收费民办学校"
    ABROAD = "abroad", "自费出国留学"
    SINO_FOREIGN = "sino_foreign", "中外合作办学项目"
