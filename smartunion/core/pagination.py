"""One way to page through any list of the API: ``limit`` and ``after`` in, ``items`` and ``next`` out.

Every list operation declares its query parameters on a schema derived from ``PageIn`` (the
only place ``limit`` and ``after`` are declared and bounded), answers ``page_schema(Item)``
and builds the answer with ``keyset_page``::

    class MemberFilters(PageIn):
        q: str = ""

    @router.get("", response=page_schema(MemberItem))
    def list_members(request, filters: Query[MemberFilters]):
        return keyset_page(Person.objects.visible_to(request.user), filters, order=("id",))

A page is read by a keyset, never by an offset: the rows after the last one of the previous
page in the list's order, whose key ``next`` carries. Its cost is the same on the first page
and on the ten-thousandth, no row is counted, and a row inserted or removed between two calls
never makes another row appear twice or go missing. ``next`` is null on the last page.

``next`` is opaque to clients: the key of the last row (its id, or its ``applied_on`` and id…)
as base64url JSON. A value that does not decode to the key's fields is refused (422) like any
other bad parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Schema
from pydantic import create_model

from smartunion.core.api import QuerySchema

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
BAD_CURSOR = "游标不正确：请使用上一页返回的 next，第一页不填。"


class PageIn(QuerySchema):
    """The paging parameters of every list operation (filters are declared beside them); a
    query schema like any other (no control characters: core.middleware)."""

    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"每页条数，默认 {DEFAULT_LIMIT}，最多 {MAX_LIMIT}",
    )
    after: str = Field("", max_length=200, description="上一页返回的 next；第一页不填（或为空）")


@cache
def page_schema(item: type[Schema], *, counted: bool = False) -> type[Schema]:
    """The answer of a list operation: ``{"items": [...], "next": …}`` (and ``count``)."""
    fields: dict[str, Any] = {
        "items": (list[item], ...),
        "next": (
            str | None,
            Field(..., description="下一页的 after 参数；没有下一页时为 null"),
        ),
    }
    if counted:
        fields = {"count": (int, Field(..., description="符合条件的总条数")), **fields}
    name = f"{item.__name__}{'Counted' if counted else ''}Page"
    return create_model(name, __base__=Schema, **fields)


def keyset_page(
    queryset: QuerySet, page: PageIn, *, order: Sequence[str] = ("id",)
) -> dict[str, Any]:
    """One page of ``queryset`` in ``order`` (model fields, ``-`` for descending, the last
    one unique, none of them null in the rows listed), after the row whose key
    ``page.after`` gives.

    One row more than the page is read to know whether there is a next page.
    """
    keys = [_Key(queryset.model, name) for name in order]
    if not keys[-1].unique:
        raise ValueError(f"the last key of a keyset ({order[-1]}) must be unique")
    queryset = queryset.order_by(*order)
    if page.after:
        queryset = queryset.filter(_after_q(keys, decode_cursor(keys, page.after)))
    rows = list(queryset[: page.limit + 1])
    items = rows[: page.limit]
    more = len(rows) > page.limit
    return {"items": items, "next": encode_cursor(keys, items[-1]) if more else None}


def sequence_page(items: Sequence[Any], page: PageIn, *, key: str) -> dict[str, Any]:
    """One page of a fixed, ordered list kept in code (a code registry such as the statistics'
    indicators), after the item whose ``key`` attribute (unique) ``page.after`` gives: the same
    answer and cursor shape as ``keyset_page``."""
    start = 0
    if page.after:
        wanted = decode_cursor([_SequenceKey(key)], page.after)[0]
        positions = [i for i, item in enumerate(items) if getattr(item, key) == wanted]
        if not positions:
            raise ValidationError({"after": BAD_CURSOR})
        start = positions[0] + 1
    chunk = list(items[start : start + page.limit + 1])
    shown = chunk[: page.limit]
    more = len(chunk) > page.limit
    return {"items": shown, "next": _encode([getattr(shown[-1], key)]) if more else None}


class _SequenceKey:
    """The key of ``sequence_page``: a text attribute, as ``_Key.parse`` reads a cursor."""

    def __init__(self, name: str):
        self.name = self.attname = name

    def parse(self, raw: Any) -> str:
        if not isinstance(raw, str) or not raw:
            raise ValidationError({"after": BAD_CURSOR})
        return raw


class _Key:
    """One field of a keyset: its name, direction and model field."""

    def __init__(self, model, spec: str):
        self.descending = spec.startswith("-")
        self.name = spec.lstrip("-")
        try:
            self.field = model._meta.pk if self.name == "pk" else model._meta.get_field(self.name)
        except FieldDoesNotExist:
            raise ValueError(f"{model.__name__} has no field {self.name!r} to page by") from None
        self.attname = self.field.attname
        self.unique = self.field.unique or self.field.primary_key

    def value(self, row) -> Any:
        return getattr(row, self.attname)

    def parse(self, raw: Any) -> Any:
        if not isinstance(raw, str | int):
            raise ValidationError({"after": BAD_CURSOR})
        try:
            value = self.field.to_python(raw)
        except (ValidationError, TypeError, ValueError):
            raise ValidationError({"after": BAD_CURSOR}) from None
        if value is None or value == "":
            raise ValidationError({"after": BAD_CURSOR})
        return value


def encode_cursor(keys: Sequence[_Key], row) -> str:
    return _encode([key.value(row) for key in keys])


def _encode(values: Sequence[Any]) -> str:
    text = json.dumps([v if isinstance(v, int) else str(v) for v in values], ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(keys: Sequence[_Key], cursor: str) -> list[Any]:
    cursor = cursor.strip()
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        raw = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError({"after": BAD_CURSOR}) from None
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise ValidationError({"after": BAD_CURSOR})
    return [key.parse(value) for key, value in zip(keys, raw, strict=True)]


def _after_q(keys: Sequence[_Key], values: Sequence[Any]) -> Q:
    """Rows after the key ``values`` in the keyset's order:
    (k1 > v1) or (k1 = v1 and k2 > v2) or … (``<`` for a descending key)."""
    q = Q()
    for i, key in enumerate(keys):
        step = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": values[i]})
        for earlier, value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{earlier.name: value})
        q |= step
    return q
