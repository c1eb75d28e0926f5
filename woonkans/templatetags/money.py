from django import template

from woonkans.money import format_euro

register = template.Library()


@register.filter
def euro(cents):
    """Integer cents as Dutch euros: 123456 -> '€ 1.234,56', with a non-breaking space after "€"."""
    if cents is None or cents == "":
        return "–"
    return format_euro(cents)
