"""The database session store: its every-request read and write, each one statement.

SessionSecurityMiddleware writes the idle clock on every signed-in request (on purpose: a page's
number of queries must not depend on the clock). Django's store wraps that write in a transaction
(BEGIN, UPDATE, COMMIT), which it needs only to turn a duplicate key into CreateError when a session
is created. An existing session's write is one UPDATE, atomic on its own in autocommit; no rows
updated (the session was deleted meanwhile, e.g. by a logout elsewhere) is UpdateError, as in
Django's store. Creating a session is left to Django.

The read and the write are prepared once per process from the model's table and column names: building
them with the ORM on every request cost more CPU than running them (benchmarks/NOTES.md, item 27).
"""

import functools

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _statements(model, alias):
    quote = connections[alias].ops.quote_name
    table = quote(model._meta.db_table)
    key, data, expiry = (
        quote(model._meta.get_field(name).column) for name in ("session_key", "session_data", "expire_date")
    )
    # Only the model's quoted table and column names go into the text; every value is a parameter.
    read = f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608
    write = f"UPDATE {table} SET {data} = %s, {expiry} = %s WHERE {key} = %s"  # noqa: S608
    return read, write


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        read, _write = _statements(self.model, alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            # A raw parameter is adapted as the ORM adapts it (SQLite stores naive UTC text).
            cursor.execute(read, [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:  # unknown or expired, as Django's store: a new session
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        alias = router.db_for_write(self.model)
        _read, write = _statements(self.model, alias)
        connection = connections[alias]
        expiry = connection.ops.adapt_datetimefield_value(self.get_expiry_date())
        with connection.cursor() as cursor:
            cursor.execute(write, [self.encode(data), expiry, self.session_key])
            updated = cursor.rowcount
        if not updated:
            raise UpdateError
