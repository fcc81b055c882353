"""Venue services: writes with audit, coordinates converted, bad input refused with nothing saved."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from PIL import Image

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.venues import coords, services
from smartunion.venues.models import Venue, VenuePhoto
from smartunion.venues.tests.conftest import station_values


def messages(exc: ValidationError) -> dict:
    return exc.message_dict


def test_a_county_admin_creates_a_station_and_the_audit_masks_the_phone(world):
    venue = services.create_venue(station_values(world.union_a1), actor=world.county_admin)
    assert venue.org == world.union_a1
    assert venue.manager_phone_masked == "139****5678"
    entry = AuditEntry.objects.get(action="venue.create", object_id=str(venue.pk))
    assert entry.actor_name == "county_admin"
    assert entry.org_path == world.union_a1.path
    assert "13912345678" not in str(entry.changes)
    assert entry.changes["manager_phone"] == "139****5678"


def test_the_managers_phone_is_encrypted_in_the_database(world):
    venue = services.create_venue(station_values(world.union_a1), actor=world.county_admin)
    with connection.cursor() as cursor:
        cursor.execute("SELECT manager_phone FROM venues_venue WHERE id = %s", [venue.pk])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored
    assert Venue.objects.get(pk=venue.pk).manager_phone == "13912345678"


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_coordinates_typed_in_gcj02_or_bd09_are_stored_in_wgs84(world, crs):
    wgs = (103.8343, 36.0611)
    typed = coords.from_wgs84(*wgs, crs)
    values = station_values(world.union_a1, lng=f"{typed[0]:.7f}", lat=f"{typed[1]:.7f}", crs=crs)
    venue = services.create_venue(values, actor=world.county_admin)
    assert coords.haversine_m(venue.lng, venue.lat, *wgs) < 0.1
    entry = AuditEntry.objects.get(action="venue.create", object_id=str(venue.pk))
    assert entry.changes["crs_entered"] == crs


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"lng": "36.0611", "lat": "103.8343"}, "lat", "经纬度可能填反了"),
        ({"lng": "116.40", "lat": "39.90"}, "lng", "不在甘肃省范围内"),
        ({"lng": "103.83", "lat": "95"}, "lat", "纬度应在 -90 到 90 之间"),
        ({"lng": "东经103度", "lat": "36"}, "lng", "经度必须是以度为单位的数字"),
        ({"crs": "mercator"}, "crs", "坐标系只能是"),
        ({"name": "  "}, "name", "请填写阵地名称"),
        ({"kind": "cafe"}, "kind", "请选择阵地类型"),
        ({"address": ""}, "address", "请填写地址"),
        ({"region": "110101"}, "region", "不是本省的县级行政区划代码"),
        ({"region": "620100"}, "region", "不是本省的县级行政区划代码"),
        ({"manager_phone": "12345"}, "manager_phone", "负责人手机格式不正确"),
        ({"service_phone": "abc"}, "service_phone", "服务电话格式不正确"),
        ({"facilities": ["sauna"]}, "facilities", "未知的设施"),
        ({"stars": 7}, "stars", "星级应为0至5"),
        ({"hours": ["8点"] + ["08:00-20:00"] * 6}, "hours_mon", "周一的开放时间格式不正确"),
        ({"built_on": dt.date(2999, 1, 1)}, "built_on", "建成日期不能晚于今天"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_nothing_is_saved(world, change, field, words):
    values = station_values(world.union_a1)
    values.update(change)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_venue(values, actor=world.county_admin)
    assert words in " ".join(messages(exc.value)[field])
    assert not Venue.objects.exists()
    assert AuditEntry.objects.count() == before


def test_several_problems_are_reported_together(world):
    values = station_values(world.union_a1, name="", address="", manager_phone="1")
    with pytest.raises(ValidationError) as exc:
        services.create_venue(values, actor=world.county_admin)
    assert {"name", "address", "manager_phone"} <= set(messages(exc.value))


def test_a_union_outside_the_actors_subtree_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_venue(station_values(world.union_b1), actor=world.county_admin)
    assert "不在您的管理范围内" in messages(exc.value)["org"][0]
    assert not Venue.objects.exists()


def test_a_viewer_cannot_create(world):
    with pytest.raises(ValidationError):
        services.create_venue(station_values(world.union_a1), actor=world.viewer)
    assert not Venue.objects.exists()


def test_editing_changes_only_the_given_fields_and_audits_the_difference(venue_a, world):
    services.update_venue(
        venue_a, {"stars": 4, "on_amap": True, "has_rules": True}, actor=world.county_admin
    )
    venue_a.refresh_from_db()
    assert (venue_a.stars, venue_a.on_amap, venue_a.name) == (4, True, "城关区东岗驿站")
    entry = AuditEntry.objects.filter(action="venue.update").get()
    assert set(entry.changes) == {"stars", "on_amap", "has_rules"}
    assert entry.changes["stars"] == [0, 4]


def test_the_six_has_flag_follows_the_checklist(venue_a, world):
    assert not venue_a.six_complete
    six = dict.fromkeys(
        ("has_sign", "has_fixed_place", "has_facilities", "has_rules", "has_staff"), True
    )
    six["has_map_listing"] = True
    services.update_venue(venue_a, six, actor=world.county_admin)
    assert Venue.objects.get(pk=venue_a.pk).six_complete
    services.update_venue(venue_a, {"has_staff": False}, actor=world.county_admin)
    assert not Venue.objects.get(pk=venue_a.pk).six_complete


def test_a_sibling_county_cannot_edit_or_close(venue_a, world):
    with pytest.raises(NotInScope):
        services.update_venue(venue_a, {"stars": 5}, actor=world.sibling_admin)
    with pytest.raises(NotInScope):
        services.close_venue(venue_a, actor=world.sibling_admin, reason="拆除")
    venue_a.refresh_from_db()
    assert venue_a.stars == 0 and venue_a.is_open


def test_moving_a_venue_to_a_union_outside_scope_is_refused(venue_a, world):
    with pytest.raises(ValidationError):
        services.update_venue(venue_a, {"org": world.union_b1}, actor=world.county_admin)
    assert Venue.objects.get(pk=venue_a.pk).org_id == world.county_a.pk


def test_close_needs_a_reason_and_reopen_restores(venue_a, world):
    with pytest.raises(ValidationError) as exc:
        services.close_venue(venue_a, actor=world.county_admin, reason=" ")
    assert "请填写关闭原因" in messages(exc.value)["reason"][0]
    assert Venue.objects.get(pk=venue_a.pk).is_open
    services.close_venue(venue_a, actor=world.county_admin, reason="道路改造，站点拆除")
    closed = Venue.objects.get(pk=venue_a.pk)
    assert closed.status == "closed" and closed.closed_on == dt.date.today()
    with pytest.raises(ValidationError):
        services.close_venue(venue_a, actor=world.county_admin, reason="再关一次")
    with pytest.raises(ValidationError):
        services.update_venue(venue_a, {"stars": 3}, actor=world.county_admin)
    services.reopen_venue(venue_a, actor=world.county_admin)
    assert Venue.objects.get(pk=venue_a.pk).is_open
    actions = list(
        AuditEntry.objects.filter(object_id=str(venue_a.pk), object_type="venues.venue")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["venue.create", "venue.close", "venue.reopen"]


def image_upload(fmt="JPEG", size=(3000, 2000), name="photo.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def test_a_photo_is_resized_and_gets_a_thumbnail(venue_a, world, media):
    photo = services.add_photo(venue_a, image_upload(), actor=world.county_admin, caption="外景")
    assert (photo.width, photo.height) == (1600, 1067)
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 400
    assert photo.image.path.startswith(str(media))
    assert AuditEntry.objects.filter(action="venue.photo_add").exists()


def test_a_png_is_accepted_and_stored_as_jpeg(venue_a, world, media):
    photo = services.add_photo(
        venue_a, image_upload("PNG", (800, 600), "a.png"), actor=world.county_admin
    )
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG" and img.size == (800, 600)


@pytest.mark.parametrize(
    "content,name",
    [(b"%PDF-1.4 not an image", "scan.pdf"), (b"GIF89a" + b"\0" * 20, "x.jpg"), (b"", "e.jpg")],
)
def test_a_file_that_is_not_an_image_is_refused(venue_a, world, media, content, name):
    with pytest.raises(ValidationError) as exc:
        services.add_photo(venue_a, SimpleUploadedFile(name, content), actor=world.county_admin)
    assert "不是有效的图片" in messages(exc.value)["image"][0]
    assert not VenuePhoto.objects.exists()


def test_deleting_a_photo_removes_its_files(
    venue_a, world, media, django_capture_on_commit_callbacks
):
    photo = services.add_photo(venue_a, image_upload(), actor=world.county_admin)
    path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(venue_a, photo.pk, actor=world.county_admin)
    assert not VenuePhoto.objects.exists()
    import os

    assert not os.path.exists(path)


def test_a_sibling_cannot_add_photos(venue_a, world, media):
    with pytest.raises(NotInScope):
        services.add_photo(venue_a, image_upload(), actor=world.sibling_admin)
    assert not VenuePhoto.objects.exists()
