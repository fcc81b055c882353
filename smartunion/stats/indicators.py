"""指标: every figure of the platform, defined once and computed from the records at a date.

An indicator is a declaration (code, Chinese name, definition, unit) with the reads that compute
it: each ``Part`` is one grouped query over the records of a union's subtree, one indexed prefix
filter on the materialized path (decision 0001). The same declaration gives the overview of one
union (含下级 and 本级), the comparison of its sub-units (grouped by the path's next segment, in
the same one query) and the trend by month (one query, one conditional count per month).

Modules register their indicators here from their ``AppConfig.ready`` (``register``), as they
register their home page sections with ``core.home``; this module imports no domain app.
(Zulip's ``analytics`` CountStat; STYLE.md, "Figures have one definition".)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models import Value as SqlValue
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import Exact
from django.utils import timezone

from smartunion.core.plans import unprepared
from smartunion.stats import summaries

#: The path's width per level (orgs.models.SEGMENT, repeated here: core-like, no domain import).
SEGMENT = 8

STOCK = "stock"  # counted at a date (members on 31 December)
FLOW = "flow"  # counted over a period (joins this year, each month of a trend)

Value = int | float | None | dict[str, int]


@dataclass(frozen=True)
class FromSummary:
    """How a part reads the summaries (stats/summaries.py) where they are kept: the dimension,
    and the category each stored value counts in (None: not counted; "" for a plain figure).
    A flow sums the rows of its months; a stock all rows up to its month.

    ``dated`` (a records' date field) makes the summaries of this part kept by ``stats.kept``
    from the part's own declaration (``kept``): the part's numbers by union, month of that
    date and category, written by the services through casework and rebuilt by
    ``rebuild_stats``. ``scale`` stores a sum of money in fen (100)."""

    dim: str
    values: Callable[[str], str | None]
    flow: bool = False
    dated: str = ""
    scale: int = 1
    #: A stock kept from its declaration (``kept_stock``): the spans a record counts in.
    spans: tuple[Span, ...] = ()
    ahead: bool = False

    @property
    def is_kept(self) -> bool:
        """Kept by ``stats.kept`` from the part's declaration (a flow's ``dated``, a stock's
        spans), rather than by a module's own services (the members')."""
        return bool(self.dated or self.spans)


@dataclass(frozen=True)
class Span:
    """A stretch of time over which a record counts in a kept stock (``kept_stock``): from
    ``since`` (a date expression of the record, inclusive) until ``until`` (exclusive; NULL:
    still counting; not after ``since``: never counts), for the records ``where`` selects, in
    the category ``category`` (an expression; None: the part's own, which must then not
    depend on the date), measured by the part's measure."""

    since: Any
    until: Any = None
    where: Q | None = None
    category: Any = None

    @property
    def edges(self) -> tuple[str, ...]:
        """The record's fields ``since`` and ``until`` are made of: a record whose span begins
        or ends in a few days has one of them in those days, so the rest of a month is read
        through their indexes (derived, so that none can be forgotten)."""
        names: set[str] = set()
        for expression in (self.since, self.until):
            if expression is None:
                continue
            for node in (expression,) if isinstance(expression, F) else expression.flatten():
                if isinstance(node, F):
                    names.add(node.name)
        return tuple(sorted(names))


def _same(value: str) -> str:
    return value


def kept(dim: str, dated: str, *, scale: int = 1, ahead: bool = False) -> FromSummary:
    """A flow part's summaries kept from its declaration (``stats.kept``): its ``when(start,
    end)`` must select the records whose ``dated`` falls in [start, end] (and its own
    condition), its ``category`` must not depend on the date, ``dim`` is two characters (the
    member dimensions are one). ``ahead``: ``dated`` may lie after today (a plan's date)."""
    if len(dim) != 2:
        raise ValueError(f"kept dimension {dim!r}: two characters")
    return FromSummary(dim, _same, flow=True, dated=dated, scale=scale, ahead=ahead)


def kept_stock(dim: str, *spans: Span, scale: int = 1) -> FromSummary:
    """A stock part's summaries kept from its declaration (``stats.kept``): +n in the month
    a record's span begins, −n in the month it ends (decision 0033). The part's ``when(start,
    end)`` and ``category(end)`` must count at ``end`` exactly the records whose span holds
    ``end`` (the tests compare both at month ends, month starts and inside months)."""
    if len(dim) != 2:
        raise ValueError(f"kept dimension {dim!r}: two characters")
    if not spans:
        raise ValueError(f"kept stock {dim!r}: no span")
    return FromSummary(dim, _same, spans=spans, scale=scale)


def category_of(part: Part, span: Span | None = None):
    """The category a kept part's record counts in: a span's own, else the part's (neither may
    depend on the date); "" for a plain figure."""
    if span is not None and span.category is not None:
        return span.category
    return part.category(dt.date.max) if part.category is not None else SqlValue("")


def span_terms(i: str, part: Part, span: Span) -> tuple[dict[str, Any], Q]:
    """The aliases ``s{i}`` (the date ``span`` begins) and ``u{i}`` (the date it ends, or NULL)
    of a record, and the condition of the records it counts at some date (its ``where``; a
    beginning; an end after it): the terms of one span in a grouped read of several."""
    aliases = {
        f"s{i}": ExpressionWrapper(span.since, output_field=DateField()),
        f"u{i}": ExpressionWrapper(
            span.until if span.until is not None else Cast(SqlValue(None), DateField()),
            output_field=DateField(),
        ),
    }
    counts = Q(**{f"s{i}__isnull": False}) & (
        Q(**{f"u{i}__isnull": True}) | Q(**{f"u{i}__gt": F(f"s{i}")})
    )
    if span.where is not None:
        counts &= span.where
    return aliases, counts


def span_edges_near(part: Part, span: Span, after: dt.date, upto: dt.date) -> Q:
    """Records whose ``span`` may begin or end from the day after ``after`` to ``upto``: one
    of its edge fields in those days (a superset, by their indexes)."""
    model = part.queryset().model
    near = Q()
    for name in span.edges:
        if model._meta.get_field(name).get_internal_type() == "DateTimeField":
            first = timezone.make_aware(
                dt.datetime.combine(after + dt.timedelta(days=1), dt.time())
            )
            last = timezone.make_aware(dt.datetime.combine(upto + dt.timedelta(days=1), dt.time()))
            near |= Q(**{f"{name}__gte": first, f"{name}__lt": last})
        else:
            near |= Q(**{f"{name}__gt": after, f"{name}__lte": upto})
    return near


def count(where: Q | None = None):
    """The default measure of a part: how many records."""
    return Count("pk", filter=where)


@dataclass(frozen=True)
class Part:
    """One grouped read: the records of ``queryset()`` under a union's path that ``when(start,
    end)`` selects, measured by ``measure`` (an additive aggregate: a count or a sum), split by
    ``category(end)`` when the indicator is a breakdown."""

    queryset: Callable[[], QuerySet]
    path: str
    when: Callable[[dt.date, dt.date], Q]
    measure: Callable[[Q | None], Any] = count
    category: Callable[[dt.date], Any] | None = None
    #: The same numbers from the summaries, for the large subtrees that keep them.
    summary: FromSummary | None = None
    #: Records the summaries count but this part must not (members of the unions without a
    #: 职工人数, for 入会率), read on their own and taken off however the part is read: a
    #: small set of records where the part's own condition would read them all.
    less: Part | None = None
    #: ``within(first, last)``: a condition every record met that ``when`` counts at some end
    #: between ``first`` and ``last``, which the database can read first (the unions unrated
    #: at either end, for 入会率's trend): a read of many months filters by it instead of by all
    #: the months' conditions OR'ed together, which it cannot use to find the few records.
    within: Callable[[dt.date, dt.date], Q] | None = None
    #: ``narrowed(first)``: ``queryset()`` for a read whose every end is on or after ``first``,
    #: its joins kept to what can matter then (the members' 转入 after that day, not all).
    narrowed: Callable[[dt.date], QuerySet] | None = None

    def records(self, first: dt.date | None = None) -> QuerySet:
        """The records to read when every end of the read is on or after ``first``."""
        if first is None or self.narrowed is None:
            return self.queryset()
        return self.narrowed(first)


@dataclass(frozen=True)
class Indicator:
    """指标: one figure with its Chinese name, definition and unit, and how it is computed.

    ``parts`` give additive numbers (they add up over unions); ``finish`` turns the numbers of
    the parts into the figure (a rate); without it the figure is the first part's number, or,
    with ``categories``, its number per category. ``counters`` name the kept counters of
    ``Organization`` (one per part) that give the figure of a subtree today without a read,
    and ``own_counters`` the union's own numbers from the same row (decision 0012).
    """

    code: str
    name: str
    definition: str
    unit: str
    parts: tuple[Part, ...]
    group: str
    kind: str = STOCK
    categories: tuple[tuple[str, str], ...] = ()
    finish: Callable[..., float | None] | None = None
    counters: tuple[str, ...] = ()
    own_counters: Callable[[Any], list[int]] | None = None
    order: int = 50
    list_url: Callable[[Any], str] | None = field(default=None, compare=False)

    @property
    def is_breakdown(self) -> bool:
        return bool(self.categories)

    @property
    def is_rate(self) -> bool:
        return self.finish is not None

    def value(self, numbers: list[Counter]) -> Value:
        """The figure from the parts' numbers (one Counter per part, by category)."""
        if self.finish is not None:
            return self.finish(*(n.get("", 0) for n in numbers))
        if self.categories:
            return {code: numbers[0].get(code, 0) for code, _ in self.categories}
        return numbers[0].get("", 0)


_INDICATORS: dict[str, Indicator] = {}
#: The parts whose summaries ``stats.kept`` keeps, by dimension.
_KEPT: dict[str, Part] = {}


def register(*indicators: Indicator) -> None:
    for indicator in indicators:
        _INDICATORS[indicator.code] = indicator
        for part in indicator.parts:
            if part.summary is not None and part.summary.is_kept:
                known = _KEPT.setdefault(part.summary.dim, part)
                if known is not part:
                    raise ValueError(f"two parts keep the summary dimension {part.summary.dim!r}")
                summaries.register_remainder([part.summary.dim], _kept_remainder)


def kept_parts() -> dict[str, Part]:
    """{dimension: part} of the summaries kept from declarations (``stats.kept``)."""
    return dict(_KEPT)


def all_indicators() -> list[Indicator]:
    return sorted(_INDICATORS.values(), key=lambda i: (i.order, i.code))


def get(code: str) -> Indicator | None:
    return _INDICATORS.get(code)


def ratio(numerator: int, denominator: int) -> float | None:
    """A rate (入会率): None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


# ---- computing ---------------------------------------------------------------------------------


def period(indicator: Indicator, on: dt.date) -> tuple[dt.date, dt.date]:
    """The records' period of a figure at ``on``: the day itself, or this year to that day."""
    return (on.replace(month=1, day=1) if indicator.kind == FLOW else on), on


def summarized(part: Part, path: str, *, by_child: bool) -> bool:
    """Whether ``part`` of the union of ``path`` (and, ``by_child``, of its sub-units) is read
    from the summaries."""
    return part.summary is not None and summaries.covers(path + ("x" * SEGMENT if by_child else ""))


def _from_summary(
    part: Part, path: str, start: dt.date, end: dt.date, *, by_child: bool, subtrees=None
) -> dict:
    """``_read`` from the summaries: subtrees there, the union's own (本级) by difference.
    ``subtrees``: the part's rows already read (``read_kept``)."""
    spec = part.summary
    if subtrees is not None:
        # Read with other dimensions (``read_kept``): every stored value as it is; to the
        # part's categories here.
        subtrees = {key: _categories(numbers, spec.values) for key, numbers in subtrees.items()}
    elif spec.flow:
        subtrees = summaries.flow(spec.dim, path, start, end, spec.values, by_child=by_child)
    else:
        subtrees = summaries.stock(spec.dim, path, end, spec.values, by_child=by_child)
    if spec.scale != 1:
        # A sum of money kept in fen: back to yuan, exactly.
        subtrees = {
            key: Counter({c: Decimal(n) / spec.scale for c, n in numbers.items()})
            for key, numbers in subtrees.items()
        }
    if not by_child:
        return {"": subtrees.get(path, Counter())}
    own = Counter(subtrees.get(path, Counter()))
    out = {}
    for key, numbers in subtrees.items():
        if key != path:
            out[key] = numbers
            own.subtract(numbers)
    out[path] = own
    return out


def _categories(numbers: Counter, values: Callable[[str], str | None]) -> Counter:
    if values is _same:
        return numbers
    out: Counter = Counter()
    for value, n in numbers.items():
        category = values(value)
        if category is not None:
            out[category] += n
    return out


def read_kept(
    parts: list[Part], path: str, start: dt.date, end: dt.date, *, by_child: bool
) -> list[dict]:
    """``_read`` of several parts read from the summaries over one period in one read of the
    rows (a module's figures page; an overview's member figures)."""
    rows = summaries.flows(
        [part.summary.dim for part in parts], path, start, end, by_child=by_child
    )
    return [
        _from_summary(part, path, start, end, by_child=by_child, subtrees=rows[part.summary.dim])
        for part in parts
    ]


def _read(
    part: Part, path: str, start: dt.date, end: dt.date, *, by_child: bool, exact: bool = False
) -> dict:
    """{key: Counter(category → number)}; key is the path of the sub-unit (or of the union
    itself, for its own records) when ``by_child``, else "". From the summaries where the
    part has them and the union keeps them, else from the records."""
    if not exact and summarized(part, path, by_child=by_child):
        out = _from_summary(part, path, start, end, by_child=by_child)
    else:
        out = _read_records(part, path, start, end, by_child=by_child, exact=exact)
    if part.less is not None:
        less = _read(part.less, path, start, end, by_child=by_child, exact=exact)
        for key, numbers in less.items():
            out.setdefault(key, Counter()).subtract(numbers)
    return out


def _read_records(
    part: Part, path: str, start: dt.date, end: dt.date, *, by_child: bool, exact: bool = False
) -> dict:
    """``_read`` from the records."""
    lookup = part.path if exact else f"{part.path}__startswith"
    qs = part.records(end).filter(**{lookup: path}).filter(part.when(start, end))
    group = []
    if by_child:
        qs = qs.annotate(_key=Substr(part.path, 1, len(path) + SEGMENT))
        group.append("_key")
    category = part.category(end) if part.category is not None else None
    pivot = _pivot(category)
    if pivot is not None:
        return _read_pivoted(part, qs, group, pivot)
    if category is not None:
        qs = qs.annotate(_cat=category)
        group.append("_cat")
    out: dict[str, Counter] = {}
    if not group:
        out[""] = Counter({"": qs.aggregate(_n=part.measure(None))["_n"] or 0})
    for row in qs.values(*group).annotate(_n=part.measure(None)).order_by() if group else ():
        key = row.get("_key", "")
        out.setdefault(key, Counter())[str(row.get("_cat", ""))] += row["_n"] or 0
    return out


def _pivot(category) -> list[tuple[str, Q]] | None:
    """A category that is a ``Case`` of constant values (年龄段, a yes/no flag) as each value
    with the condition of its records, in the case's order (each when, less the ones before;
    the default, less them all): one column of counts per value, grouped by sub-unit alone.
    A county's 年龄段 by grassroots union grouped by (sub-unit, band) sorted 224,000 records by
    their band within each sub-unit: 128 → 51 ms in ``psql`` (session 18). None for any
    other category (a field's value: grouped by it)."""
    if not isinstance(category, Case) or not isinstance(category.default, SqlValue):
        return None
    if not all(isinstance(w, When) and isinstance(w.result, SqlValue) for w in category.cases):
        return None
    out: list[tuple[str, Q]] = []
    before: Q | None = None
    for when in category.cases:
        if not isinstance(when.condition, Q):
            return None
        out.append(
            (str(when.result.value), when.condition if before is None else when.condition & ~before)
        )
        before = when.condition if before is None else before | when.condition
    if before is None:
        return None
    out.append((str(category.default.value), ~before))
    return out


def _read_pivoted(part: Part, qs, group: list[str], pivot: list[tuple[str, Q]]) -> dict:
    """``_read_records`` of a ``_pivot``ed category: a record counts in its value's column."""
    measures = {f"_n{i}": part.measure(where) for i, (_, where) in enumerate(pivot)}
    rows = (
        qs.values(*group).annotate(**measures).order_by() if group else [qs.aggregate(**measures)]
    )
    out: dict[str, Counter] = {}
    for row in rows:
        numbers = out.setdefault(row.get("_key", ""), Counter())
        for i, (value, _) in enumerate(pivot):
            if row[f"_n{i}"]:
                numbers[value] += row[f"_n{i}"]
    return out


def _kept_remainder(
    dims: list[str], path: str, by_child: bool, after: dt.date, upto: dt.date
) -> dict[str, dict[str, Counter]]:
    """The kept parts' numbers of the records dated after ``after`` up to ``upto`` (inside one
    month), in the summaries' shape ({dim: {path: Counter}}): the subtree of ``path`` and,
    ``by_child``, each sub-unit's. A flow's records dated in those days; a stock's records
    whose spans begin (+) or end (−) in them, found by their edge fields' indexes. One grouped
    read per records table and path for all of them (a union's ten figures: one read).
    Records are dated no later than today unless the part says they may be (``ahead``): after
    today a flow has none to read."""
    out: dict[str, dict[str, Counter]] = {dim: {path: Counter()} for dim in dims}
    groups: dict[tuple[type, str], list[tuple[str, Part]]] = {}
    for dim in dims:
        part = _KEPT[dim]
        spec = part.summary
        if spec.spans or spec.ahead or after < timezone.localdate():
            groups.setdefault((part.queryset().model, part.path), []).append((dim, part))
    first = after + dt.timedelta(days=1)
    for (_, lookup), parts in groups.items():
        aliases, columns, measures, near = {}, {}, {}, []
        reads: list[tuple[str, Part, str, bool]] = []
        for dim, part in parts:
            for span in part.summary.spans or (None,):
                i = str(len(reads))
                columns[f"c{i}"] = category_of(part, span)
                if span is None:
                    when = part.when(first, upto)
                    near.append(when)
                    measures[f"b{i}"] = part.measure(when)
                else:
                    terms, counts = span_terms(i, part, span)
                    aliases.update(terms)
                    near.append(span_edges_near(part, span, after, upto))
                    measures[f"b{i}"] = part.measure(counts & Q(**{f"s{i}__range": (first, upto)}))
                    measures[f"e{i}"] = part.measure(counts & Q(**{f"u{i}__range": (first, upto)}))
                reads.append((dim, part, i, span is not None))
        if by_child:
            columns["_key"] = Substr(lookup, 1, len(path) + SEGMENT)
        qs = parts[0][1].queryset().filter(**{f"{lookup}__startswith": path})
        rows = (
            qs.filter(reduce(or_, near))
            .alias(**aliases)
            .annotate(**columns)
            .values(*columns)
            .annotate(**measures)
            .order_by()
        )
        for row in rows:
            key = row.get("_key", path)
            for dim, part, i, is_span in reads:
                n = (row[f"b{i}"] or 0) - ((row[f"e{i}"] or 0) if is_span else 0)
                n = int(n * part.summary.scale)
                if not n:
                    continue
                category = str(row[f"c{i}"])
                out[dim][path][category] += n
                if by_child and key != path:
                    out[dim].setdefault(key, Counter())[category] += n
    return out


@unprepared()
def numbers_by_key(
    indicator: Indicator, path: str, on: dt.date, *, by_child: bool
) -> dict[str, list[Counter]]:
    """Each part read once: {key: [Counter per part]}."""
    start, end = period(indicator, on)
    reads = [_read(part, path, start, end, by_child=by_child) for part in indicator.parts]
    keys = set().union(*reads)
    return {key: [read.get(key, Counter()) for read in reads] for key in keys}


@unprepared()
def read_together(
    shown: Sequence[Indicator], org, on: dt.date, *, by_child: bool = True
) -> dict[str, dict[str, list[Counter]]]:
    """The numbers of every part of ``shown`` under ``org`` at ``on``, by sub-unit — {code:
    {key: [Counter per part]}}, the same as ``numbers_by_key(…, by_child=True)``
    gives for each — in one grouped read per records table and path: every part of those
    indicators is a conditional measure of that read (its ``when``, and a category of a
    breakdown, as the aggregate's filter), the way a trend reads all its months at once. A
    part with a ``less`` read is read on its own (``numbers_by_key``). Where the union keeps
    summaries for its sub-units (a province, a city), the parts kept from their declarations
    are read from the summaries instead, in one read of their rows (``read_kept``).
    Without ``by_child`` the records' grouped reads give the union's own numbers (key: its
    path) and those of all its sub-units together (key ""), enough for an overview: a county's
    hundreds of grassroots unions are not each a row."""
    with summaries.reading():
        return _read_together(shown, org, on, by_child=by_child)


def _read_together(
    shown: Sequence[Indicator], org, on: dt.date, *, by_child: bool
) -> dict[str, dict[str, list[Counter]]]:
    out: dict[str, dict[str, list[Counter]]] = {}
    groups: dict[tuple[Any, str], list[tuple[Indicator, int, Any, dt.date, dt.date]]] = {}
    own: dict[tuple[Any, str], list[tuple[Indicator, int, Any, dt.date, dt.date]]] = {}
    kept: dict[tuple[dt.date | None, dt.date], list[tuple[Indicator, int, Any]]] = {}
    alone: list[Indicator] = []
    for indicator in shown:
        if _together_from_summaries(indicator, org.path, by_child=by_child):
            # A province or a city (and, without ``by_child``, a county): from the summaries,
            # one read of their rows for all; a stock reads every month up to its date. The
            # union's own records (本级) without ``by_child``: one grouped read of its path.
            out[indicator.code] = {}
            start, end = period(indicator, on)
            for i, part in enumerate(indicator.parts):
                since = start if part.summary.flow else None
                kept.setdefault((since, end), []).append((indicator, i, part))
                if not by_child:
                    own.setdefault((part.queryset().model, part.path), []).append(
                        (indicator, i, part, start, end)
                    )
            continue
        if any(part.less is not None for part in indicator.parts) or all(
            summarized(part, org.path, by_child=True) for part in indicator.parts
        ):
            # Read on its own: a correction read, or the summaries (the membership events of a
            # province or a city: a few hundred rows, not a year's events). By sub-unit, before
            # the others, whose reads of the subtree then find its records' part of a month
            # read (``reading``).
            out[indicator.code] = {}
            alone.append(indicator)
            continue
        start, end = period(indicator, on)
        out[indicator.code] = {}
        for i, part in enumerate(indicator.parts):
            groups.setdefault((part.queryset().model, part.path), []).append(
                (indicator, i, part, start, end)
            )
    for indicator in alone:
        out[indicator.code] = numbers_by_key(indicator, org.path, on, by_child=True)
    for (start, end), entries in kept.items():
        reads = read_kept([part for _, _, part in entries], org.path, start, end, by_child=by_child)
        for (indicator, i, _), read in zip(entries, reads, strict=True):
            if not by_child:
                # The subtree for now; its own records are taken off below.
                read = {"": read[""]}
            for key, numbers in read.items():
                out[indicator.code].setdefault(key, [Counter() for _ in indicator.parts])[i] = (
                    numbers
                )
    _read_grouped(groups, org, out, by_child=by_child)
    _read_grouped(own, org, out, by_child=False, exact=True)
    for entries in own.values():
        for indicator, i, *_ in entries:
            numbers = out[indicator.code]
            rest = Counter(numbers[""][i])
            rest.subtract(numbers.get(org.path, [Counter() for _ in indicator.parts])[i])
            numbers[""][i] = rest
    return out


def _together_from_summaries(indicator: Indicator, path: str, *, by_child: bool) -> bool:
    """Whether ``read_together`` reads ``indicator`` from the summaries with the others: the
    parts kept from their declarations, and for an overview (without ``by_child``) every part
    with summaries and no correction read (the members' figures: their subtree's rows are one
    read of the union's own key; by sub-unit they are read by exact paths, ``numbers_by_key``,
    as a range of paths would walk every month of every sub-unit)."""
    if _all_kept(indicator, path, by_child=by_child):
        return True
    return not by_child and all(
        part.summary is not None and part.less is None and summarized(part, path, by_child=False)
        for part in indicator.parts
    )


def _all_kept(indicator: Indicator, path: str, *, by_child: bool) -> bool:
    """Every part of ``indicator`` kept from its declaration and read from the summaries for
    the union of ``path`` (and, ``by_child``, its sub-units)."""
    return all(
        part.summary is not None
        and part.summary.is_kept
        and summarized(part, path, by_child=by_child)
        for part in indicator.parts
    )


def _read_grouped(groups, org, out, *, by_child: bool, exact: bool = False) -> None:
    """``read_together``'s grouped reads of the records: each part's numbers added to ``out``
    by sub-unit (``exact``: the union's own records only, keyed by its path)."""
    if exact:
        groups = _with_own_records(groups, org)
    whole = not by_child and not exact and bool(groups) and _the_only_root(org)
    for (_, lookup), entries in groups.items():
        qs = entries[0][2].records(min(end for *_, end in entries))
        qs = qs.filter(reduce(or_, (part.when(start, end) for _, _, part, start, end in entries)))
        measures: dict[str, Any] = {}
        aliases: dict[str, Any] = {}
        for n, (indicator, _, part, start, end) in enumerate(entries):
            where = part.when(start, end)
            if part.category is None:
                measures[f"m{n}"] = part.measure(where)
                continue
            # A breakdown's category where the part counts the record (else NULL), as an alias
            # built once: each category's measure compares it, rather than building the part's
            # condition again for each of its categories (the ORM's cost, not the database's).
            aliases[f"_c{n}"] = Case(When(where, then=part.category(end)))
            for k, (code, _) in enumerate(indicator.categories):
                measures[f"m{n}_{k}"] = part.measure(Q(Exact(F(f"_c{n}"), SqlValue(code))))
        qs = qs.alias(**aliases)
        rows = _grouped(qs, lookup, org, measures, by_child=by_child, exact=exact, whole=whole)
        for key, row in rows:
            for n, (indicator, i, part, _, _) in enumerate(entries):
                numbers = out[indicator.code].setdefault(key, [Counter() for _ in indicator.parts])[
                    i
                ]
                if part.category is None:
                    numbers[""] += row[f"m{n}"] or 0
                else:
                    for k, (code, _) in enumerate(indicator.categories):
                        numbers[code] += row[f"m{n}_{k}"] or 0


def _with_own_records(groups, org):
    """The groups of ``_read_grouped`` whose tables hold any record of the union itself, found
    in one query: the others' numbers are all 0. A province's or a city's federation holds few
    records of its own (in the seed no member, file or case), and compiling a read of its own
    members' ~35 measures costs ~10 ms of Python, where this probe costs one indexed lookup per
    table."""
    # The union's own row is always one (its figures of unions); the other tables are asked.
    asked = [key for key in groups if key != (type(org), "path")]
    if not asked:
        return groups
    probes = {
        f"e{n}": Exists(groups[key][0][2].queryset().filter(**{_owner(key[1]): org.pk}))
        for n, key in enumerate(asked)
    }
    found = type(org).objects.filter(pk=org.pk).values(**probes).get()
    empty = {key for n, key in enumerate(asked) if not found[f"e{n}"]}
    return {key: entries for key, entries in groups.items() if key not in empty}


def _the_only_root(org) -> bool:
    """Whether ``org``'s subtree is every union: the root of the only tree (a province)."""
    return type(org).objects.holds_all(org.path)


def _owner(lookup: str) -> str:
    """The lookup of a record's union from the lookup of its path (``org__path`` → ``org``;
    ``path``, the unions' own table → ``pk``)."""
    return "pk" if lookup == "path" else lookup.removesuffix("__path")


def _grouped(
    qs,
    lookup: str,
    org,
    measures: dict[str, Any],
    *,
    by_child: bool = True,
    exact: bool = False,
    whole: bool = False,
):
    """(sub-unit key, row of measures) of ``qs`` under ``org``: one read grouped by the next
    segment of the path, as ``numbers_by_key`` groups (without ``by_child``: the union's own
    records under its path, all the others under ""; ``exact``: the union's own only).

    The union's own records are those of its id, not of its path: without the join to the
    unions a read of the province's own 1,746 service requests was planned as one row (11 ms
    with its categories joined again for each). ``whole`` (``_the_only_root``): the subtree is
    every record with a union, and the read needs no path at all — through it, the province's
    read of its 4,000 honours hashed all 49,000 unions (20 of its 25 ms) to filter by a prefix
    every union has."""
    owner = _owner(lookup)
    if exact:
        keyed = qs.filter(**{owner: org.pk})
    elif whole:
        keyed = qs if owner == "pk" else qs.filter(**{f"{owner}__isnull": False})
    else:
        keyed = qs.filter(**{f"{lookup}__startswith": org.path})
    if by_child:
        keyed = keyed.annotate(_key=Substr(lookup, 1, len(org.path) + SEGMENT))
    else:
        keyed = keyed.annotate(
            _key=Case(
                When(**{owner: org.pk}, then=SqlValue(org.path)),
                default=SqlValue(""),
                output_field=CharField(),
            )
        )
    for row in keyed.values("_key").annotate(**measures).order_by():
        yield row["_key"], row


def add(numbers: Iterable[list[Counter]], parts: int) -> list[Counter]:
    total = [Counter() for _ in range(parts)]
    for row in numbers:
        for acc, n in zip(total, row, strict=True):
            acc.update(n)
    return total


@dataclass
class Figure:
    """An indicator's figure for one union: 含下级 (``value``) and 本级 (``own``)."""

    indicator: Indicator
    value: Value
    own: Value


def _uses_counters(indicator: Indicator, on: dt.date, today: dt.date) -> bool:
    return bool(indicator.counters) and on == today


def _own_path_part(part: Part, path: str) -> bool:
    """A part of a county's figure: its subtree from the summaries, its own records by its
    path, rather than its whole subtree's records grouped by sub-unit."""
    return summarized(part, path, by_child=False) and not summarized(part, path, by_child=True)


def _by_own_path(indicator: Indicator, path: str) -> bool:
    """A county's figure with a part read by ``_own_path_part``."""
    return any(_own_path_part(p, path) for p in indicator.parts)


def _grouped_read(indicator: Indicator, org, on: dt.date, today: dt.date) -> bool:
    """Whether ``figure`` reads the indicator's parts grouped by sub-unit (``numbers_by_key``),
    or ``read_together`` reads them from the summaries kept from their declarations."""
    return not _uses_counters(indicator, on, today) and (
        not _by_own_path(indicator, org.path)
        or _together_from_summaries(indicator, org.path, by_child=False)
    )


def _from_numbers(indicator: Indicator, org, numbers: dict[str, list[Counter]]) -> Figure:
    parts = len(indicator.parts)
    own = numbers.get(org.path, [Counter() for _ in range(parts)])
    return Figure(indicator, indicator.value(add(numbers.values(), parts)), indicator.value(own))


@unprepared()
def figures_of(shown: Sequence[Indicator], org, on: dt.date, today: dt.date) -> list[Figure]:
    """``figure`` of each of ``shown``, the same figures, with the indicators that ``figure``
    reads grouped by sub-unit read together (``read_together``: one grouped read per records
    table, the unions' figures in one): an overview in a few reads rather than one per part.
    A county's figures kept from their declarations are read together too (their subtrees in
    one read of the summaries, the county's own records in one read per table)."""
    together = [i for i in shown if _grouped_read(i, org, on, today)]
    numbers = read_together(together, org, on, by_child=False)
    return [
        _from_numbers(i, org, numbers[i.code]) if i.code in numbers else figure(i, org, on, today)
        for i in shown
    ]


@unprepared()
def figure(indicator: Indicator, org, on: dt.date, today: dt.date) -> Figure:
    """The figure of ``org``'s subtree and of the union itself at ``on``: from its kept counters
    when they answer it (today), else one read per part grouped by sub-unit."""
    if _uses_counters(indicator, on, today):
        subtree = [Counter({"": getattr(org, name)}) for name in indicator.counters]
        own = [Counter({"": n}) for n in indicator.own_counters(org)]
        return Figure(indicator, indicator.value(subtree), indicator.value(own))
    if _by_own_path(indicator, org.path):
        # A county: the parts it keeps summaries of (its members) by ``_own_path_part``, the
        # others (its unions' 职工人数 for 入会率) grouped by sub-unit as elsewhere.
        start, end = period(indicator, on)
        subtree, own = [], []
        for p in indicator.parts:
            if _own_path_part(p, org.path):
                subtree.append(_read(p, org.path, start, end, by_child=False).get("", Counter()))
                own.append(
                    _read(p, org.path, start, end, by_child=False, exact=True).get("", Counter())
                )
                continue
            read = _read(p, org.path, start, end, by_child=True)
            subtree.append(add(([n] for n in read.values()), 1)[0])
            own.append(read.get(org.path, Counter()))
        return Figure(indicator, indicator.value(subtree), indicator.value(own))
    return _from_numbers(indicator, org, numbers_by_key(indicator, org.path, on, by_child=True))


@unprepared()
def total(indicator: Indicator, org, on: dt.date, today: dt.date) -> Value:
    """The figure of ``org``'s subtree alone (no 本级): a kept counter, or one plain read per
    part without grouping by sub-unit (the home page's figures)."""
    if _uses_counters(indicator, on, today):
        return indicator.value([Counter({"": getattr(org, n)}) for n in indicator.counters])
    numbers = numbers_by_key(indicator, org.path, on, by_child=False)
    return indicator.value(add(numbers.values(), len(indicator.parts)))


@unprepared()
def totals(shown: Sequence[Indicator], org, on: dt.date, today: dt.date) -> list[Value]:
    """``total`` of each of ``shown``, the same figures, with the parts that ``total`` reads
    from the summaries read together (``read_kept``): one read of their rows and one of the
    records' part of the month per records table, rather than two reads per part (the home
    page's unions by status and by kind: 4 → 2 queries). The others as ``total`` reads them."""
    numbers: list[list[Counter] | None] = []
    kept: dict[tuple[dt.date | None, dt.date], list[tuple[int, int, Part]]] = {}
    for n, indicator in enumerate(shown):
        if _uses_counters(indicator, on, today) or not all(
            part.less is None and summarized(part, org.path, by_child=False)
            for part in indicator.parts
        ):
            numbers.append(None)
            continue
        numbers.append([Counter() for _ in indicator.parts])
        start, end = period(indicator, on)
        for i, part in enumerate(indicator.parts):
            since = start if part.summary.flow else None
            kept.setdefault((since, end), []).append((n, i, part))
    for (since, end), entries in kept.items():
        reads = read_kept([part for _, _, part in entries], org.path, since, end, by_child=False)
        for (n, i, _), read in zip(entries, reads, strict=True):
            numbers[n][i] = read[""]
    return [
        total(indicator, org, on, today) if read is None else indicator.value(read)
        for indicator, read in zip(shown, numbers, strict=True)
    ]


@unprepared()
def by_child(indicator: Indicator, org, children, on: dt.date, today: dt.date) -> dict[Any, Value]:
    """The figure of each sub-unit's subtree (``children``: Organization rows), and of ``org``'s
    own records under the key None (本级)."""
    if _uses_counters(indicator, on, today):
        out: dict[Any, Value] = {
            child.pk: indicator.value(
                [Counter({"": getattr(child, n)}) for n in indicator.counters]
            )
            for child in children
        }
        out[None] = indicator.value([Counter({"": n}) for n in indicator.own_counters(org)])
        return out
    numbers = numbers_by_key(indicator, org.path, on, by_child=True)
    empty = [Counter() for _ in indicator.parts]
    out = {child.pk: indicator.value(numbers.get(child.path, empty)) for child in children}
    out[None] = indicator.value(numbers.get(org.path, empty))
    return out


def month_ends(end: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day or ``end``) of each of the ``months`` months up to ``end``."""
    out = []
    year, month = end.year, end.month
    for _ in range(months):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        out.append((first, min(nxt - dt.timedelta(days=1), end)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


@unprepared()
def trend(indicator: Indicator, org, end: dt.date, months: int) -> list[tuple[dt.date, Value]]:
    """The figure of ``org``'s subtree for each month up to ``end``: a stock at the month's last
    day, a flow over the month. One read per part, one conditional measure per month."""
    windows = month_ends(end, months)
    per_part = [_monthly(part, org.path, windows, indicator.kind) for part in indicator.parts]
    return [
        (last, indicator.value([Counter({"": p[i]}) for p in per_part]))
        for i, (_, last) in enumerate(windows)
    ]


def _monthly(part: Part, path: str, windows, kind: str) -> list[int]:
    """One read of ``part``: its number for each window."""
    if part.less is not None:
        whole = _monthly(replace(part, less=None), path, windows, kind)
        less = _monthly(part.less, path, windows, kind)
        return [a - b for a, b in zip(whole, less, strict=True)]
    if summarized(part, path, by_child=False):
        return _monthly_from_summary(part, path, windows, kind)
    qs = part.records(windows[0][1]).filter(**{f"{part.path}__startswith": path})
    aggregates, whens = {}, []
    for i, (first, last) in enumerate(windows):
        whens.append(part.when(first if kind == FLOW else last, last))
        aggregates[f"m{i}"] = part.measure(whens[-1])
    # Only the records some window counts (the members of the few unions without a 职工人数,
    # not all of them with a condition in each aggregate).
    if part.within is not None:
        qs = qs.filter(part.within(windows[0][0], windows[-1][1]))
    else:
        qs = qs.filter(reduce(or_, whens))
    row = qs.aggregate(**aggregates)
    return [row[f"m{i}"] or 0 for i in range(len(windows))]


def _monthly_from_summary(part: Part, path: str, windows, kind: str) -> list[int]:
    """``_monthly`` from the summaries: one read of the months' changes; a stock adds them up
    to each window's month, a flow takes each window's own."""
    spec = part.summary
    first = summaries.month_index(windows[0][0])
    changes = summaries.by_month(spec.dim, path, windows[-1][1], spec.values, since=first)
    running = sum(n for month, n in changes.items() if month < first)
    numbers = []
    for start, _ in windows:
        month = summaries.month_index(start)
        running += changes.get(month, 0)
        numbers.append(changes.get(month, 0) if kind == FLOW else running)
    if spec.scale != 1:
        # A sum of money kept in fen (``kept(scale=100)``): back to yuan, exactly.
        return [Decimal(n) / spec.scale for n in numbers]
    return numbers
