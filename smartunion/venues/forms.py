"""Forms of the venue pages. They collect values; the services check and write them."""

from __future__ import annotations

from typing import Any

from django import forms

from smartunion.core.forms import UploadField
from smartunion.orgs.models import Organization
from smartunion.regions.models import Region
from smartunion.venues.coords import CRS, CRS_LABELS
from smartunion.venues.models import (
    SIX_HAS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    Facility,
    Venue,
    VenueKind,
    VenueStatus,
)
from smartunion.venues.services import MAX_PHOTO_BYTES, county_regions


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        parent = obj.parent.name if obj.parent_id and obj.level == 3 else ""
        return f"{parent} {obj.name}".strip()


class VenueForm(forms.Form):
    """新增 / 编辑阵地. Coordinates are typed in the system the staff chose and converted."""

    kind = forms.ChoiceField(label="类型", choices=VenueKind.choices)
    name = forms.CharField(label="名称", max_length=100)
    org = forms.ModelChoiceField(
        label="所属工会",
        queryset=Organization.objects.active().order_by("path"),
        empty_label="请选择所属工会",
    )
    region = RegionChoiceField(
        label="所在县区", queryset=Region.objects.none(), empty_label="请选择县区"
    )
    address = forms.CharField(label="地址", max_length=200)
    crs = forms.ChoiceField(
        label="所填坐标的坐标系",
        choices=[(c.value, CRS_LABELS[c]) for c in CRS],
        initial=CRS.WGS84.value,
        widget=forms.RadioSelect,
        help_text="从高德地图坐标拾取器复制的选 GCJ-02，从百度拾取器复制的选 BD-09；保存时统一换算为 WGS-84。",
    )
    lng = forms.CharField(label="经度", max_length=32, help_text="如 103.834303")
    lat = forms.CharField(label="纬度", max_length=32, help_text="如 36.061089")
    facilities = forms.MultipleChoiceField(
        label="设施和服务",
        choices=Facility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services_note = forms.CharField(label="其他服务", max_length=200, required=False)
    open_24h = forms.BooleanField(label="24小时开放", required=False)
    unattended = forms.BooleanField(label="智能驿站（无人值守）", required=False)
    manager_name = forms.CharField(label="负责人", max_length=64, required=False)
    manager_phone = forms.CharField(
        label="负责人手机",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    service_phone = forms.CharField(
        label="服务电话（公开）",
        max_length=20,
        required=False,
        help_text="对职工公开并上传到地图的电话，如驿站值班电话或12351；不要填个人手机。",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    built_on = forms.DateField(
        label="建成日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stars = forms.TypedChoiceField(
        label="星级",
        coerce=int,
        choices=[(0, "未评星")] + [(n, f"{n}星") for n in range(1, 6)],
        initial=0,
    )
    on_amap = forms.BooleanField(label="已在高德地图上图", required=False)
    on_baidu = forms.BooleanField(label="已在百度地图上图", required=False)

    def __init__(self, *args, venue: Venue | None = None, **kwargs):
        self.venue = venue
        if venue is not None:
            kwargs["initial"] = {**initial_for(venue), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = county_regions().select_related("parent").order_by("code")
        for i, day in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=WEEKDAY_LABELS[i], max_length=60, required=False
            )
        for name, label in SIX_HAS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        if venue is not None:
            self.fields["manager_phone"].help_text = (
                f"当前：{venue.manager_phone_masked}，留空表示不修改。"
                if venue.manager_phone_masked
                else "未填写。"
            )

    @property
    def hours_fields(self):
        return [self[f"hours_{d}"] for d in WEEKDAYS]

    @property
    def six_fields(self):
        return [self[name] for name, _ in SIX_HAS]

    def to_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            k: data[k]
            for k in (
                "kind",
                "name",
                "org",
                "region",
                "address",
                "facilities",
                "services_note",
                "open_24h",
                "unattended",
                "manager_name",
                "service_phone",
                "built_on",
                "stars",
                "on_amap",
                "on_baidu",
                *(name for name, _ in SIX_HAS),
            )
        }
        values["hours"] = [data.get(f"hours_{d}", "") for d in WEEKDAYS]
        unchanged = (
            self.venue is not None
            and data["crs"] == CRS.WGS84
            and data["lng"].strip() == self.initial.get("lng")
            and data["lat"].strip() == self.initial.get("lat")
        )
        if not unchanged:
            values.update(lng=data["lng"], lat=data["lat"], crs=data["crs"])
        if self.venue is None or data.get("manager_phone"):
            values["manager_phone"] = data.get("manager_phone", "")
        return values


def initial_for(venue: Venue) -> dict[str, Any]:
    initial = {
        f: getattr(venue, f)
        for f in (
            "kind",
            "name",
            "address",
            "facilities",
            "services_note",
            "open_24h",
            "unattended",
            "manager_name",
            "service_phone",
            "built_on",
            "stars",
            "on_amap",
            "on_baidu",
            *(name for name, _ in SIX_HAS),
        )
    }
    initial.update(
        org=venue.org_id,
        region=venue.region_id,
        crs=CRS.WGS84.value,
        lng=f"{venue.lng:.6f}",
        lat=f"{venue.lat:.6f}",
    )
    hours = list(venue.hours or []) + [""] * 7
    for i, day in enumerate(WEEKDAYS):
        initial[f"hours_{day}"] = hours[i]
    return initial


class CloseForm(forms.Form):
    reason = forms.CharField(label="关闭原因", max_length=200)
    closed_on = forms.DateField(
        label="关闭日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PhotoForm(forms.Form):
    image = UploadField(
        label="照片",
        help_text="JPG、PNG 或 WebP，上传后自动缩小。",
        max_bytes=MAX_PHOTO_BYTES,
    )
    caption = forms.CharField(label="说明", max_length=100, required=False)


class ImportForm(forms.Form):
    file = UploadField(
        label="阵地登记表",
        help_text="Excel（.xlsx）或 CSV；表头与“下载模板”一致。有“编号”的行更新该阵地，没有的新增。",
    )
    check_only = forms.BooleanField(label="只检查，不导入", required=False)


YES_NO = [("", "全部"), ("yes", "是"), ("no", "否")]
PUBLISHED = [
    ("", "全部"),
    ("both", "高德、百度均已上图"),
    ("amap", "已上高德"),
    ("baidu", "已上百度"),
    ("none", "均未上图"),
    ("missing", "尚未双上图"),
]


class VenueFilterForm(forms.Form):
    """列表和地图的筛选条件 (all optional, bad values are ignored)."""

    q = forms.CharField(label="名称", required=False)
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部类型"), *VenueKind.choices], required=False
    )
    region = forms.ChoiceField(label="县区", required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *VenueStatus.choices], required=False
    )
    six = forms.ChoiceField(label="六有齐全", choices=YES_NO, required=False)
    published = forms.ChoiceField(label="上图", choices=PUBLISHED, required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部县区")] + [(r.code, r.name) for r in regions]

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"].strip())
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["region"]:
            qs = qs.filter(region_id=data["region"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["six"]:
            qs = qs.filter(six_complete=data["six"] == "yes")
        published = data["published"]
        if published == "both":
            qs = qs.filter(on_amap=True, on_baidu=True)
        elif published == "amap":
            qs = qs.filter(on_amap=True)
        elif published == "baidu":
            qs = qs.filter(on_baidu=True)
        elif published == "none":
            qs = qs.filter(on_amap=False, on_baidu=False)
        elif published == "missing":
            qs = qs.exclude(on_amap=True, on_baidu=True)
        return qs
