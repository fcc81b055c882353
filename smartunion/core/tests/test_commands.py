"""The operator commands: create_staff, verify_audit, recount_members, rotate_pii_keys."""

import base64
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from smartunion.accounts.models import User
from smartunion.core import audit, crypto
from smartunion.core.models import AuditEntry
from smartunion.members.models import Person
from smartunion.orgs.models import Organization

STRONG = "Gonghui-staff-2026"


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


# ---- create_staff ----------------------------------------------------------------------------


def test_create_staff_makes_a_scoped_account_with_the_password_from_the_environment(
    world, monkeypatch
):
    monkeypatch.setenv("SMARTUNION_PASSWORD", STRONG)
    out = run("create_staff", "zhangsan", "--org", str(world.county_b.pk), "--role", "county_admin")
    user = User.objects.get(username="zhangsan")
    assert (user.scope_org_id, user.role, user.is_superuser) == (
        world.county_b.pk,
        "county_admin",
        False,
    )
    assert user.check_password(STRONG)
    assert "已创建工作人员账号 zhangsan（县区管理员，管理范围：七里河区总工会" in out
    entry = AuditEntry.objects.filter(action="staff.create").latest("seq")
    assert entry.object_id == str(user.pk) and entry.org_path == world.county_b.path
    assert STRONG not in str(entry.changes)


@pytest.mark.parametrize(
    "org, role, message",
    [
        ("999999", "county_admin", "工会组织 999999 不存在。"),
        ("abc", "county_admin", "工会组织 ID 应为数字"),
        (None, "chairman", "角色不正确，应为：province_admin（省总管理员）"),
    ],
)
def test_create_staff_refuses_a_bad_org_or_role_and_saves_nothing(
    world, monkeypatch, org, role, message
):
    monkeypatch.setenv("SMARTUNION_PASSWORD", STRONG)
    users = User.objects.count()
    with pytest.raises(CommandError, match=message):
        run("create_staff", "lisi", "--org", org or str(world.county_a.pk), "--role", role)
    assert User.objects.count() == users


def test_create_staff_refuses_a_taken_username(world, monkeypatch):
    monkeypatch.setenv("SMARTUNION_PASSWORD", STRONG)
    with pytest.raises(CommandError, match="用户名：该用户名已存在。"):
        run("create_staff", "county_admin", "--org", str(world.county_a.pk), "--role", "viewer")
    assert User.objects.get(username="county_admin").role == "county_admin"


def test_create_staff_refuses_a_weak_password_in_chinese(world, monkeypatch):
    monkeypatch.setenv("SMARTUNION_PASSWORD", "12345678")
    with pytest.raises(CommandError) as exc:
        run("create_staff", "wangwu", "--org", str(world.county_a.pk), "--role", "viewer")
    assert "密码" in str(exc.value)
    assert not User.objects.filter(username="wangwu").exists()


def test_create_staff_without_a_terminal_asks_for_the_environment_variable(world, monkeypatch):
    monkeypatch.delenv("SMARTUNION_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="SMARTUNION_PASSWORD"):
        run("create_staff", "zhaoliu", "--org", str(world.county_a.pk), "--role", "viewer")
    assert not User.objects.filter(username="zhaoliu").exists()


def test_create_staff_prompts_twice_on_a_terminal(world, monkeypatch):
    monkeypatch.delenv("SMARTUNION_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        run("create_staff", "zhaoliu", "--org", str(world.county_a.pk), "--role", "viewer")
    answers = iter([STRONG, STRONG])
    run("create_staff", "zhaoliu", "--org", str(world.county_a.pk), "--role", "viewer")
    assert User.objects.get(username="zhaoliu").check_password(STRONG)


# ---- verify_audit ----------------------------------------------------------------------------


def drop_append_only_triggers() -> None:
    """Remove the database's refusal to change the log (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_no_change ON core_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")


def test_verify_audit_reports_an_intact_chain_with_its_length(world):
    count = AuditEntry.objects.count()
    assert count >= 3
    assert run("verify_audit").strip() == f"audit chain ok ({count} entries)"


def test_the_database_refuses_to_change_or_delete_audit_entries(world):
    for statement in (
        "UPDATE core_auditentry SET action = 'forged' WHERE seq = 1",
        "DELETE FROM core_auditentry WHERE seq = 1",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEntry.objects.get(seq=1).action != "forged"


def test_verify_audit_names_the_first_changed_entry_and_fails(world):
    drop_append_only_triggers()
    target = AuditEntry.objects.order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_name = 'intruder' WHERE seq = %s", [target.seq]
        )
    with pytest.raises(CommandError) as exc:
        run("verify_audit")
    assert exc.value.returncode == 1
    message = str(exc.value)
    assert f"audit chain broken at entry #{target.seq}" in message
    assert target.action in message and "contents were changed" in message
    assert f"({target.seq - 1} entries before it are intact)" in message


def test_verify_audit_notices_a_removed_entry(world):
    drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
    with pytest.raises(CommandError, match="#3.*entry #2 is missing"):
        run("verify_audit")


def test_verify_audit_notices_a_rewritten_tail(world):
    """Changing an entry and recomputing its own hash still breaks the next link."""
    drop_append_only_triggers()
    entry = AuditEntry.objects.get(seq=1)
    entry.actor_name = "intruder"
    forged_hash = entry.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor_name = 'intruder', entry_hash = %s WHERE seq = 1",
            [forged_hash],
        )
    with pytest.raises(CommandError, match="#2.*prev_hash does not match"):
        run("verify_audit")


# ---- recount_members -------------------------------------------------------------------------


def test_recount_members_reports_and_fixes_drift(world):
    Organization.objects.filter(pk=world.union_a1.pk).update(member_count=7)
    out = run("recount_members")
    assert f"#{world.union_a1.pk} 兰州第一机械厂工会 本级会员人数：计数器 7，实际 1" in out
    assert "fixed 1 of" in out
    assert Organization.objects.get(pk=world.union_a1.pk).member_count == 1
    entry = AuditEntry.objects.get(action="org.recount_members")
    assert entry.changes == {"fixed": 1, "orgs": [[world.union_a1.pk, "member_count", 7, 1]]}
    assert audit.verify_chain().ok
    assert "member counts ok" in run("recount_members")


def test_recount_members_reports_and_fixes_the_subtree_figures(world):
    Organization.objects.filter(pk=world.city.pk).update(
        subtree_member_count=0, subtree_employee_count=5, subtree_rated_member_count=9
    )
    out = run("recount_members")
    pk = world.city.pk
    assert f"#{pk} 兰州市总工会 含下级会员人数：计数器 0，实际 3" in out
    assert f"#{pk} 兰州市总工会 含下级职工人数：计数器 5，实际 300" in out
    assert f"#{pk} 兰州市总工会 含下级已填职工人数工会的会员人数：计数器 9，实际 1" in out
    assert "fixed 1 of" in out
    city = Organization.objects.get(pk=pk)
    assert (
        city.subtree_member_count,
        city.subtree_employee_count,
        city.subtree_rated_member_count,
    ) == (3, 300, 1)
    assert "member counts ok" in run("recount_members")


def test_recount_members_check_only_reports_and_fails(world):
    Organization.objects.filter(pk=world.union_b1.pk).update(member_count=0)
    with pytest.raises(CommandError) as exc:
        run("recount_members", "--check")
    assert exc.value.returncode == 1 and "1 of" in str(exc.value)
    assert Organization.objects.get(pk=world.union_b1.pk).member_count == 0
    assert not AuditEntry.objects.filter(action="org.recount_members").exists()


# ---- rotate_pii_keys -------------------------------------------------------------------------


@pytest.fixture
def new_key_first(settings):
    """Put a new key k9 first; the development key (k1) stays listed for decryption."""
    old = settings.SMARTUNION_PII_KEYS
    settings.SMARTUNION_PII_KEYS = "k9:" + base64.b64encode(os.urandom(32)).decode() + "," + old
    crypto.keyring.cache_clear()
    yield old
    crypto.keyring.cache_clear()


def raw_values(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")
        return cursor.fetchall()


@pytest.fixture
def chair_phone_under_old_key(world):
    """A union saved before the rotation, with its chair's phone under the old key (k1)."""
    union = Organization.objects.get(pk=world.union_b1.pk)
    union.set_chair_phone("13900002222")
    union.save()
    return union


def test_rotation_re_encrypts_every_old_value_under_the_new_key(
    world, chair_phone_under_old_key, new_key_first
):
    before = {p.pk: (p.id_number, p.phone, p.id_hash) for p in Person.objects.all()}
    assert all(v.startswith("k1$") for (v,) in raw_values("members_person", "id_number"))
    out = run("rotate_pii_keys", "--batch-size", "2")
    assert "members.person: 已重新加密 3 行（k1 → k9）" in out
    assert "orgs.organization: 已重新加密 1 行（k1 → k9）" in out
    for id_number, phone in raw_values("members_person", "id_number, phone"):
        assert id_number.startswith("k9$") and phone.startswith("k9$")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chair_phone FROM orgs_organization WHERE id = %s",
            [chair_phone_under_old_key.pk],
        )
        assert cursor.fetchone()[0].startswith("k9$")
    # Same plaintext, same blind index: lookups keep working.
    assert {p.pk: (p.id_number, p.phone, p.id_hash) for p in Person.objects.all()} == before
    assert Organization.objects.get(pk=world.union_b1.pk).chair_phone == "13900002222"
    entries = AuditEntry.objects.filter(action="pii.rotate_keys")
    assert sorted(e.changes["rows"] for e in entries) == [1, 1, 2]
    assert all("13900002222" not in str(e.changes) for e in entries)
    assert audit.verify_chain().ok
    assert "共重新加密 0 行" in run("rotate_pii_keys")


def test_a_dry_run_counts_and_changes_nothing(world, new_key_first):
    before = raw_values("members_person", "id_number")
    out = run("rotate_pii_keys", "--dry-run")
    assert "members.person: 需要重新加密 3 行（k1 → k9）" in out
    assert raw_values("members_person", "id_number") == before
    assert not AuditEntry.objects.filter(action="pii.rotate_keys").exists()


def test_values_under_a_key_no_longer_configured_are_reported(world, settings):
    settings.SMARTUNION_PII_KEYS = "k9:" + base64.b64encode(os.urandom(32)).decode()
    crypto.keyring.cache_clear()
    try:
        with pytest.raises(CommandError, match="k1（6 行）") as exc:
            run("rotate_pii_keys")
        assert exc.value.returncode == 1
    finally:
        crypto.keyring.cache_clear()
