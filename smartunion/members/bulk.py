"""Bulk registration of members at database speed (imports, the province-scale seed).

The per-row services (``members.services``) cost a dozen queries and one audit entry per
member; at 2.3 million rows that is hours. This module takes records that are *already
validated* (an import's validation step, or a generator that only makes valid data) and writes
them in batches:

- each person row is prepared in Python: ID number and phone encrypted with ``core.crypto``,
  blind indexes (``services.id_blind_index`` / ``phone_blind_index``), masks, pinyin through
  ``core.pinyin.name_readings`` (~4 µs a name), gender and birth date from the parsed ID number;
- ids are reserved up front (a PostgreSQL sequence, or the SQLite write lock) so persons,
  memberships and events reference each other without a round trip per row;
- on PostgreSQL a batch is first *prepared* (``prepare_batch``: ids, and every row as COPY
  text) and then *written* (``write_prepared``: checked again under the bulk lock, then
  ``COPY … FROM STDIN``). The two halves need not run in the same process: an import prepares
  in a second process while its writer waits on the server (``core.processes``). On SQLite
  the rows are made and written in one step, one ``executemany`` per table; either way one
  transaction (savepoint) per batch;
- member counters (of each union and, 含下级, of every union above it: ``orgs.counters``)
  move with one statement per batch, and one audit entry describes the whole batch — never
  one per row.

The database still guards every invariant: the unique blind index (one person per ID number),
the conditional unique constraint (one current membership per person) and the unique current
会员证号. Records whose ID number is already registered are skipped and reported, so running
the same input twice creates nothing new.

Measured cost (the 2-core machine, mostly idle; SM4 + HMAC-SM3; indexes in place; 50,000
members into one union; ``DEBUG=1``): preparing a person row (two encryptions, two blind
indexes, masks, cached pinyin) ≈ 19 µs; ``bulk_register`` end to end ≈ 82 µs per member on
SQLite and ≈ 122 µs on PostgreSQL (most of the rest is the server maintaining the person
table's indexes), against ≈ 4.5 ms and ≈ 11.5 ms per member through
``services.register_member`` — 55× and 95× faster.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from smartunion.accounts.models import clerk_label
from smartunion.core import audit, crypto
from smartunion.core.idnumber import IdNumber, mask_phone
from smartunion.core.pinyin import NameReadings, name_readings
from smartunion.members import summaries as member_summaries
from smartunion.members.models import (
    CURRENT_STATUSES,
    READING_COLUMNS,
    ApplicationChannel,
    ChangeReason,
    ChangeType,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    counted_from,
)
from smartunion.members.services import (
    PERSON_FIELDS,
    id_blind_index,
    issue_card_no,
    phone_blind_index,
)
from smartunion.orgs import counters
from smartunion.orgs.models import SEGMENT, Organization

DEFAULT_BATCH = 5000
# Any constant works: it names the PostgreSQL advisory lock that serializes bulk writers, so
# two imports of overlapping files never both pass the "already registered?" check.
_BULK_LOCK = 7_262_621
# SQLite accepts up to 32,766 parameters per statement; stay far below it.
_IN_CHUNK = 2000


# --------------------------------------------------------------------------------------------
# Tables: rows as tuples in the model's column order, written with COPY or executemany


class Table:
    """A model's concrete columns, and how to write tuples of them fast.

    ``row(values)`` builds a tuple from a dict keyed by field attname; fields left out take the
    model field's default, so a column added to the model later still gets a value.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.db_table = model._meta.db_table
        self._pick = operator.itemgetter(*self.names)
        self._text = [(i, _copy_converter(f)) for i, f in enumerate(self.fields) if not _is_text(f)]

    def row(self, values: Mapping[str, Any]) -> tuple:
        merged = self.defaults.copy()
        merged.update(values)
        return self._pick(merged)

    def line(self, values: Mapping[str, Any]) -> str:
        """One row in PostgreSQL's COPY text format (for rows made away from the database)."""
        parts = list(self.row(values))
        nulls = 0
        for i, convert in self._text:
            value = parts[i]
            if value is None:
                parts[i] = "\\N"
                nulls += 1
            else:
                parts[i] = convert(value)
        try:
            text = "\t".join(parts)
        except TypeError:  # None in a text column
            return self._escaped_line(values)
        # Fast path: text needs escaping only if it holds a tab, newline or backslash of its
        # own (each NULL marker brings one backslash).
        if (
            text.count("\\") != nulls
            or text.count("\t") != len(parts) - 1
            or "\n" in text
            or "\r" in text
        ):
            return self._escaped_line(values)
        return text + "\n"

    def _escaped_line(self, values: Mapping[str, Any]) -> str:
        converters = dict(self._text)
        parts = []
        for i, value in enumerate(self.row(values)):
            if value is None:
                parts.append("\\N")
            elif i in converters:
                parts.append(converters[i](value))
            else:
                parts.append(
                    str(value)
                    .replace("\\", "\\\\")
                    .replace("\t", "\\t")
                    .replace("\n", "\\n")
                    .replace("\r", "\\r")
                )
        return "\t".join(parts) + "\n"

    def write_text(self, text: str) -> None:
        """Load rows made by ``line()`` (PostgreSQL only)."""
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {qn(self.db_table)} ({cols}) FROM STDIN") as copy:
                copy.write(text)

    def reserve_block(self, n: int) -> int:
        """Reserve ``n`` consecutive primary keys; returns the first.

        For loading a table nobody else writes to (the seed holds it locked): on PostgreSQL
        the sequence jumps ahead by ``n``; ``settle_sequence()`` gives back the unused tail.
        """
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [self.db_table, self.db_table, max(n, 1)],
                )
                return cursor.fetchone()[0] - max(n, 1) + 1
        return self.allocate_ids(1)[0] if n else 0

    def settle_sequence(self) -> None:
        """Point the id sequence at the largest id in the table (PostgreSQL)."""
        if connection.vendor != "postgresql":
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) "
                f"FROM {qn(self.db_table)} HAVING MAX(id) IS NOT NULL",
                [self.db_table],
            )

    def allocate_ids(self, n: int) -> list[int]:
        """Reserve ``n`` primary keys. On SQLite call inside the writing transaction."""
        if n <= 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The sequence resolved once, and one array value back instead of n rows.
                cursor.execute(
                    "SELECT array_agg(nextval(s.seq)) FROM generate_series(1, %s), "
                    "(SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) AS s",
                    [n, self.db_table],
                )
                return cursor.fetchone()[0]
            # SQLite: the IMMEDIATE transaction holds the database's write lock, so nobody
            # else can take these ids before we commit. AUTOINCREMENT never reuses an id, so
            # look at sqlite_sequence as well as the current maximum.
            qn = connection.ops.quote_name
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(self.db_table)}")
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.db_table])
            seq = cursor.fetchone()
            start = max(top, seq[0] if seq else 0) + 1
            return list(range(start, start + n))

    def write(self, rows: Iterable[tuple]) -> int:
        """Insert the rows (ids included); returns how many were written."""
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {qn(self.db_table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            adapters = self._sqlite_adapters()
            params = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {qn(self.db_table)} ({cols}) VALUES ({params})"
            # Most dates and times repeat (the batch's timestamp): adapt each distinct one once.
            seen: dict[Any, Any] = {}
            prepared = []
            for row in rows:
                values = list(row)
                for i, adapt in adapters:
                    value = values[i]
                    if value is not None:
                        key = (i, value)
                        hit = seen.get(key)
                        if hit is None:
                            hit = seen[key] = adapt(value)
                        values[i] = hit
                prepared.append(values)
            if prepared:
                cursor.executemany(sql, prepared)
            return len(prepared)

    def _sqlite_adapters(self) -> list[tuple[int, Callable[[Any], Any]]]:
        # Python's sqlite3 default date adapters are deprecated; Django's own formats are what
        # the ORM reads back.
        ops = connection.ops
        by_type = {
            "DateTimeField": ops.adapt_datetimefield_value,
            "DateField": ops.adapt_datefield_value,
            "BooleanField": int,
        }
        return [
            (i, by_type[f.get_internal_type()])
            for i, f in enumerate(self.fields)
            if f.get_internal_type() in by_type
        ]


def _is_text(f: models.Field) -> bool:
    return isinstance(f, (models.CharField, models.TextField)) and not isinstance(
        f, models.JSONField
    )


def _copy_converter(f: models.Field) -> Callable[[Any], str]:
    if isinstance(f, models.BooleanField):
        return lambda v: "t" if v else "f"
    if isinstance(f, (models.DateField, models.DateTimeField)):
        # Dates repeat a lot (one timestamp per batch, a few thousand birth days).
        cache: dict[Any, str] = {}

        def convert(v):
            text = cache.get(v)
            if text is None:
                text = cache[v] = v.isoformat()
            return text

        return convert
    return str


# --------------------------------------------------------------------------------------------
# Person rows


def person_pii(
    name: str,
    ident: IdNumber,
    phone: str,
    pinyin: Callable[[str], NameReadings],
    id_hash: str | None = None,
) -> dict[str, Any]:
    """The Person columns derived from the name, ID number and phone: encrypted, indexed, masked.

    ``pinyin``: ``core.pinyin.name_readings``, or a cache of it. ``id_hash``: the number's
    blind index, when the caller has it already.
    """
    return {
        **dict(zip(READING_COLUMNS, pinyin(name), strict=True)),
        "id_number": crypto.encrypt(ident.number),
        "id_hash": id_hash or id_blind_index(ident.number),
        "id_masked": ident.masked,
        "phone": crypto.encrypt(phone) if phone else "",
        "phone_hash": phone_blind_index(phone) if phone else "",
        "phone_masked": mask_phone(phone) if phone else "",
    }


def person_values(
    *,
    pk: int,
    name: str,
    ident: IdNumber,
    phone: str,
    org_id: int,
    now: dt.datetime,
    pinyin: Callable[[str], NameReadings],
    extra: Mapping[str, Any] | None = None,
    id_hash: str | None = None,
) -> dict[str, Any]:
    """The column values of one Person, with personal information encrypted and indexed.

    ``id_hash``: the number's blind index, when the caller has it already.
    """
    values = {
        "id": pk,
        "name": name,
        "id_type": "01",
        "gender": ident.gender,
        "birth_date": ident.birth_date,
        "org_id": org_id,
        "created_at": now,
        "updated_at": now,
    }
    values.update(person_pii(name, ident, phone, pinyin, id_hash))
    if extra:
        for key in PERSON_FIELDS:
            if key in extra:
                values[key] = extra[key]
    return values


def card_no_for(membership_id: int) -> str:
    """The 会员证号 ``services.issue_card_no`` gives the membership with this id."""
    return issue_card_no(SimpleNamespace(pk=membership_id))


def pg_array(values: Sequence[int | str]) -> str:
    """A PostgreSQL array literal of integers or blind indexes, passed as ONE text parameter.

    Django's psycopg cursors bind parameters on the client, quoting each element of a list
    (a regular expression per string): 1.2 s for 300,000 blind indexes. Integers and hex
    strings need no quoting, so the literal is joined here — after checking that they are.
    """
    parts = [str(v) for v in values]
    if not all(p.isascii() and p.isalnum() for p in parts):
        raise ValueError("pg_array() takes positive integers and hex strings only")
    return "{" + ",".join(parts) + "}"


def _org_path_bounds(org_ids: list[int]) -> list[str]:
    """The smallest and largest path of these unions: their common path is the audit scope."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(path), MAX(path) FROM {Organization._meta.db_table} "
                "WHERE id = ANY(%s::bigint[])",
                [pg_array(org_ids)],
            )
            return [p for p in cursor.fetchone() if p is not None]
    return list(Organization.objects.filter(pk__in=org_ids).values_list("path", flat=True))


def common_path(paths: Iterable[str]) -> str:
    """The deepest organization path that contains every given path (segment aligned)."""
    paths = list(paths)
    if not paths:
        return ""
    # The common prefix of all strings is the common prefix of the smallest and the largest
    # (os.path.commonprefix compares just those two): thousands of paths per batch, in C.
    prefix = os.path.commonprefix([min(paths), max(paths)])
    return prefix[: len(prefix) - len(prefix) % SEGMENT]


# --------------------------------------------------------------------------------------------
# bulk_register: the import path


@dataclass(frozen=True)
class MemberRecord:
    """One validated row: a new person with a current (在籍) membership of ``org_id``.

    ``ident`` is the parsed ID number (``core.idnumber.parse_id_number``), ``phone`` the
    normalized number (``validate_phone``) or ``""``; ``extra`` holds Person fields named in
    ``services.PERSON_FIELDS``. ``row`` is the source row number, echoed in the report.
    ``id_hash`` (the blind index of the number) may be given when the caller computed it.
    """

    name: str
    ident: IdNumber
    org_id: int
    phone: str = ""
    joined_on: dt.date | None = None
    card_no: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None
    id_hash: str = ""


@dataclass(frozen=True)
class Skipped:
    row: int | None
    field: str
    message: str


@dataclass
class BatchResult:
    created: list[tuple[int | None, int]]  # (source row, person id)
    skipped: list[Skipped]


@dataclass
class BulkResult:
    created: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    batches: int = 0


ALREADY_REGISTERED = "该身份证号码已登记，未重复创建（如此人换了工会，请办理转会）。"
DUPLICATE_IN_INPUT = "与前面的行身份证号码重复，未重复创建。"
CARD_TAKEN = "会员证号已被他人使用。"


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def registered_persons(hashes: list[str]) -> Iterator[tuple[int, str, str]]:
    """(id, id_hash, name) of the people already registered under these blind indexes."""
    if not hashes:
        return
    if connection.vendor == "postgresql":
        # One array parameter: an IN list of thousands of placeholders costs more to build
        # and parse than the indexed lookups themselves. One index probe per hash, always:
        # given `id_hash = ANY(5,000 constants)` the planner chose a parallel scan of the whole
        # table while it held up to some hundred thousand people (111 ms a batch at 200,000,
        # and two more processes on the CPU); `LIMIT 1` (the blind index is unique) keeps the
        # per-hash subquery from being flattened into a hash join: 37 ms.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, p.id_hash, p.name FROM unnest(%s::text[]) AS h(id_hash) "
                "CROSS JOIN LATERAL (SELECT id, id_hash, name FROM "
                f"{Person._meta.db_table} WHERE id_hash = h.id_hash LIMIT 1) AS p",
                [pg_array(hashes)],
            )
            yield from cursor.fetchall()
        return
    for start in range(0, len(hashes), _IN_CHUNK):
        yield from Person.objects.filter(id_hash__in=hashes[start : start + _IN_CHUNK]).values_list(
            "id", "id_hash", "name"
        )


def current_cards(cards: list[str]) -> set[str]:
    """Those of these 会员证号 that a current membership holds."""
    taken: set[str] = set()
    for start in range(0, len(cards), _IN_CHUNK):
        taken.update(
            Membership.objects.filter(
                card_no__in=cards[start : start + _IN_CHUNK], status__in=CURRENT_STATUSES
            ).values_list("card_no", flat=True)
        )
    return taken


def _unregistered(
    rows: Sequence[int | None], hashes: Sequence[str], cards: Sequence[str]
) -> tuple[list[int], list[Skipped]]:
    """Positions of the members nobody has registered, and the others skipped: those whose
    number is registered already, or whose 会员证号 a current membership holds."""
    registered = {id_hash for _pk, id_hash, _name in registered_persons(list(hashes))}
    taken = current_cards([c for c in cards if c])
    keep: list[int] = []
    skipped: list[Skipped] = []
    for i, (id_hash, card) in enumerate(zip(hashes, cards, strict=True)):
        if id_hash in registered:
            skipped.append(Skipped(rows[i], "id_number", ALREADY_REGISTERED))
        elif card and card in taken:
            skipped.append(Skipped(rows[i], "card_no", CARD_TAKEN))
        else:
            keep.append(i)
    return keep, skipped


def _in_input_duplicates(
    records: Sequence[MemberRecord], hashes: Sequence[str]
) -> tuple[list[int], list[Skipped]]:
    """Positions of the records to write, and the skipped: a number or card seen before."""
    keep: list[int] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    seen_cards: set[str] = set()
    for i, (record, id_hash) in enumerate(zip(records, hashes, strict=True)):
        if id_hash in seen:
            skipped.append(Skipped(record.row, "id_number", DUPLICATE_IN_INPUT))
        elif record.card_no and record.card_no in seen_cards:
            skipped.append(Skipped(record.row, "card_no", CARD_TAKEN))
        else:
            seen.add(id_hash)
            if record.card_no:
                seen_cards.add(record.card_no)
            keep.append(i)
    return keep, skipped


def _member_values(
    record: MemberRecord,
    id_hash: str,
    ids: tuple[int, int, int],
    *,
    now: dt.datetime,
    today: dt.date,
    actor_id: int | None,
    actor_name: str,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The person, membership and event column values of one new member."""
    pid, mid, eid = ids
    joined_on = record.joined_on or today
    person = person_values(
        pk=pid,
        name=record.name,
        ident=record.ident,
        phone=record.phone,
        org_id=record.org_id,
        now=now,
        pinyin=name_readings,
        extra=record.extra,
        id_hash=id_hash,
    )
    membership = {
        "id": mid,
        "person_id": pid,
        "org_id": record.org_id,
        "status": MembershipStatus.ACTIVE.value,
        "channel": ApplicationChannel.PAPER_RECORD.value,
        "applied_on": joined_on,
        "joined_on": joined_on,
        "card_no": record.card_no or card_no_for(mid),
        "created_at": now,
        "updated_at": now,
        **counted_from(person),
    }
    event = {
        "id": eid,
        "person_id": pid,
        "membership_id": mid,
        "org_id": record.org_id,
        "change_type": ChangeType.JOIN.value,
        "reason": ChangeReason.APPLICATION.value,
        "occurred_on": joined_on,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "created_at": now,
    }
    return person, membership, event


_MEMBER_TABLES = ("person", "membership", "event")


def _new_members(
    records: Sequence[MemberRecord],
    hashes: Sequence[str],
    positions: Sequence[int],
    actor,
    tables: Mapping[str, Table],
) -> Iterator[tuple[tuple[int, int, int], tuple[dict, dict, dict]]]:
    """The records at ``positions`` as new members: their three ids (reserved here, one
    block per table) and the person, membership and event column values."""
    ids = zip(*(tables[t].allocate_ids(len(positions)) for t in _MEMBER_TABLES), strict=True)
    now, today = timezone.now(), timezone.localdate()
    actor_id, actor_name = _actor_fields(actor)
    for i, member_ids in zip(positions, ids, strict=True):
        yield (
            member_ids,
            _member_values(
                records[i],
                hashes[i],
                member_ids,
                now=now,
                today=today,
                actor_id=actor_id,
                actor_name=actor_name,
            ),
        )


def _actor_fields(actor) -> tuple[int | None, str]:
    actor_id = getattr(actor, "pk", None)
    return actor_id, clerk_label(actor)


@dataclass
class PreparedBatch:
    """New members made ready to write (PostgreSQL): ids reserved, rows as COPY text.

    ``prepare_batch`` does the costly part — encryption, blind indexes, pinyin, formatting —
    and needs the database only for ids (sequences, which any connection may take), so an
    import does it in a second process while its writer waits on the server
    (``core.processes``). ``write_prepared`` then checks again, under the bulk lock, who has
    been registered since, and writes the rest. Plain lists: it crosses a pipe, pickled.
    """

    size: int  # records given, in-input duplicates included
    rows: list[int | None]  # source rows of the members to write
    hashes: list[str]
    cards: list[str]  # the 会员证号 given on each row ("" when one is issued)
    org_ids: list[int]
    person_ids: list[int]
    persons: list[str]
    memberships: list[str]
    events: list[str]
    skipped: list[Skipped]


def prepare_batch(
    records: Sequence[MemberRecord], *, actor, tables: Mapping[str, Table] | None = None
) -> PreparedBatch:
    """Prepare validated records for ``write_prepared`` (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("prepare_batch() writes COPY text: PostgreSQL only")
    tables = tables or _tables()
    hashes = [r.id_hash or id_blind_index(r.ident.number) for r in records]
    keep, skipped = _in_input_duplicates(records, hashes)
    line_p, line_m, line_e = (tables[t].line for t in _MEMBER_TABLES)
    person_ids, persons, memberships, events = [], [], [], []
    for ids, (person, membership, event) in _new_members(records, hashes, keep, actor, tables):
        person_ids.append(ids[0])
        persons.append(line_p(person))
        memberships.append(line_m(membership))
        events.append(line_e(event))
    return PreparedBatch(
        size=len(records),
        rows=[records[i].row for i in keep],
        hashes=[hashes[i] for i in keep],
        cards=[records[i].card_no for i in keep],
        org_ids=[records[i].org_id for i in keep],
        person_ids=person_ids,
        persons=persons,
        memberships=memberships,
        events=events,
        skipped=skipped,
    )


def _write_prepared(
    p: PreparedBatch, *, actor, action: str, audit_changes: Mapping[str, Any], tables
) -> BatchResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BULK_LOCK])
    keep, skipped = _unregistered(p.rows, p.hashes, p.cards)
    skipped = sorted(p.skipped + skipped, key=lambda s: s.row or 0)
    if not keep:
        return BatchResult([], skipped)
    for name, lines in (("person", p.persons), ("membership", p.memberships), ("event", p.events)):
        tables[name].write_text("".join([lines[i] for i in keep]))
    person_ids = [p.person_ids[i] for i in keep]
    _after_write(
        actor, action, audit_changes, person_ids, Counter(p.org_ids[i] for i in keep), len(skipped)
    )
    return BatchResult([(p.rows[i], p.person_ids[i]) for i in keep], skipped)


def _after_write(
    actor, action: str, audit_changes, person_ids: list[int], counts: Counter, skipped: int
) -> None:
    """The batch's member counters and its one audit entry."""
    counters.add_members(counts)
    member_summaries.batch_added(person_ids)
    paths = _org_path_bounds(list(counts))
    audit.record(
        actor,
        action,
        object_type="members.person",
        object_id=f"{person_ids[0]}-{person_ids[-1]}" if len(person_ids) > 1 else person_ids[0],
        org_path=common_path(paths),
        changes={
            **audit_changes,
            "created": len(person_ids),
            "skipped": skipped,
            "orgs": len(counts),
        },
    )


def _register_batch(
    records: Sequence[MemberRecord],
    *,
    actor,
    action: str,
    audit_changes: Mapping[str, Any],
    tables: dict[str, Table],
) -> BatchResult:
    if connection.vendor == "postgresql":
        return _write_prepared(
            prepare_batch(records, actor=actor, tables=tables),
            actor=actor,
            action=action,
            audit_changes=audit_changes,
            tables=tables,
        )
    # SQLite: ids come from the table under the database's write lock, taken by this
    # transaction, so rows are made here; one writer at a time needs no bulk lock.
    hashes = [r.id_hash or id_blind_index(r.ident.number) for r in records]
    fresh, skipped = _unregistered([r.row for r in records], hashes, [r.card_no for r in records])
    keep, dupes = _in_input_duplicates([records[i] for i in fresh], [hashes[i] for i in fresh])
    skipped = sorted(skipped + dupes, key=lambda s: s.row or 0)
    todo = [fresh[k] for k in keep]
    if not todo:
        return BatchResult([], skipped)
    rows: dict[str, list[tuple]] = {t: [] for t in _MEMBER_TABLES}
    person_ids = []
    for ids, values in _new_members(records, hashes, todo, actor, tables):
        for name, row in zip(_MEMBER_TABLES, values, strict=True):
            rows[name].append(tables[name].row(row))
        person_ids.append(ids[0])
    for name, table_rows in rows.items():
        tables[name].write(table_rows)
    _after_write(
        actor,
        action,
        audit_changes,
        person_ids,
        Counter(records[i].org_id for i in todo),
        len(skipped),
    )
    return BatchResult(
        [(records[i].row, pid) for i, pid in zip(todo, person_ids, strict=True)], skipped
    )


def _tables() -> dict[str, Table]:
    return {
        "person": Table(Person),
        "membership": Table(Membership),
        "event": Table(MembershipEvent),
    }


def _retrying(write: Callable[[], BatchResult]) -> BatchResult:
    """One batch in its own transaction (savepoint), checked and written again on a conflict."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            # Someone registered one of these people between our check and our insert
            # (a single registration does not take the bulk lock): check again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def write_prepared(
    prepared: PreparedBatch,
    *,
    actor,
    action: str = "member.bulk_register",
    audit_changes: Mapping[str, Any] | None = None,
) -> BatchResult:
    """Write a batch made by ``prepare_batch``; all-or-nothing, like each batch of
    ``bulk_register``, which it otherwise equals."""
    tables = _tables()
    return _retrying(
        lambda: _write_prepared(
            prepared,
            actor=actor,
            action=action,
            audit_changes=dict(audit_changes or {}),
            tables=tables,
        )
    )


def bulk_register(
    records: Iterable[MemberRecord],
    *,
    actor,
    action: str = "member.bulk_register",
    audit_changes: Mapping[str, Any] | None = None,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> BulkResult:
    """Register validated members in batches; each batch is all-or-nothing.

    Call inside ``transaction.atomic()`` to make the whole input all-or-nothing; otherwise
    each batch commits on its own (with its audit entry), and a re-run skips what is there.
    Scope is the caller's business: every ``org_id`` must already be checked against the
    actor's subtree. ``on_batch`` sees each batch's created and skipped rows (for progress and
    the report).
    """
    result = BulkResult()
    tables = _tables()
    changes = dict(audit_changes or {})
    for batch in _batches(records, batch_size):
        outcome = _retrying(
            lambda batch=batch: _register_batch(
                batch, actor=actor, action=action, audit_changes=changes, tables=tables
            )
        )
        result.created += len(outcome.created)
        result.skipped.extend(outcome.skipped)
        result.batches += 1
        if on_batch is not None:
            on_batch(outcome)
    return result


# --------------------------------------------------------------------------------------------
# Loading empty tables: build indexes once at the end, the way pg_restore does


@contextmanager
def indexes_built_after(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """Load empty tables without their secondary indexes; build them once at the end.

    Inside the caller's transaction, drops the secondary indexes of the given tables — on
    PostgreSQL also their unique and foreign-key constraints (primary keys stay) — lets the body
    load them, then creates everything again from the definitions the database reported.
    Building a B-tree once over sorted data is several times faster than updating eight of them
    row by row, and the rebuilt unique indexes and foreign keys check every loaded row: a
    duplicate ID number or a second current membership still fails, and the transaction rolls
    back to the empty tables. (SQLite keeps a column's inline UNIQUE and the foreign keys, which
    it checks on insert.) Tables that already hold rows are loaded with their indexes in place.
    """
    if any(m.objects.exists() for m in tables):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_built_after() needs a transaction")
    if connection.vendor == "sqlite":
        yield from _sqlite_indexes_built_after(tables)
        return
    if connection.vendor != "postgresql":
        yield
        return
    qn = connection.ops.quote_name
    rebuild: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Dropping a foreign key touches the table it points to, which must have no deferred
        # checks waiting (rows written earlier in this transaction): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [table],
            )
            for name, _kind, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                rebuild.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {qn(name)}")
                # Indexes before constraints: foreign keys are checked last, with every
                # index in place.
                rebuild.insert(0, definition)
    yield
    with connection.cursor() as cursor:
        for statement in rebuild:
            cursor.execute(statement)
        for model in tables:
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")


def _sqlite_indexes_built_after(tables: Sequence[type[models.Model]]) -> Iterator[None]:
    rebuild: list[str] = []
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                rebuild.append(definition)
        # A bigger page cache for this connection while loading (the default is 2 MB).
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
        with connection.cursor() as cursor:
            for statement in rebuild:
                cursor.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


# --------------------------------------------------------------------------------------------
# Reading every name again (data migrations)

REFRESH_BATCH = 10_000


def refresh_name_readings(
    person_model: type[models.Model] | None = None,
    *,
    using: str = "default",
    batch_size: int = REFRESH_BATCH,
    readings: Callable[[str], Sequence[str]] = name_readings,
) -> int:
    """Recompute the reading columns of every person whose name now reads differently.

    For a data migration (``person_model`` is then the historical model) after a change of
    how names are read. People are read in batches by id, each batch written in its own
    transaction, so memory and each transaction stay bounded at millions of people; a batch
    writes only the rows that change, and running it again finds nothing left to change.
    Returns how many people changed.
    """
    model = person_model or Person
    manager = model._base_manager.db_manager(using)
    changed = 0
    after = 0
    while True:
        rows = list(
            manager.filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "name", *READING_COLUMNS)[:batch_size]
        )
        if not rows:
            return changed
        after = rows[-1][0]
        stale = []
        for pk, name, *stored in rows:
            fresh = list(readings(name))
            if fresh != stored:
                stale.append(model(pk=pk, **dict(zip(READING_COLUMNS, fresh, strict=True))))
        if stale:
            with transaction.atomic(using=using):
                manager.bulk_update(stale, READING_COLUMNS, batch_size=1000)
            changed += len(stale)
