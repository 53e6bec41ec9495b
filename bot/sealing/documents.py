"""The documents a sealed referral holds: PDF, Word and JSON, rendered by bot.referral.render."""

from __future__ import annotations

import json
import re

from bot.referral import render
from bot.referral.form import FormSpec
from bot.referral.progress import Draft
from bot.sealing.attachment import DOCX, JSON, PDF, Attachment

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def document_stem(reference: str) -> str:
    """``VTR-<ref>``: the file name stem, safe on any file system (reference may hold "VTR-")."""
    ref = _UNSAFE.sub("-", reference).strip("-") or "UNKNOWN"
    return ref if ref.upper().startswith("VTR-") else f"VTR-{ref}"


def sealed_documents(form: FormSpec, draft: Draft, meta: render.RenderMeta) -> list[Attachment]:
    """The referral as ``VTR-<ref>.pdf``, ``.docx`` and ``.json`` attachments, in that order."""
    stem = document_stem(meta.reference)
    data = json.dumps(render.to_json(form, draft, meta), ensure_ascii=False, indent=2)
    return [
        Attachment(f"{stem}.pdf", PDF, render.to_pdf(form, draft, meta)),
        Attachment(f"{stem}.docx", DOCX, render.to_docx(form, draft, meta)),
        Attachment(f"{stem}.json", JSON, data.encode("utf-8")),
    ]
