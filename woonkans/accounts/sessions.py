"""The database session store, its every-request write in one round trip instead of three.

SessionSecurityMiddleware writes the idle clock on every signed-in request (on purpose: a page's
number of queries must not depend on the clock). Django's store wraps that write in a transaction
(BEGIN, UPDATE, COMMIT), which it needs only to turn a duplicate key into CreateError when a session
is created. An existing session's write is one UPDATE, atomic on its own in autocommit; no rows
updated (the session was deleted meanwhile, e.g. by a logout elsewhere) is UpdateError, as in
Django's store. Creating a session is left to Django.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        using = router.db_for_write(self.model)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=self.session_key)
            .update(session_data=self.encode(data), expire_date=self.get_expiry_date())
        )
        if not updated:
            raise UpdateError
