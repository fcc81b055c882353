"""Writes of the honours register: proposing a candidate (from a contest's award rules or a
selection), entering an honour held, naming a candidate, revoking, recording a death.

Every write checks the actor's role and scope, runs in one transaction and writes an audit
row; each refusal is a Chinese message naming the field, with nothing saved.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from smartunion.core import audit
from smartunion.core.errors import NotInScope
from smartunion.honours.codes import DEFAULT_LEVEL, State, kind_from
from smartunion.honours.models import Honour
from smartunion.members.models import Person

READ_ONLY = "您的账号只有查看权限，不能修改。"
FIRST_YEAR, LAST_YEAR = 1950, 2100


def _check_actor(actor) -> None:
    if actor is not None and not actor.can("change"):
        raise PermissionDenied(READ_ONLY)


def _check_year(year, problems: dict) -> None:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        problems["year"] = f"年度应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。"


def propose_candidate(
    *, actor, person, kind: str, year: int, source: str, source_url: str = ""
) -> Honour:
    """A 候选 honour of ``kind`` for ``person`` in ``year``, proposed by ``source``.

    ``kind`` is a code of ``codes.Kind`` or its label (``"省五一劳动奖章"``); ``source`` names
    what proposed it (``"contest:12"``, ``"selection:3"``). Idempotent: proposing the same
    person, kind, year and source again returns the honour already there (whatever its state
    has become since). ``actor`` None is the system (seeds); a staff actor must see the person
    (else 404) and be allowed to change.
    """
    _check_actor(actor)
    if actor is not None and not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise NotInScope("人员")
    problems: dict[str, str] = {}
    code = kind_from(kind)
    if code is None:
        problems["kind"] = f"荣誉类型“{kind}”不在代码表中。"
    _check_year(year, problems)
    source = (source or "").strip()
    if not source:
        problems["source"] = "请填写候选荣誉的来源。"
    elif len(source) > 64:
        problems["source"] = "来源不能超过64个字符。"
    if len(source_url or "") > 300:
        problems["source_url"] = "来源链接不能超过300个字符。"
    if problems:
        raise ValidationError(problems)
    keys = dict(person=person, kind=code, year=year, source=source)
    existing = Honour.objects.filter(**keys).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                **keys,
                org_id=person.org_id,
                holder_name=person.name,
                level=DEFAULT_LEVEL[code],
                state=State.CANDIDATE,
                source_url=source_url or "",
            )
            audit.record(
                actor,
                "honours.propose",
                honour,
                changes={"kind": code, "year": year, "source": source, "state": State.CANDIDATE},
            )
    except IntegrityError:
        # Another proposal of the same person, kind, year and source committed first.
        existing = Honour.objects.filter(**keys).first()
        if existing is None:
            raise
        return existing
    return honour
