"""Django's PostgreSQL backend, with a health check that costs no round trip while the server
has said nothing (and a compiler whose grouping holds with prepared statements: compiler.py).

With persistent connections and ``CONN_HEALTH_CHECKS`` (settings: a connection the server
closed — a restart, a failover, an administrator's ``pg_terminate_backend`` — is replaced
before a request uses it, instead of failing that request), Django checks a reused connection
with ``SELECT 1`` at the first query of every request: one round trip more before every page
(bench/load.py, issue 17). A connection at rest between requests has no query running, so the
server sends nothing on it unless it is closing it (PostgreSQL sends the reason, then closes)
or has a notice to give: when the socket has nothing to read, the connection is as the last
request left it and is used without a query; when it has, Django's ``SELECT 1`` decides as
before. A network that dropped without a word fails the request either way (``SELECT 1``
would wait for it as the request's query does).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base, operations
from psycopg import pq


class DatabaseOperations(operations.DatabaseOperations):
    # Grouping that holds with the values bound on the server (compiler.py, decision 0041).
    compiler_module = "smartunion.core.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self):
        # After an error that was not about the data (errors_occurred), Django asks whether
        # the connection still works: that is answered by a query, as before.
        if self.connection is not None and not self.errors_occurred and _quiet(self.connection):
            return True
        return super().is_usable()


def _quiet(connection) -> bool:
    """Whether a connection at rest (open, no transaction) has nothing to read."""
    if not hasattr(select, "poll"):  # (not on Windows: checked by the query there)
        return False
    try:
        if connection.closed or connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()  # poll, not select: any descriptor number
        poller.register(connection.fileno(), select.POLLIN)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False
