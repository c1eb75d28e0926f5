"""Codes kept in the logs, shown as words.

``{{ entry.roles|role_labels }}``, ``{{ entry.object_type|model_label }}``.
"""

from django import template

from woonkans.audit import labels

register = template.Library()


@register.filter
def role_labels(codes):
    return labels.role_labels(codes or "")


@register.filter
def model_label(object_type):
    return labels.model_label(object_type or "")
