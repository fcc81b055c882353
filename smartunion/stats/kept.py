"""Summaries kept from the indicators' own declarations (decision 0025): the monthly rows of
``stats.Summary`` (decision 0020) for the parts that declare ``summary=kept(dim, dated)`` (a
flow) or ``kept_stock(dim, *spans)`` (a stock, decision 0033)
— the service requests' and the legal-aid cases' figures, the contests' and their entrants',
the hardship files filed and the campaign lines paid (decision 0034) — so that a province's or
a city's figures page reads a few hundred summary rows instead of a year's records joined to
the unions. ``dated`` may reach a related record (an entry is dated by its contest's
``contest__starts_on``): a write that changes that record's date must wrap itself in
``records_changed`` of the records dated through it.

A record's cells are what the part counts of it: under the summary keys above its union (the
part's ``path``), in the month of its ``dated`` field, in its category, measured by the part's
own measure (a count, or a sum; money in fen). The same grouped read computes the cells of a
few records (``before`` / ``after`` around a write: registered in ``StatsConfig.ready`` as an
observer of casework's ``open_case`` and ``transition``, so every service of a case module keeps
its rows in its own transaction) and of all of them (``recount``, ``rebuild``, ``check``: ``manage.py
rebuild_stats``). A part's reading side is ``indicators._from_summary`` and, for the rest of a
month, ``indicators._kept_remainder``.

This module imports no domain app: the parts come from the indicators' registry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection
from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear, Substr

from smartunion.stats import indicators, summaries
from smartunion.stats.indicators import Part
from smartunion.stats.models import Summary

#: Every record's date falls in this period (a part's ``when`` without its period).
EVER = (dt.date(1, 1, 1), dt.date(9999, 12, 31))


def parts_by_model(only: Iterable[str] | None = None) -> dict[type, list[tuple[str, Part]]]:
    """{model: [(dimension, part)]} of the kept parts (``only``: of these dimensions)."""
    out: dict[type, list[tuple[str, Part]]] = {}
    for dim, part in sorted(indicators.kept_parts().items()):
        if only is None or dim in only:
            out.setdefault(part.queryset().model, []).append((dim, part))
    return out


def dims(model=None) -> list[str]:
    """The kept dimensions (of ``model``'s parts)."""
    if model is None:
        return sorted(indicators.kept_parts())
    return sorted(dim for dim, _ in parts_by_model().get(model, []))


def _month(date) -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractYear(date) * 12 + ExtractMonth(date) - 1, output_field=IntegerField()
    )


def _cells(parts: list[tuple[str, Part]], records: QuerySet) -> Counter:
    """The fanned-out cells of ``records`` for ``parts`` (all of one model): one grouped read
    whose columns are each part's key (its union's path down to the summaries' depth) and, for
    a flow, the month of its date and its category, for each span of a stock, the months it
    begins and ends (decision 0033) and its category; its measures are each part's measure
    under its condition (a span's: its ``where``, and that it counts at some date). A flow's
    measure goes to its month; a span's is added in the month it begins and taken off in the
    month it ends. Before and after a write of a few records this is one query whatever the
    number of parts and spans (a union has ten)."""
    limit = summaries.DEPTH * summaries.SEGMENT
    aliases, columns, measures = {}, {}, {}
    # (dim, part, span index or None, column suffix)
    reads: list[tuple[str, Part, indicators.Span | None, str]] = []
    keys: dict[str, str] = {}
    for dim, part in parts:
        if part.path not in keys:
            keys[part.path] = f"k{len(keys)}"
            columns[keys[part.path]] = Substr(part.path, 1, limit)
        if not part.summary.spans:
            i = f"{len(reads)}"
            columns[f"m{i}"] = _month(part.summary.dated)
            columns[f"c{i}"] = indicators.category_of(part)
            measures[f"n{i}"] = part.measure(part.when(*EVER))
            reads.append((dim, part, None, i))
            continue
        for span in part.summary.spans:
            i = f"{len(reads)}"
            terms, counts = indicators.span_terms(i, part, span)
            aliases.update(terms)
            columns[f"m{i}"] = _month(F(f"s{i}"))
            columns[f"e{i}"] = _month(F(f"u{i}"))
            columns[f"c{i}"] = indicators.category_of(part, span)
            measures[f"n{i}"] = part.measure(counts)
            reads.append((dim, part, span, i))
    rows = records.alias(**aliases).annotate(**columns).values(*columns).annotate(**measures)
    cells: Counter = Counter()
    for row in rows.order_by():
        for dim, part, span, i in reads:
            n, key = row[f"n{i}"], row[keys[part.path]]
            if not n or not key:
                continue
            n, value = int(n * part.summary.scale), str(row[f"c{i}"])
            cells[key, dim, row[f"m{i}"], value] += n
            if span is not None and row[f"e{i}"] is not None:
                cells[key, dim, row[f"e{i}"], value] -= n
    return summaries.fan_out(cells)


def _of(model, ids: Iterable[int]) -> Counter:
    parts = parts_by_model().get(model)
    ids = list(ids)
    if not parts or not ids:
        return Counter()
    return _cells(parts, parts[0][1].queryset().filter(pk__in=ids))


def before(model, ids: Iterable[int]) -> Counter:
    """The cells of these records before a write (nothing for a model without kept parts);
    hand them to ``after`` once the write is done, in the same transaction."""
    return _of(model, ids)


def after(counted: Counter, model, ids: Iterable[int]) -> None:
    """Their cells before (``counted``) off, their cells now on."""
    change = Counter(_of(model, ids))
    change.subtract(counted)
    summaries.add(change)


def added(model, ids: Iterable[int]) -> None:
    """Records just written (none of them counted before)."""
    summaries.add(_of(model, ids))


def seeded(model) -> None:
    """Every record of ``model``, written in bulk by a seed that counted none of them."""
    parts = parts_by_model().get(model)
    if parts:
        summaries.add(_cells(parts, parts[0][1].queryset()))


@contextmanager
def records_changed(records: QuerySet):
    """Around a write that changes what ``records`` (a queryset, read before and after) count
    in (a category of the code list moved under another, a union's subtree moved)."""
    if records.model not in parts_by_model():
        yield
        return
    ids = list(records.values_list("pk", flat=True))
    counted = before(records.model, ids)
    yield
    after(counted, records.model, ids)


@contextmanager
def subtree_moved(old_path: str, new_path: str):
    """Around a move of the union of ``old_path`` to ``new_path``: the rows of the records
    under it leave the keys above the old place and join those above the new one (nothing to
    do when both places share their keys)."""
    limit = summaries.DEPTH * summaries.SEGMENT
    if old_path[:limit] == new_path[:limit] and len(old_path) > limit:
        yield
        return
    counted = {}
    for model, parts in parts_by_model().items():
        under = Q()
        for lookup in {part.path for _, part in parts}:
            under |= Q(**{f"{lookup}__startswith": old_path})
        ids = list(model.objects.filter(under).values_list("pk", flat=True))
        counted[model] = ids, before(model, ids)
    yield
    for model, (ids, cells) in counted.items():
        after(cells, model, ids)


# ---- rebuild and check --------------------------------------------------------------------------


def recount(only: Iterable[str] | None = None) -> Counter:
    """Every kept row (``only``: of these dimensions) computed afresh from the records."""
    out: Counter = Counter()
    for parts in parts_by_model(only).values():
        out.update(_cells(parts, parts[0][1].queryset()))
    return Counter({cell: n for cell, n in out.items() if n})


def rebuild(only: Iterable[str] | None = None) -> int:
    """The kept rows (``only``: of these dimensions, a data migration's) replaced by a
    recount; returns their number."""
    only = None if only is None else set(only)
    Summary.objects.filter(dim__in=dims() if only is None else only).delete()
    cells = recount(only)
    summaries.add(cells)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Summary._meta.db_table)}")
    return len(cells)


def check(*, fix: bool = False) -> summaries.Drift:
    """The kept rows that differ from a recount: (cell, kept, recounted); ``fix`` rebuilds."""
    return summaries.check(dims(), recount, rebuild, fix=fix)
