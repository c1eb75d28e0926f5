"""Reads of the organisation sign-in: the half-done sign-in and the provider to sign out at.

The ids come from the session, where the portal itself put them during the sign-in (never from a URL);
no case data is read here, so there is nothing to log as access.
"""

from ..models import User
from .models import OidcProvider


def provider_in_use(pk):
    """A provider people may sign in through now (switched on and approved), or None."""
    return OidcProvider.objects.in_use().select_related("organisation").filter(pk=pk).first()


def pending_sign_in(pending):
    """The user and the provider of a sign-in waiting for the portal's own TOTP: (None, None) when either
    is gone or the provider is no longer in use (switched off, or a change not yet approved)."""
    user = User.objects.filter(pk=pending.get("user")).first()
    provider = provider_in_use(pending.get("provider"))
    return (user, provider) if user is not None and provider is not None else (None, None)


def sign_out_provider(hint):
    """The provider a signed-in session came through (its logout hint), or None."""
    return OidcProvider.objects.filter(pk=hint.get("provider")).first()
