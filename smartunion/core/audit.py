"""Writing and verifying the audit log (ARCHITECTURE.md invariant 4)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from smartunion.core.models import AuditEntry

GENESIS = "0" * 64
# Any constant works: it names the PostgreSQL advisory lock that serializes chain appends.
_CHAIN_LOCK = 7_262_620


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False, default=str))


def record(
    actor,
    action: str,
    obj=None,
    *,
    changes: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    org_path: str | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the write it describes.

    ``changes`` must never carry plaintext ID numbers or phones: pass masked values.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if org_path is None:
            org_path = getattr(obj, "audit_org_path", "") or ""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        # On SQLite the IMMEDIATE transaction already holds the database's write lock.
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = AuditEntry(
            seq=seq,
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            # Someone who is no staff account (a worker on the portal) names itself.
            actor_name=(
                actor.get_username()
                if actor is not None and actor.pk
                else getattr(actor, "audit_name", "system")
            ),
            action=action,
            object_type=object_type or "",
            object_id=str(object_id or ""),
            object_repr=str(obj)[:200] if obj is not None else "",
            org_path=org_path or "",
            changes=_jsonable(changes or {}),
            prev_hash=prev,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


@dataclass
class ChainReport:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> ChainReport:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
        if entry.seq != expected_seq:
            return ChainReport(False, count, entry.seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainReport(False, count, entry.seq, "prev_hash does not match the entry before")
        if entry.compute_hash() != entry.entry_hash:
            return ChainReport(False, count, entry.seq, "contents were changed after writing")
        prev = entry.entry_hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
