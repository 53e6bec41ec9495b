"""Throwaway inbox certificates and keys for tests and benchmarks (never committed).

The private key file is encrypted with a random passphrase, as the Prevent team keeps it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class InboxPair:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    cert_file: Path
    key_file: Path
    passphrase: str


def make_inbox(directory: Path, name: str = "prevent-inbox") -> InboxPair:
    """A self-signed inbox certificate and its private key, encrypted with a passphrase."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} (test)")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    passphrase = secrets.token_urlsafe(18)
    cert_file = directory / f"{name}.crt.pem"
    key_file = directory / f"{name}.key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    key_file.chmod(0o600)
    return InboxPair(key, cert, cert_file, key_file, passphrase)
