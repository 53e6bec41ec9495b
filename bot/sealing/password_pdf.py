"""The SET 2.5 fallback where the sender has no secure email: a password-protected PDF.

The PDF is encrypted with AES-256 (PDF 2.0 security handler, V5 / R6, via pypdf) under a
generated *user* password; the Police Prevent Team is rung (guidance/contacts.yml) and given the
password by voice, so it never travels with the document.

The password: `PASSWORD_LENGTH` (20) characters drawn with `secrets` from `ALPHABET`, 31
lower-case letters and digits that cannot be confused when read aloud or typed (no ``0 o 1 l
i``), so 20 x log2(31) ~= 99 bits of entropy (`PASSWORD_ENTROPY_BITS`). Only lower case, so
nobody has to say "capital". `ProtectedPdf.grouped` shows it in blocks of four for reading out;
the spaces there are not part of the password.

The *owner* password (which unlocks the permissions) is a different 256-bit random value that
is thrown away: nobody needs it, and it must not equal the user password.

The password is only ever a field of `ProtectedPdf`, never inside a string that also holds the
PDF: the repr shows neither, and nothing here logs.
"""

from __future__ import annotations

import io
import math
import secrets
from dataclasses import dataclass, field

from bot.sealing.errors import ProtectError

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSWORD_LENGTH = 20
PASSWORD_ENTROPY_BITS = PASSWORD_LENGTH * math.log2(len(ALPHABET))  # ~99.1
PDF_ALGORITHM = "AES-256"


@dataclass(frozen=True)
class ProtectedPdf:
    """The encrypted PDF and its password: keep them apart (the password goes by phone)."""

    pdf: bytes = field(repr=False)
    password: str = field(repr=False)

    @property
    def grouped(self) -> str:
        """The password in blocks of four, for reading it out ("k7mq x2ab ...")."""
        return " ".join(self.password[i : i + 4] for i in range(0, len(self.password), 4))

    def __repr__(self) -> str:
        return f"ProtectedPdf(pdf=<{len(self.pdf)} bytes>, password=<hidden>)"


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password from `ALPHABET` (log2(31) ~= 4.95 bits per character)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def protect_pdf(pdf_bytes: bytes) -> ProtectedPdf:
    """The PDF encrypted with AES-256 under a fresh generated password."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        if reader.is_encrypted:
            raise ProtectError("the PDF is already encrypted")
        writer = PdfWriter(clone_from=reader)
    except (PdfReadError, ValueError, TypeError) as exc:
        raise ProtectError(f"not a readable PDF: {type(exc).__name__}") from None
    password = generate_password()
    owner = secrets.token_urlsafe(32)
    writer.encrypt(user_password=password, owner_password=owner, algorithm=PDF_ALGORITHM)
    out = io.BytesIO()
    writer.write(out)
    return ProtectedPdf(pdf=out.getvalue(), password=password)
