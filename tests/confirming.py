"""Posting an irreversible action the way a person does: the form, then the confirmation page."""

from woonkans.confirm import TOKEN_FIELD


def asks(response):
    """The response is the confirmation page (nothing was done yet)."""
    return response.status_code == 200 and response.context is not None and "confirmation" in response.context


def post_confirmed(client, url, data=None, **extra):
    """POST, expect the confirmation page, then POST what it carries with its token (as "Bevestigen" does)."""
    data = dict(data or {})
    first = client.post(url, data, **extra)
    if not asks(first):
        return first  # refused before the confirmation (invalid input, no access, wrong stage)
    confirmed = {}
    for name, value in first.context["hidden"]:
        confirmed.setdefault(name, []).append(value)
    confirmed[TOKEN_FIELD] = first.context["token"]
    return client.post(url, confirmed, **extra)


def confirmed_data(client, url, data):
    """What "Bevestigen" posts for ``data``: asserts the first POST asked and changed nothing of its own."""
    first = client.post(url, data)
    assert asks(first), first.status_code
    confirmed = {}
    for name, value in first.context["hidden"]:
        confirmed.setdefault(name, []).append(value)
    confirmed[TOKEN_FIELD] = first.context["token"]
    return confirmed
