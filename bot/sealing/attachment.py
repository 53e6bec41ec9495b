"""One document inside a sealed referral."""

from __future__ import annotations

from dataclasses import dataclass, field

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON = "application/json"


@dataclass(frozen=True)
class Attachment:
    """A file to seal: its name, MIME content type ("type/subtype") and bytes."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)  # referral content: never in a repr or a log line

    def __post_init__(self) -> None:
        maintype, _, subtype = self.content_type.partition("/")
        if not maintype or not subtype or "/" in subtype:
            raise ValueError(f"content_type must be 'type/subtype', not {self.content_type!r}")
        if not self.filename or any(c in self.filename for c in '/\\\r\n"'):
            raise ValueError(f"unsafe attachment filename {self.filename!r}")

    @property
    def maintype(self) -> str:
        return self.content_type.partition("/")[0]

    @property
    def subtype(self) -> str:
        return self.content_type.partition("/")[2]
