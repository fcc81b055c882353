"""The ORM's cost per query: a cheaper ``Expression.identity`` (decision 0035).

Django compares and hashes query expressions by their ``identity``: the class and the
arguments its constructor was called with, bound to the constructor's signature. Compiling a
query with an ORDER BY hashes every selected column (``SQLCompiler._order_by_pairs`` maps each
selected expression to its position), and a fresh ``Col`` is made per column per query, so the
generic binding (``inspect.Signature.bind_partial`` and ``apply_defaults``, ~20 µs each) ran
for every column of every ordered query: a member page's eight queries spent ~5 ms in it, more
than PostgreSQL took to answer them (bench/load.py, docs/performance.md, session 11).

``fast_identity`` gives the same tuple without ``inspect`` for the constructors whose
parameters are all plain positional-or-keyword ones (``Col``, ``Value``, ``OrderBy``,
``Cast``, lookups …), and falls back to Django's own computation for every other signature
(``*args``, ``**kwargs``, keyword-only parameters) and for any call it cannot bind exactly.
``install`` puts it in place of Django's ``identity`` once, from ``CoreConfig.ready``.
"""

from __future__ import annotations

import inspect

from django.db.models.expressions import Expression
from django.utils.functional import cached_property

_EMPTY = inspect.Parameter.empty
_PLAIN = inspect.Parameter.POSITIONAL_OR_KEYWORD
_django_identity = Expression.__dict__["identity"].func
# Per class: the constructor's parameters after ``self`` as (name, default) pairs, or None
# when the signature has anything but plain parameters (then Django's computation is used).
_parameters: dict[type, tuple[tuple[str, object], ...] | None] = {}


def _plain_parameters(cls: type) -> tuple[tuple[str, object], ...] | None:
    try:
        return _parameters[cls]
    except KeyError:
        pass
    params = list(cls._constructor_signature.parameters.values())[1:]
    plain = None
    if all(p.kind is _PLAIN for p in params):
        plain = tuple((p.name, p.default) for p in params)
    _parameters[cls] = plain
    return plain


def fast_identity(expression: Expression) -> tuple:
    """``Expression.identity`` as Django computes it, without binding a signature."""
    cls = type(expression)
    params = _plain_parameters(cls)
    args, kwargs = expression._constructor_args
    if params is None or len(args) > len(params) or len(args) + len(kwargs) > len(params):
        return _django_identity(expression)
    identity = [cls]
    for position, (name, default) in enumerate(params):
        if position < len(args):
            if name in kwargs:  # given twice: let Django's binding raise as it would
                return _django_identity(expression)
            value = args[position]
        elif name in kwargs:
            value = kwargs[name]
        elif default is not _EMPTY:
            value = default
        else:
            continue  # bind_partial leaves a missing required argument out
        identity.append((name, cls._identity(value)))
    if len(identity) - 1 < len(args) + len(kwargs):
        return _django_identity(expression)  # a keyword the constructor does not take
    return tuple(identity)


def install() -> None:
    """Make ``Expression.identity`` the fast one (idempotent)."""
    if Expression.__dict__["identity"].func is fast_identity:
        return
    prop = cached_property(fast_identity)
    prop.__set_name__(Expression, "identity")
    Expression.identity = prop
