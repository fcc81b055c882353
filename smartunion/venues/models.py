"""工会阵地: service venues of the unions, above all the 户外劳动者服务站点 (驿站), DOMAIN.md §5."""

from __future__ import annotations

import datetime as dt

from django.db import models

from smartunion.core.fields import EncryptedTextField
from smartunion.core.querysets import ScopedModel
from smartunion.venues.querysets import VenueQuerySet

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class VenueKind(models.TextChoices):
    """阵地类型."""

    STATION = "station", "工会户外劳动者服务站点（驿站）"
    SERVICE_CENTER = "service_center", "职工服务中心"
    AID_CENTER = "aid_center", "困难职工帮扶中心"
    CULTURAL_PALACE = "cultural_palace", "工人文化宫"
    CULTURE_PARK = "culture_park", "劳动文化公园"
    SANATORIUM = "sanatorium", "职工疗休养基地"
    BOOKHOUSE = "bookhouse", "职工书屋"
    STUDIO = "studio", "劳模和工匠人才创新工作室"


KIND_SHORT = {
    VenueKind.STATION: "驿站",
    VenueKind.SERVICE_CENTER: "职工服务中心",
    VenueKind.AID_CENTER: "帮扶中心",
    VenueKind.CULTURAL_PALACE: "文化宫",
    VenueKind.CULTURE_PARK: "劳动文化公园",
    VenueKind.SANATORIUM: "疗休养基地",
    VenueKind.BOOKHOUSE: "职工书屋",
    VenueKind.STUDIO: "创新工作室",
}


class Facility(models.TextChoices):
    """设施和服务: the fixed list a station can offer."""

    WATER = "water", "饮水"
    MEAL_HEATING = "meal_heating", "热饭"
    REST = "rest", "休息"
    TOILET = "toilet", "如厕"
    CHARGING = "charging", "充电"
    FIRST_AID = "first_aid", "药箱"
    WIFI = "wifi", "WiFi"
    BOOKS = "books", "图书"
    COOLING_HEATING = "cooling_heating", "纳凉/取暖"
    RAIN_SHELTER = "rain_shelter", "避雨"


FACILITY_LABELS = dict(Facility.choices)


class VenueStatus(models.TextChoices):
    OPEN = "open", "运行中"
    CLOSED = "closed", "已关闭"


# The "六有" standard of a station, in the order the province's checklist lists them.
SIX_HAS = (
    ("has_sign", "统一标识"),
    ("has_fixed_place", "固定场所"),
    ("has_facilities", "完备设施"),
    ("has_rules", "管理制度"),
    ("has_staff", "人员管理"),
    ("has_map_listing", "地图可查"),
)
SIX_HAS_FIELDS = tuple(name for name, _ in SIX_HAS)


class Venue(ScopedModel):
    """一处工会阵地: a station or centre, owned by one union, located in one county.

    Coordinates are stored in WGS-84 (``lng``, ``lat``); 高德 (GCJ-02) and 百度 (BD-09) positions
    are computed when exporting or showing (``venues/coords.py``). ``hours`` holds one entry per
    weekday (Monday first): "08:00-20:00", several ranges separated by commas, or "" for closed;
    ``open_24h`` overrides it.
    """

    scope_path_lookup = "org__path"

    kind = models.CharField("类型", max_length=20, choices=VenueKind.choices)
    name = models.CharField("名称", max_length=100)
    org = models.ForeignKey(
        "orgs.Organization", models.PROTECT, related_name="venues", verbose_name="所属工会"
    )
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="venues", verbose_name="所在县区"
    )
    address = models.CharField("地址", max_length=200)
    lng = models.FloatField("经度（WGS-84）")
    lat = models.FloatField("纬度（WGS-84）")
    facilities = models.JSONField("设施和服务", default=list, blank=True)
    services_note = models.CharField("其他服务", max_length=200, blank=True)
    hours = models.JSONField("开放时间", default=list, blank=True)
    open_24h = models.BooleanField("24小时开放", default=False)
    unattended = models.BooleanField("智能（无人值守）", default=False)
    manager_name = models.CharField("负责人", max_length=64, blank=True)
    manager_phone = EncryptedTextField("负责人手机", blank=True, default="")
    manager_phone_masked = models.CharField("负责人手机", max_length=20, blank=True, editable=False)
    # The station's public service number (a landline or a duty phone): shown to workers and
    # published to the maps, unlike the manager's personal phone which stays masked.
    service_phone = models.CharField("服务电话（公开）", max_length=20, blank=True)
    built_on = models.DateField("建成日期", null=True, blank=True)
    has_sign = models.BooleanField("统一标识", default=False)
    has_fixed_place = models.BooleanField("固定场所", default=False)
    has_facilities = models.BooleanField("完备设施", default=False)
    has_rules = models.BooleanField("管理制度", default=False)
    has_staff = models.BooleanField("人员管理", default=False)
    has_map_listing = models.BooleanField("地图可查", default=False)
    # Kept by save() from the six booleans, so the list filter and the county figures are one
    # indexed condition instead of six.
    six_complete = models.BooleanField("六有齐全", default=False, editable=False)
    stars = models.PositiveSmallIntegerField("星级", default=0)
    on_amap = models.BooleanField("已在高德地图上图", default=False)
    on_baidu = models.BooleanField("已在百度地图上图", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=VenueStatus.choices, default=VenueStatus.OPEN
    )
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    close_reason = models.CharField("关闭原因", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = "工会阵地"
        verbose_name_plural = "工会阵地"
        indexes = [
            # The nearest query: a latitude band, then longitude. Not a partial index on open
            # venues: a prepared (generic) plan with the status as a parameter could not use it.
            models.Index(fields=["lat", "lng"], name="venue_latlng_idx"),
            models.Index(fields=["region", "kind", "status"], name="venue_region_kind_idx"),
            models.Index(fields=["org", "kind"], name="venue_org_kind_idx"),
            models.Index(fields=["kind", "status", "id"], name="venue_kind_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in VenueKind]),
                name="venue_kind_valid",
                violation_error_message="阵地类型不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in VenueStatus]),
                name="venue_status_valid",
                violation_error_message="状态不正确。",
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=0, stars__lte=5),
                name="venue_stars_range",
                violation_error_message="星级应为0至5。",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="venue_coordinates_range",
                violation_error_message="经纬度超出范围。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.six_complete = all(getattr(self, name) for name in SIX_HAS_FIELDS)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SIX_HAS_FIELDS):
            kwargs["update_fields"] = {*update_fields, "six_complete"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == VenueStatus.OPEN

    @property
    def on_both_maps(self) -> bool:
        return self.on_amap and self.on_baidu

    @property
    def kind_short(self) -> str:
        return KIND_SHORT.get(self.kind, self.get_kind_display())

    def facility_labels(self) -> list[str]:
        return [FACILITY_LABELS[c] for c in self.facilities if c in FACILITY_LABELS]

    def six_items(self) -> list[tuple[str, bool]]:
        return [(label, bool(getattr(self, name))) for name, label in SIX_HAS]

    def hours_rows(self) -> list[tuple[str, str]]:
        if self.open_24h:
            return [(label, "24小时") for label in WEEKDAY_LABELS]
        hours = list(self.hours or []) + [""] * 7
        return [(label, hours[i] or "不开放") for i, label in enumerate(WEEKDAY_LABELS)]

    def hours_summary(self) -> str:
        if self.open_24h:
            return "24小时开放"
        hours = [h or "不开放" for h in (list(self.hours or []) + [""] * 7)[:7]]
        if len(set(hours)) == 1:
            return f"每天 {hours[0]}" if hours[0] != "不开放" else "暂不开放"
        parts = []
        start = 0
        for i in range(1, 8):
            if i == 7 or hours[i] != hours[start]:
                days = (
                    WEEKDAY_LABELS[start]
                    if i - start == 1
                    else f"{WEEKDAY_LABELS[start]}至{WEEKDAY_LABELS[i - 1]}"
                    if i - start > 2
                    else f"{WEEKDAY_LABELS[start]}、{WEEKDAY_LABELS[i - 1]}"
                )
                parts.append(f"{days} {hours[start]}")
                start = i
        return "；".join(parts)

    def is_open_at(self, moment: dt.datetime) -> bool:
        """Open at this local (Asia/Shanghai) moment, counting ranges that run past midnight."""
        from smartunion.venues.hours import is_open_at

        if not self.is_open:
            return False
        return is_open_at(self.hours, self.open_24h, moment)


def photo_upload_to(instance: VenuePhoto, filename: str) -> str:
    return f"venues/{instance.venue_id}/{filename}"


class VenuePhoto(models.Model):
    """A photo of a venue: uploaded, checked to be an image, resized, kept in MEDIA_ROOT."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="photos", verbose_name="阵地")
    image = models.ImageField(
        "照片", upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("缩略图", upload_to=photo_upload_to, blank=True)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "阵地照片"
        verbose_name_plural = "阵地照片"

    def __str__(self) -> str:
        return self.caption or f"{self.venue} 照片"

    @property
    def audit_org_path(self) -> str:
        return self.venue.org.path
