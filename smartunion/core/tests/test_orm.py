"""core.orm: the fast ``Expression.identity`` is Django's, tuple for tuple (decision 0035).

Equality and hashing of query expressions decide how Django reuses selected columns in ORDER
BY, GROUP BY and DISTINCT ON; an identity that differed from Django's would change SQL. Every
expression of every query the pages below compile, and a set of hand-made ones covering each
kind of constructor (plain parameters, ``*expressions``, ``**extra``, keywords, defaults left
out), is compared with Django's own computation.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.expressions import Col, Expression, ExpressionWrapper, OrderBy, RawSQL
from django.db.models.fields import CharField, IntegerField
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Substr

from smartunion.core import orm
from smartunion.members.models import Membership, Person
from smartunion.orgs.models import Organization


def walk(expression):
    yield expression
    for source in expression.get_source_expressions():
        if source is not None and hasattr(source, "get_source_expressions"):
            yield from walk(source)


def compiled_expressions(queryset):
    compiler = queryset.query.get_compiler(connection=connection)
    compiler.as_sql()
    for expression, _, _ in compiler.select:
        yield from walk(expression)
    for expression, _ in compiler.get_order_by():
        yield from walk(expression)


def hand_made():
    name = Organization._meta.get_field("name")
    pk = Organization._meta.get_field("id")
    return [
        Col("orgs_organization", name),
        Col("T3", name, CharField()),
        Col(alias="T4", target=pk, output_field=IntegerField()),
        Value(3),
        Value("x", output_field=CharField()),
        Value(None),
        OrderBy(F("name"), descending=True, nulls_last=True),
        OrderBy(F("name")),
        Cast("name", IntegerField()),
        Lower("name"),
        Coalesce("name", Value(""), output_field=CharField()),
        Concat("name", Value("-"), "path"),
        Substr("name", 1, 2),
        Count("id", filter=Q(kind="county"), distinct=True),
        Sum("member_count"),
        Case(When(kind="county", then=Value(1)), default=Value(0)),
        ExpressionWrapper(F("member_count") + 1, output_field=IntegerField()),
        RawSQL("1 + %s", (2,)),
    ]


def test_installed_from_core_app_config():
    assert Expression.__dict__["identity"].func is orm.fast_identity


@pytest.mark.parametrize("expression", hand_made(), ids=lambda e: type(e).__name__)
def test_fast_identity_is_djangos(expression):
    assert orm.fast_identity(expression) == orm._django_identity(expression)
    assert hash(expression) == hash(orm._django_identity(expression))


def test_a_missing_required_argument_is_left_out_as_django_does():
    partial = Col.__new__(Col)
    partial._constructor_args = (("T1",), {})
    assert (
        orm.fast_identity(partial)
        == orm._django_identity(partial)
        == (
            Col,
            ("alias", "T1"),
            ("output_field", None),
        )
    )


@pytest.mark.django_db
def test_every_expression_of_the_pages_queries_has_djangos_identity():
    querysets = [
        Membership.objects.filter(person_id=1)
        .select_related("org__parent")
        .defer("org__parent__chair_phone")
        .order_by("-id"),
        Person.objects.select_related("org").filter(pk=1),
        Organization.objects.filter(path__startswith="0001", depth__lte=3).order_by("path", "name"),
        Organization.objects.values("kind").annotate(n=Count("id")).order_by("kind"),
        Organization.objects.order_by("parent_id", "-member_count").distinct(),
    ]
    seen = 0
    for queryset in querysets:
        for expression in compiled_expressions(queryset):
            assert orm.fast_identity(expression) == orm._django_identity(expression), expression
            seen += 1
    assert seen > 50


def test_equal_columns_of_two_queries_are_equal_and_hash_alike():
    name = Organization._meta.get_field("name")
    first, second = Col("T2", name), Col("T2", name)
    assert first == second and hash(first) == hash(second)
    assert first != Col("T3", name) and first != Col("T2", Organization._meta.get_field("path"))
