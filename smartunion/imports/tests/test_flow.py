"""Commit: valid rows or all-or-nothing, idempotent, locked per union, audited, resumable."""

import pytest
from django.core.exceptions import ValidationError

from smartunion.core.errors import NotInScope
from smartunion.core.models import AuditEntry
from smartunion.core.testing import new_id_number
from smartunion.imports import services
from smartunion.imports.models import ImportJob, JobStatus
from smartunion.imports.tests.helpers import committed, csv_bytes, member_row, validated
from smartunion.members.models import Membership, MembershipEvent, Person
from smartunion.orgs.models import Organization


def members_file(world, n=3, bad=1):
    rows = [
        member_row(f"会员{i}", org=world.union_a1 if i % 2 else world.union_a2) for i in range(n)
    ]
    rows += [member_row(f"错误{i}", id_number="123", org=world.union_a1) for i in range(bad)]
    return csv_bytes(rows)


def test_valid_rows_are_imported_with_membership_event_counter_and_card(world):
    job = validated(members_file(world), actor=world.county_admin, org=world.county_a)
    job = committed(job, actor=world.county_admin)
    assert job.status == JobStatus.COMMITTED
    assert (job.created_count, job.failed_count, job.rows_error) == (3, 0, 1)
    person = Person.objects.get(name="会员1")
    membership = Membership.objects.get(person=person)
    assert membership.status == "active" and membership.org == world.union_a1
    assert membership.card_no and str(membership.joined_on) == "2021-03-01"
    assert MembershipEvent.objects.filter(person=person, change_type="join").count() == 1
    assert person.id_masked.startswith("620102") and "*" in person.id_masked
    world.union_a1.refresh_from_db()
    world.union_a2.refresh_from_db()
    assert world.union_a1.member_count == 1 + 1  # 张三 + 会员1
    assert world.union_a2.member_count == 1 + 2  # 李四 + 会员0, 会员2


def test_all_or_nothing_refuses_a_file_with_errors_and_saves_nothing(world):
    before = Person.objects.count()
    job = validated(members_file(world), actor=world.county_admin, org=world.county_a)
    with pytest.raises(ValidationError) as info:
        services.start_commit(job, actor=world.county_admin, mode="all_or_nothing", enqueue=False)
    assert "选择“全部正确才导入”时一行都不会导入" in str(info.value)
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATED
    assert Person.objects.count() == before


def test_all_or_nothing_imports_a_clean_file(world):
    job = validated(members_file(world, bad=0), actor=world.county_admin, org=world.county_a)
    job = committed(job, actor=world.county_admin, mode="all_or_nothing")
    assert job.status == JobStatus.COMMITTED and job.created_count == 3


def test_all_or_nothing_rolls_everything_back_when_the_data_changed_since_validation(world):
    number = new_id_number()
    rows = [
        member_row("赵六", org=world.union_a1),
        member_row("钱七", id_number=number, org=world.union_a1),
    ]
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    # Meanwhile 钱七 joins a union of county B through a form.
    world.add_member(world.union_b1, "钱七", id_number=number)
    before = Person.objects.count()
    job = committed(job, actor=world.county_admin, mode="all_or_nothing")
    assert job.status == JobStatus.VALIDATED
    assert "一行都没有导入" in job.message
    assert Person.objects.count() == before
    assert not Person.objects.filter(name="赵六").exists()
    assert job.rows_transfer == 1


def test_the_same_file_twice_creates_nothing_new(world):
    data = members_file(world)
    committed(
        validated(data, actor=world.county_admin, org=world.county_a), actor=world.county_admin
    )
    people, memberships = Person.objects.count(), Membership.objects.count()
    again = validated(data, actor=world.county_admin, org=world.county_a)
    assert "同一文件已于" in again.message
    assert (again.rows_valid, again.rows_existing, again.rows_error) == (0, 3, 1)
    with pytest.raises(ValidationError):
        services.start_commit(again, actor=world.county_admin, mode="valid_only", enqueue=False)
    assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)


def test_a_second_commit_into_the_same_union_is_refused_while_the_first_runs(world):
    first = validated(members_file(world, bad=0), actor=world.county_admin, org=world.county_a)
    second = validated(members_file(world, bad=0), actor=world.county_admin, org=world.county_a)
    services.start_commit(first, actor=world.county_admin, mode="valid_only", enqueue=False)
    with pytest.raises(ValidationError) as info:
        services.start_commit(second, actor=world.county_admin, mode="valid_only", enqueue=False)
    assert f"该工会正在导入另一个文件（导入任务#{first.pk}）" in str(info.value)
    second.refresh_from_db()
    assert second.status == JobStatus.VALIDATED
    first.refresh_from_db()
    services.run_commit(first.pk, lease=first.task_id)
    committed(second, actor=world.county_admin)


def test_every_import_is_audited_with_the_files_checksum(world):
    job = committed(
        validated(members_file(world), actor=world.county_admin, org=world.county_a),
        actor=world.county_admin,
    )
    upload = AuditEntry.objects.get(action="import.upload", object_id=str(job.pk))
    commit = AuditEntry.objects.get(action="import.commit", object_id=str(job.pk))
    assert upload.changes["sha256"] == commit.changes["sha256"] == job.file_sha256
    assert len(job.file_sha256) == 64
    assert commit.changes["created"] == 3 and commit.actor_name == "county_admin"
    batch = AuditEntry.objects.get(action="import.members")
    assert batch.changes["job"] == job.pk and batch.changes["created"] == 3
    for entry in AuditEntry.objects.all():
        assert "19900517" not in str(entry.changes)


def test_staff_cannot_import_into_a_union_outside_their_subtree(world):
    with pytest.raises(NotInScope):
        validated(members_file(world), actor=world.county_admin, org=world.county_b)
    with pytest.raises(NotInScope):
        validated(members_file(world), actor=world.viewer, org=world.county_a)
    assert not ImportJob.objects.exists()


def test_someone_else_cannot_commit_a_job_outside_their_subtree(world):
    job = validated(members_file(world), actor=world.county_admin, org=world.county_a)
    with pytest.raises(NotInScope):
        services.start_commit(job, actor=world.sibling_admin, mode="valid_only", enqueue=False)


def test_a_commit_killed_between_batches_resumes_to_the_same_end_state(world, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    rows = [member_row(f"会员{i}", org=world.union_a1) for i in range(7)]
    data = csv_bytes(rows)
    job = validated(data, actor=world.county_admin, org=world.county_a)
    job = services.start_commit(job, actor=world.county_admin, mode="valid_only", enqueue=False)

    real = services._write_members
    calls = {"n": 0}

    def dies_on_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_write_members", dies_on_third_batch)
    with pytest.raises(SystemExit):
        services.run_commit(job.pk, lease=job.task_id)
    job.refresh_from_db()
    # Whole batches only: two batches of two are in, the job still holds its union's lock.
    assert job.status == JobStatus.COMMITTING and job.committed_through == 5
    assert Person.objects.filter(name__startswith="会员").count() == 4
    assert job.created_count == 4

    monkeypatch.setattr(services, "_write_members", real)
    job, lease = services.resume_job(job, actor=world.county_admin, enqueue=False)
    services.run_commit(job.pk, lease=lease)
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert (job.created_count, job.skipped_count, job.rows_read) == (7, 0, 7)
    assert Person.objects.filter(name__startswith="会员").count() == 7
    assert Membership.objects.filter(person__name__startswith="会员").count() == 7
    world.union_a1.refresh_from_db()
    assert world.union_a1.member_count == 8


def test_a_resumed_job_stops_the_old_worker_from_writing(world):
    job = validated(members_file(world), actor=world.county_admin, org=world.county_a)
    job = services.start_commit(job, actor=world.county_admin, mode="valid_only", enqueue=False)
    old_lease = job.task_id
    _job, new_lease = services.resume_job(job, actor=world.county_admin, enqueue=False)
    assert services.run_commit(job.pk, lease=old_lease) is None
    assert not Person.objects.filter(name__startswith="会员").exists()
    services.run_commit(job.pk, lease=new_lease)
    assert Person.objects.filter(name__startswith="会员").count() == 3


def test_a_person_who_left_rejoins_through_the_import(world):
    from smartunion.members.services import leave_union

    leave_union(world.member_a2, actor=world.county_admin)
    person = world.member_a2.person
    row = member_row(person.name, id_number=person.id_number, org=world.union_a1)
    job = committed(
        validated(csv_bytes([row]), actor=world.county_admin, org=world.county_a),
        actor=world.county_admin,
    )
    assert (job.created_count, job.rejoined_count) == (0, 1)
    assert Person.objects.filter(id_hash=person.id_hash).count() == 1
    assert Membership.objects.get(person=person, status="active").org == world.union_a1


def test_offered_transfers_are_made_where_the_actor_holds_both_unions(world):
    inside = world.member_a2.person  # in county A: the county admin holds both unions
    outside = world.member_b1.person  # in county B: its own union must send the transfer
    rows = [
        member_row(inside.name, id_number=inside.id_number, org=world.union_a1),
        member_row(outside.name, id_number=outside.id_number, org=world.union_a1),
        member_row("赵六", org=world.union_a1),
    ]
    job = committed(
        validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a),
        actor=world.county_admin,
    )
    assert job.rows_transfer == 2
    done, left = services.transfer_offered(job, actor=world.county_admin)
    assert (done, left) == (1, 1)
    assert Membership.objects.get(person=inside, status="active").org == world.union_a1
    assert Membership.objects.get(person=outside, status="active").org == world.union_b1
    assert services.transfer_offered(job, actor=world.county_admin) == (0, 1)


def test_a_job_can_be_cancelled_before_commit_and_its_file_is_deleted(world, import_dir):
    job = validated(members_file(world), actor=world.county_admin, org=world.county_a)
    services.cancel_job(job, actor=world.county_admin)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not list(import_dir.iterdir())
    with pytest.raises(ValidationError):
        services.start_commit(job, actor=world.county_admin, mode="valid_only", enqueue=False)


def test_the_report_lines_are_what_the_command_line_prints(world):
    job = committed(
        validated(members_file(world), actor=world.county_admin, org=world.county_a),
        actor=world.county_admin,
    )
    text = "\n".join(services.report_lines(job))
    assert "读取4行：可导入3行，有错误1行" in text
    assert "第5行【身份证号码】错误：身份证号码应为18位，当前为3位。" in text
    assert "新建3" in text


def test_a_worker_crash_marks_the_job_failed_with_a_chinese_message_and_no_pii_in_logs(
    world, monkeypatch, caplog
):
    number = new_id_number()
    job = validated(
        csv_bytes([member_row("赵六", id_number=number, org=world.union_a1)]),
        actor=world.county_admin,
        org=world.county_a,
    )
    job = services.start_commit(job, actor=world.county_admin, mode="valid_only", enqueue=False)

    def broken(*args, **kwargs):
        raise ValueError(f"bad value {number}")

    monkeypatch.setattr(services, "_write_members", broken)
    services.run_commit(job.pk, lease=job.task_id)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "内部错误" in job.message
    assert number not in caplog.text and "ValueError" in caplog.text
    assert not Person.objects.filter(name="赵六").exists()
    # The union's lock is released.
    assert not ImportJob.objects.filter(org=world.county_a, status="committing").exists()


def test_issues_stop_being_stored_at_the_cap_but_counts_go_on(world, settings):
    settings.SMARTUNION_IMPORT_MAX_ISSUES = 2
    rows = [member_row(f"错误{i}", id_number="1", org=world.union_a1) for i in range(5)]
    job = validated(csv_bytes(rows), actor=world.county_admin, org=world.county_a)
    assert job.rows_error == 5 and job.issues.count() == 2 and job.issues_truncated


def test_org_lookup_is_batched_not_per_row(world, django_assert_max_num_queries):
    rows = [member_row(f"会员{i}", org=world.union_a1) for i in range(60)]
    data = csv_bytes(rows)
    job = services.create_job(
        kind="members",
        org=world.county_a,
        actor=world.county_admin,
        upload=__import__("io").BytesIO(data),
        file_name="a.csv",
    )
    ImportJob.objects.filter(pk=job.pk).update(task_id="t")
    with django_assert_max_num_queries(25):
        services.run_validation(job.pk, lease="t")
    assert Organization.objects.count() == 7
