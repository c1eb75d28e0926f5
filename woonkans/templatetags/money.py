from django import template

register = template.Library()


@register.filter
def euro(cents):
    """Integer cents as Dutch euros: 123456 -> '€ 1.234,56'."""
    if cents is None or cents == "":
        return "–"
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"
