"""Member search: exact ID number through the blind index, name prefix, pinyin initials, full pinyin.

pg_trgm similarity is poor on 2–3 character Chinese names (ARCHITECTURE.md), so search uses
prefix filters on columns computed on write. A common surname or one letter of pinyin finds a
tenth of the province, so each filter is a range of an index that also gives the list's order:
a page is read by one index scan that stops after the page, never by sorting every match.

- By name: name in code-point order, then id (``person_name_id_idx``).
- By pinyin: first the people whose initials start with the letters, by initials, full pinyin,
  id (``person_initials_idx``); then those found only by their full pinyin, by full pinyin, id
  (``person_pinyin_idx``, which also gives the list's default order). No one index range
  holds both, so ``search_parts`` gives them as two queries, which ``Concatenated`` reads as
  one list.
- A name is read with its family name as a surname (曾晓燕 zengxiaoyan, zxy); a name whose
  ordinary reading differs (cengxiaoyan, cxy) is found by that one too, after everyone found
  by their reading: two more parts, the same two ways, over the other-reading columns and
  their partial indexes (``person_initials_alt_idx``, ``person_pinyin_alt_idx``: only the few
  people who have another reading; docs/decisions/0009-surname-readings.md).

On PostgreSQL a B-tree in the database's collation cannot serve ``LIKE 'prefix%'`` unless that
collation is "C", so ``name`` and ``name_initials`` are indexed with ``COLLATE "C"`` (migration
0003) and ordered by it. SQLite's BINARY collation is code-point order already, but its LIKE
ignores ASCII case and uses no index: there a prefix is also given as a range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import connections, models
from django.db.models.functions import Collate

from smartunion.core.querysets import ScopedQuerySet

_ASCII_LETTERS = re.compile(r"^[a-z]+$")
_ID_LIKE = re.compile(r"^[0-9０-９]{15,17}[0-9xX０-９ｘＸ]?$")


def looks_like_id_number(q: str) -> bool:
    """Whether a search text is an ID number (searched exactly, and kept out of URLs)."""
    return bool(_ID_LIKE.match((q or "").strip().replace(" ", "")))


def after_prefix(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix``, in code-point order
    (None if there is none)."""
    chars = list(prefix)
    while chars:
        code = ord(chars.pop()) + 1
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters
            code = 0xE000
        if code <= 0x10FFFF:
            return "".join(chars) + chr(code)
    return None


def _after_letters(letters: str) -> str | None:
    """``after_prefix`` for lower-case letters, staying within a–z (None for "z", "zz"...).

    Every usual collation orders letters as code points do, but not necessarily "{" after them.
    """
    stem = letters.rstrip("z")
    return stem[:-1] + chr(ord(stem[-1]) + 1) if stem else None


class PersonQuerySet(ScopedQuerySet):
    def search(self, q: str) -> PersonQuerySet:
        """Everyone a search text finds, as one query (the list reads ``search_parts``)."""
        q = (q or "").strip()
        if not q:
            return self
        if looks_like_id_number(q):
            from smartunion.core.idnumber import normalize
            from smartunion.members.services import id_blind_index

            return self.filter(id_hash=id_blind_index(normalize(q)))
        letters = _letters(q)
        if letters:
            return self.filter(_by_reading(letters) | _by_other_reading(letters))
        return self._prefix("name", q).order_by(self._code_points("name"), "id")

    def search_parts(self, q: str) -> list[PersonQuerySet]:
        """The people ``search`` finds, in the order the member list shows them: disjoint
        queries to read one after another, each a range of one index in its own order."""
        letters = _letters(q)
        if not letters or looks_like_id_number(q):
            return [self.search(q)]
        by_initials = self._prefix("name_initials", letters).order_by(
            self._code_points("name_initials"), "name_pinyin", "id"
        )
        # The other reading: only the people who have one (the partial indexes' condition),
        # and only those their reading does not find already.
        others = self.exclude(name_initials_alt="").exclude(_by_reading(letters))
        by_other_initials = others._prefix("name_initials_alt", letters).order_by(
            self._code_points("name_initials_alt"), "name_pinyin_alt", "id"
        )
        # A full pinyin's first letter is its initials' first: one letter finds no one more.
        if len(letters) == 1:
            return [by_initials, by_other_initials]
        by_pinyin = self.filter(_pinyin_range("name_pinyin", letters)).exclude(
            name_initials__startswith=letters
        )
        by_other_pinyin = (
            others.exclude(name_pinyin_alt="")
            .filter(_pinyin_range("name_pinyin_alt", letters))
            .exclude(name_initials_alt__startswith=letters)
        )
        return [
            by_initials,
            by_pinyin.order_by("name_pinyin", "id"),
            by_other_initials,
            by_other_pinyin.order_by("name_pinyin_alt", "id"),
        ]

    def list_parts(self, q: str, status: str = "") -> list[PersonQuerySet]:
        """The member list (会员查询) as its page and its export show it: ``search_parts``,
        each narrowed to people with a membership of ``status``, with the status of each
        one's latest membership as ``membership_status``.

        Applications waiting for approval are listed the longest waiting first, with their
        ``applied_on`` (few at any time: read through membership_applied_idx).
        """
        from smartunion.members.models import Membership, MembershipStatus

        latest_status = (
            Membership.objects.filter(person=models.OuterRef("pk"))
            .order_by("-id")
            .values("status")[:1]
        )
        if status == MembershipStatus.APPLIED:
            pending = Membership.objects.filter(status=MembershipStatus.APPLIED)
            applied_on = pending.filter(person=models.OuterRef("pk")).values("applied_on")[:1]
            people = (
                self.search(q)
                .filter(pk__in=pending.values("person_id"))
                .select_related("org")
                .annotate(
                    applied_on=models.Subquery(applied_on),
                    membership_status=models.Value(MembershipStatus.APPLIED.value),
                )
                .order_by("applied_on", "id")
            )
            return [people]
        parts = []
        for people in self.search_parts(q):
            if status:
                people = people.filter(memberships__status=status)
            parts.append(
                people.select_related("org").annotate(
                    membership_status=models.Subquery(latest_status)
                )
            )
        return parts

    def _vendor(self) -> str:
        return connections[self.db].vendor

    def _code_points(self, field: str) -> models.Expression:
        return Collate(field, "C") if self._vendor() == "postgresql" else models.F(field)

    def _prefix(self, field: str, prefix: str) -> PersonQuerySet:
        queryset = self.filter(**{f"{field}__startswith": prefix})
        if self._vendor() == "postgresql":
            return queryset
        queryset = queryset.filter(**{f"{field}__gte": prefix})
        upper = after_prefix(prefix)
        return queryset if upper is None else queryset.filter(**{f"{field}__lt": upper})


def _pinyin_range(field: str, letters: str) -> models.Q:
    """Full pinyin starting with these letters, as a range: the pinyin index (in the database's
    collation, where no LIKE can use it) serves the filter and the order; a LIKE beside it would
    only make the planner expect too few rows."""
    upper = _after_letters(letters)
    q = models.Q(**{f"{field}__gte": letters})
    return q if upper is None else q & models.Q(**{f"{field}__lt": upper})


def _by_reading(letters: str) -> models.Q:
    """People whose name's reading (initials or full pinyin) starts with these letters."""
    return models.Q(name_initials__startswith=letters) | _pinyin_range("name_pinyin", letters)


def _by_other_reading(letters: str) -> models.Q:
    """People whose name's other reading starts with these letters. Each arm names the
    partial index's condition, so the index can serve it."""
    return (~models.Q(name_initials_alt="") & models.Q(name_initials_alt__startswith=letters)) | (
        ~models.Q(name_pinyin_alt="") & _pinyin_range("name_pinyin_alt", letters)
    )


def _letters(q: str) -> str:
    """The search text as pinyin (lower-case letters, spaces dropped), or "" if it is not."""
    letters = (q or "").strip().lower().replace(" ", "")
    return letters if _ASCII_LETTERS.match(letters) else ""


class Concatenated:
    """Querysets read one after another as one list, by slicing (what ``fetch_page`` does).

    A slice reads only the parts it overlaps; a part is counted only when a slice starts
    beyond its end (a page past the first part, read without the pages before it).
    """

    def __init__(self, parts: Sequence[models.QuerySet]):
        self.parts = list(parts)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("Concatenated supports [start:stop] only")
        start, stop = index.start or 0, index.stop
        rows: list = []
        for part in self.parts:
            got = list(part[start:stop])
            rows += got
            if len(got) == stop - start:
                break
            # The part ended inside the window (its length known) or before it (counted).
            length = start + len(got) if got or not start else part.count()
            start, stop = max(0, start - length), stop - length
        return rows


class TransferQuerySet(ScopedQuerySet):
    def pending(self) -> TransferQuerySet:
        """Transfers waiting for the receiving union (转会办理), by the date sent: the longest
        waiting first."""
        from smartunion.members.models import TransferStatus

        return (
            self.filter(status=TransferStatus.PENDING)
            # The lists name each union with its parent (orgs.templatetags.orgs.org_ref).
            .select_related("person", "from_org__parent", "to_org__parent")
            .defer("from_org__parent__chair_phone", "to_org__parent__chair_phone")
            .order_by("sent_on", "id")
        )

    def to_decide(self, user) -> TransferQuerySet:
        """The user's side decides (待本方处理): transfers sent into the user's subtree (转出)
        and requests for members of it (申请转入)."""
        return self._by_side(user, send="to_org", request="from_org")

    def to_decide_counts(self, user) -> dict[str, int]:
        """How many of each kind ``to_decide`` holds: one count per kind, each joining only
        the deciding side's union (partial indexes transfer_pending_*_idx). ``to_decide``'s OR
        joins both sides and makes PostgreSQL read every union of the province for it."""
        out = {}
        for kind, side in (("send", "to_org"), ("request", "from_org")):
            rows = self.filter(kind=kind)
            if not user.is_superuser:
                rows = rows.filter(**{f"{side}__path__startswith": user.scope_path})
            out[kind] = rows.count()
        return out

    def started_by(self, user) -> TransferQuerySet:
        """The user's side started them (本方发出): transfers out of the user's subtree (转出) and
        requests for members of other unions (申请转入)."""
        return self._by_side(user, send="from_org", request="to_org")

    def _by_side(self, user, *, send: str, request: str) -> TransferQuerySet:
        if user.is_superuser:
            return self
        path = user.scope_path
        return self.filter(
            models.Q(kind="send", **{f"{send}__path__startswith": path})
            | models.Q(kind="request", **{f"{request}__path__startswith": path})
        )
