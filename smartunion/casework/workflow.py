"""Declaring a case type: its states, the transitions between them, who may make each, and
the deadline of each waiting state (docs/decisions/0015-casework-declared-transitions.md).

A domain app declares its case type once, next to its model::

    HARDSHIP = CaseType(
        key="assistance.hardshipfile", label="困难职工档案", prefix="KN",
        states=[State("draft", "草稿"), State("submitted", "待基层初审", wait=5), …],
        transitions=[Transition("submit", "提交申请", ["draft"], "submitted"), …],
    )

and casework runs it: ``casework.services.transition(case, "submit", actor=…)`` checks the
state, the actor's role and place in the tree, locks the case, runs the transition's handler,
sets the next deadline, writes the timeline and the audit log, and sends the side effects on
commit. Nothing here knows a domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from smartunion.core.actors import is_self

# Union kinds of the registry (orgs.models.Kind values) that count as county level or above:
# the levels that keep a 帮扶中心 and review what grassroots unions file.
COUNTY_OR_ABOVE = ("province", "city", "county")


def is_applicant(actor) -> bool:
    """A worker acting on their own case (职工之家, ``core.actors.SelfActor``): it may make only
    the transitions declared ``applicant=True`` and reaches only the cases whose
    ``applicant_field`` is its person (``casework.services.lock_case``)."""
    return is_self(actor)


@dataclass(frozen=True)
class Actor:
    """Who may make a transition, beyond seeing the case and holding the ``change`` right."""

    name: str
    label: str
    test: Callable[[Any, Any], bool]

    def allows(self, user, case) -> bool:
        return bool(user.is_superuser or self.test(user, case))


def _org_of(user):
    return user.scope_org if user.scope_org_id else None


def _strictly_above(user, case) -> bool:
    scope = user.scope_path
    return bool(scope) and case.org.path.startswith(scope) and case.org.path != scope


def _county_or_above(user, case) -> bool:
    org = _org_of(user)
    return org is not None and org.kind in COUNTY_OR_ABOVE


def _province(user, case) -> bool:
    org = _org_of(user)
    return org is not None and org.parent_id is None


#: Staff of the union holding the case, or of any union above it.
HOLDER = Actor("holder", "本工会或上级工会", lambda user, case: True)
#: Staff of a union above the one holding the case (a review by the higher level).
ABOVE = Actor("above", "上级工会", _strictly_above)
#: Staff of a county-level or higher union (帮扶中心, legal-aid departments).
COUNTY = Actor("county", "县级（含）以上工会", _county_or_above)
#: Staff of the province federation.
PROVINCE = Actor("province", "省总工会", _province)


# Whose turn it is while a case waits in a state.
def _holder(org):
    return org


def _parent(org):
    return org.parent or org


def _county_org(org):
    """The nearest union at county level or above, the case's own union included."""
    if org.kind in COUNTY_OR_ABOVE:
        return org
    for ancestor in reversed(org.ancestors()):
        if ancestor.kind in COUNTY_OR_ABOVE:
            return ancestor
    return org


RESPONSIBLE = {"holder": _holder, "parent": _parent, "county": _county_org}


@dataclass(frozen=True)
class State:
    """A state of a case. ``wait``: the default working days the responsible union has in it
    (None: nobody is waited on). ``pauses_clock``: entering it stops the clock of the waiting
    state the case came from (补正: documents missing), which resumes with the days it had left
    when the case goes back. ``final``: the case is closed."""

    name: str
    label: str
    wait: int | None = None
    responsible: str = "holder"
    pauses_clock: bool = False
    final: bool = False

    def __post_init__(self):
        if self.responsible not in RESPONSIBLE:
            raise ValueError(f"unknown responsible {self.responsible!r}")


#: A transition handler: (case, actor, cleaned form data, note) → None, or the name of the
#: target state when the transition can lead to several. It may raise ValidationError.
Handler = Callable[[Any, Any, dict, str], str | None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: tuple[str, ...]
    target: str
    by: Actor = HOLDER
    #: A written note (reasons) is required: refusals, returns for correction, objections.
    note_required: bool = False
    note_label: str = "意见"
    #: Extra fields asked on the page and accepted by the API (a django Form class).
    form: type | None = None
    handler: Handler | None = None
    #: Other targets the handler may choose (for the declaration's consistency check).
    also_targets: tuple[str, ...] = ()
    #: Shown on the confirmation page.
    confirm: str = ""
    #: Drawn as a secondary or dangerous action on the page.
    style: str = ""
    #: Hidden from the case page's buttons (run by another mechanism, e.g. the 公示 batch).
    internal: bool = False
    #: Where the case page's button leads instead of the confirmation page: ``(case) → URL``
    #: of another module's form that runs the transition when saved (``casework.spawn``).
    starts_at: Callable[[Any], str] | None = None
    #: The applicant may make it too, from 职工之家 (answering a 补正, rating the result); the
    #: staff's rule (``by``) is unchanged.
    applicant: bool = False

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target, *self.also_targets)


@dataclass(frozen=True)
class Publicity:
    """How cases of this type go through 公示: the state they wait in for it, the transitions
    a notice makes (publish, close; withdraw when an objection is upheld) and what an item
    shows (``describe(case)`` → dict of name_masked, org_name, category, detail, amount)."""

    ready_state: str
    describe: Callable[[Any], dict]
    publish: str = "publish"
    close: str = "close_publicity"
    withdraw: str = "withdraw"


def publicity_transitions(
    *, ready: str, during: str, after: str, back: str, by: Actor | None = None
) -> list[Transition]:
    """The three transitions a 公示 makes (``Publicity``'s default names): ``ready`` →
    ``during`` when it is published, ``during`` → ``after`` when it closes without an upheld
    objection, ``during`` → ``back`` when an objection against the case is upheld."""
    by = by or COUNTY
    return [
        Transition("publish", "进入公示", (ready,), during, by=by, internal=True),
        Transition("close_publicity", "公示期满无异议", (during,), after, by=by, internal=True),
        Transition("withdraw", "公示异议成立，退回", (during,), back, by=by, internal=True),
    ]


@dataclass
class CaseType:
    key: str
    label: str
    prefix: str
    states: list[State]
    transitions: list[Transition]
    initial: str
    publicity: Publicity | None = None
    #: The page listing cases of this type (accepts ?waiting=1 and ?overdue=1).
    list_url_name: str = ""
    #: Called on commit after every transition: (case, event) → None (notices, portal …).
    on_commit: list[Callable] = field(default_factory=list)
    #: Waiting states whose limit depends on the case (``Case.deadline_step``): state name →
    #: its steps as (step, label, default working days), for the 办理时限 page.
    deadline_steps: dict[str, tuple[tuple[str, str, int], ...]] = field(default_factory=dict)
    _states: dict[str, State] = field(init=False, repr=False)
    _transitions: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self):
        self._states = {s.name: s for s in self.states}
        self._transitions = {t.name: t for t in self.transitions}
        problems = []
        if self.initial not in self._states:
            problems.append(f"initial state {self.initial!r} is not declared")
        for t in self.transitions:
            for name in (*t.source, *t.targets):
                if name not in self._states:
                    problems.append(f"{t.name}: state {name!r} is not declared")
        if self.publicity:
            p = self.publicity
            for name in (p.publish, p.close, p.withdraw):
                if name not in self._transitions:
                    problems.append(f"publicity: transition {name!r} is not declared")
        if problems:
            raise ValueError(f"case type {self.key}: " + "; ".join(problems))

    def state(self, name: str) -> State:
        try:
            return self._states[name]
        except KeyError:
            return State(name, name)

    def transition(self, name: str) -> Transition:
        try:
            return self._transitions[name]
        except KeyError:
            raise ValidationError(f"没有“{name}”这个操作。") from None

    def state_choices(self) -> list[tuple[str, str]]:
        return [(s.name, s.label) for s in self.states]

    def waiting_states(self) -> list[State]:
        return [s for s in self.states if s.wait is not None]

    def open_states(self) -> list[str]:
        return [s.name for s in self.states if not s.final]

    def for_applicant(self, case) -> list[Transition]:
        """The transitions the applicant may make from the case's state (职工之家)."""
        return [t for t in self.transitions if case.state in t.source and t.applicant]

    def available(self, case, user) -> list[Transition]:
        """The transitions this user may start from the case's state (for the page's buttons)."""
        if is_applicant(user):
            return self.for_applicant(case)
        if not user.can("change"):
            return []
        return [
            t
            for t in self.transitions
            if case.state in t.source and not t.internal and t.by.allows(user, case)
        ]


_REGISTRY: dict[str, type] = {}


def register(model) -> None:
    """Make a case model known to casework (its deadlines, overdue lists, reminders)."""
    _REGISTRY[model.case_type.key] = model


def case_models() -> Iterable[type]:
    return _REGISTRY.values()


def case_model(key: str):
    return _REGISTRY[key]
