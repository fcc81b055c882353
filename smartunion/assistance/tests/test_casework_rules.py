"""Casework's rules on its first case type: every transition refuses the wrong role and the
wrong state (generated from the declaration), reminders for due and overdue steps, the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from smartunion.assistance.models import HardshipFile
from smartunion.assistance.tests.test_files import new_file
from smartunion.assistance.workflows import HARDSHIP, STUDENT_AID
from smartunion.casework import reminders
from smartunion.casework import services as casework
from smartunion.casework.models import CaseEvent, Reminder
from smartunion.casework.workflow import (
    ABOVE,
    COUNTY,
    HOLDER,
    PROVINCE,
    CaseType,
    State,
    Transition,
)

TODAY = dt.date.today()
PEOPLE = [t for t in HARDSHIP.transitions if not t.internal]


def wrong_actor(world, t):
    """Someone who sees the file and may change, but not at the level ``t`` asks for."""
    return {ABOVE: world.grassroots_admin, COUNTY: world.grassroots_admin}.get(t.by)


def right_actor(world, t):
    return world.county_admin if t.by in (ABOVE, COUNTY) else world.grassroots_admin


@pytest.mark.parametrize("t", [t for t in PEOPLE if t.by is not HOLDER], ids=lambda t: t.name)
def test_each_transition_refuses_the_wrong_level_with_its_name(standards, t):
    world = standards
    file = new_file(world)
    HardshipFile.objects.filter(pk=file.pk).update(state=t.source[0])
    with pytest.raises(PermissionDenied) as exc:
        casework.transition(file, t.name, actor=wrong_actor(world, t), note="理由")
    assert str(exc.value) == f"“{t.label}”须由{t.by.label}办理。"
    file.refresh_from_db()
    assert file.state == t.source[0]
    # The right level passes the role check (the handler may still ask for more).
    try:
        casework.transition(file, t.name, actor=right_actor(world, t), note="理由")
    except ValidationError:
        pass
    except PermissionDenied:  # pragma: no cover - the failure this test is for
        pytest.fail(f"{t.name} refused {right_actor(world, t)}")


@pytest.mark.parametrize("t", PEOPLE, ids=lambda t: t.name)
def test_each_transition_refuses_a_state_it_does_not_start_from(standards, t):
    world = standards
    file = new_file(world)
    wrong = next(s.name for s in HARDSHIP.states if s.name not in t.source)
    HardshipFile.objects.filter(pk=file.pk).update(state=wrong)
    with pytest.raises(ValidationError) as exc:
        casework.transition(file, t.name, actor=world.county_admin, note="理由")
    assert "不能“" + t.label + "”" in exc.value.messages[0]
    file.refresh_from_db()
    assert file.state == wrong
    assert not CaseEvent.objects.filter(object_id=file.pk, action=t.name).exists()


@pytest.mark.parametrize("actor", ["viewer", "sibling_admin"])
def test_no_transition_for_a_viewer_or_another_county(standards, actor):
    world = standards
    file = new_file(world)
    with pytest.raises(Http404):
        casework.transition(file, "submit", actor=getattr(world, actor))


def test_the_declarations_are_consistent():
    for case_type in (HARDSHIP, STUDENT_AID):
        names = {s.name for s in case_type.states}
        for t in case_type.transitions:
            assert set(t.source) <= names and set(t.targets) <= names
    with pytest.raises(ValueError, match="not declared"):
        CaseType(
            key="x",
            label="x",
            prefix="X",
            initial="a",
            states=[State("a", "甲")],
            transitions=[Transition("go", "走", ("a",), "b")],
        )
    assert PROVINCE.label == "省总工会"


def test_reminders_are_written_once_for_due_and_overdue_steps_and_cleared_when_done(standards):
    world = standards
    file = casework.transition(new_file(world), "submit", actor=world.grassroots_admin)
    assert reminders.sweep(today=file.due_on - dt.timedelta(days=1)) == 0
    assert reminders.sweep(today=file.due_on) == 1
    assert Reminder.objects.get().kind == "due"
    assert reminders.sweep(today=file.due_on) == 0  # once per deadline and kind
    assert reminders.sweep(today=file.due_on + dt.timedelta(days=1)) == 1
    texts = sorted(Reminder.objects.values_list("text", flat=True))
    assert any("已超过办理期限" in t for t in texts) and any("今天到期" in t for t in texts)
    # The staff of the responsible union and those above see them; the sibling county not.
    assert Reminder.objects.visible_to(world.grassroots_admin).count() == 2
    assert Reminder.objects.visible_to(world.province_admin).count() == 2
    assert Reminder.objects.visible_to(world.sibling_admin).count() == 0
    casework.transition(file, "check", actor=world.grassroots_admin)
    assert not Reminder.objects.exists()
    # A reminder task queued for the old deadline finds the case moved on and writes nothing.
    assert reminders.remind_if_due(HARDSHIP.key, file.pk, file.due_on, today=file.due_on) is False


def test_overdue_cases_are_listed_for_the_responsible_union_and_above(standards, client):
    world = standards
    file = casework.transition(new_file(world), "submit", actor=world.grassroots_admin)
    HardshipFile.objects.filter(pk=file.pk).update(due_on=TODAY - dt.timedelta(days=3))
    for user, seen in (
        (world.grassroots_admin, True),
        (world.county_admin, True),
        (world.sibling_admin, False),
    ):
        client.force_login(user)
        page = client.get("/assistance/", {"overdue": "1"}).content.decode()
        assert ("张建国" in page) is seen
    client.force_login(world.county_admin)
    home = client.get("/").content.decode()
    assert "逾期未办的困难职工档案" in home and "待办理的困难职工档案" in home


def test_the_clock_stops_and_resumes_with_the_days_left(standards):
    """补正 (documents missing) stops the clock of a waiting step; it resumes with the days it
    had left — across the 2026 Spring Festival and its 调休 Saturdays."""
    world = standards
    steps = CaseType(
        key="test.clock",
        label="测试",
        prefix="T",
        initial="review",
        states=[
            State("review", "审查", wait=7),
            State("missing", "补正", pauses_clock=True),
            State("done", "完成", final=True),
        ],
        transitions=[
            Transition("ask", "要求补正", ("review",), "missing"),
            Transition("resume", "补正完毕", ("missing",), "review"),
        ],
    )
    review, missing = steps.state("review"), steps.state("missing")
    file = new_file(world)
    # Tuesday 10 February: 11, 12, 13, 14 (a Saturday worked), then the holiday to the 23rd,
    # 24, 25, 26: seven working days.
    casework._enter(file, steps, State("", ""), review, dt.date(2026, 2, 10))
    assert file.due_on == dt.date(2026, 2, 26)
    casework._enter(file, steps, review, missing, dt.date(2026, 2, 13))
    assert (file.due_on, file.clock_stopped_on, file.clock_used_days) == (
        None,
        dt.date(2026, 2, 13),
        3,
    )
    assert file.clock_stopped
    # Back on Friday 27 February with four days left: 28 (a Saturday worked), 2, 3, 4 March.
    casework._enter(file, steps, missing, review, dt.date(2026, 2, 27))
    assert file.due_on == dt.date(2026, 3, 4)
    assert file.clock_stopped_on is None and file.wait_days == 4
