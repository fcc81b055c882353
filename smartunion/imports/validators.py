"""Checking import rows: every problem becomes an Issue naming the row, the column and why.

The rules are the registry's own (``core.idnumber``, ``members.services.join_age_error``,
``orgs.services.clean_uscc`` …); this module only applies them to many rows at a time and
looks the database up per batch, never per row: people by blind index, unions by id or USCC,
会员证号 among current memberships. Messages never repeat an ID number or a phone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from smartunion.core.bounds import EMPLOYEES, ID_MAX
from smartunion.core.idnumber import parse_id_number, validate_phone
from smartunion.imports import schema as s
from smartunion.imports.readers import HEADER_SEARCH_ROWS, MAX_COLUMNS, ImportRefused
from smartunion.members.bulk import PreparedBatch, current_cards, pg_array, registered_persons
from smartunion.members.models import CURRENT_STATUSES, Membership, MembershipStatus
from smartunion.members.services import id_blind_index, join_age_error, join_ages
from smartunion.orgs.models import Kind, Organization, Status, attach_path_names
from smartunion.orgs.names import normalize_name
from smartunion.orgs.services import _clean as clean_org_values
from smartunion.orgs.services import clean_uscc, sibling_name_taken
from smartunion.regions.models import known_region_codes

ERROR = "error"
WARNING = "warning"

# Issue codes, for filtering the report.
INVALID = "invalid"
DUPLICATE = "duplicate"
TRANSFER = "transfer"
SCOPE = "scope"
EXISTS = "exists"

_IN_CHUNK = 2000
_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$")
_DATE_SEP = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ORG_REF = re.compile(r"^\s*(\d{1,12})(?:\s+.*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

ID_DAMAGED = (
    "身份证号码被Excel存成了数字（如6.2E+17），后几位已经丢失。请把该列设为“文本”格式，"
    "重新填写完整号码后再上传。"
)


@dataclass(slots=True)
class Issue:
    """One problem of one row (or, with row 0, of the file)."""

    row_no: int
    column: str
    message: str
    level: str = ERROR
    code: str = INVALID
    label: str = ""  # who the row is about, masked: "张三 620102********1234"
    person_id: int | None = None
    org_id: int | None = None  # transfers: the union the person is in now
    target_org_id: int | None = None  # transfers: the union the row names


# Layout: where the header is and which column holds what ----------------------------------------


@dataclass
class Layout:
    schema: s.Schema
    header_row: int
    headers: list[str]
    index: dict[str, int]
    ignored: list[str]

    @property
    def width(self) -> int:
        return len(self.headers)


def find_layout(
    rows: Iterator[tuple[int, list]], schema: s.Schema
) -> tuple[Layout, Iterator[tuple[int, list]]]:
    """Find the header row among the first rows (title rows above it are allowed)."""
    other = [x for x in s.SCHEMAS.values() if x is not schema]
    seen = 0
    best_missing: list[str] | None = None
    for row_no, row in rows:
        cells = [cell_text(v) for v in row[:MAX_COLUMNS]]
        if not any(cells):
            continue
        seen += 1
        index: dict[str, int] = {}
        ignored: list[str] = []
        for i, header in enumerate(cells):
            column = schema.match(header) if header else None
            if column is None:
                if header:
                    ignored.append(header)
            elif column.key not in index:
                index[column.key] = i
        missing = [c.header for c in schema.required if c.key not in index]
        if not missing:
            while cells and not cells[-1]:
                cells.pop()
            return Layout(schema, row_no, cells, index, ignored), rows
        if len(index) >= 2 and (best_missing is None or len(missing) < len(best_missing)):
            best_missing = missing
        for alt in other:
            if all(any(alt.match(h) is c for h in cells if h) for c in alt.required):
                raise ImportRefused(alt.other_kind_hint)
        if seen >= HEADER_SEARCH_ROWS:
            break
    if seen == 0:
        raise ImportRefused("文件中没有任何数据。")
    if best_missing:
        raise ImportRefused(
            "表头缺少必填列：" + "、".join(best_missing) + "。请使用系统提供的导入模板。"
        )
    raise ImportRefused(
        "没有找到表头（列名）。第一行应为“"
        + "、".join(c.header for c in schema.required)
        + "”等列名，请使用系统提供的导入模板。"
    )


# Cells ------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: integral floats lose their '.0', dates become YYYY-MM-DD."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value.strip()
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is int:
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def id_cell(value: Any) -> str:
    """The ID number cell as text; raises on the damage Excel does to long numbers."""
    if type(value) is float:
        if value >= 1e15 or not value.is_integer():
            raise ValidationError(ID_DAMAGED)
        return str(int(value))
    if type(value) is int:
        return str(value)
    text = cell_text(value)
    if _SCIENTIFIC.match(text):
        raise ValidationError(ID_DAMAGED)
    return text


def parse_date(value: Any, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value) in (float, int) and not isinstance(value, bool):
        number = float(value)
        if 20000101 <= number <= 29991231 and number.is_integer():
            value = str(int(number))
        elif 1 <= number < 2958466:
            # An Excel serial day number (the cell lost its date format).
            return _EXCEL_EPOCH + dt.timedelta(days=int(number))
        else:
            raise ValidationError(f"{label}格式不正确，应为如2020-05-01的日期。")
    text = cell_text(value)
    if not text:
        return None
    text = text.replace("\u3000", " ")
    match = _DATE_SEP.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValidationError(f"{label}“{text[:20]}”不是真实的日期。") from None
    raise ValidationError(f"{label}格式不正确，应为如2020-05-01的日期。")


def parse_bool(value: Any, label: str) -> bool:
    text = s.normalize_label(cell_text(value))
    if not text:
        return False
    if text in s.YES_WORDS:
        return True
    if text in s.NO_WORDS:
        return False
    raise ValidationError(f"{label}应填“是”或“否”。")


def parse_code(value: Any, column: s.Column, choices: s.ChoiceMap | None = None) -> str:
    text = cell_text(value)
    if not text:
        return ""
    code = (choices or column.choice_map).parse(text)
    if code is None:
        raise ValidationError(f"{column.header}“{text[:20]}”不在代码表中，请从下拉列表中选择。")
    return code


def parse_org_ref(value: Any, label: str) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    match = _ORG_REF.match(text)
    if not match:
        raise ValidationError(f"{label}应为系统中的工会编号（数字），可从下拉列表选择。")
    return int(match[1])


def parse_int(value: Any, label: str, *, high: int = 10_000_000) -> int:
    text = cell_text(value)
    if not text:
        return 0
    try:
        number = int(text.replace(",", ""))
    except ValueError:
        raise ValidationError(f"{label}应为整数。") from None
    if not 0 <= number <= high:
        raise ValidationError(f"{label}应在0至{high}之间。")
    return number


def text_value(value: Any, column: s.Column) -> str:
    text = cell_text(value)
    if column.max_length and len(text) > column.max_length:
        raise ValidationError(f"{column.header}不能超过{column.max_length}个字。")
    return text


def uscc_value(value: Any, *, union: bool) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return clean_uscc(text, field_name="v", union=union)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["v"][0]) from None


def has_error(issues: list[Issue]) -> bool:
    if not issues:
        return False
    return any(i.level == ERROR for i in issues)


# Unions named on rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgInfo:
    id: int
    name: str
    path: str
    status: str
    uscc: str

    @property
    def is_active(self) -> bool:
        return self.status == Status.NORMAL


class OrgResolver:
    """Unions by id or USCC inside the import's subtree, looked up once per batch of names."""

    def __init__(self, actor, root: Organization):
        self.root = root
        self.base = Organization.objects.visible_to(actor, "change").filter(
            path__startswith=root.path
        )
        self.by_id: dict[int, OrgInfo | None] = {}
        self.by_uscc: dict[str, OrgInfo | None] = {}
        self.loaded = False
        self.lookups = 0
        self.root_info = OrgInfo(root.pk, root.name, root.path, root.status, root.uscc)

    def _load(self, **lookup) -> list[OrgInfo]:
        return [
            OrgInfo(*row)
            for row in self.base.filter(**lookup).values_list(
                "id", "name", "path", "status", "uscc"
            )
        ]

    def prefetch(self, ids: Iterable[int], usccs: Iterable[str]) -> None:
        """Make ``by_id`` / ``by_uscc`` answer for these names.

        A big subtree (a city, the province) is loaded whole, once: one query for ~49,000
        unions beats a query per batch of rows. A small one is looked up per batch.
        """
        if self.loaded:
            return
        ids = [i for i in set(ids) if i not in self.by_id]
        usccs = [u for u in set(usccs) if u not in self.by_uscc]
        if not ids and not usccs:
            return
        if len(ids) + len(usccs) > _IN_CHUNK // 4 or self.lookups >= 3:
            self._load_all()
            return
        self.lookups += 1
        if ids:
            for info in self._load(pk__in=ids):
                self.by_id[info.id] = info
            for pk in ids:
                self.by_id.setdefault(pk, None)
        if usccs:
            for info in self._load(uscc__in=usccs):
                self.by_uscc[info.uscc] = info
                self.by_id.setdefault(info.id, info)
            for uscc in usccs:
                self.by_uscc.setdefault(uscc, None)

    def _load_all(self) -> None:
        for info in self._load():
            self.by_id[info.id] = info
            if info.uscc:
                self.by_uscc[info.uscc] = info
        self.loaded = True

    def get_id(self, pk: int) -> OrgInfo | None:
        return self.by_id.get(pk)

    def get_uscc(self, uscc: str) -> OrgInfo | None:
        return self.by_uscc.get(uscc)


def _open_memberships(person_ids: list[int]) -> Iterator[tuple[int, int, str]]:
    """(person id, union id, status) of these people's current memberships and applications."""
    if not person_ids:
        return
    statuses = [*CURRENT_STATUSES, MembershipStatus.APPLIED]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT person_id, org_id, status FROM {Membership._meta.db_table} "
                "WHERE person_id = ANY(%s::bigint[]) AND status = ANY(%s)",
                [pg_array(person_ids), [str(v) for v in statuses]],
            )
            yield from cursor.fetchall()
        return
    for start in range(0, len(person_ids), _IN_CHUNK):
        yield from Membership.objects.filter(
            person_id__in=person_ids[start : start + _IN_CHUNK], status__in=statuses
        ).values_list("person_id", "org_id", "status")


def _not_in_scope(what: str) -> str:
    return f"{what}不存在或不在您的管理范围内（只能导入到本工会及下级工会）。"


# Members ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class MemberRow:
    """A row that passed every check, and what committing it means."""

    row_no: int
    name: str
    ident: Any  # core.idnumber.IdNumber
    id_hash: str
    phone: str
    org_id: int
    joined_on: dt.date | None
    card_no: str
    extra: dict[str, Any]
    action: str = "create"  # create | rejoin
    person_id: int | None = None


@dataclass
class ParsedBatch:
    """What ``MemberValidator.parse`` found in a batch, before the database checks."""

    outcome: BatchOutcome
    pending: list[tuple[MemberRow, int | None, str, str, str]]


@dataclass
class BatchOutcome:
    rows: list[MemberRow] = field(default_factory=list)  # to write
    issues: list[Issue] = field(default_factory=list)
    read: int = 0
    errors: int = 0  # rows with at least one error
    warnings: int = 0  # valid rows with a warning
    duplicates: int = 0
    existing: int = 0  # already current members of the named union: nothing to do
    transfers: int = 0  # current members elsewhere: offered as transfers
    examples: int = 0
    # The new members among ``rows``, made ready to write (``members.bulk.prepare_batch``), with
    # a label per member for the report; those rows are then no longer in ``rows``.
    prepared: PreparedBatch | None = None
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def to_write(self) -> int:
        return len(self.rows) + (self.prepared.size if self.prepared else 0)


_MEMBER_CODE_FIELDS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "employment_status",
    "skill_level",
    "new_form_type",
)
_MEMBER_BOOL_FIELDS = ("is_migrant_worker", "is_model_worker")
_MEMBER_TEXT_FIELDS = ("occupation", "professional_title")


class MemberValidator:
    """Checks member rows batch by batch; remembers ID numbers and card numbers across batches.

    ``validate(batch)`` is ``check(parse(batch))``: ``parse`` looks only at the rows (cells,
    duplicates in the file, the blind index of each number) and ``check`` asks the database
    (unions and scope, people already registered, card numbers). A resumed commit only
    ``parse``s the rows committed before, to remember their numbers.
    """

    schema = s.MEMBERS

    def __init__(
        self,
        layout: Layout,
        *,
        actor,
        root: Organization,
        today: dt.date | None = None,
    ):
        self.layout = layout
        self.actor = actor
        self.orgs = OrgResolver(actor, root)
        self.today = today or timezone.localdate()
        self.regions = known_region_codes() or None
        self.seen_ids: dict[int, int] = {}  # first 17 digits → first row
        self.seen_cards: dict[str, int] = {}
        idx = layout.index
        col = self.schema.column
        self._get = {key: idx.get(key) for key in (c.key for c in self.schema.columns)}
        self._codes = [
            (key, idx[key], col(key), col(key).choice_map)
            for key in _MEMBER_CODE_FIELDS
            if key in idx
        ]
        self._bools = [(key, idx[key], col(key)) for key in _MEMBER_BOOL_FIELDS if key in idx]
        self._texts = [(key, idx[key], col(key)) for key in _MEMBER_TEXT_FIELDS if key in idx]
        self._join_ages = join_ages()

    def validate(self, batch: list[tuple[int, list]]) -> BatchOutcome:
        return self.check(self.parse(batch))

    def check(self, parsed: ParsedBatch) -> BatchOutcome:
        """The database half: unions and scope, people already registered, card numbers."""
        if parsed.pending:
            self._check_against_database(parsed.pending, parsed.outcome)
        return parsed.outcome

    def parse(self, batch: list[tuple[int, list]]) -> ParsedBatch:
        """The row half: every cell checked, duplicates in the file; no database access."""
        out = BatchOutcome()
        pending: list[tuple[MemberRow, int | None, str, str, str]] = []
        g = self._get
        # Every row is padded to one cell past the header; a column the file lacks reads that
        # last cell, always empty (no bounds checks or closures per cell: ~2.3 M rows).
        width = self.layout.width
        pad = [None] * (width + 1)
        i_seq, i_name, i_id, i_phone = g["seq"], g["name"], g["id_number"], g["phone"]
        i_uscc, i_ref, i_oname = g["org_uscc"], g["org_ref"], g["org_name"]
        i_joined, i_card = g["joined_on"], g["card_no"]
        i_name = width if i_name is None else i_name
        i_id = width if i_id is None else i_id
        i_phone = width if i_phone is None else i_phone
        codes = [(key, width if i is None else i, c, m) for key, i, c, m in self._codes]
        bools = [(key, width if i is None else i, c) for key, i, c in self._bools]
        texts = [(key, width if i is None else i, c) for key, i, c in self._texts]
        ages = self._join_ages
        today = self.today
        regions = self.regions
        seen_ids, seen_cards = self.seen_ids, self.seen_cards
        for row_no, row in batch:
            row = [*row, *pad[len(row) :]]
            cell = row.__getitem__
            if i_seq is not None and cell_text(cell(i_seq)) == s.EXAMPLE_MARK:
                out.examples += 1
                continue
            out.read += 1
            issues: list[Issue] = []
            name = cell_text(cell(i_name))
            if not name:
                issues.append(Issue(row_no, "姓名", "请填写姓名。"))
            elif len(name) > 64:
                issues.append(Issue(row_no, "姓名", "姓名不能超过64个字。"))
            ident = None
            try:
                raw_id = id_cell(cell(i_id))
                ident = parse_id_number(raw_id, today=today, known_regions=regions)
            except ValidationError as exc:
                issues.append(Issue(row_no, "身份证号码", exc.messages[0]))
            label = f"{name[:20]} {ident.masked}" if ident else name[:20]
            joined_on = None
            if i_joined is not None:
                try:
                    joined_on = parse_date(cell(i_joined), "入会日期")
                    if joined_on and joined_on > today:
                        raise ValidationError("入会日期不能晚于今天。")
                except ValidationError as exc:
                    issues.append(Issue(row_no, "入会日期", exc.messages[0]))
                    joined_on = None
            if ident is not None:
                if message := join_age_error(ident, joined_on or today, ages):
                    issues.append(Issue(row_no, "身份证号码", message))
                for warning in ident.warnings:
                    issues.append(Issue(row_no, "身份证号码", warning, WARNING))
            phone = ""
            raw_phone = cell_text(cell(i_phone))
            if raw_phone:
                try:
                    phone = validate_phone(raw_phone)
                except ValidationError as exc:
                    issues.append(Issue(row_no, "手机号码", exc.messages[0]))
            extra: dict[str, Any] = {}
            for key, i, column, choices in codes:
                try:
                    value = parse_code(cell(i), column, choices)
                except ValidationError as exc:
                    issues.append(Issue(row_no, column.header, exc.messages[0]))
                    continue
                if value:
                    extra[key] = value
            for key, i, column in bools:
                try:
                    extra[key] = parse_bool(cell(i), column.header)
                except ValidationError as exc:
                    issues.append(Issue(row_no, column.header, exc.messages[0]))
            for key, i, column in texts:
                try:
                    value = text_value(cell(i), column)
                except ValidationError as exc:
                    issues.append(Issue(row_no, column.header, exc.messages[0]))
                    continue
                if value:
                    extra[key] = value
            card_no = ""
            if i_card is not None:
                card_no = cell_text(cell(i_card))
                if len(card_no) > 20:
                    issues.append(Issue(row_no, "会员证号", "会员证号不能超过20个字符。"))
                    card_no = ""
            org_uscc = ""
            if i_uscc is not None:
                try:
                    org_uscc = uscc_value(cell(i_uscc), union=True)
                except ValidationError as exc:
                    issues.append(Issue(row_no, "所在工会统一社会信用代码", exc.messages[0]))
            org_ref = None
            if i_ref is not None:
                try:
                    org_ref = parse_org_ref(cell(i_ref), "所在工会编号")
                except ValidationError as exc:
                    issues.append(Issue(row_no, "所在工会编号", exc.messages[0]))
            org_name = cell_text(cell(i_oname)) if i_oname is not None else ""
            if ident is not None:
                key = int(ident.number[:17])
                first = seen_ids.get(key)
                if first is not None:
                    issues.append(
                        Issue(
                            row_no,
                            "身份证号码",
                            f"与第{first}行的身份证号码重复（同一人只能登记一次）。",
                            code=DUPLICATE,
                        )
                    )
                    out.duplicates += 1
                else:
                    seen_ids[key] = row_no
            if card_no:
                first = seen_cards.get(card_no)
                if first is not None:
                    issues.append(
                        Issue(row_no, "会员证号", f"与第{first}行的会员证号重复。", code=DUPLICATE)
                    )
                else:
                    seen_cards[card_no] = row_no
            for issue in issues:
                issue.label = label
            if has_error(issues):
                out.errors += 1
                out.issues.extend(issues)
                continue
            id_hash = id_blind_index(ident.number)
            record = MemberRow(
                row_no=row_no,
                name=name,
                ident=ident,
                id_hash=id_hash,
                phone=phone,
                org_id=0,
                joined_on=joined_on,
                card_no=card_no,
                extra=extra,
            )
            pending.append((record, org_ref, org_uscc, org_name, label))
            out.issues.extend(issues)
        return ParsedBatch(out, pending)

    def _check_against_database(self, pending, out: BatchOutcome) -> None:
        resolver = self.orgs
        resolver.prefetch(
            (ref for _r, ref, _u, _n, _l in pending if ref is not None),
            (uscc for _r, _ref, uscc, _n, _l in pending if uscc),
        )
        placed: list[tuple[MemberRow, str, list[Issue]]] = []
        for record, ref, uscc, org_name, label in pending:
            row_no = record.row_no
            issues: list[Issue] = []
            info = None
            if uscc:
                info = resolver.by_uscc.get(uscc)
                if info is None:
                    issues.append(
                        Issue(
                            row_no,
                            "所在工会统一社会信用代码",
                            _not_in_scope("该代码对应的工会"),
                            code=SCOPE,
                        )
                    )
            if ref is not None and not issues:
                by_ref = resolver.by_id.get(ref)
                if by_ref is None:
                    issues.append(
                        Issue(
                            row_no, "所在工会编号", _not_in_scope(f"编号为{ref}的工会"), code=SCOPE
                        )
                    )
                elif info is not None and by_ref.id != info.id:
                    issues.append(
                        Issue(
                            row_no,
                            "所在工会编号",
                            "所在工会编号与所在工会统一社会信用代码指向不同的工会，请核对。",
                        )
                    )
                else:
                    info = by_ref
            if info is None and not issues:
                info = resolver.root_info
            if info is not None and not issues and not info.is_active:
                issues.append(
                    Issue(
                        row_no,
                        "所在工会编号" if ref is not None else "所在工会统一社会信用代码",
                        f"“{info.name}”已撤销或合并，不能接收会员。",
                    )
                )
            if info is not None and not issues and org_name and org_name != info.name:
                issues.append(
                    Issue(
                        row_no,
                        "所在工会名称",
                        f"所在工会名称与编号/代码对应的工会“{info.name}”不一致，已按编号/代码导入。",
                        WARNING,
                    )
                )
            for issue in issues:
                issue.label = label
            if has_error(issues):
                out.errors += 1
                out.issues.extend(issues)
                continue
            record.org_id = info.id
            placed.append((record, label, issues))
        if not placed:
            return
        hashes = [r.id_hash for r, _l, _i in placed]
        persons: dict[str, tuple[int, str]] = {}
        for pk, id_hash, name in registered_persons(hashes):
            persons[id_hash] = (pk, name)
        memberships: dict[int, tuple[int, str]] = {}
        person_ids = [pk for pk, _n in persons.values()]
        for person_id, org_id, status in _open_memberships(person_ids):
            if status == MembershipStatus.APPLIED and person_id in memberships:
                continue
            memberships[person_id] = (org_id, status)
        taken = current_cards([r.card_no for r, _l, _i in placed if r.card_no])
        other_orgs = {
            org_id for org_id, status in memberships.values() if status != MembershipStatus.APPLIED
        }
        resolver.prefetch(other_orgs, ())
        for record, label, issues in placed:
            row_no = record.row_no
            found = persons.get(record.id_hash)
            if found is not None:
                person_id, known_name = found
                current = memberships.get(person_id)
                if known_name != record.name:
                    issues.append(
                        Issue(
                            row_no,
                            "姓名",
                            "该身份证号码已登记为另一姓名的人员，请核对姓名和号码。",
                            label=label,
                        )
                    )
                elif current is None:
                    record.action = "rejoin"
                    record.person_id = person_id
                elif current[1] == MembershipStatus.APPLIED:
                    issues.append(
                        Issue(
                            row_no,
                            "身份证号码",
                            "此人已有一份待审批的入会申请，请先在系统中审批或退回。",
                            label=label,
                        )
                    )
                elif current[0] == record.org_id:
                    out.existing += 1
                    continue
                else:
                    where = resolver.by_id.get(current[0])
                    where_name = (
                        f"“{where.name}”" if where is not None else "其他工会（不在您的管理范围内）"
                    )
                    out.transfers += 1
                    out.issues.append(
                        Issue(
                            row_no,
                            "身份证号码",
                            f"此人已是{where_name}的会员，未重复登记；如已换工作，请办理转会。",
                            WARNING,
                            TRANSFER,
                            label=label,
                            person_id=person_id,
                            org_id=current[0],
                            target_org_id=record.org_id,
                        )
                    )
                    continue
            if record.card_no and record.card_no in taken and not has_error(issues):
                issues.append(Issue(row_no, "会员证号", "会员证号已被其他会员使用。", label=label))
            out.issues.extend(issues)
            if has_error(issues):
                out.errors += 1
                continue
            if issues:
                out.warnings += 1
            out.rows.append(record)


# Organizations ----------------------------------------------------------------------------------


@dataclass(slots=True)
class OrgRow:
    row_no: int
    values: dict[str, Any]
    chair_phone: str
    parent_id: int | None  # an existing union
    parent_row: int | None  # or a row of this file
    uscc: str
    action: str = "create"
    org_id: int | None = None  # once created (or found existing)
    depth: int = 0


@dataclass
class OrgOutcome:
    rows: list[OrgRow] = field(default_factory=list)  # to create, parents before children
    issues: list[Issue] = field(default_factory=list)
    read: int = 0
    errors: int = 0
    warnings: int = 0
    duplicates: int = 0
    existing: int = 0
    transfers: int = 0
    examples: int = 0

    @property
    def to_write(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")


class OrgValidator:
    """Checks a whole union file at once (tens of thousands of rows at most)."""

    schema = s.ORGS

    def __init__(self, layout: Layout, *, actor, root: Organization, today: dt.date | None = None):
        self.layout = layout
        self.actor = actor
        self.root = root
        self.orgs = OrgResolver(actor, root)
        self.today = today or timezone.localdate()

    def validate(self, rows: Iterable[tuple[int, list]]) -> OrgOutcome:
        out = OrgOutcome()
        idx = self.layout.index
        col = self.schema.column
        regions = known_region_codes()
        parsed: list[tuple[OrgRow, str, int | None, list[Issue], str]] = []
        by_uscc_row: dict[str, int] = {}
        for row_no, row in rows:
            n = len(row)

            def cell(key, row=row, n=n):
                i = idx.get(key)
                return row[i] if i is not None and i < n else None

            if "seq" in idx and cell_text(cell("seq")) == s.EXAMPLE_MARK:
                out.examples += 1
                continue
            out.read += 1
            issues: list[Issue] = []

            def fail(column: str, message: str, code: str = INVALID, issues=issues, row_no=row_no):
                issues.append(Issue(row_no, column, message, code=code))

            values: dict[str, Any] = {}
            name = cell_text(cell("name"))
            if not name:
                fail("工会名称", "请填写工会名称。")
            elif len(name) > 128:
                fail("工会名称", "工会名称不能超过128个字。")
            values["name"] = name
            for key in ("kind", "industry", "unit_category"):
                column = col(key)
                try:
                    values[key] = parse_code(cell(key), column)
                except ValidationError as exc:
                    fail(column.header, exc.messages[0])
            if not values.get("kind") and "kind" in values:
                fail("组织类型", "请选择组织类型。")
            if values.get("kind") == Kind.PROVINCE:
                fail("组织类型", "不能通过导入建立省总工会。")
            region_text = cell_text(cell("region"))
            region = region_text[:6]
            if not region_text:
                fail("行政区划代码", "请填写行政区划代码。")
            elif not (region.isdigit() and len(region) == 6 and region in regions):
                fail(
                    "行政区划代码", f"行政区划代码“{region_text[:20]}”不存在，请从下拉列表中选择。"
                )
            values["region_id"] = region
            for key, union, header in (
                ("uscc", True, "工会统一社会信用代码"),
                ("employer_uscc", False, "单位统一社会信用代码"),
            ):
                try:
                    values[key] = uscc_value(cell(key), union=union)
                except ValidationError as exc:
                    fail(header, exc.messages[0])
                    values[key] = ""
            for key in ("employer_name", "address", "chair_name"):
                try:
                    values[key] = text_value(cell(key), col(key))
                except ValidationError as exc:
                    fail(col(key).header, exc.messages[0])
            for key in ("founded_on", "term_ends_on"):
                try:
                    values[key] = parse_date(cell(key), col(key).header)
                except ValidationError as exc:
                    fail(col(key).header, exc.messages[0])
                    values[key] = None
            try:
                values["employee_count"] = EMPLOYEES.clean(
                    parse_int(cell("employee_count"), "职工人数", high=ID_MAX)
                )
            except ValidationError as exc:
                fail("职工人数", exc.messages[0])
            try:
                values["women_committee"] = parse_bool(
                    cell("women_committee"), "已建立女职工委员会"
                )
            except ValidationError as exc:
                fail("已建立女职工委员会", exc.messages[0])
            chair_phone = ""
            raw_phone = cell_text(cell("chair_phone"))
            if raw_phone:
                try:
                    chair_phone = validate_phone(raw_phone)
                except ValidationError as exc:
                    fail("主席联系电话", exc.messages[0])
            try:
                clean_org_values(
                    {
                        k: values.get(k)
                        for k in ("founded_on", "term_ends_on")
                        if values.get(k) is not None
                    }
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    fail(col(key).header, messages[0])
            parent_uscc = ""
            try:
                parent_uscc = uscc_value(cell("parent_uscc"), union=True)
            except ValidationError as exc:
                fail("上级工会统一社会信用代码", exc.messages[0])
            parent_ref = None
            try:
                parent_ref = parse_org_ref(cell("parent_ref"), "上级工会编号")
            except ValidationError as exc:
                fail("上级工会编号", exc.messages[0])
            uscc = values.get("uscc", "")
            if uscc:
                first = by_uscc_row.get(uscc)
                if first is not None:
                    fail(
                        "工会统一社会信用代码",
                        f"与第{first}行的工会统一社会信用代码重复。",
                        DUPLICATE,
                    )
                    out.duplicates += 1
                else:
                    by_uscc_row[uscc] = row_no
            record = OrgRow(row_no, values, chair_phone, None, None, uscc)
            for issue in issues:
                issue.label = name[:40]
            parsed.append((record, parent_uscc, parent_ref, issues, name[:40]))
        self._resolve(parsed, by_uscc_row, out)
        return out

    def _resolve(self, parsed, by_uscc_row: dict[str, int], out: OrgOutcome) -> None:
        resolver = self.orgs
        resolver.prefetch(
            (ref for _r, _u, ref, _i, _l in parsed if ref is not None),
            [u for _r, u, _ref, _i, _l in parsed if u and u not in by_uscc_row]
            + [r.uscc for r, _u, _ref, _i, _l in parsed if r.uscc],
        )
        # Codes used anywhere, in scope or not: a USCC belongs to one union only.
        own_usccs = [r.uscc for r, _u, _ref, _i, _l in parsed if r.uscc]
        taken_anywhere: set[str] = set()
        for start in range(0, len(own_usccs), _IN_CHUNK):
            taken_anywhere.update(
                Organization.objects.filter(
                    uscc__in=own_usccs[start : start + _IN_CHUNK]
                ).values_list("uscc", flat=True)
            )
        rows_by_no: dict[int, tuple] = {}
        for item in parsed:
            record, parent_uscc, parent_ref, issues, label = item
            rows_by_no[record.row_no] = item
            if parent_uscc and parent_uscc in by_uscc_row and parent_ref is None:
                record.parent_row = by_uscc_row[parent_uscc]
                if record.parent_row == record.row_no:
                    issues.append(
                        Issue(
                            record.row_no,
                            "上级工会统一社会信用代码",
                            "上级工会不能是自己。",
                            label=label,
                        )
                    )
            elif parent_uscc:
                info = resolver.by_uscc.get(parent_uscc)
                if info is None:
                    issues.append(
                        Issue(
                            record.row_no,
                            "上级工会统一社会信用代码",
                            _not_in_scope("该代码对应的上级工会"),
                            code=SCOPE,
                            label=label,
                        )
                    )
                else:
                    record.parent_id = info.id
            if parent_ref is not None and record.parent_row is None:
                info = resolver.by_id.get(parent_ref)
                if info is None:
                    issues.append(
                        Issue(
                            record.row_no,
                            "上级工会编号",
                            _not_in_scope(f"编号为{parent_ref}的上级工会"),
                            code=SCOPE,
                            label=label,
                        )
                    )
                elif record.parent_id is not None and record.parent_id != info.id:
                    issues.append(
                        Issue(
                            record.row_no,
                            "上级工会编号",
                            "上级工会编号与上级工会统一社会信用代码指向不同的工会，请核对。",
                            label=label,
                        )
                    )
                else:
                    record.parent_id = info.id
            if (
                record.parent_id is None
                and record.parent_row is None
                and not parent_uscc
                and parent_ref is None
            ):
                record.parent_id = self.root.pk
                resolver.by_id.setdefault(self.root.pk, resolver.root_info)
            if record.parent_id is not None:
                parent = resolver.by_id.get(record.parent_id)
                if parent is not None and not parent.is_active:
                    issues.append(
                        Issue(
                            record.row_no,
                            "上级工会编号",
                            f"上级工会“{parent.name}”已撤销或合并。",
                            label=label,
                        )
                    )
            if record.uscc and record.uscc in taken_anywhere:
                info = resolver.by_uscc.get(record.uscc)
                if info is None:
                    issues.append(
                        Issue(
                            record.row_no,
                            "工会统一社会信用代码",
                            "该工会统一社会信用代码已被其他工会组织使用。",
                            label=label,
                        )
                    )
                else:
                    record.action = "exists"
                    record.org_id = info.id
        # Existing unions under the same parent with the same name (orgs/names.py): a row
        # without a USCC is that union again; a row with its own USCC is a second union of
        # that name, which the tree refuses.
        pairs = {
            (r.parent_id, normalize_name(r.values["name"]))
            for r, _u, _ref, _i, _l in parsed
            if r.action == "create" and r.parent_id is not None
        }
        existing_pairs: dict[tuple[int, str], int] = {}
        namesakes: dict[tuple[int, str], Organization] = {}
        parent_ids = sorted({p for p, _n in pairs})
        for start in range(0, len(parent_ids), _IN_CHUNK):
            for sibling in Organization.objects.filter(
                parent_id__in=parent_ids[start : start + _IN_CHUNK]
            ).only("id", "parent_id", "name", "name_key", "path", "status"):
                key = (sibling.parent_id, sibling.name_key)
                if key in pairs:
                    existing_pairs.setdefault(key, sibling.pk)
                    if sibling.status == Status.NORMAL:
                        namesakes[key] = sibling
        attach_path_names(namesakes.values())
        seen_pairs: dict[tuple, int] = {}
        for record, _u, _ref, issues, label in parsed:
            name_key = normalize_name(record.values["name"])
            key = (record.parent_id or f"row{record.parent_row}", name_key)
            if record.action == "create" and not record.uscc:
                pk = existing_pairs.get((record.parent_id, name_key))
                if pk is not None:
                    record.action = "exists"
                    record.org_id = pk
            if record.action == "create" and (record.parent_id, name_key) in namesakes:
                issues.append(
                    Issue(
                        record.row_no,
                        "工会名称",
                        sibling_name_taken(namesakes[(record.parent_id, name_key)]),
                        code=DUPLICATE,
                        label=label,
                    )
                )
                out.duplicates += 1
            elif record.action == "create" and record.values["name"]:
                first = seen_pairs.get(key)
                if first is not None:
                    issues.append(
                        Issue(
                            record.row_no,
                            "工会名称",
                            f"与第{first}行是同一上级工会下的同名工会。",
                            code=DUPLICATE,
                            label=label,
                        )
                    )
                    out.duplicates += 1
                else:
                    seen_pairs[key] = record.row_no
        # Children of rows with errors cannot be created; cycles never can.
        state: dict[int, str] = {}

        def bad(row_no: int, trail: tuple[int, ...] = ()) -> str:
            if row_no in state:
                return state[row_no]
            record, _u, _ref, issues, _l = rows_by_no[row_no]
            if has_error(issues):
                state[row_no] = "error"
            elif record.parent_row is None:
                state[row_no] = "ok"
            elif record.parent_row in trail:
                state[row_no] = "cycle"
            else:
                state[row_no] = bad(record.parent_row, (*trail, row_no))
            return state[row_no]

        ordered: list[OrgRow] = []
        for record, _u, _ref, issues, label in parsed:
            verdict = bad(record.row_no)
            if verdict != "ok" and not has_error(issues):
                message = (
                    "上级工会关系形成循环，请核对上级工会统一社会信用代码。"
                    if verdict == "cycle"
                    else f"上级工会（第{record.parent_row}行）有错误，本行无法导入。"
                )
                issues.append(
                    Issue(record.row_no, "上级工会统一社会信用代码", message, label=label)
                )
            out.issues.extend(issues)
            if has_error(issues):
                out.errors += 1
                continue
            if issues:
                out.warnings += 1
            if record.action == "exists":
                out.existing += 1
            ordered.append(record)
        # Depth within the file, so parents are created before their children.
        depth: dict[int, int] = {}

        def file_depth(record: OrgRow) -> int:
            if record.row_no in depth:
                return depth[record.row_no]
            parent = rows_by_no[record.parent_row][0] if record.parent_row else None
            depth[record.row_no] = 0 if parent is None else file_depth(parent) + 1
            return depth[record.row_no]

        for record in ordered:
            record.depth = file_depth(record)
        ordered.sort(key=lambda r: (r.depth, r.row_no))
        out.rows = ordered
