"""Staff notes on a referral, encrypted to the inbox certificate so only the key holder reads them.

Why encrypt to the certificate rather than with a key on the server: the database is shared
with the bot, whose server holds the inbox *certificate* only. Sealing each note to the same
public key as the referral itself means notes are exactly as private as the referral: a copy
of the database, or the bot server, reads neither; the review app, holding the private key,
reads both.

Each note is hybrid-encrypted: a fresh AES-256-GCM key encrypts the text, and RSA-OAEP
(SHA-256) wraps that key to the certificate's public key. The associated data binds the
ciphertext to its note id and reference, so a note cannot be moved to another referral.
Who wrote it and when stay in plain (they are in the audit log anyway).

Plain Python (no web framework), so it is tested directly.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.store.db import session_scope
from bot.store.tables.review import NoteRow

NOTE_LIMIT = 5000
_NONCE = 12
_OAEP = padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)


class NoteError(ValueError):
    """A note that cannot be saved (empty, too long); the message is fit to show staff."""


class NoteUnreadable(Exception):
    """A note failed to decrypt: another key (after a key change) or altered in the database."""


@dataclass(frozen=True)
class Note:
    id: str
    reference: str
    author: str
    created_at: datetime
    text: str | None  # None: could not be opened (see `problem`)
    problem: str = ""


@dataclass(frozen=True)
class SealedNote:
    key_id: str
    wrapped_key: bytes
    body: bytes


def key_id(public_key: rsa.RSAPublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return digest.finalize().hex()


def _associated(note_id: str, reference: str) -> bytes:
    return f"review-note:{note_id}:{reference}".encode()


def seal_note(public_key: rsa.RSAPublicKey, note_id: str, reference: str, text: str) -> SealedNote:
    """Encrypt `text` so that only the holder of the matching private key can read it."""
    content_key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(_NONCE)
    body = nonce + AESGCM(content_key).encrypt(
        nonce, text.encode("utf-8"), _associated(note_id, reference)
    )
    return SealedNote(key_id(public_key), public_key.encrypt(content_key, _OAEP), body)


def open_note(
    private_key: rsa.RSAPrivateKey, note_id: str, reference: str, sealed: SealedNote
) -> str:
    """The note's text; `NoteUnreadable` if it is not for this key or was altered."""
    if sealed.key_id != key_id(private_key.public_key()):
        raise NoteUnreadable("sealed to another key")
    try:
        content_key = private_key.decrypt(sealed.wrapped_key, _OAEP)
        nonce, ciphertext = sealed.body[:_NONCE], sealed.body[_NONCE:]
        return (
            AESGCM(content_key)
            .decrypt(nonce, ciphertext, _associated(note_id, reference))
            .decode("utf-8")
        )
    except (ValueError, InvalidTag) as exc:
        raise NoteUnreadable("failed its integrity check") from exc


def clean_note(text: str) -> str:
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise NoteError("The note is empty: nothing was saved.")
    if len(cleaned) > NOTE_LIMIT:
        raise NoteError(
            f"Notes can be up to {NOTE_LIMIT:,} characters; this one has {len(cleaned):,}. "
            "Please shorten it or split it in two."
        )
    return cleaned


class Notes:
    """Add and read the notes of a referral."""

    def __init__(self, url: str) -> None:
        self._url = url

    def add(self, public_key: rsa.RSAPublicKey, reference: str, author: str, text: str) -> str:
        """Save a note sealed to `public_key`; returns its id."""
        note_id = str(uuid.uuid4())
        sealed = seal_note(public_key, note_id, reference, clean_note(text))
        with session_scope(self._url) as session:
            session.add(
                NoteRow(
                    id=note_id,
                    reference=reference,
                    author=author,
                    key_id=sealed.key_id,
                    wrapped_key=sealed.wrapped_key,
                    body=sealed.body,
                )
            )
        return note_id

    def for_reference(self, private_key: rsa.RSAPrivateKey, reference: str) -> list[Note]:
        """The referral's notes, oldest first, decrypted in memory."""
        with session_scope(self._url) as session:
            rows = (
                session.query(NoteRow)
                .filter(NoteRow.reference == reference)
                .order_by(NoteRow.created_at, NoteRow.id)
                .all()
            )
        notes = []
        for row in rows:
            sealed = SealedNote(row.key_id, row.wrapped_key, row.body)
            try:
                text, problem = open_note(private_key, row.id, row.reference, sealed), ""
            except NoteUnreadable as exc:
                text, problem = None, str(exc)
            notes.append(Note(row.id, row.reference, row.author, row.created_at, text, problem))
        return notes
