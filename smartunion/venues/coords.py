"""坐标系: WGS-84 (GPS), GCJ-02 (高德, 腾讯) and BD-09 (百度 bd09ll), and checks of typed points.

The GCJ-02 offset is the published algorithm (the Krasovsky-1940 ellipsoid formula found in
eviltransform, coordtransform and PRCoords); BD-09 is GCJ-02 shifted with Baidu's ``x_pi``
formula. Points outside mainland China's rectangle (the same one those projects use) are not
shifted. The inverses have no closed form: they are solved by fixed-point iteration until the
forward transform of the answer lands within 1e-9 degrees (about 0.1 mm) of the input, so a
round trip returns within a millimetre.

Venues are stored in WGS-84; every other system is computed at the edges (forms, exports, API).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError

from smartunion.core.env import env_str

# Krasovsky 1940: semi-major axis and first eccentricity squared.
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0
# Mean Earth radius (IUGG), for haversine distances.
EARTH_RADIUS_M = 6371008.8

_ITERATIONS = 30
_TOLERANCE_DEG = 1e-9


class CRS(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"

    @property
    def label(self) -> str:
        return CRS_LABELS[self]


CRS_LABELS = {
    CRS.WGS84: "WGS-84（GPS、手机定位、天地图）",
    CRS.GCJ02: "GCJ-02（高德地图坐标拾取器）",
    CRS.BD09: "BD-09（百度地图坐标拾取器）",
}


def out_of_china(lng: float, lat: float) -> bool:
    """Outside the rectangle inside which the GCJ-02 offset applies."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lng: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (degrees of longitude, latitude) at a WGS-84 point."""
    x, y = lng - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += common
    d_lng += common
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2 / 3
    d_lng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lng, d_lat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _offset(lng, lat)
    return lng + d_lng, lat + d_lat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _invert(forward, lng: float, lat: float) -> tuple[float, float]:
    """Solve forward(x) = (lng, lat) by fixed-point iteration, starting from the target."""
    guess_lng, guess_lat = lng, lat
    for _ in range(_ITERATIONS):
        f_lng, f_lat = forward(guess_lng, guess_lat)
        err_lng, err_lat = f_lng - lng, f_lat - lat
        if abs(err_lng) < _TOLERANCE_DEG and abs(err_lat) < _TOLERANCE_DEG:
            break
        guess_lng -= err_lng
        guess_lat -= err_lat
    return guess_lng, guess_lat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    return _invert(wgs84_to_gcj02, lng, lat)


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    return _invert(gcj02_to_bd09, lng, lat)


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def to_wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    crs = CRS(crs)
    if crs is CRS.GCJ02:
        return gcj02_to_wgs84(lng, lat)
    if crs is CRS.BD09:
        return bd09_to_wgs84(lng, lat)
    return lng, lat


def from_wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    crs = CRS(crs)
    if crs is CRS.GCJ02:
        return wgs84_to_gcj02(lng, lat)
    if crs is CRS.BD09:
        return wgs84_to_bd09(lng, lat)
    return lng, lat


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------------------------------------
# Checking typed coordinates


@dataclass(frozen=True)
class BBox:
    """A rectangle in WGS-84 degrees."""

    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float

    def contains(self, lng: float, lat: float) -> bool:
        return self.min_lng <= lng <= self.max_lng and self.min_lat <= lat <= self.max_lat


# Provinces' extents, rounded outwards to 0.1°, from the extents each province publishes
# (甘肃: 北纬32°31′–42°57′, 东经92°13′–108°46′). Another province sets
# SMARTUNION_PROVINCE_BBOX="min_lng,min_lat,max_lng,max_lat" or adds its row here.
PROVINCE_BBOXES: dict[str, BBox] = {
    "62": BBox(92.1, 32.4, 108.9, 43.0),
}
PROVINCE_NAMES = {"62": "甘肃省"}


def province_bbox() -> BBox | None:
    raw = getattr(settings, "SMARTUNION_PROVINCE_BBOX", None)
    if raw is None:
        raw = env_str("SMARTUNION_PROVINCE_BBOX", "")
    if raw:
        parts = [float(p) for p in str(raw).split(",")]
        if len(parts) != 4:
            raise ValueError("SMARTUNION_PROVINCE_BBOX needs min_lng,min_lat,max_lng,max_lat")
        return BBox(*parts)
    return PROVINCE_BBOXES.get(settings.SMARTUNION_PROVINCE)


def province_name() -> str:
    return PROVINCE_NAMES.get(settings.SMARTUNION_PROVINCE, "本省")


def parse_degrees(raw, field: str, label: str) -> float:
    """A number of degrees from a form, a query string or an import cell."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError({field: f"请填写{label}。"})
    try:
        value = float(str(raw).strip().replace("°", ""))
    except ValueError:
        raise ValidationError({field: f"{label}必须是以度为单位的数字，如 103.83。"}) from None
    if math.isnan(value) or math.isinf(value):
        raise ValidationError({field: f"{label}必须是以度为单位的数字，如 103.83。"})
    return value


def check_range(lng: float, lat: float, *, region_box: BBox | None = None) -> None:
    """Longitude in [-180, 180] and latitude in [-90, 90]; name a likely swap."""
    lat_bad = not -90.0 <= lat <= 90.0
    lng_bad = not -180.0 <= lng <= 180.0
    if not (lat_bad or lng_bad):
        return
    box = region_box or province_bbox()
    if lat_bad and -90.0 <= lng <= 90.0 and (box.contains(lat, lng) if box else True):
        raise ValidationError({"lat": swapped_message(lng, lat)})
    errors = {}
    if lng_bad:
        errors["lng"] = f"经度应在 -180 到 180 之间，填写的是 {lng:g}。"
    if lat_bad:
        errors["lat"] = f"纬度应在 -90 到 90 之间，填写的是 {lat:g}。"
    raise ValidationError(errors)


def swapped_message(lng: float, lat: float) -> str:
    return (
        f"经纬度可能填反了：填写的纬度是 {lat:g}、经度是 {lng:g}，"
        f"而{province_name()}的纬度约在北纬32°至43°、经度约在东经92°至109°。"
        "请交换后重新填写（经度在前，纬度在后）。"
        if PROVINCE_NAMES.get(settings.SMARTUNION_PROVINCE)
        else f"经纬度可能填反了：填写的纬度是 {lat:g}、经度是 {lng:g}，请交换后重新填写。"
    )


def check_in_province(lng: float, lat: float) -> None:
    """A WGS-84 point must lie in this deployment's province; a swap is named as such."""
    box = province_bbox()
    if box is None or box.contains(lng, lat):
        return
    if box.contains(lat, lng):
        raise ValidationError({"lat": swapped_message(lng, lat)})
    raise ValidationError(
        {
            "lng": (
                f"坐标（经度 {lng:.6f}，纬度 {lat:.6f}）不在{province_name()}范围内"
                f"（经度 {box.min_lng:g}–{box.max_lng:g}，纬度 {box.min_lat:g}–{box.max_lat:g}），"
                "请检查是否填错或选错了坐标系。"
            )
        }
    )


def parse_crs(raw: str | None, field: str = "crs") -> CRS:
    value = (raw or "wgs84").strip().lower().replace("-", "").replace("_", "")
    aliases = {"wgs84": CRS.WGS84, "gcj02": CRS.GCJ02, "bd09": CRS.BD09, "bd09ll": CRS.BD09}
    if value not in aliases:
        raise ValidationError({field: "坐标系只能是 wgs84、gcj02 或 bd09。"})
    return aliases[value]


def checked_point(lng_raw, lat_raw, crs: str, *, in_province: bool = True) -> tuple[float, float]:
    """Parse, range-check and convert typed coordinates; return the WGS-84 point.

    Raises ValidationError keyed by ``lng`` / ``lat`` with Chinese messages: not a number, out
    of range, latitude and longitude swapped, outside the province.
    """
    errors: dict[str, list[str]] = {}
    values = {}
    for field, label, raw in (("lng", "经度", lng_raw), ("lat", "纬度", lat_raw)):
        try:
            values[field] = parse_degrees(raw, field, label)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    lng, lat = values["lng"], values["lat"]
    check_range(lng, lat)
    wgs_lng, wgs_lat = to_wgs84(lng, lat, crs)
    if in_province:
        # Compare what was typed, not the converted point, so a swap reads as the staff typed it.
        box = province_bbox()
        if box is not None and not box.contains(lng, lat) and box.contains(lat, lng):
            raise ValidationError({"lat": swapped_message(lng, lat)})
        check_in_province(wgs_lng, wgs_lat)
    return wgs_lng, wgs_lat
