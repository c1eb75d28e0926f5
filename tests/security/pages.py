"""The pages each role may open, read once per process, with every log line written meanwhile."""

import logging
import logging.config
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from woonkans.accounts.roles import Role

from .matrix_support import client_for, path_for
from .test_authorisation_matrix import MATRIX, POST_ONLY, URL_PARAMETERS, expected

LOG_SEARCHES = ("log=login", "log=access")


def visitable_pages(world):
    """{role: [paths]}: every page the matrix lets a role open (200), for the own organisation's objects."""
    result = {role: [] for role in Role}
    for name in sorted(URL_PARAMETERS):
        if name in POST_ONLY or name not in MATRIX or name == "healthz":
            continue
        for role in Role:
            if expected(name, role)[0] == 200:
                result[role].append(path_for(name, world, "own"))
    for role, name, kwargs in world.extra_pages:
        result[role].append(reverse(name, kwargs=kwargs))
    search = reverse("audit:log_search")
    result[Role.ADMINISTRATOR] += [f"{search}?{query}" for query in LOG_SEARCHES]
    return result


@dataclass
class Visit:
    role: Role
    path: str
    status: int
    headers: dict
    content: bytes


def read(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def walk(world):
    visits = []
    for role, paths in visitable_pages(world).items():
        client = client_for(world.users[role])
        for path in paths:
            response = client.get(path)
            visits.append(Visit(role, path, response.status_code, dict(response.items()), read(response)))
    return visits


@dataclass
class LogCapture(logging.Handler):
    """Every record, at DEBUG, from every logger, formatted as the configured handlers would write it."""

    lines: list = field(default_factory=list)

    def __post_init__(self):
        super().__init__(level=logging.DEBUG)
        formats = settings.LOGGING.get("formatters", {})
        self.formatters = [logging.Formatter(spec.get("format")) for spec in formats.values()] or [logging.Formatter()]

    def __hash__(self):
        return id(self)

    def emit(self, record):
        for formatter in self.formatters:
            self.lines.append((record.name, formatter.format(record)))

    def __enter__(self):
        # The configured handlers keep their own threshold: only this capture hears DEBUG.
        root = logging.getLogger()
        self._handler_levels = {handler: handler.level for handler in root.handlers}
        for handler in root.handlers:
            handler.setLevel(max(handler.level, root.getEffectiveLevel()))
        self._levels = {}
        names = ["", "woonkans", "django", "celery", *settings.LOGGING.get("loggers", {})]
        names += ["referrals", "matching", "guarantee_fund", "monitoring", "subject_rights"]
        for name in names:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(logging.DEBUG)
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self)
        for handler, level in self._handler_levels.items():
            handler.setLevel(level)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
