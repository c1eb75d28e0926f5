"""Every URL pattern of the portal, made into a concrete path (so new views are covered without edits)."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

# Candidate values per keyword; the first that reverses is used.
CANDIDATES = {
    "app_label": ["accounts", "parties"],
    "model_name": ["user", "organisation"],
}
DEFAULT_CANDIDATES = ["1", str(uuid.UUID(int=1)), "x"]


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry


def _group_names(pattern):
    regex = pattern.pattern.regex
    return list(regex.groupindex)


def _converter_value(entry, key):
    converter = getattr(entry.pattern, "converters", {}).get(key)
    name = type(converter).__name__ if converter else ""
    return {"IntConverter": "1", "UUIDConverter": str(uuid.UUID(int=1))}.get(name, "x" if converter else None)


def all_named_urls():
    """(url name, concrete path) for every named pattern, following includes."""
    result = {}
    for name, entry in _walk(get_resolver().url_patterns):
        if name in result:
            continue
        kwargs_names = _group_names(entry)
        typed = {key: _converter_value(entry, key) for key in kwargs_names}
        path = _reverse(name, kwargs_names, typed)
        if path is None:
            raise AssertionError(f"cannot build a path for URL pattern {name!r}")
        result[name] = path
    return sorted(result.items())


def _reverse(name, kwargs_names, typed):
    if kwargs_names and all(typed.values()):
        try:
            return reverse(name, kwargs=typed)
        except NoReverseMatch:
            pass
    if not kwargs_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            return None
    options = [CANDIDATES.get(key, DEFAULT_CANDIDATES) for key in kwargs_names]
    for index in range(max(len(o) for o in options)):
        kwargs = {key: values[min(index, len(values) - 1)] for key, values in zip(kwargs_names, options, strict=True)}
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


STATIC_RE = re.compile(r"^/static/")
