"""Model fields for personal information: encrypted at rest, decrypted on load."""

from __future__ import annotations

from django.db import models

from smartunion.core import crypto


class EncryptedTextField(models.TextField):
    """Stores ``crypto.encrypt(value)``; Python code sees the plaintext.

    Lookups on this column cannot match (each encryption is randomized): search through the
    blind-index column kept beside it. Empty values are stored as empty strings.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value)
