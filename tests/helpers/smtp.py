"""A loopback SMTP inbox (aiosmtpd handler) that keeps what it accepts, for tests."""

from __future__ import annotations

from email import message_from_bytes


class RecordingInbox:
    """An aiosmtpd handler: every accepted message's bytes, in order."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message_from_bytes(m)["Message-ID"] for m in self.messages]
