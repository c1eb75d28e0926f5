"""Field encryption and blind indexes, keyed from FIELD_ENCRYPTION_KEY.

FIELD_ENCRYPTION_KEY holds one or more Fernet keys, comma-separated: the first
encrypts, all decrypt (key rotation). The blind-index key is derived from the
first key with HKDF, so a leaked index cannot be reversed without the key.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys(raw):
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty")
    return keys


@lru_cache(maxsize=4)
def _fernet(raw):
    try:
        return MultiFernet([Fernet(key) for key in _keys(raw)])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (url-safe base64 of 32 bytes), comma-separated"
        ) from error


@lru_cache(maxsize=4)
def _index_key(raw):
    first = base64.urlsafe_b64decode(_keys(raw)[0])
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"woonkans blind index").derive(first)


def check_key():
    _fernet(settings.FIELD_ENCRYPTION_KEY)


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("cannot decrypt field: wrong key or damaged value") from error


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash to find equal values (e.g. the same BSN) without storing or comparing them."""
    digest = hmac.new(_index_key(settings.FIELD_ENCRYPTION_KEY), f"{purpose}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()
