"""VTR referral drafts: the form as data, validation, drafting by chat, encrypted storage."""

from bot.referral.chat import (
    AnswerResult,
    field_shown,
    link_button_title,
    looks_like_question,
    missing_labels,
    prefill_from_triage,
    sent_status_words,
    summary,
    take_answer,
)
from bot.referral.draft_store import DraftNotFound, DraftStore, DraftSummary, PurgeReport
from bot.referral.form import UNKNOWN, FieldSpec, FormSpec, FormSpecError, get_form, validate
from bot.referral.progress import CONCERN_MORE, Draft, fields_to_ask, missing_required

__all__ = [
    "CONCERN_MORE",
    "UNKNOWN",
    "AnswerResult",
    "Draft",
    "DraftNotFound",
    "DraftStore",
    "DraftSummary",
    "FieldSpec",
    "FormSpec",
    "FormSpecError",
    "PurgeReport",
    "field_shown",
    "fields_to_ask",
    "get_form",
    "link_button_title",
    "looks_like_question",
    "missing_labels",
    "missing_required",
    "prefill_from_triage",
    "sent_status_words",
    "summary",
    "take_answer",
    "validate",
]
