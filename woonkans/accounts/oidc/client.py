"""The protocol side, per organisation: discovery, mozilla-django-oidc configured per provider, a connection test.

mozilla-django-oidc reads one provider from Django settings (``get_settings``). Each class here
answers ``get_settings`` from the organisation's OidcProvider and its discovery document instead,
so the library's request, code exchange, key lookup and userinfo are used unchanged.
"""

from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

TIMEOUT_SECONDS = 5
DISCOVERY_CACHE_SECONDS = 300
SIGNING_ALGORITHMS = ("RS256", "ES256", "PS256")


class SignInRefused(Exception):
    """A sign-in that must not go on; ``reason`` is a code of the login log (audit LOGIN_REASON_LABELS)."""

    def __init__(self, reason, detail="", *, username=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        # Set once the portal account is known: axes then counts the failure against it.
        self.username = username


# Reasons that say the configuration (not the person signing in) is wrong: the administrator sees them.
CONFIGURATION_REASONS = {
    "oidc_provider_unreachable": gettext_lazy("De inlogdienst is niet bereikbaar of geeft geen geldige configuratie."),
    "oidc_wrong_issuer": gettext_lazy("De inlogdienst noemt zich met een ander adres (issuer) dan hier is ingesteld."),
    "oidc_client_rejected": gettext_lazy("De inlogdienst weigert het client-id of het client-secret."),
    "oidc_provider_error": gettext_lazy("De inlogdienst gaf een onverwachte fout."),
}


def _clock_leeway():
    return getattr(settings, "OIDC_CLOCK_LEEWAY_SECONDS", 60)


def discover(provider, *, use_cache=True):
    """The provider's discovery document; refused unless it names exactly the configured issuer."""
    key = f"oidc-discovery:{provider.pk}:{provider.issuer}"
    document = cache.get(key) if use_cache else None
    if document is not None:
        return document
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("oidc_provider_unreachable", type(error).__name__) from error
    if not isinstance(document, dict) or not all(
        document.get(name) for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    ):
        raise SignInRefused("oidc_provider_unreachable", "incomplete discovery document")
    # OpenID Connect Discovery §4.3: the issuer in the document must be the one asked for.
    if document["issuer"] != provider.issuer:
        raise SignInRefused("oidc_wrong_issuer", document["issuer"][:200])
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def sign_in_origins(providers):
    """Where the login page's organisation form may lead (CSP form-action follows its redirect).

    The issuer's origin, and the authorization endpoint's when a discovery document is cached;
    no network call is made for the login page.
    """
    origins = set()
    for provider in providers:
        origins.add(_origin(provider.issuer))
        document = cache.get(f"oidc-discovery:{provider.pk}:{provider.issuer}") or {}
        origins.add(_origin(document.get("authorization_endpoint")))
    return sorted(origin for origin in origins if origin)


def signing_algorithm(document):
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return next((alg for alg in SIGNING_ALGORITHMS if alg in offered), "RS256")


class ProviderSettings:
    """``get_settings`` for mozilla-django-oidc's classes, from one organisation's provider."""

    def _provider_settings(self):
        return {
            "OIDC_RP_SCOPES": self.provider.scopes,
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
            "OIDC_TOKEN_USE_BASIC_AUTH": True,
            "OIDC_TIMEOUT": TIMEOUT_SECONDS,
            "OIDC_VERIFY_SSL": True,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_STORE_ACCESS_TOKEN": False,
        }

    def get_settings(self, attr, *args):
        values = self._provider_settings()
        if attr in values:
            return values[attr]
        if args:
            return args[0]
        raise KeyError(attr)


class ProviderBackend(ProviderSettings, OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for one provider. Not in AUTHENTICATION_BACKENDS: the callback
    view calls it, so a password login never reaches it and it can never create an account."""

    def __init__(self, provider, document):
        self.provider = provider
        self.document = document
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = signing_algorithm(document)
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        return None

    def exchange_code(self, *, request, code, code_verifier):
        """The token response for the code; configuration problems become the administrator's status."""
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.build_absolute_uri(_callback_path()),
            "code_verifier": code_verifier,
        }
        try:
            return self.get_token(payload)
        except requests.HTTPError as error:
            reason = _token_error_reason(error.response)
            raise SignInRefused(reason, f"token endpoint {error.response.status_code}") from error
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused("oidc_provider_unreachable", type(error).__name__) from error

    def _verify_jws(self, payload, key):
        # The library checks only the signature; the portal also checks issuer, audience and
        # lifetime (OpenID Connect Core §3.1.3.7), each with its own reason in the login log.
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused("oidc_token_invalid", "algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=_clock_leeway(),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused("oidc_token_expired") from error
        except jwt.InvalidIssuerError as error:
            raise SignInRefused("oidc_wrong_issuer", "id token") from error
        except jwt.PyJWTError as error:
            raise SignInRefused("oidc_token_invalid", type(error).__name__) from error

    def verify_id_token(self, id_token, *, nonce):
        if not id_token:
            raise SignInRefused("oidc_token_invalid", "no id token")
        try:
            key = self.retrieve_matching_jwk(id_token)
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused("oidc_provider_unreachable", "jwks") from error
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            raise SignInRefused("oidc_token_invalid", "no matching key") from error
        claims = self._verify_jws(id_token, key)
        if not nonce or claims.get("nonce") != nonce:
            raise SignInRefused("oidc_nonce")
        return claims

    def claims_with_userinfo(self, *, access_token, id_claims):
        """The ID token's claims, completed from the userinfo endpoint when the provider has one."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return dict(id_claims)
        try:
            userinfo = self.get_userinfo(access_token, None, None)
        except (requests.RequestException, ValueError) as error:
            raise SignInRefused("oidc_provider_unreachable", "userinfo") from error
        # Core §5.3.2: userinfo about another subject must not be used.
        if not isinstance(userinfo, dict) or userinfo.get("sub") != id_claims["sub"]:
            raise SignInRefused("oidc_token_invalid", "userinfo subject")
        return {**userinfo, **id_claims}


def _callback_path():
    from django.urls import reverse

    return reverse("oidc_callback")


def _token_error_reason(response):
    try:
        error = response.json().get("error")
    except ValueError:
        error = None
    if response.status_code == 401 or error == "invalid_client":
        return "oidc_client_rejected"
    if error == "invalid_grant":
        return "oidc_token_invalid"
    return "oidc_provider_error"


def check_connection(provider):
    """Test the configuration the way a sign-in would use it; returns (ok, Dutch message).

    The client credentials are tried at the token endpoint with a code that cannot exist: a
    provider that accepts the client answers invalid_grant, one that does not answers invalid_client.
    """
    try:
        document = discover(provider, use_cache=False)
    except SignInRefused as refused:
        return False, str(CONFIGURATION_REASONS[refused.reason])
    try:
        response = requests.post(
            document["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": "woonkans-connection-test",
                "redirect_uri": "https://invalid.example/",
            },
            auth=(provider.client_id, provider.client_secret),
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException:
        return False, str(CONFIGURATION_REASONS["oidc_provider_unreachable"])
    if _token_error_reason(response) == "oidc_client_rejected":
        return False, str(CONFIGURATION_REASONS["oidc_client_rejected"])
    if response.status_code >= 500:
        return False, str(CONFIGURATION_REASONS["oidc_provider_error"])
    try:
        requests.get(document["jwks_uri"], timeout=TIMEOUT_SECONDS).raise_for_status()
    except requests.RequestException:
        return False, str(CONFIGURATION_REASONS["oidc_provider_unreachable"])
    return True, _("De inlogdienst is bereikbaar en accepteert het client-id en het client-secret.")
