"""manage.py rotate_pii_keys: re-encrypt personal information under the current key.

After a new key is put first in SMARTUNION_PII_KEYS (the old ones stay listed so old values
still decrypt), this command walks every encrypted column of every model, in primary-key
order and in batches, and re-encrypts the values whose key id is not the current one. Each
batch is one transaction with one audit entry. Blind indexes do not change (they use the
separate index key), so lookups keep working throughout. When it reports 0 rows left, the old
key can be removed from SMARTUNION_PII_KEYS.
"""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from smartunion.core import audit, crypto
from smartunion.core.fields import EncryptedTextField


def encrypted_columns() -> list[tuple[type, list[EncryptedTextField]]]:
    """Every concrete model with its encrypted fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = (
        "用当前密钥（SMARTUNION_PII_KEYS 中的第一个）重新加密所有仍用旧密钥加密的个人信息，"
        "分批进行，每批一个事务并写审计日志。--dry-run 只统计。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="每批行数（默认 2000）")
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的行")

    def handle(self, *args, **options):
        ring = crypto.keyring()
        current = ring.current_id
        batch_size = max(1, options["batch_size"])
        total = 0
        unreadable = Counter()
        for model, fields in encrypted_columns():
            done, stale_keys, bad = self._rotate(
                model, fields, current, batch_size, dry_run=options["dry_run"]
            )
            unreadable.update(bad)
            total += done
            label = model._meta.label_lower
            if done:
                verb = "需要重新加密" if options["dry_run"] else "已重新加密"
                keys = "、".join(sorted(stale_keys))
                self.stdout.write(f"{label}: {verb} {done} 行（{keys} → {current}）")
            else:
                self.stdout.write(f"{label}: 0 行需要处理")
        if unreadable:
            missing = "、".join(f"{k}（{n} 行）" for k, n in sorted(unreadable.items()))
            raise CommandError(
                f"有数据使用未配置的密钥 {missing}，无法解密。请把这些密钥加回 "
                "SMARTUNION_PII_KEYS（放在当前密钥之后）后再运行。",
                returncode=1,
            )
        verb = "需要重新加密" if options["dry_run"] else "共重新加密"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} 行；当前密钥：{current}。"))

    def _rotate(self, model, fields, current, batch_size, *, dry_run):
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        pk = qn(model._meta.pk.column)
        columns = [qn(f.column) for f in fields]
        prefix = f"{current}$"
        # Rows with a value under another key: anything non-empty not starting "<current>$".
        stale = " OR ".join(f"({c} <> '' AND {c} NOT LIKE %s)" for c in columns)
        first = f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE ({stale}) "
        after = f"{first}AND {pk} > %s "
        order = f"ORDER BY {pk} LIMIT %s"
        patterns = [prefix + "%"] * len(columns)
        update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"
        last = None
        done = 0
        stale_keys: set[str] = set()
        unreadable: Counter = Counter()
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Keyset pagination: each batch starts after the last key of the one before.
                    if last is None:
                        cursor.execute(first + order, [*patterns, batch_size])
                    else:
                        cursor.execute(after + order, [*patterns, last, batch_size])
                    rows = cursor.fetchall()
                if not rows:
                    break
                changes = []
                for row in rows:
                    values = []
                    for token in row[1:]:
                        if not token or token.startswith(prefix):
                            values.append(token)
                            continue
                        kid = crypto.key_id_of(token)
                        if kid not in crypto.keyring().keys:
                            unreadable[kid] += 1
                            values.append(token)
                            continue
                        stale_keys.add(kid)
                        values.append(crypto.encrypt(crypto.decrypt(token)))
                    if list(values) != list(row[1:]):
                        changes.append([*values, row[0]])
                last = rows[-1][0]
                if changes and not dry_run:
                    with connection.cursor() as cursor:
                        cursor.executemany(update, changes)
                    audit.record(
                        None,
                        "pii.rotate_keys",
                        object_type=model._meta.label_lower,
                        object_id=f"{changes[0][-1]}-{changes[-1][-1]}",
                        changes={
                            "rows": len(changes),
                            "fields": [f.name for f in fields],
                            "to_key": current,
                        },
                    )
                done += len(changes)
        return done, stale_keys, unreadable
