"""A monitoring figure's table cell: the number, "<5" or "·" (monitoring.suppression), in its <td>.

The page shows a couple of hundred cells; an {% include %} per cell (a template and a context push
each) was the largest part of rendering it. The markup is that of the include it replaces.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext

from monitoring.suppression import PRIMARY, SECONDARY

register = template.Library()


@register.simple_tag
def figure_cell(cell):
    if cell.state == PRIMARY:
        shown = format_html('<abbr title="{}">&lt;5</abbr>', gettext("minder dan 5"))
    elif cell.state == SECONDARY:
        hidden = gettext("verborgen om een ander getal te beschermen")
        shown = format_html(
            '<a class="utrecht-link" href="#noot-verborgen" title="{}">·'
            '<span class="wk-visually-hidden"> {}</span></a>',
            hidden,
            hidden,
        )
    else:
        shown = localize(cell.value)
    return format_html('<td class="utrecht-table__cell utrecht-table__cell--numeric">{}</td>', shown)
