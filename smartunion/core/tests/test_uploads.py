"""The upload limit: a setting, said on the page, checked while the file streams in (item 5).

A file above ``SMARTUNION_UPLOAD_MAX_MB`` is refused on its field in Chinese, and nothing of it
is stored or encrypted: when the request's length gives it away, not even a temporary file is
opened; when only counting finds it, the temporary file is deleted at once.
"""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse

from smartunion.core import files
from smartunion.imports.models import ImportJob

MB = 1024 * 1024


@pytest.fixture
def tracked(monkeypatch, settings, tmp_path):
    """Records every temporary upload file and every encryption into the store."""
    settings.SMARTUNION_IMPORT_DIR = tmp_path / "imports"
    settings.SMARTUNION_UPLOAD_MAX_MB = 1
    made, stored = [], []
    original_init = TemporaryUploadedFile.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        made.append(self.temporary_file_path())

    def store_in(*args, **kwargs):
        stored.append(args)
        raise AssertionError("an upload above the limit reached the encrypted store")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", init)
    monkeypatch.setattr(files, "store_in", store_in)
    return made, stored


def csv_of(size: int) -> SimpleUploadedFile:
    line = "张三,620102199005170039\n".encode()
    body = "姓名,身份证号码\n".encode() + line * (size // len(line) + 1)
    return SimpleUploadedFile("会员.csv", body[:size], content_type="text/csv")


def admin(world) -> Client:
    client = Client()
    client.force_login(world.county_admin)
    return client


def post_upload(client, world, upload):
    return client.post(
        reverse("imports:upload"),
        {"kind": "members", "org": world.union_a1.pk, "file": upload},
    )


TOO_BIG = "文件超过1 MB的上限，没有保存；请拆分或压缩后再上传。"


def test_a_file_the_request_length_shows_too_big_is_refused_before_any_byte_is_written(
    world, tracked
):
    made, _stored = tracked
    response = post_upload(admin(world), world, csv_of(3 * MB))
    assert response.status_code == 200
    assert TOO_BIG in response.content.decode()
    assert made == []  # no temporary file was even opened
    assert not ImportJob.objects.exists()


def test_a_file_found_too_big_while_counting_leaves_no_temporary_file(world, tracked, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload would go to a temporary file
    made, _stored = tracked
    response = post_upload(admin(world), world, csv_of(MB + 100 * 1024))
    assert TOO_BIG in response.content.decode()
    assert made, "the counting path was not taken"
    assert not any(os.path.exists(path) for path in made)
    assert not ImportJob.objects.exists()


def test_a_file_at_the_limit_is_accepted(world, tracked, monkeypatch):
    _made, stored = tracked
    monkeypatch.undo()  # the real store this time
    from smartunion.imports import services

    monkeypatch.setattr(services, "enqueue_validation", lambda job: None)
    response = post_upload(admin(world), world, csv_of(MB))
    assert response.status_code == 302, response.content.decode()[:500]
    assert ImportJob.objects.get().file_size == MB


def test_the_api_refuses_a_file_above_the_limit_on_its_field(world, tracked):
    response = admin(world).post(
        "/api/v1/imports/jobs", {"kind": "members", "file": csv_of(3 * MB)}
    )
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "file", "message": TOO_BIG}]}
    assert not ImportJob.objects.exists()


def test_the_upload_page_says_the_limit(world, settings):
    settings.SMARTUNION_UPLOAD_MAX_MB = 50
    html = admin(world).get(reverse("imports:upload")).content.decode()
    assert "文件不超过50 MB。" in html
    assert f'data-max-bytes="{50 * MB}"' in html
    assert "js/upload-limit.js" in html


def test_a_venue_photo_keeps_its_own_lower_limit(world):
    from smartunion.venues.forms import PhotoForm

    form = PhotoForm(files={"image": SimpleUploadedFile("a.jpg", b"x" * (10 * MB + 1))})
    assert not form.is_valid()
    assert form.errors["image"] == ["文件超过10 MB的上限，没有保存；请拆分或压缩后再上传。"]
    assert "文件不超过10 MB。" in str(form["image"].help_text)
