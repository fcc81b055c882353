"""实名绑定: a signed-in worker becomes a person of the registry (decision 0022).

A worker binds by full name and full ID number, and only when the registry's phone of that
person is the number signed in — compared as blind indexes, nothing is decrypted. Every
refusal is one and the same message, so nobody learns whether an ID number is registered or
which of the three did not match. Attempts are limited per worker and audited without
personal data (the outcome only). Staff who may change the person undo a binding.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from smartunion.core import audit, ratelimit
from smartunion.core.errors import TooManyRequests
from smartunion.members.models import Person
from smartunion.members.services import check_name_and_id_number, id_blind_index
from smartunion.portal.models import WorkerBinding, WorkerToken
from smartunion.portal.signin import SignInError

NOT_VERIFIED = "信息核验未通过，请携带身份证到所在工会办理。"
TOO_MANY = "核验次数过多，请稍后再试，或携带身份证到所在工会办理。"


class BindError(SignInError):
    """A binding refused: ``message`` is NOT_VERIFIED, whatever did not match."""


def bound_person(worker: WorkerToken) -> Person | None:
    """The person the signed-in number is bound to (``None`` before binding)."""
    binding = (
        WorkerBinding.objects.select_related("person__org")
        .filter(phone_index=worker.phone_index)
        .first()
    )
    return binding.person if binding else None


def _audit(worker: WorkerToken, outcome: str, person: Person | None = None) -> None:
    # The token's row id and the outcome: no name, number or phone.
    audit.record(
        None,
        "portal.bind",
        object_type="members.person",
        object_id=str(person.pk) if person else "",
        org_path=person.org.path if person else "",
        changes={"worker_token": worker.pk, "outcome": outcome},
    )


def bind(worker: WorkerToken, name: str, id_number: str, now=None) -> Person:
    """Bind ``worker`` to the person with this name and ID number whose registry phone is the
    signed-in number. ``ValidationError`` on a malformed number (the same message as in every
    form), ``TooManyRequests`` past the worker's rate, ``BindError(NOT_VERIFIED)`` otherwise."""
    now = now or timezone.now()
    name, ident = check_name_and_id_number(name, id_number)
    rate = ratelimit.parse_rate(settings.SMARTUNION_PORTAL_BIND_RATE)
    if rate is not None:
        count, left = ratelimit.hit(f"portal-bind:{worker.phone_index}", rate[1], now.timestamp())
        if count > rate[0]:
            with transaction.atomic():
                _audit(worker, "throttled")
            raise TooManyRequests(TOO_MANY, left)
    person = (
        Person.objects.select_related("org").filter(id_hash=id_blind_index(ident.number)).first()
    )
    matches = (
        person is not None
        and "".join(person.name.split()) == name
        and bool(person.phone_hash)
        and person.phone_hash == worker.phone_index
    )
    with transaction.atomic():
        if not matches:
            _audit(worker, "not_verified")
        else:
            try:
                with transaction.atomic():
                    WorkerBinding.objects.update_or_create(
                        phone_index=worker.phone_index,
                        defaults={"person": person, "bound_at": now},
                    )
            except IntegrityError:
                # The person is bound to another number already.
                matches = False
                _audit(worker, "bound_elsewhere", person)
            else:
                _audit(worker, "bound", person)
    if not matches:
        raise BindError(NOT_VERIFIED)
    return person


def binding_for_staff(person_id: int, user) -> WorkerBinding:
    """The binding of a person the staff account may change, or 404."""
    person = Person.objects.visible_to(user, action="change").filter(pk=person_id).first()
    binding = WorkerBinding.objects.filter(person=person).first() if person else None
    if binding is None:
        raise Http404("记录不存在。")
    return binding


@transaction.atomic
def reset_binding(binding: WorkerBinding, *, actor) -> None:
    """解除绑定 by staff: the number must bind again (e.g. after a change of phone)."""
    binding = (
        WorkerBinding.objects.select_for_update().select_related("person__org").get(pk=binding.pk)
    )
    audit.record(
        actor,
        "portal.binding_reset",
        binding.person,
        object_type="members.person",
        changes={"bound_at": binding.bound_at},
    )
    binding.delete()
