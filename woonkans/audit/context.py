"""Who is asking, from where: set once per request so selectors need only the user."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
