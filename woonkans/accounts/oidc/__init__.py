"""Signing in with the organisation's own account (OpenID Connect, one provider per organisation).

mozilla-django-oidc does the protocol work (authorization request with state, nonce and PKCE;
code exchange; signature check against the provider's keys; userinfo). It reads Django settings,
and here every organisation has its own provider: ``client.py`` hands it the organisation's
configuration instead. The portal decides the rest (``services.py``): which account a subject
belongs to, whether the provider's multi-factor claim counts, and when the portal's own TOTP step
is still needed. See docs/sign-in.md.
"""
