"""Sortable column headers and the page navigation of woonkans.lists.ListPage."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.inclusion_tag("includes/sort_header.html")
def sort_header(page, key, label):
    """A column header that sorts the list: ascending first, a second click descending."""
    current = page.sort.removeprefix("-")
    descending = page.sort.startswith("-")
    active = current == key
    next_sort = key if not active or descending else f"-{key}"
    return {
        "label": label,
        "href": "?" + page.query(sort=next_sort, page=None),
        "aria_sort": ("descending" if descending else "ascending") if active else None,
    }


@register.simple_tag
def page_query(page, number):
    return page.query(page=str(number))


@register.filter
def list_total(page):
    """The total of a list: exact up to the cap, then "meer dan 1.000"."""
    from django.utils.translation import gettext

    if page.capped:
        return gettext("meer dan %(cap)s") % {"cap": number_format(page.cap, force_grouping=True)}
    return number_format(page.total, force_grouping=True)
