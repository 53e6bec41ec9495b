"""The review app's own secret key: keys the audit chain and seals second-factor secrets.

Why a key of its own, outside the database: whoever can write the database could otherwise
rewrite the audit log and recompute a plain hash chain, or read every TOTP secret and make
codes. The key comes from `PREVENT_REVIEW_SECRET_KEY` (base64 of 32 bytes) or the file named by
`PREVENT_REVIEW_SECRET_KEY_FILE`; for local runs it is generated once into
`var/keys/review.key` (mode 0600). Sub-keys for each purpose are derived with HKDF, so a
purpose's key never doubles as another's.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32


class AppKeyError(ValueError):
    """The key is set but unusable; the message names the variable."""


def load_app_key(var_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The 32-byte review app key (see the module docstring for where it comes from)."""
    env: Mapping[str, str] = {} if environ is None else environ  # from ReviewSettings
    encoded = env.get("PREVENT_REVIEW_SECRET_KEY", "").strip()
    name = "PREVENT_REVIEW_SECRET_KEY"
    if not encoded:
        named = env.get("PREVENT_REVIEW_SECRET_KEY_FILE", "").strip()
        path = Path(named) if named else var_dir / "keys" / "review.key"
        name = "PREVENT_REVIEW_SECRET_KEY_FILE" if named else str(path)
        if not path.exists():
            if named:
                raise AppKeyError(f"PREVENT_REVIEW_SECRET_KEY_FILE: {path} does not exist")
            from bot.store.crypto import create_secret_file  # atomic: two starters, one key

            create_secret_file(
                path, base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n"
            )
        encoded = path.read_text().strip()
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise AppKeyError(f"{name} is not base64") from None
    if len(key) != KEY_BYTES:
        raise AppKeyError(f"{name} must hold {KEY_BYTES} bytes, base64 encoded")
    return key


def derive(key: bytes, purpose: str) -> bytes:
    """A 32-byte sub-key for one purpose ("audit-chain", "second-factor", ...)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"prevent-review/{purpose}".encode()
    ).derive(key)
