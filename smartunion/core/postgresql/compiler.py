"""Django's PostgreSQL compilers, grouping by every copy of a grouped expression.

Django groups a selected expression by its position in the SELECT list, once for equal
expressions (``SQLCompiler.get_group_by``): a read selecting one expression twice (two spans of
a record beginning the same day, ``stats.kept``) is grouped by the later position only. With the
values merged into the text the two copies read the same and PostgreSQL takes the one grouping
for both; with the values bound on the server (prepared statements, decision 0041) each copy has
its own ``$n`` and the ungrouped one is refused ("must appear in the GROUP BY clause", Django
ticket #34255). Grouping by every copy's position gives the same groups (equal expressions,
equal values).
"""

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLDeleteCompiler,
    SQLInsertCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLCompiler as BaseSQLCompiler

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


class SQLCompiler(BaseSQLCompiler):
    def get_group_by(self, select, order_by):
        result = super().get_group_by(select, order_by)
        if not result or not self.connection.features.uses_server_side_binding:
            return result
        positions = {sql for sql, _ in result}
        selected = [(str(n), expr) for n, (expr, _, alias) in enumerate(select, 1) if alias]
        grouped = [expr for n, expr in selected if n in positions]
        for n, expr in selected:
            if n not in positions and any(expr == other for other in grouped):
                result.append((n, ()))
                positions.add(n)
        return result
