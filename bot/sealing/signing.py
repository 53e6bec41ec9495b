"""Signed, then sealed: the assistant signs each referral (S/MIME) before enveloping it.

Why: enveloped data is encryption without authenticity. Anyone who can write the outbox and
holds the inbox *certificate* (which is public) could queue a referral that looks like the
assistant's. So the inner MIME message is first clear-signed (RFC 8551 ``multipart/signed``,
SHA-256, RSA PKCS #1 v1.5) with the assistant's own key and certificate, then the signed entity
is enveloped to the inbox (`bot.sealing.smime.Sealer`). After decrypting, the Prevent team's
tools check the signature against the assistant's certificate, which they configure
themselves: ``openssl cms -verify -CAfile assistant.crt`` or `verify_signed` (the review app).

The signing key lives on the bot server (it must sign there), apart from the inbox key; for
local runs and tests a self-signed pair is generated into ``var/keys`` (0600). A stolen bot
server can of course sign; what the signature proves is that the referral came through the
assistant's signing key, not through a row written into the database by someone else.

Verification here is done with pyasn1 (cryptography has no PKCS #7 verification): one
SignerInfo, SHA-256 message digest over the signed part's exact bytes, the RSA signature over
the DER of the signed attributes, with the *configured* certificate's public key (never with
a certificate the message carries).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from bot.sealing.errors import CertificateError, SealError

SHA256_OID = "2.16.840.1.101.3.4.2.1"
LOCAL_CERT = "assistant-signing.crt.pem"
LOCAL_KEY = "assistant-signing.key.pem"


@dataclass(frozen=True)
class SigningIdentity:
    """The assistant's signing certificate and its private key (never in a repr)."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def load(cls, cert_file: Path, key_file: Path) -> SigningIdentity:
        try:
            certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise CertificateError(f"signing key or certificate unusable: {exc}") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise CertificateError("the signing key must be an RSA key")
        cert_key = certificate.public_key()
        if (
            not isinstance(cert_key, rsa.RSAPublicKey)
            or key.public_key().public_numbers() != cert_key.public_numbers()
        ):
            raise CertificateError("the signing key does not belong to the signing certificate")
        return cls(certificate, key)


def local_identity(
    keys_dir: Path, name: str = "Prevent safeguarding assistant (local)"
) -> SigningIdentity:
    """A self-signed pair in `keys_dir`, made once (for `make run` and tests only)."""
    cert_file, key_file = keys_dir / LOCAL_CERT, keys_dir / LOCAL_KEY
    if not cert_file.exists() or not key_file.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=825))
            .sign(key, hashes.SHA256())
        )
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)  # O_CREAT's mode does not tighten an existing file
            fh.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SigningIdentity.load(cert_file, key_file)


def sign(entity: bytes, identity: SigningIdentity) -> bytes:
    """The MIME entity clear-signed: ``multipart/signed``, the entity byte for byte inside."""
    try:
        return (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(entity)
            .add_signer(identity.certificate, identity.private_key, hashes.SHA256())
            .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature])
        )
    except (ValueError, TypeError) as exc:
        raise SealError(f"signing failed: {exc}") from None


@dataclass(frozen=True)
class SignatureCheck:
    """What a decrypted referral's signature says. `inner` is the signed entity (if any)."""

    ok: bool
    inner: bytes = field(repr=False, default=b"")
    problem: str = ""  # unsigned | bad_format | wrong_signer | altered
    signer: str = ""  # the configured certificate's subject, when ok
    fingerprint: str = ""
    signed_at: datetime | None = None


_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)


def _split_signed(message: bytes) -> tuple[bytes, bytes] | None:
    """(signed entity bytes, DER signature) of a multipart/signed entity, or None."""
    head, sep, body = message.partition(b"\r\n\r\n")
    if not sep or not re.search(rb"content-type:\s*multipart/signed", head, re.I):
        return None
    found = _BOUNDARY.search(head)
    if not found:
        return None
    delimiter = b"--" + found.group(1)
    parts = body.split(b"\r\n" + delimiter)
    first = body.find(delimiter + b"\r\n")
    if first < 0 or len(parts) < 3:
        return None
    signed_start = first + len(delimiter) + 2
    signed_end = body.find(b"\r\n" + delimiter, signed_start)
    signature_start = signed_end + 2 + len(delimiter)
    signature_end = body.find(b"\r\n" + delimiter, signature_start)
    if signed_end < 0 or signature_end < 0:
        return None
    signature_part = body[signature_start:signature_end].lstrip(b"\r\n")
    part_head, _, part_body = signature_part.partition(b"\r\n\r\n")
    if b"pkcs7-signature" not in part_head.lower():
        return None
    try:
        der = base64.b64decode(b"".join(part_body.split()), validate=True)
    except ValueError:
        return None
    return body[signed_start:signed_end], der


def verify_signed(message: bytes, certificate: x509.Certificate) -> SignatureCheck:
    """Check a decrypted referral against the assistant's certificate (see module docstring)."""
    from pyasn1.codec.der import decoder, encoder
    from pyasn1.error import PyAsn1Error
    from pyasn1_modules import rfc5652

    split = _split_signed(message)
    if split is None:
        return SignatureCheck(False, problem="unsigned")
    inner, der = split
    try:
        info, _ = decoder.decode(der, asn1Spec=rfc5652.ContentInfo())
        signed, _ = decoder.decode(info["content"], asn1Spec=rfc5652.SignedData())
        signers = signed["signerInfos"]
        if len(signers) != 1:
            return SignatureCheck(False, problem="bad_format")
        signer = signers[0]
        if str(signer["digestAlgorithm"]["algorithm"]) != SHA256_OID:
            return SignatureCheck(False, problem="bad_format")
        attributes = signer["signedAttrs"]
        digest, signed_at = None, None
        for attribute in attributes:
            kind = attribute["attrType"]
            if kind == rfc5652.id_messageDigest:
                value, _ = decoder.decode(
                    attribute["attrValues"][0], asn1Spec=rfc5652.MessageDigest()
                )
                digest = bytes(value)
            elif kind == rfc5652.id_signingTime:
                value, _ = decoder.decode(
                    attribute["attrValues"][0], asn1Spec=rfc5652.SigningTime()
                )
                signed_at = value.getComponent().asDateTime
        if digest is None:
            return SignatureCheck(False, problem="bad_format")
        to_verify = b"\x31" + encoder.encode(attributes)[1:]  # [0] IMPLICIT -> SET OF
        signature = bytes(signer["signature"])
    except (PyAsn1Error, ValueError, KeyError, IndexError, TypeError):
        return SignatureCheck(False, problem="bad_format")
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return SignatureCheck(False, problem="wrong_signer")
    try:
        public_key.verify(signature, to_verify, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return SignatureCheck(False, problem="wrong_signer")
    if not _equal(hashlib.sha256(inner).digest(), digest):
        return SignatureCheck(False, problem="altered")
    if isinstance(signed_at, datetime) and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=timezone.utc)
    return SignatureCheck(
        True,
        inner=inner,
        signer=certificate.subject.rfc4514_string(),
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        signed_at=signed_at if isinstance(signed_at, datetime) else None,
    )


def _equal(a: bytes, b: bytes) -> bool:
    import hmac

    return hmac.compare_digest(a, b)
