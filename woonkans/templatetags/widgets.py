"""The attributes of a form widget, written in Python instead of an include per input and option.

Django's widget templates include ``django/forms/widgets/attrs.html`` for every input and every
<option>: a form with a few dropdowns renders it a hundred times, each a template render of its own
(benchmarks/NOTES.md). ``{{ widget.attrs|widget_attrs }}`` writes exactly what that template writes:
`` name="value"`` per attribute, the bare name for True, nothing for False, the value as text
and escaped unless already safe (the ``stringformat:'s'`` filter keeps safe strings safe).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


def _text(value):
    return value if isinstance(value, SafeData) else escape(str(value))


@register.filter
def widget_attrs(attrs):
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}")
        if value is not True:
            parts.append(f'="{_text(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
