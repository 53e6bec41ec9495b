"""A referral draft: the answers so far, what is still missing, and what to ask next."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from bot.referral.form import (
    UNKNOWN,
    FieldSpec,
    FormSpec,
    age_from_date_or_age,
    unchecked,
    validate,
)

STATUSES = ("draft", "ready", "sealed", "sent")
#: Pseudo-field asked after the concern: "anything else to add?" (more messages append).
CONCERN_MORE = "concern_more"


@dataclass
class Draft:
    """Everything one referral holds before it is sealed. Lives encrypted at rest."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = "draft"
    values: dict[str, str] = field(default_factory=dict)
    concern_done: bool = False
    editing: str | None = None
    triage: dict[str, Any] | None = None
    created_at: str = ""
    updated_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def short_id(self) -> str:
        return self.id[:8].upper()

    @property
    def display_name(self) -> str:
        """The person's name as far as it is known (for the owner's own lists only)."""
        parts = (self.values.get("forename"), self.values.get("surname"))
        return " ".join(v for v in parts if v and v != "unknown")

    def age(self, today: date | None = None) -> int | None:
        value = self.values.get("date_of_birth")
        if not value or value == UNKNOWN:
            return None
        return age_from_date_or_age(value, today)

    def age_group(self) -> str | None:
        age = self.age()
        if age is None:
            return None
        return "adult" if age >= 18 else "child"

    def answered(self, field_id: str) -> bool:
        return bool(self.values.get(field_id))

    def set(self, field_id: str, value: str) -> None:
        self.values[field_id] = value
        if self.editing == field_id:
            self.editing = None

    def append_concern(self, more: str) -> None:
        current = self.values.get("concern", "")
        self.values["concern"] = f"{current}\n\n{more}".strip() if current else more


def applies(spec: FieldSpec, draft: Draft) -> bool:
    """Whether a field is relevant to this person (e.g. capacity only from 16)."""
    if spec.when == "sixteen_plus":
        age = draft.age()
        return age is not None and age >= 16
    if spec.when == "child":
        return draft.age_group() != "adult"
    if spec.when == "adult":
        return draft.age_group() == "adult"
    return True


def missing_required(form: FormSpec, draft: Draft) -> list[str]:
    """Required fields still without an acceptable answer (these block "ready")."""
    missing = []
    for spec in form.fields:
        value = draft.values.get(spec.id)
        if spec.required is True and (not value or value == UNKNOWN):
            missing.append(spec.id)
        elif spec.required is True and value and not validate(spec, value).ok:
            missing.append(spec.id)  # kept as typed after several tries: still to fix
    names_known = any(
        draft.values.get(f) not in (None, "", UNKNOWN) for f in ("forename", "surname")
    )
    if not names_known and not draft.values.get("concern"):
        missing.append("forename")
    contact_known = any(  # a number or address kept unchecked reaches no one for sure
        draft.values.get(f) not in (None, "", UNKNOWN)
        and not unchecked(form.field(f), draft.values[f])
        for f in ("referrer_phone", "referrer_email")
    )
    if not contact_known:
        missing.append("referrer_phone")
    return list(dict.fromkeys(missing))


def fields_to_ask(form: FormSpec, draft: Draft) -> list[str]:
    """The chat's order of questions: the field being edited first, then unanswered ones."""
    if draft.editing:
        return [draft.editing]
    todo: list[str] = []
    for spec in form.fields:
        if not spec.ask_in_chat or not applies(spec, draft):
            continue
        if spec.part_of and filled_otherwise(form, draft, spec.part_of):
            continue
        if not draft.answered(spec.id):
            todo.append(spec.id)
        if spec.id == "concern" and draft.answered("concern") and not draft.concern_done:
            todo.append(CONCERN_MORE)
    contact_known = any(
        draft.values.get(f) not in (None, "", UNKNOWN) for f in ("referrer_phone", "referrer_email")
    )
    given_up = all(draft.values.get(f) == UNKNOWN for f in ("referrer_phone", "referrer_email"))
    if (
        not contact_known
        and not given_up  # "don't know" to both after several tries: listed as missing instead
        and "referrer_phone" not in todo
        and "referrer_email" not in todo
    ):
        todo.append("referrer_phone")  # at least one is needed
    return todo


def filled_otherwise(form: FormSpec, draft: Draft, field_id: str) -> bool:
    """Whether a composed field (the indicators) was filled without its parts being asked,
    e.g. carried over whole from the triage conversation: then its parts are not asked."""
    return draft.answered(field_id) and not any(
        draft.answered(part.id) for part in form.parts(field_id)
    )


def touch(draft: Draft, now: datetime) -> None:
    stamp = now.replace(microsecond=0).isoformat()
    draft.created_at = draft.created_at or stamp
    draft.updated_at = stamp
