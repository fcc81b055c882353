"""Writes to the venue registry: create, edit, close, reopen, photos. Every write is audited.

Services take plain values (from a form, the API or an import row), check them, convert the
coordinates from the system the staff typed them in to WGS-84, check the actor's scope and
write in one transaction. Errors are ValidationErrors with Chinese messages keyed by field.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from smartunion.core import audit
from smartunion.core.errors import Conflict, NotInScope
from smartunion.core.idnumber import mask_phone, normalize_phone, validate_phone
from smartunion.core.uploads import check_upload
from smartunion.orgs.models import Organization
from smartunion.regions.models import Level, Region
from smartunion.venues import coords
from smartunion.venues.hours import normalize_day
from smartunion.venues.models import (
    SIX_HAS_FIELDS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    Facility,
    Venue,
    VenueKind,
    VenuePhoto,
    VenueStatus,
)

PLAIN_FIELDS = (
    "kind",
    "name",
    "address",
    "services_note",
    "open_24h",
    "unattended",
    "manager_name",
    "service_phone",
    "built_on",
    "stars",
    "on_amap",
    "on_baidu",
    *SIX_HAS_FIELDS,
)
# Fields whose old and new values go into the audit log (the manager's phone only masked).
AUDITED = (*PLAIN_FIELDS, "org", "region", "lng", "lat", "facilities", "hours")

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTOS = 12
PHOTO_LONG_SIDE = 1600
THUMB_LONG_SIDE = 400
STALE = "该阵地刚被他人修改或已关闭，请刷新页面后重试。"


def today() -> dt.date:
    return timezone.localdate()


def county_regions():
    """Divisions a venue can be placed in: county-level ones, and prefecture-level cities
    without counties (嘉峪关市), of this deployment's province."""
    from django.conf import settings

    prov = settings.SMARTUNION_PROVINCE
    qs = Region.objects.filter(code__startswith=prov)
    return qs.filter(level=Level.COUNTY) | qs.filter(level=Level.PREFECTURE, children__isnull=True)


def _region(value) -> Region:
    code = value.code if isinstance(value, Region) else str(value or "").strip()
    if not code:
        raise ValidationError({"region": "请选择所在县区。"})
    region = county_regions().filter(code=code).first()
    if region is None:
        raise ValidationError({"region": f"“{code}”不是本省的县级行政区划代码。"})
    return region


def _org(value, actor) -> Organization:
    pk = value.pk if isinstance(value, Organization) else value
    if not pk:
        raise ValidationError({"org": "请选择所属工会。"})
    try:
        org = Organization.objects.visible_to(actor, "change").filter(pk=pk).first()
    except (ValueError, TypeError):
        org = None
    if org is None:
        raise ValidationError({"org": "所属工会不存在或不在您的管理范围内。"})
    if not org.is_active:
        raise ValidationError({"org": f"“{org.name}”已{org.get_status_display()}。"})
    return org


def _service_phone(raw: str) -> str:
    phone = normalize_phone(raw or "")
    if not phone:
        return ""
    # 12351 is the unions' national hotline; short service numbers are allowed as well.
    if phone.isdigit() and len(phone) == 5 and phone.startswith("1"):
        return phone
    try:
        return validate_phone(phone)
    except ValidationError:
        raise ValidationError(
            {"service_phone": "服务电话格式不正确，应为手机号、带区号的固定电话或12351等服务号码。"}
        ) from None


def _clean(values: dict[str, Any], actor, *, creating: bool) -> dict[str, Any]:
    """Check and normalize the given values; every problem is collected, keyed by field."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def check(field, fn):
        try:
            out[field] = fn()
        except ValidationError as exc:
            for key, msgs in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [(field, exc.messages)]
            ):
                errors.setdefault(key, []).extend(msgs)

    def present(field) -> bool:
        return creating or field in values

    if present("name"):

        def name():
            value = (values.get("name") or "").strip()
            if not value:
                raise ValidationError({"name": "请填写阵地名称。"})
            if len(value) > 100:
                raise ValidationError({"name": "名称不能超过100个字。"})
            return value

        check("name", name)
    if present("kind"):

        def kind():
            value = values.get("kind") or ""
            if value not in VenueKind.values:
                raise ValidationError({"kind": "请选择阵地类型。"})
            return value

        check("kind", kind)
    if present("org"):
        check("org", lambda: _org(values.get("org"), actor))
    if present("region"):
        check("region", lambda: _region(values.get("region")))
    if present("address"):

        def address():
            value = (values.get("address") or "").strip()
            if not value:
                raise ValidationError({"address": "请填写地址。"})
            if len(value) > 200:
                raise ValidationError({"address": "地址不能超过200个字。"})
            return value

        check("address", address)
    if present("lng") or present("lat"):

        def point():
            crs = coords.parse_crs(values.get("crs"))
            return coords.checked_point(values.get("lng"), values.get("lat"), crs)

        try:
            out["lng"], out["lat"] = point()
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(msgs)
    if present("facilities"):

        def facilities():
            given = [str(v) for v in values.get("facilities") or []]
            unknown = [v for v in given if v not in Facility.values]
            if unknown:
                raise ValidationError({"facilities": f"未知的设施：{'、'.join(unknown)}。"})
            return [code for code in Facility.values if code in given]

        check("facilities", facilities)
    if present("hours"):

        def hours():
            given = list(values.get("hours") or [])
            if len(given) not in (0, 7):
                raise ValidationError({"hours": "开放时间应为周一至周日7天。"})
            given = given or [""] * 7
            result = []
            day_errors: dict[str, list[str]] = {}
            for i, day in enumerate(WEEKDAYS):
                try:
                    result.append(normalize_day(given[i], WEEKDAY_LABELS[i], f"hours_{day}"))
                except ValidationError as exc:
                    day_errors.update(exc.message_dict)
            if day_errors:
                raise ValidationError(day_errors)
            return result

        check("hours", hours)
    if present("manager_phone"):

        def manager_phone():
            raw = values.get("manager_phone") or ""
            if not raw.strip():
                return ""
            try:
                return validate_phone(raw)
            except ValidationError:
                raise ValidationError(
                    {"manager_phone": "负责人手机格式不正确，应为11位手机号或带区号的固定电话。"}
                ) from None

        check("manager_phone", manager_phone)
    if present("service_phone"):
        check("service_phone", lambda: _service_phone(values.get("service_phone") or ""))
    if present("built_on"):

        def built_on():
            value = values.get("built_on")
            if value and value > today():
                raise ValidationError({"built_on": "建成日期不能晚于今天。"})
            return value or None

        check("built_on", built_on)
    if present("stars"):

        def stars():
            try:
                value = int(values.get("stars") or 0)
            except (TypeError, ValueError):
                raise ValidationError({"stars": "星级应为0至5的整数。"}) from None
            if not 0 <= value <= 5:
                raise ValidationError({"stars": "星级应为0至5（0表示未评星）。"})
            return value

        check("stars", stars)
    for field in ("manager_name", "services_note"):
        if present(field):
            value = (values.get(field) or "").strip()
            limit = Venue._meta.get_field(field).max_length
            if len(value) > limit:
                errors.setdefault(field, []).append(f"不能超过{limit}个字。")
            out[field] = value
    for field in ("open_24h", "unattended", "on_amap", "on_baidu", *SIX_HAS_FIELDS):
        if present(field):
            out[field] = bool(values.get(field))
    if errors:
        raise ValidationError(errors)
    return out


def _snapshot(venue: Venue) -> dict[str, Any]:
    data = {f: getattr(venue, f) for f in AUDITED if f not in ("org", "region")}
    data["org"] = venue.org_id
    data["region"] = venue.region_id
    data["manager_phone"] = venue.manager_phone_masked
    return data


def _apply(venue: Venue, values: dict[str, Any]) -> None:
    for field, value in values.items():
        if field == "manager_phone":
            venue.manager_phone = value
            venue.manager_phone_masked = mask_phone(value) if value else ""
        else:
            setattr(venue, field, value)


def _save(venue: Venue) -> None:
    try:
        with transaction.atomic():
            venue.save()
    except IntegrityError as exc:
        for constraint in Venue._meta.constraints:
            if constraint.name in str(exc):
                raise ValidationError(constraint.violation_error_message) from None
        raise


def _recheck(venue: Venue, actor) -> None:
    if not Venue.objects.visible_to(actor, "change").filter(pk=venue.pk).exists():
        raise NotInScope("阵地")  # re-check after writing: rolls the write back


@transaction.atomic
def create_venue(values: dict[str, Any], *, actor) -> Venue:
    """新增阵地. ``values`` carries ``lng``/``lat`` in the system named by ``crs``."""
    clean = _clean(values, actor, creating=True)
    venue = Venue(status=VenueStatus.OPEN)
    _apply(venue, clean)
    _save(venue)
    _recheck(venue, actor)
    changes = _snapshot(venue)
    changes["crs_entered"] = str(coords.parse_crs(values.get("crs")))
    audit.record(actor, "venue.create", venue, changes=changes)
    return venue


def _lock(venue: Venue | int, actor) -> Venue:
    pk = venue.pk if isinstance(venue, Venue) else venue
    locked = (
        Venue.objects.select_for_update(of=("self",))
        .select_related("org")
        .visible_to(actor, "change")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotInScope("阵地")
    return locked


@transaction.atomic
def update_venue(venue: Venue | int, values: dict[str, Any], *, actor) -> Venue:
    """编辑阵地: only the keys given change; a blank ``manager_phone`` key clears it."""
    venue = _lock(venue, actor)
    if not venue.is_open:
        raise ValidationError("该阵地已关闭，请先重新启用再修改。")
    clean = _clean(values, actor, creating=False)
    if "lng" in clean and (
        abs(clean["lng"] - venue.lng) < 5e-8 and abs(clean["lat"] - venue.lat) < 5e-8
    ):
        # The same point read back from a form or a table (rounded): not a move.
        del clean["lng"], clean["lat"]
    before = _snapshot(venue)
    _apply(venue, clean)
    _save(venue)
    _recheck(venue, actor)
    changes = audit.diff(before, _snapshot(venue))
    if changes:
        if "lng" in changes or "lat" in changes:
            changes["crs_entered"] = str(coords.parse_crs(values.get("crs")))
        audit.record(actor, "venue.update", venue, changes=changes)
    return venue


@transaction.atomic
def close_venue(venue: Venue | int, *, actor, reason: str, on: dt.date | None = None) -> Venue:
    """关闭阵地: kept in the registry and the figures of the past, gone from the public map."""
    venue = _lock(venue, actor)
    if not venue.is_open:
        raise Conflict(STALE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写关闭原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "关闭原因不能超过200个字。"})
    on = on or today()
    if on > today():
        raise ValidationError({"closed_on": "关闭日期不能晚于今天。"})
    venue.status = VenueStatus.CLOSED
    venue.closed_on = on
    venue.close_reason = reason
    venue.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    audit.record(
        actor, "venue.close", venue, changes={"status": ["open", "closed"], "reason": reason}
    )
    return venue


@transaction.atomic
def reopen_venue(venue: Venue | int, *, actor) -> Venue:
    venue = _lock(venue, actor)
    if venue.is_open:
        raise Conflict(STALE)
    venue.status = VenueStatus.OPEN
    venue.closed_on = None
    venue.close_reason = ""
    venue.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    audit.record(actor, "venue.reopen", venue, changes={"status": ["closed", "open"]})
    return venue


def _resized_jpeg(img: Image.Image, long_side: int) -> tuple[bytes, tuple[int, int]]:
    copy = img.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    copy.save(buf, "JPEG", quality=85, optimize=True, progressive=True)
    return buf.getvalue(), copy.size


def read_image(upload) -> Image.Image:
    """Open an upload as an RGB image, or raise a Chinese ValidationError on ``image``."""
    if upload is None:
        raise ValidationError({"image": "请选择要上传的照片。"})
    check_upload(upload, "image", MAX_PHOTO_BYTES)
    bad = ValidationError({"image": "上传的文件不是有效的图片（支持 JPG、PNG、WebP）。"})
    try:
        upload.seek(0)
        probe = Image.open(upload)
        if probe.format not in ("JPEG", "PNG", "WEBP", "MPO"):
            raise bad
        if probe.width * probe.height > MAX_PHOTO_PIXELS:
            raise ValidationError({"image": "照片像素过大（超过4000万像素），请缩小后再上传。"})
        probe.verify()
        upload.seek(0)
        img = Image.open(upload)
        img.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad from None
    img = ImageOps.exif_transpose(img)
    return img.convert("RGB")


@transaction.atomic
def add_photo(venue: Venue | int, upload, *, actor, caption: str = "") -> VenuePhoto:
    """上传照片: checked with Pillow, turned upright, resized to 1600 px and a 400 px thumbnail
    (EXIF, including any GPS position, is dropped by re-encoding)."""
    venue = _lock(venue, actor)
    if venue.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"image": f"每个阵地最多保存{MAX_PHOTOS}张照片。"})
    caption = (caption or "").strip()
    if len(caption) > 100:
        raise ValidationError({"caption": "照片说明不能超过100个字。"})
    img = read_image(upload)
    stem = uuid.uuid4().hex[:12]
    photo = VenuePhoto(venue=venue, caption=caption)
    full, size = _resized_jpeg(img, PHOTO_LONG_SIDE)
    thumb, _ = _resized_jpeg(img, THUMB_LONG_SIDE)
    photo.image.save(f"{stem}.jpg", ContentFile(full), save=False)
    photo.thumbnail.save(f"{stem}_t.jpg", ContentFile(thumb), save=False)
    photo.width, photo.height = size
    photo.save()
    audit.record(
        actor,
        "venue.photo_add",
        venue,
        changes={"photo": photo.pk, "width": photo.width, "height": photo.height},
    )
    return photo


@transaction.atomic
def delete_photo(venue: Venue | int, photo_id, *, actor) -> None:
    venue = _lock(venue, actor)
    try:
        photo = venue.photos.get(pk=photo_id)
    except (VenuePhoto.DoesNotExist, ValueError, TypeError):
        raise NotInScope("照片") from None
    files = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    photo.delete()
    audit.record(actor, "venue.photo_delete", venue, changes={"photo": int(photo_id)})

    def remove_files():
        for name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(remove_files)
