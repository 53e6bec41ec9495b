"""Seal a referral for the Prevent team's secure inbox: S/MIME enveloped data (CMS / PKCS #7).

What the bot server holds, and what that means if someone takes it over
-----------------------------------------------------------------------
The server holds only the Prevent team's *certificates* (public keys). `Sealer` encrypts each
referral to them; it never sees, loads or needs a private key, and `Sealer.from_pem_files`
refuses a file that contains one. So someone who takes over the bot server:

* can NOT read a referral already sealed (the stored or sent ``smime.p7m``): only the holder of a
  recipient's private key, the Prevent team, can open it (`open_sealed`, or any S/MIME mail
  client / ``openssl smime -decrypt``);
* CAN read what is on the server before sealing: drafts still being written (those are
  protected separately, encrypted at rest by the store, whose key is on the server too) and
  anything passed to `Sealer.seal` while they control the process;
* CAN swap the certificates so that future referrals are sealed to a key of theirs. Check the
  certificate fingerprints (`Sealer.fingerprints`) against those the Prevent team publishes.

How a referral is sealed
------------------------
`Sealer.seal` builds a MIME message (multipart/mixed: a short text part "Sealed VTR referral
<reference>", then the PDF, DOCX and JSON as base64 attachments, CRLF line endings) and encrypts
it with ``cryptography``'s `pkcs7.PKCS7EnvelopeBuilder`:

* content encryption: AES-256-CBC, chosen with ``set_content_encryption_algorithm(
  algorithms.AES256)`` (cryptography 50 accepts AES128 and AES256 only; without the call it
  uses AES-128-CBC);
* key transport: RSA PKCS #1 v1.5, one RecipientInfo per certificate (the only scheme the
  builder supports; it takes RSA certificates only, hence the check here). Any one recipient's
  private key opens the message;
* output: ``Encoding.SMIME``, i.e. the headers ``Content-Type: application/pkcs7-mime;
  smime-type="enveloped-data"; name="smime.p7m"`` and a base64 body, ready to be the body of
  the outgoing email. The subject is sealed *inside* (the inner message's Subject); the outer
  email's headers are the delivery's business and must carry no personal data.

Enveloped data is encryption without integrity: CBC has no MAC, and RSA PKCS #1 v1.5 decryption
in current OpenSSL uses implicit rejection (a wrong key yields a random content key, so the
failure shows up as "invalid padding"). A truncated or corrupted message usually fails to open
(`OpenError`), but a modification is not guaranteed to be detected. Authenticity of the sender
must come from the transport (the secure inbox) or a signature, not from this envelope: so
with a `SigningIdentity` the inner message is first signed by the assistant
(`bot.sealing.signing`: signed, then sealed) and the Prevent team verifies it after opening.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from os import PathLike
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from bot.sealing.attachment import Attachment
from bot.sealing.errors import CertificateError, OpenError, SealError, SealingKeyMissing
from bot.sealing.signing import SigningIdentity, sign

#: Content encryption algorithm (AES-256-CBC in the CMS output).
CONTENT_ENCRYPTION = algorithms.AES256
#: Smallest RSA key accepted for a recipient.
MIN_RSA_BITS = 2048
SMIME_CONTENT_TYPE = "application/pkcs7-mime"


def _subject(cert: x509.Certificate) -> str:
    try:
        return cert.subject.rfc4514_string() or "(empty subject)"
    except ValueError:
        return "(unreadable subject)"


def check_certificate(cert: object, now: datetime | None = None) -> x509.Certificate:
    """The certificate, if it can be sealed to now; otherwise `CertificateError` saying why."""
    if not isinstance(cert, x509.Certificate):
        raise CertificateError(f"not an X.509 certificate: {type(cert).__name__}")
    now = now or datetime.now(timezone.utc)
    name = _subject(cert)
    if now < cert.not_valid_before_utc:
        raise CertificateError(
            f"certificate {name} is not valid yet (from {cert.not_valid_before_utc:%Y-%m-%d})"
        )
    if now > cert.not_valid_after_utc:
        raise CertificateError(f"certificate {name} expired on {cert.not_valid_after_utc:%Y-%m-%d}")
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CertificateError(f"certificate {name}: unreadable public key ({exc})") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateError(
            f"certificate {name} has a {type(key).__name__.removesuffix('PublicKey') or 'non'}"
            " key; S/MIME sealing needs an RSA key"
        )
    if key.key_size < MIN_RSA_BITS:
        raise CertificateError(
            f"certificate {name} has a {key.key_size}-bit RSA key; at least {MIN_RSA_BITS} needed"
        )
    return cert


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint, colon-separated upper-case hex (as ``openssl x509 -fingerprint``)."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


class Sealer:
    """The single door to sealing: encrypts a referral to every configured recipient.

    Holds certificates only. Each is checked when the sealer is made and again at every
    `seal` (a long-running server may outlive a certificate).
    """

    def __init__(
        self,
        certificates: Sequence[x509.Certificate],
        *,
        signer: SigningIdentity | None = None,
        now: datetime | None = None,
    ) -> None:
        certificates = list(certificates or [])
        if not certificates:
            raise SealingKeyMissing(
                "no recipient certificate configured: referrals cannot be sealed"
            )
        self._certificates = tuple(check_certificate(c, now) for c in certificates)
        #: The assistant's own key: the inner message is signed with it before sealing.
        self._signer = signer

    @classmethod
    def from_pem_files(
        cls,
        paths: Iterable[str | PathLike[str]],
        *,
        signer: SigningIdentity | None = None,
        now: datetime | None = None,
    ) -> Sealer:
        """Load every certificate in the PEM files (a file may hold several)."""
        certificates: list[x509.Certificate] = []
        for path in paths:
            certificates.extend(_load_pem(Path(path)))
        return cls(certificates, signer=signer, now=now)

    @property
    def certificates(self) -> tuple[x509.Certificate, ...]:
        return self._certificates

    @property
    def fingerprints(self) -> list[str]:
        """SHA-256 fingerprints of the recipients, to compare with those the team publishes."""
        return [fingerprint(c) for c in self._certificates]

    def seal(self, attachments: Sequence[Attachment], subject: str, reference: str) -> bytes:
        """The S/MIME message (headers + base64 enveloped data) holding the attachments."""
        if not attachments:
            raise SealError("nothing to seal: no attachments")
        now = datetime.now(timezone.utc)
        for cert in self._certificates:
            check_certificate(cert, now)
        inner = build_message(attachments, subject, reference)
        if self._signer is not None:  # signed, then sealed
            inner = sign(inner, self._signer)
        builder = pkcs7.PKCS7EnvelopeBuilder().set_data(inner)
        for cert in self._certificates:
            builder = builder.add_recipient(cert)
        builder = builder.set_content_encryption_algorithm(CONTENT_ENCRYPTION)
        try:
            # Binary: the MIME entity is already canonical (CRLF), encrypt it byte for byte.
            return builder.encrypt(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.Binary])
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise SealError(f"sealing failed: {exc}") from None

    def __repr__(self) -> str:
        return f"Sealer({len(self._certificates)} recipient(s): {self.fingerprints})"


def build_message(attachments: Sequence[Attachment], subject: str, reference: str) -> bytes:
    """The MIME entity that gets encrypted: multipart/mixed, text part first, CRLF endings."""
    msg = EmailMessage(policy=email.policy.SMTP)
    try:
        msg["Subject"] = subject
        msg["X-Referral-Reference"] = reference
    except ValueError as exc:  # a header with a line break in it
        raise SealError(f"unusable subject or reference: {exc}") from None
    msg.set_content(f"Sealed VTR referral {reference}\r\n")
    for item in attachments:
        msg.add_attachment(
            item.data, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    return msg.as_bytes()


#: "-----BEGIN PRIVATE KEY", "-----BEGIN RSA PRIVATE KEY", "-----BEGIN ENCRYPTED PRIVATE KEY".
_PRIVATE_KEY_PEM = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY")


def _load_pem(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if _PRIVATE_KEY_PEM.search(data):
        raise CertificateError(
            f"{path}: contains a private key; the bot server must hold certificates only"
        )
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise CertificateError(f"{path}: not a PEM certificate") from None
    if not certificates:
        raise CertificateError(f"{path}: not a PEM certificate")
    return certificates


def open_sealed(
    smime_bytes: bytes, certificate: x509.Certificate, private_key: rsa.RSAPrivateKey
) -> Message:
    """Decrypt a sealed referral (the Prevent team's side): the inner MIME message.

    `OpenError` if the key does not belong to the certificate, or the message is not S/MIME,
    is truncated, tampered with, or not sealed to this certificate.
    """
    if not isinstance(certificate, x509.Certificate):
        raise OpenError("not an X.509 certificate")
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise OpenError("an RSA private key is needed to open a sealed referral")
    if not _key_matches(private_key, certificate):
        raise OpenError("the private key does not belong to the certificate")
    return email.message_from_bytes(
        decrypt_sealed(smime_bytes, certificate, private_key), policy=email.policy.default
    )


def _key_matches(private_key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> bool:
    """True if the RSA private key belongs to the certificate (a non-RSA certificate never does)."""
    cert_key = certificate.public_key()
    return (
        isinstance(cert_key, rsa.RSAPublicKey)
        and private_key.public_key().public_numbers() == cert_key.public_numbers()
    )


def decrypt_sealed(
    smime_bytes: bytes, certificate: x509.Certificate, private_key: rsa.RSAPrivateKey
) -> bytes:
    """The decrypted inner entity, as bytes (a signed referral: the ``multipart/signed``)."""
    if not _key_matches(private_key, certificate):
        raise OpenError("the private key does not belong to the certificate")
    try:
        return pkcs7.pkcs7_decrypt_smime(smime_bytes, certificate, private_key, [])
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise OpenError(f"cannot open the sealed referral: {exc}") from None
