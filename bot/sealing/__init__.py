"""Sealing a referral so that only the Prevent team can read it.

* `Sealer` (smime): S/MIME enveloped data, AES-256-CBC, to the team's certificates; the server
  holds no private key, so it cannot read what it has sealed.
* `protect_pdf` (password_pdf): the SET 2.5 fallback without secure email, an AES-256 PDF whose
  password is given by phone.
* `sealed_documents` (documents): the PDF, DOCX and JSON attachments of a draft.
"""

from bot.sealing.attachment import Attachment
from bot.sealing.documents import document_stem, sealed_documents
from bot.sealing.errors import (
    CertificateError,
    OpenError,
    ProtectError,
    SealError,
    SealingKeyMissing,
)
from bot.sealing.password_pdf import (
    PASSWORD_ENTROPY_BITS,
    PASSWORD_LENGTH,
    ProtectedPdf,
    generate_password,
    protect_pdf,
)
from bot.sealing.signing import SignatureCheck, SigningIdentity, local_identity, verify_signed
from bot.sealing.smime import (
    Sealer,
    build_message,
    check_certificate,
    decrypt_sealed,
    fingerprint,
    open_sealed,
)

__all__ = [
    "PASSWORD_ENTROPY_BITS",
    "PASSWORD_LENGTH",
    "Attachment",
    "CertificateError",
    "OpenError",
    "ProtectError",
    "ProtectedPdf",
    "SealError",
    "Sealer",
    "SealingKeyMissing",
    "SignatureCheck",
    "SigningIdentity",
    "build_message",
    "check_certificate",
    "decrypt_sealed",
    "document_stem",
    "fingerprint",
    "generate_password",
    "local_identity",
    "open_sealed",
    "protect_pdf",
    "sealed_documents",
    "verify_signed",
]
