"""Storage: encryption at rest (envelope keys) and the SQLAlchemy models and sessions."""

from bot.store.crypto import (
    CryptoError,
    DecryptionFailed,
    KeyRing,
    MasterKeyMissing,
    WrappedKey,
    new_data_key,
    open_sealed,
    seal,
)
from bot.store.db import DraftRow, NoticeRow, owner_hash, session_scope, utcnow

__all__ = [
    "CryptoError",
    "DecryptionFailed",
    "DraftRow",
    "KeyRing",
    "MasterKeyMissing",
    "NoticeRow",
    "WrappedKey",
    "new_data_key",
    "open_sealed",
    "owner_hash",
    "seal",
    "session_scope",
    "utcnow",
]
