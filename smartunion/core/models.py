"""Shared models: the append-only, hash-chained audit log (审计日志); rate-limit counters."""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def visible_to(self, user, action: str = "view"):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.can("view_audit") or not user.scope_path:
            return self.none()
        return self.filter(org_path__startswith=user.scope_path)


class AuditEntry(models.Model):
    """审计日志: one write or one full view of personal information.

    Entries are chained: ``entry_hash`` is SHA-256 over the entry's fields and the previous
    entry's hash, so changing or removing an entry breaks every hash after it
    (``manage.py verify_audit``). The actor is kept by id and name, not by foreign key, so
    deleting a user never rewrites the log; database triggers refuse UPDATE and DELETE.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    # The organization path the object belongs to, so staff see the log of their subtree.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def payload(self) -> bytes:
        data = {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "org_path": self.org_path,
            "changes": self.changes,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload()).hexdigest()


class WorkerHeartbeat(models.Model):
    """后台任务进程的心跳: one row per running ``manage.py db_worker``, its ``beat_at``
    renewed every few seconds by a thread of the worker (core/worker.py); ``/healthz`` calls
    the worker alive while a beat is recent."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "后台任务进程心跳"
        verbose_name_plural = "后台任务进程心跳"

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname} ({self.pid})"


class RateCounter(models.Model):
    """How many requests one address made to one rate-limited operation in one time slot.

    Written by one atomic upsert per request (core/ratelimit.py), so every gunicorn worker
    counts in the same row on SQLite and PostgreSQL alike; rows of past slots are purged as
    new ones start.
    """

    key = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "slot"], name="ratecounter_key_slot"),
        ]
        indexes = [models.Index(fields=["slot"], name="ratecounter_slot_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.slot}: {self.count}"
