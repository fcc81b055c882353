"""附件: files on cases (application forms, income proofs, photos), encrypted at rest.

Only images (JPEG, PNG) and PDF are accepted, recognised by their first bytes rather than
by the name or the browser's word, and no bigger than ``SMARTUNION_ATTACHMENT_MAX_BYTES``.
They go into the encrypted file store (core.files) under ``SMARTUNION_CASE_FILE_DIR``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from smartunion.accounts.models import clerk_label
from smartunion.casework.models import Attachment
from smartunion.core import audit
from smartunion.core.files import EncryptedFileStore

STORE = EncryptedFileStore("SMARTUNION_CASE_FILE_DIR", "case-files")

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)
# Runs of digits long enough to be an ID, phone or card number are masked in file names.
_LONG_NUMBER = re.compile(r"\d{7,}")


def max_bytes() -> int:
    return settings.SMARTUNION_ATTACHMENT_MAX_BYTES


def limit_label() -> str:
    return f"{max_bytes() / 1024 / 1024:.0f} MB"


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def clean_name(name: str, ext: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or f"附件.{ext}"
    base = _LONG_NUMBER.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), base)
    return base[-120:]


def check_upload(upload) -> tuple[str, str]:
    """(mime, extension) of an acceptable upload, or a Chinese ValidationError on ``file``."""
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    if upload.size > max_bytes():
        raise ValidationError({"file": f"文件太大：附件不能超过 {limit_label()}。"})
    if upload.size == 0:
        raise ValidationError({"file": "文件是空的。"})
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": "只能上传 JPG、PNG 图片或 PDF 文件。"})
    return kind


def add_attachment(subject, upload, *, kind: str, kinds: dict[str, str], actor) -> Attachment:
    """Store ``upload`` on ``subject`` as material of ``kind`` (one of ``kinds``)."""
    if kind not in kinds:
        raise ValidationError({"kind": "请选择材料类型。"})
    mime, ext = check_upload(upload)
    stored, sha, size = STORE.store(upload)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                subject=subject,
                kind=kind,
                name=clean_name(upload.name, ext),
                mime=mime,
                size=size,
                sha256=sha,
                stored_file=stored,
                uploaded_by_name=clerk_label(actor),
            )
            audit.record(
                actor,
                "attachment.add",
                subject,
                changes={"attachment": attachment.pk, "kind": kind, "size": size, "sha256": sha},
            )
            if hasattr(subject, "case_type"):
                from smartunion.casework.services import record_event

                record_event(
                    subject,
                    "attach",
                    "上传材料",
                    actor=actor,
                    details={"kind": kinds[kind], "name": attachment.name},
                )
    except Exception:
        STORE.delete(stored)
        raise
    return attachment


def attachments_of(subject):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk
    )


def remove_attachment(attachment: Attachment, subject, *, actor) -> None:
    with transaction.atomic():
        attachment.delete()
        audit.record(
            actor,
            "attachment.remove",
            subject,
            changes={"attachment": attachment.pk, "kind": attachment.kind},
        )
        transaction.on_commit(lambda: STORE.delete(attachment.stored_file))


def open_attachment(attachment: Attachment):
    return STORE.open(attachment.stored_file, attachment.size)
