"""The columns of the two collection forms (采集表), as import, template and export see them.

One description per column drives everything: the template's Chinese header, its note and
dropdown, the parsing of an uploaded cell, the error message naming the column, and the
export's header. Code lists come from smartunion.core.codes and the models' choices: a label
(汉族, 大学本科, 制造业…) or its standard code is accepted in a cell, the code is stored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db import models

from smartunion.core.codes import (
    Education,
    EmploymentStatus,
    Ethnicity,
    HukouType,
    Industry,
    NewFormType,
    PoliticalStatus,
    SkillLevel,
    UnitCategory,
)
from smartunion.orgs.models import Kind

# Column kinds: how a cell is read.
TEXT = "text"
ID_NUMBER = "id_number"
PHONE = "phone"
CODE = "code"
BOOL = "bool"
DATE = "date"
INT = "int"
USCC = "uscc"
ORG_REF = "org_ref"  # an organization's id, or "id 名称" as the dropdown writes it
REGION = "region"  # a six-digit GB/T 2260 code, or "620102 城关区"
SEQ = "seq"  # 序号: ignored, except that "示例" marks the template's example row

EXAMPLE_MARK = "示例"

YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "有", "已建立", "已建"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "无", "未建立", "未建"})


def normalize_label(text: str) -> str:
    """Full-width to half-width, spaces dropped, lower case: how labels and headers compare."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").lower()


class ChoiceMap:
    """Label ↔ code for one code list: a cell may hold the label or the code."""

    def __init__(self, choices: type[models.Choices]):
        self.choices = choices
        self.labels = [str(label) for label in choices.labels]
        self._lookup: dict[str, str] = {}
        for value, label in choices.choices:
            self._lookup[str(value)] = value
            self._lookup[str(label)] = value
            self._lookup[normalize_label(str(value))] = value
            self._lookup[normalize_label(str(label))] = value
            # "01 汉族" / "C 制造业": a code and its label, as some forms print them.
            self._lookup[normalize_label(f"{value}{label}")] = value

    def parse(self, text: str) -> str | None:
        # Most cells hold a label exactly as the dropdown wrote it: look that up first.
        found = self._lookup.get(text)
        if found is None:
            found = self._lookup.get(normalize_label(text))
        return found

    def label(self, value: str) -> str:
        return str(self.choices(value).label) if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.Choices] | None = None
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    note: str = ""
    width: int = 14
    example: str = ""

    @property
    def choice_map(self) -> ChoiceMap | None:
        return _choice_map(self.choices) if self.choices is not None else None


_CHOICE_MAPS: dict[type, ChoiceMap] = {}


def _choice_map(choices: type[models.Choices]) -> ChoiceMap:
    if choices not in _CHOICE_MAPS:
        _CHOICE_MAPS[choices] = ChoiceMap(choices)
    return _CHOICE_MAPS[choices]


class YesNo(models.TextChoices):
    YES = "是", "是"
    NO = "否", "否"


@dataclass(frozen=True)
class Schema:
    kind: str  # "members" or "orgs"
    title: str
    sheet_name: str
    columns: tuple[Column, ...]
    other_kind_hint: str = ""
    _by_header: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for column in self.columns:
            for name in (column.header, *column.aliases):
                self._by_header[normalize_header(name)] = column

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def match(self, header: str) -> Column | None:
        return self._by_header.get(normalize_header(header))

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


def normalize_header(text: str) -> str:
    """'* 身份证号码（必填）' → '身份证号码': markers, notes in brackets and spaces dropped."""
    text = normalize_label(str(text or ""))
    for mark in ("*", "(必填)", "(选填)", "必填"):
        text = text.replace(mark, "")
    return text.strip()


SEQ_COLUMN = Column("seq", "序号", SEQ, width=6, note="可不填。模板中标为“示例”的一行不会被导入。")

MEMBER_COLUMNS = (
    SEQ_COLUMN,
    Column("name", "姓名", TEXT, True, max_length=64, width=10, example="张三"),
    Column(
        "id_number",
        "身份证号码",
        ID_NUMBER,
        True,
        aliases=("身份证号", "公民身份号码", "证件号码", "居民身份证号码"),
        width=22,
        note="18位居民身份证号码，本列为文本格式，请勿改成数字格式（否则后几位会变成0）。"
        "性别和出生日期由号码自动得出，无需填写。",
    ),
    Column(
        "phone",
        "手机号码",
        PHONE,
        aliases=("手机号", "联系电话", "电话"),
        width=14,
        note="11位手机号或带区号的固定电话，可不填。",
    ),
    Column(
        "org_uscc",
        "所在工会统一社会信用代码",
        USCC,
        aliases=("工会统一社会信用代码", "所在工会信用代码"),
        width=22,
        note="会员所在工会的统一社会信用代码。与“所在工会编号”填一项即可；"
        "都不填时导入到上传时选择的工会。",
    ),
    Column(
        "org_ref",
        "所在工会编号",
        ORG_REF,
        aliases=("工会编号", "所在工会"),
        width=28,
        note="系统中的工会编号，可从下拉列表选择（“编号 名称”）。",
    ),
    Column(
        "org_name",
        "所在工会名称",
        TEXT,
        aliases=("工会名称",),
        max_length=128,
        width=24,
        note="仅供核对：与编号或代码对应的工会名称不一致时给出提示。",
    ),
    Column("ethnicity", "民族", CODE, choices=Ethnicity, width=8, example="汉族"),
    Column("education", "学历", CODE, choices=Education, aliases=("文化程度",), example="大学本科"),
    Column("political_status", "政治面貌", CODE, choices=PoliticalStatus, example="群众"),
    Column("hukou_type", "户籍类型", CODE, choices=HukouType, example="非农业户口"),
    Column("is_migrant_worker", "是否农民工", BOOL, choices=YesNo, width=10, example="否"),
    Column(
        "employment_status",
        "就业状况",
        CODE,
        choices=EmploymentStatus,
        width=10,
        note="不填按“在岗”。",
        example="在岗",
    ),
    Column("skill_level", "技术等级", CODE, choices=SkillLevel, width=10),
    Column("occupation", "工种", TEXT, max_length=64, example="钳工"),
    Column("professional_title", "职称", TEXT, max_length=64),
    Column(
        "new_form_type",
        "新就业形态劳动者类型",
        CODE,
        choices=NewFormType,
        width=18,
        note="不是新就业形态劳动者的不填。",
    ),
    Column("is_model_worker", "是否劳模", BOOL, choices=YesNo, width=10, example="否"),
    Column(
        "joined_on",
        "入会日期",
        DATE,
        aliases=("入会时间",),
        width=12,
        note="如2020-05-01。不填按导入当天。入会时年龄须在规定范围内。",
    ),
    Column(
        "card_no",
        "会员证号",
        TEXT,
        aliases=("会员编号", "会员卡号"),
        max_length=20,
        width=16,
        note="不填由系统发放。",
    ),
)

ORG_COLUMNS = (
    SEQ_COLUMN,
    Column(
        "name", "工会名称", TEXT, True, max_length=128, width=28, example="兰州某某有限公司工会"
    ),
    Column(
        "parent_uscc",
        "上级工会统一社会信用代码",
        USCC,
        width=22,
        note="与“上级工会编号”填一项；上级工会也可以是本文件中前后任意一行（按统一社会信用代码）。"
        "都不填时建在上传时选择的工会之下。",
    ),
    Column(
        "parent_ref",
        "上级工会编号",
        ORG_REF,
        aliases=("上级工会",),
        width=28,
        note="系统中的工会编号，可从下拉列表选择（“编号 名称”）。",
    ),
    Column("kind", "组织类型", CODE, True, choices=Kind, width=16, example="单独基层工会"),
    Column(
        "region",
        "行政区划代码",
        REGION,
        True,
        aliases=("行政区划", "所在地区"),
        width=22,
        note="6位行政区划代码（GB/T 2260），可从下拉列表选择。",
    ),
    Column(
        "uscc",
        "工会统一社会信用代码",
        USCC,
        width=22,
        note="工会为法人的填写，18位，以81开头。填写后再次导入同一文件不会重复建立。",
    ),
    Column("employer_name", "单位名称", TEXT, max_length=128, width=24),
    Column("employer_uscc", "单位统一社会信用代码", USCC, width=22),
    Column("address", "单位地址", TEXT, max_length=200, width=28),
    Column("industry", "国民经济行业分类", CODE, choices=Industry, width=20, example="制造业"),
    Column("unit_category", "单位类别", CODE, choices=UnitCategory, width=16, example="私营企业"),
    Column("founded_on", "建会日期", DATE, width=12),
    Column("chair_name", "工会主席", TEXT, max_length=64, width=10),
    Column("chair_phone", "主席联系电话", PHONE, aliases=("主席电话",), width=14),
    Column("employee_count", "职工人数", INT, width=10, example="120"),
    Column(
        "women_committee",
        "已建立女职工委员会",
        BOOL,
        choices=YesNo,
        aliases=("女职工委员会",),
        width=12,
        example="是",
    ),
    Column("term_ends_on", "本届任期届满日期", DATE, aliases=("换届日期",), width=14),
)

MEMBERS = Schema(
    "members",
    "工会会员基本信息采集表",
    "会员信息",
    MEMBER_COLUMNS,
    other_kind_hint="这是工会会员导入文件，请在“会员导入”中上传。",
)
ORGS = Schema(
    "orgs",
    "工会组织基本信息采集表",
    "工会组织信息",
    ORG_COLUMNS,
    other_kind_hint="这是工会组织导入文件，请在“工会组织导入”中上传。",
)
SCHEMAS = {"members": MEMBERS, "orgs": ORGS}
