"""Who is talking to the web chat: session tokens, personal sign-in keys and signing in.

Plain Python (no Sanic, no Rasa), like `bot.channels.teams_auth`, so the crypto is tested
directly and the channel (`bot.channels.webchat`) only routes requests to it.

- **Session tokens** are ``sender_id.expiry.signature``: HMAC-SHA256 under a key derived
  from the owner pepper (`bot.services.Services.pepper`), so there is no new secret to
  manage; changing the pepper ends every session. They are stateless, which is why they
  are short-lived, and a token counts only while its sender is still enrolled ("Forget me"
  or `Enrolment.remove` stops it at once).
- A **personal sign-in key** K (16 characters of `bot.enrolment.CODE_ALPHABET`, about 79
  bits, shown as ``ABCD-EFGH-JKMN-PQRS``) is made when an invite code is redeemed and sent
  once. K is stored nowhere: the sender id is an HMAC of it under a key of its own, and
  the database keeps only the member hash of that sender id (`bot.enrolment.Enrolment`).

`WebChatAuth` makes blocking database calls (the enrolment look-ups): the channel runs its
methods off the event loop (`asyncio.to_thread`), as Teams and Telegram do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from bot.enrolment import CODE_ALPHABET, Enrolment, normalise_code

CHANNEL = "webchat"
SENDER_PREFIX = "webchat-"
#: A personal sign-in key: 16 characters of the invite-code alphabet (31 symbols), about
#: 79 bits, shown in groups of four. Invite codes have 12, so the two never look alike.
PERSONAL_KEY_LENGTH = 16
MAX_TOKEN_CHARS = 512


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SessionTokens:
    """Stateless signed session tokens: ``sender_id.expiry.signature``."""

    def __init__(self, key: bytes, lifetime_seconds: float) -> None:
        self._key = key
        self.lifetime = lifetime_seconds

    @classmethod
    def from_pepper(cls, pepper: bytes, lifetime_seconds: float) -> SessionTokens:
        # A key of its own (HMAC of a label under the pepper): a token never equals an
        # owner hash or an enrolment hash made with the pepper itself.
        key = hmac.new(pepper, b"prevent-webchat-session-token-v1", hashlib.sha256).digest()
        return cls(key, lifetime_seconds)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, sender_id: str, now: float | None = None) -> tuple[str, int]:
        expiry = int((now if now is not None else time.time()) + self.lifetime)
        body = f"{sender_id}.{expiry}"
        return f"{body}.{self._sign(body)}", expiry

    def verify(self, token: str, now: float | None = None) -> str | None:
        """The sender id if the token is genuine and unexpired, else None."""
        if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
            return None
        parts = token.split(".")
        if len(parts) != 3:
            return None
        sender_id, expiry, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{sender_id}.{expiry}")):
            return None
        if not expiry.isdigit() or int(expiry) < (now if now is not None else time.time()):
            return None
        if not sender_id.startswith(SENDER_PREFIX):
            return None
        return sender_id


def new_personal_key() -> str:
    """A fresh personal sign-in key, as shown to its owner: ``ABCD-EFGH-JKMN-PQRS``."""
    key = "".join(secrets.choice(CODE_ALPHABET) for _ in range(PERSONAL_KEY_LENGTH))
    return "-".join(key[i : i + 4] for i in range(0, PERSONAL_KEY_LENGTH, 4))


def normalise_personal_key(text: str) -> str | None:
    """The key without spaces, dashes or case (people retype it), or None if it isn't one."""
    key = normalise_code(text)
    if len(key) != PERSONAL_KEY_LENGTH or any(ch not in CODE_ALPHABET for ch in key):
        return None
    return key


class PersonalKeys:
    """Sender ids derived from personal sign-in keys; the keys themselves are kept nowhere."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_pepper(cls, pepper: bytes) -> PersonalKeys:
        # A key of its own, like the session tokens': a sender id never equals a token
        # signature, an owner hash or an enrolment hash made with the pepper itself.
        key = hmac.new(pepper, b"prevent-webchat-personal-key-v1", hashlib.sha256).digest()
        return cls(key)

    def sender_of(self, personal_key: str) -> str:
        """``webchat-`` and 32 hex digits of HMAC-SHA256 of the normalised key."""
        normalised = normalise_personal_key(personal_key)
        if normalised is None:
            raise ValueError("not a personal sign-in key")
        digest = hmac.new(self._key, normalised.encode("ascii"), hashlib.sha256).hexdigest()
        return SENDER_PREFIX + digest[:32]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@dataclass(frozen=True)
class SignedIn:
    """A sign-in that worked: a session token, and the new personal key for an invite code."""

    sender_id: str
    token: str
    expires: int
    personal_key: str | None = None


class WebChatAuth:
    """Signing in, and who a request's bearer token stands for. Blocking (database)."""

    def __init__(self, tokens: SessionTokens, keys: PersonalKeys, enrolment: Enrolment) -> None:
        self.tokens = tokens
        self.keys = keys
        self.enrolment = enrolment

    @classmethod
    def from_pepper(cls, pepper: bytes, session_hours: float, enrolment: Enrolment) -> WebChatAuth:
        return cls(
            SessionTokens.from_pepper(pepper, session_hours * 3600),
            PersonalKeys.from_pepper(pepper),
            enrolment,
        )

    def sender_of(self, authorization: str | None) -> str | None:
        """The enrolled sender a request's ``Authorization`` header stands for, else None.

        A database look-up per request (like Rasa's own tracker store): "Forget me" or
        removing a member (`Enrolment.remove`) stops its tokens at once.
        """
        token = bearer_token(authorization)
        sender_id = self.tokens.verify(token) if token else None
        if sender_id is None:
            return None
        return sender_id if self.enrolment.is_enrolled(CHANNEL, sender_id) else None

    def sign_in(self, text: str) -> SignedIn | None:
        """A session for an invite code (with a new personal key) or an enrolled member's
        personal key; None for anything else.

        Much the same work whatever `text` is, so timing tells little: two key derivations
        and the membership look-up always run (a text that is no key is looked up as a fresh
        random key, which is never enrolled), plus the invite look-up `Enrolment.redeem`
        makes for anything shaped like an invite code (a shape the sender knows anyway).
        """
        new_key = new_personal_key()
        new_sender = self.keys.sender_of(new_key)
        typed = normalise_personal_key(text)
        typed_sender = self.keys.sender_of(typed or new_personal_key())
        if self.enrolment.redeem(CHANNEL, new_sender, text):
            self.enrolment.is_enrolled(CHANNEL, typed_sender)  # the other path's look-up
            return self._session(new_sender, new_key)
        if self.enrolment.is_enrolled(CHANNEL, typed_sender) and typed is not None:
            return self._session(typed_sender, None)
        return None

    def _session(self, sender_id: str, personal_key: str | None) -> SignedIn:
        token, expires = self.tokens.issue(sender_id)
        return SignedIn(sender_id, token, expires, personal_key)

    def forget(self, sender_id: str) -> bool:
        """Un-enrol: the member's personal key and every token for it stop working at once."""
        return self.enrolment.remove(CHANNEL, sender_id)
