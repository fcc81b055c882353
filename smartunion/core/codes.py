"""Code lists (代码表) from national standards and the 全总 collection forms (DOMAIN.md §2–3).

Stored values are the standard codes; labels are what staff see and type in spreadsheets.
"""

from django.db import models

ETHNIC_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()

# 民族 (GB/T 3304): 01–56 in the standard's order, plus 97 其他 and 98 外国血统中国籍人士.
Ethnicity = models.TextChoices(
    "Ethnicity",
    [(f"E{i:02d}", (f"{i:02d}", name)) for i, name in enumerate(ETHNIC_NAMES, 1)]
    + [("E97", ("97", "其他")), ("E98", ("98", "外国血统中国籍人士"))],
)


class Gender(models.TextChoices):
    """性别 (GB/T 2261.1), derived from the ID number."""

    MALE = "1", "男"
    FEMALE = "2", "女"


class Education(models.TextChoices):
    """学历 (GB/T 4658, first-level codes)."""

    POSTGRADUATE = "10", "研究生"
    BACHELOR = "20", "大学本科"
    COLLEGE = "30", "大学专科"
    SECONDARY_VOCATIONAL = "40", "中等专业学校"
    TECHNICAL_SCHOOL = "50", "技工学校"
    HIGH_SCHOOL = "60", "普通高级中学"
    JUNIOR_HIGH = "70", "初级中学"
    PRIMARY = "80", "小学"
    OTHER = "90", "其他"


class PoliticalStatus(models.TextChoices):
    """政治面貌 (GB/T 4762, grouped as on the 会员采集表)."""

    CPC_MEMBER = "01", "中共党员"
    CYL_MEMBER = "03", "共青团员"
    DEMOCRATIC_PARTY = "04", "民主党派"
    MASSES = "13", "群众"


class HukouType(models.TextChoices):
    """户籍类型."""

    AGRICULTURAL = "1", "农业户口"
    NON_AGRICULTURAL = "2", "非农业户口"
    RESIDENT = "3", "居民户口"


class EmploymentStatus(models.TextChoices):
    """就业状况."""

    EMPLOYED = "10", "在岗"
    LAID_OFF = "20", "待(下)岗"
    UNEMPLOYED = "30", "失业"
    RETIRED = "40", "退休"
    LIXIU = "50", "离休"
    RESIGNED = "60", "退职"
    EARLY_RETIRED = "70", "内退"
    SICK_LEAVE = "80", "病休"
    OTHER = "90", "其他"


class SkillLevel(models.TextChoices):
    """技术等级 (国家职业资格等级)."""

    SENIOR_TECHNICIAN = "1", "高级技师"
    TECHNICIAN = "2", "技师"
    SENIOR_WORKER = "3", "高级工"
    INTERMEDIATE_WORKER = "4", "中级工"
    JUNIOR_WORKER = "5", "初级工"


class NewFormType(models.TextChoices):
    """新就业形态劳动者 kind: the four national focus groups first."""

    TRUCK_DRIVER = "01", "货车司机"
    RIDE_HAILING_DRIVER = "02", "网约车司机"
    COURIER = "03", "快递员"
    DELIVERY_RIDER = "04", "外卖配送员"
    DOMESTIC_WORKER = "05", "家政服务员"
    CARE_WORKER = "06", "护工护理员"
    SECURITY_GUARD = "07", "保安员"
    LIVE_STREAMER = "08", "网络主播"
    OTHER = "99", "其他"


class UnitCategory(models.TextChoices):
    """单位类别 (登记注册类型 as used on the 工会组织采集表)."""

    STATE_OWNED = "110", "国有企业"
    COLLECTIVE = "120", "集体企业"
    JOINT_STOCK_COOP = "130", "股份合作企业"
    JOINT_OPERATION = "140", "联营企业"
    STATE_SOLE_LLC = "151", "国有独资公司"
    OTHER_LLC = "159", "其他有限责任公司"
    STATE_HOLDING_CORP = "161", "国有控股股份有限公司"
    OTHER_CORP = "169", "其他股份有限公司"
    PRIVATE = "170", "私营企业"
    OTHER_DOMESTIC = "190", "其他内资企业"
    HK_MO_TW = "200", "港澳台商投资企业"
    FOREIGN = "300", "外商投资企业"
    PUBLIC_INSTITUTION = "400", "事业单位"
    GOVERNMENT = "500", "机关"
    INDIVIDUAL = "600", "个体经济组织"
    PRIVATE_NON_ENTERPRISE = "700", "民办非企业单位"


class Industry(models.TextChoices):
    """国民经济行业分类 (GB/T 4754-2017), sections A–T."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"
