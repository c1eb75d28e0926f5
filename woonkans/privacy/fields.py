from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stored encrypted (Fernet); read back as plain text. Not searchable: pair it with a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
