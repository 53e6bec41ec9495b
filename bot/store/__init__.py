"""Storage: the schema (`bot.store.tables`), encryption at rest (envelope keys, `crypto`),
sessions (`db`), migrations, key rotation, conversation redaction and purge."""

from bot.store.crypto import (
    CryptoError,
    DecryptionFailed,
    KeyRing,
    MasterKeyMissing,
    RecordKey,
    WrappedKey,
    decrypt,
    encrypt,
    new_data_key,
)
from bot.store.db import DraftRow, NoticeRow, owner_hash, session_scope, utcnow

__all__ = [
    "CryptoError",
    "DecryptionFailed",
    "DraftRow",
    "KeyRing",
    "MasterKeyMissing",
    "NoticeRow",
    "RecordKey",
    "WrappedKey",
    "decrypt",
    "encrypt",
    "new_data_key",
    "owner_hash",
    "session_scope",
    "utcnow",
]
