"""The errors sealing raises: all are `SealError`, so a caller can catch one thing.

Messages name files and certificate subjects, never referral content or passwords.
"""

from __future__ import annotations


class SealError(Exception):
    """Sealing or opening a referral failed."""


class SealingKeyMissing(SealError):
    """No recipient certificate: nothing could be sealed (and nothing may be sent unsealed)."""


class CertificateError(SealError):
    """A recipient certificate is unusable: expired, not yet valid, not a certificate, or a key
    type / size S/MIME encryption here does not support."""


class OpenError(SealError):
    """A sealed referral could not be opened: tampered, truncated, not S/MIME, or the wrong key."""


class ProtectError(SealError):
    """A PDF could not be password-protected (not a PDF, or already encrypted)."""
