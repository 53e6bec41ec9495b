"""The inbox private key: loaded once, from an encrypted PEM file, only by the review app.

This is the single place in the project that reads a private key (the bot holds the inbox
certificate only; see `bot.sealing.smime`). The key file must be encrypted with a passphrase,
which comes from the environment; the decrypted key lives in this process's memory and is
never written anywhere. The app refuses to start when the key cannot be used, with a message
saying why, rather than starting and failing on the first referral (as SecureDrop's journalist
app does).
"""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.sealing import decrypt_sealed, fingerprint, open_sealed

log = logging.getLogger(__name__)


class InboxKeyError(Exception):
    """The key or certificate cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class InboxKey:
    """The inbox certificate with its private key (never shown in a repr)."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        key = self.certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):  # checked when loaded; keeps types exact
            raise InboxKeyError("the inbox certificate must hold an RSA key")
        return key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def decrypt(self, envelope: bytes) -> bytes:
        """The decrypted inner entity as bytes (`bot.sealing.OpenError` if it cannot be)."""
        return decrypt_sealed(envelope, self.certificate, self.private_key)

    def open(self, envelope: bytes) -> Message:
        """Decrypt a sealed referral in memory (`bot.sealing.OpenError` if it cannot be)."""
        return open_sealed(envelope, self.certificate, self.private_key)

    @classmethod
    def load(cls, cert_file: Path | None, key_file: Path | None, passphrase: bytes) -> InboxKey:
        """Load and check the pair. Raises `InboxKeyError` saying what is wrong."""
        if cert_file is None or key_file is None:
            raise InboxKeyError(
                "Set PREVENT_REVIEW_CERT_FILE (the inbox certificate, PEM) and "
                "PREVENT_REVIEW_KEY_FILE (its private key, PEM, encrypted)."
            )
        if not passphrase:
            raise InboxKeyError(
                "Set PREVENT_REVIEW_KEY_PASSPHRASE: the private key file must be encrypted "
                "with a passphrase."
            )
        certificate = _load_certificate(cert_file)
        private_key = _load_private_key(key_file, passphrase)
        if private_key.public_key().public_numbers() != certificate.public_key().public_numbers():
            raise InboxKeyError(
                f"{key_file} is not the private key of the certificate in {cert_file}."
            )
        if datetime.now(timezone.utc) > certificate.not_valid_after_utc:
            # Still usable to open what was sealed before it expired: warn, do not refuse.
            log.warning("the inbox certificate expired on %s", certificate.not_valid_after_utc)
        return cls(certificate, private_key)


def _load_certificate(path: Path) -> x509.Certificate:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InboxKeyError(f"Cannot read the certificate {path}: {exc.strerror}.") from None
    try:
        certificate = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise InboxKeyError(f"{path} is not a PEM certificate.") from None
    if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
        raise InboxKeyError(f"{path}: the inbox certificate must hold an RSA key.")
    return certificate


def _load_private_key(path: Path, passphrase: bytes) -> rsa.RSAPrivateKey:
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise InboxKeyError(f"Cannot read the private key {path}: {exc.strerror}.") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s can be read by other users: chmod 600 it", path)
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        raise InboxKeyError(
            f"{path} is not encrypted. Encrypt it with a passphrase, e.g. "
            "`openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.pem -out key.pem`."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise InboxKeyError(
            f"Cannot open {path}: wrong passphrase, or not a PEM private key."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InboxKeyError(f"{path}: the inbox key must be an RSA key.")
    return key
