"""Drafting by chat: take an answer for a field, pre-fill from triage, summarise by section.

The rules of a good form conversation, in one place: bad input says what is wrong and
keeps everything else; "don't know" is accepted where the form allows it; the concern can
come in several messages; a question in place of an answer is answered, not stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.referral.form import (
    _UNKNOWN_ANSWER,
    UNKNOWN,
    FormSpec,
    _messages_file,
    _say,
    clean_text,
    looks_like_noise,
    marked_unchecked,
    unchecked,
    validate,
    words_after_but,
)
from bot.referral.opening import name_in_message
from bot.referral.progress import CONCERN_MORE, Draft, applies, fields_to_ask, missing_required

NOT_KNOWN = "Not known"

_DONE = re.compile(
    r"^\s*(no(pe|thing)?|nah|none|done|finished|that'?s (all|it|everything)|"
    r"nothing (else|more)|no more|all done|that is all|no,? that'?s all|not really|"
    r"i think that('?s| is)? (all|it|everything)|i think that covers it|that covers it|"
    r"(that'?s|that is) (enough|fine|ok|okay)|n/?a|not applicable)\b",
    re.I,
)
#: A reply to "anything else to add?" too short to be more of the concern ("ok", "yes"):
#: not added; asked once more, and on the last try taken as "no".
_NOT_MORE = re.compile(
    r"^\s*(ok(ay)?|yes|yeah|yep|sure|fine|right|thanks?( you)?|cheers|great|cool|"
    r"confirm|continue|next|go on|carry on|skip)\b[\s.!]*$",
    re.I,
)
_QUESTION_START = re.compile(
    r"^\s*(what|why|how|who|which|when|where|is|are|do|does|can|could|should|would|will)\b", re.I
)


@dataclass(frozen=True)
class AnswerResult:
    """What happened to one answer: stored, or the problem to tell the user (nothing lost)."""

    field_id: str
    accepted: bool
    problem: str = ""
    emergency: bool = False
    #: Words typed after a "no" to a yes-or-no question ("no, but ..."), added to the concern
    #: as typed while the question is asked again: the caller saves the draft.
    kept_for_concern: str = ""
    #: Said with an accepted answer: a value kept as typed though it did not pass its check.
    note: str = ""


#: A few words before a question ("wait, who reads this?", "quick question: ...").
_QUESTION_LEAD = re.compile(
    r"^(\s*(wait|sorry|ok(ay)?|hang on|hmm+|um+|erm+|oh|also|btw|by the way|so|and|but|"
    r"quick question|just wondering|one (more )?(quick )?question|before (i|we) (go on|continue))"
    r"\b[\s,:;.!-]*){1,3}",
    re.I,
)


def looks_like_question(text: str) -> bool:
    """ "What counts as capability?" is a question, not an answer to store; so is "wait,
    who reads this referral?" (a few words before it)."""
    stripped = (text or "").strip()
    if len(stripped) >= 200 or not stripped.endswith("?"):
        return False
    if _QUESTION_START.match(stripped):
        return True
    lead = _QUESTION_LEAD.match(stripped)
    return bool(lead and _QUESTION_START.match(stripped[lead.end() :]))


#: Words that say an earlier answer was wrong ("sorry, his surname is actually ...").
_CORRECTION_CUE = re.compile(
    r"\b(sorry|oops|actually|correction|my mistake|i meant|typo|apologies|got (that|it) wrong|"
    r"that was wrong|should (be|have been)|spelt|spelled)\b",
    re.I,
)
_OWNER = r"(?:(?:his|her|their|the|my|its)\s+)?"
_IS = (
    r"\s*(?:is|'s|was|should be|should have been|=|:|-|–)\s*"
    r"(?:actually\s+|really\s+|spelt\s+|spelled\s+)?"
)
_GO_BACK = re.compile(
    r"^\s*(?:(?:oops|sorry|wait),?\s*)?(?:go back|back|previous( question)?|last question|undo|"
    r"take me back|(?:can|could) (?:we|i) go back.*|i (?:want|need) to go back.*|"
    r"go back (?:one|a step|to the (?:last|previous) (?:one|question)))\s*[.!?]*\s*$",
    re.I,
)


def correction(form: FormSpec, draft: Draft, asked: str, text: str) -> tuple[str, str] | None:
    """An earlier answer corrected in place of this one: (field id, the new words), or None.

    Needs a word of correction ("sorry", "actually", "should be") and a field named before
    its value ("his surname is actually Okafor-Reid"); only short replies to a short field,
    so a story in the concern that mentions a name is never read as a correction.
    """
    if asked == CONCERN_MORE or len(text or "") > 150:
        return None
    if form.field(asked).type == "long_text" or not _CORRECTION_CUE.search(text):
        return None
    spec = form.find_field(text)
    if spec is None or spec.id == asked or not spec.ask_in_chat or spec.type == "long_text":
        return None
    names = sorted({spec.label.lower(), *(a.lower() for a in spec.aliases)}, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    match = re.search(rf"\b{_OWNER}(?:{alternatives}){_IS}(?=\S)", text, re.I)
    if match is None:
        return None
    value = re.split(r",?\s+not\s+|,?\s+instead\b", text[match.end() :], maxsplit=1, flags=re.I)[0]
    value = value.strip().rstrip(".!").strip()
    return (spec.id, value) if value else None


#: Words before an edit: "actually,", "sorry -", "can you", "please", "I need to".
_EDIT_LEAD = (
    r"^\s*(?:(?:oh|oops|sorry|actually|correction|wait|hang on|my mistake|apologies|"
    r"ok(?:ay)?|also|and|one more thing|(?:can|could|would) you(?: please)?|please|"
    r"i (?:need|want|would like|'d like) to|(?:can|could) (?:i|we)|let'?s)\b[\s,:;.!-]*)*"
)
_CHANGE_TO = re.compile(r"(?:change|update|correct|amend|edit|fix|set|make)\s+", re.I)
#: "should be", "is actually", "needs to be": the words of a change with no "change".
_SHOULD_BE = (
    r"\s*(?:should (?:be|read|say|have been)|needs? to (?:be|read|say)|must be|"
    r"(?:is|'s|was) (?:actually|really|now|wrong[,:;. -]+it'?s|wrong[,:;. -]+(?:it )?should be)"
    r"|is meant to be)\s*:?\s*"
)
_CUE_FIRST = re.compile(r"^\s*(?:oh,?\s*)?(?:oops|sorry|actually|correction|my mistake)\b", re.I)


def edit_request(form: FormSpec, text: str) -> tuple[str, str] | None:
    """A change said with its new value: (field id, the new words), or None.

    "change his school to X", "update the surname to X", "actually his date of birth is X",
    "the address should be X". The field is named at the start (after a few words such as
    "actually", "can you"), so a story that mentions a school or an address is never read as
    an edit; "is" alone needs a word of correction first ("sorry, her DOB is ..."). Fields
    composed of parts (the indicators) and the concern's "anything else" are not edited
    this way: naming them asks them again.
    """
    t = (text or "").replace("\u2019", "'").strip()
    if not t or len(t) > 200 or t.startswith("/") or "\n" in t:
        return None
    lead = re.match(_EDIT_LEAD, t, re.I)
    rest = t[lead.end() if lead else 0 :]
    for spec, names in _named_fields(form):
        name = rf"{_OWNER}(?:{names})"
        change = re.match(rf"{_CHANGE_TO.pattern}{name}\s+(?:to(?: be)?|into|as)\s+", rest, re.I)
        should = change or re.match(rf"{name}{_SHOULD_BE}", rest, re.I)
        plain_is = should or (
            _CUE_FIRST.match(t) and re.match(rf"{name}{_IS}", rest, re.I)
        )
        found = change or should or plain_is
        if found is None:
            continue
        value = re.split(
            r",?\s+not\s+|,?\s+instead\b|,?\s+(?:please|thanks?|thank you)\b",
            rest[found.end() :],
            maxsplit=1,
            flags=re.I,
        )[0]
        value = value.strip().rstrip(".!").strip()
        return (spec.id, value) if value else None
    return None


def _named_fields(form: FormSpec) -> list[tuple[Any, str]]:
    """Each field that can be edited with a value, with its names as one alternation; the
    longest names are tried first ("date of birth" before "birth", "my email" before "email")."""
    named = []
    for spec in form.fields:
        if not spec.ask_in_chat or form.parts(spec.id):
            continue
        names = {spec.label.lower(), *(a.lower() for a in spec.aliases)}
        named.append((max(len(n) for n in names), spec, names))
    named.sort(key=lambda item: -item[0])
    return [
        (spec, "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
        for _, spec, names in named
    ]


def is_go_back(text: str) -> bool:
    """ "Go back", "previous question": the question before this one, asked again."""
    return bool(_GO_BACK.match(text or ""))


def previous_field(form: FormSpec, draft: Draft, asked: str) -> str | None:
    """The answered field asked just before `asked` in the chat's order, if any."""
    before: str | None = None
    for spec in form.fields:
        if spec.id == asked:
            return before
        if spec.ask_in_chat and applies(spec, draft) and draft.answered(spec.id):
            before = spec.id
    return before


def name_given(form: FormSpec, draft: Draft, asked: str, text: str) -> str:
    """A name given in place of another answer ("His name is <Name Surname>" while the form
    asks about danger): kept as the first name and surname (and an age said with it, if no
    date of birth is known); returns what to say (the question is then asked again), or "".

    Why: after "I need to refer a pupil" people often give the name next, whatever the first
    question is; rejecting it ("Please answer yes or no") lost the name.
    """
    if asked in ("forename", "surname", CONCERN_MORE) or draft.answered("forename"):
        return ""
    if form.field(asked).type == "long_text":
        return ""
    found = name_in_message(text)
    if found is None:
        return ""
    tokens, age = found
    draft.values["forename"] = tokens[0]
    if len(tokens) > 1:
        draft.values["surname"] = " ".join(tokens[1:])
    if age and not draft.answered("date_of_birth"):
        draft.values["date_of_birth"] = f"about {age}"
    return _say("kept_name", name=" ".join(tokens))


def take_answer(
    form: FormSpec, draft: Draft, field_id: str, text: str, last_try: bool = False
) -> AnswerResult:
    """Validate `text` for `field_id` and store it in the draft when it is acceptable.

    On the `last_try` (the same question asked several times) an answer that still does
    not fit is kept as typed, or as "not known", so the conversation moves on; a required
    field kept that way is listed as still needed in the summary and blocks "confirm".
    """
    if field_id == CONCERN_MORE:
        return _more_concern(draft, text, last_try)
    spec = form.field(field_id)
    checked = validate(spec, text)
    kept = _keep_for_concern(draft, checked.said_more)
    if kept and not checked.ok:
        problem = f"{_say('kept_for_concern', words=kept)} {checked.problem}"
        return AnswerResult(field_id, accepted=False, problem=problem, kept_for_concern=kept)
    if not checked.ok:
        if last_try and not checked.noise:
            as_typed = _keep_as_typed(draft, field_id, text)
            if unchecked(spec, draft.values.get(field_id, "")):  # never kept silently
                note = _say_kept_unchecked(spec, draft.values[field_id], checked.problem)
                return AnswerResult(field_id, accepted=True, note=note)
            return as_typed
        return AnswerResult(field_id, accepted=False, problem=checked.problem)
    value = checked.value
    if spec.required == "phone_or_email" and value == UNKNOWN:
        other = "referrer_email" if field_id == "referrer_phone" else "referrer_phone"
        if draft.values.get(other) == UNKNOWN and not last_try:
            return AnswerResult(
                field_id,
                accepted=False,
                problem=_say("contact_needed"),
            )
    if spec.required is True and value == UNKNOWN:
        if last_try:
            return _keep_as_typed(draft, field_id, UNKNOWN)
        return AnswerResult(field_id, accepted=False, problem=_say("required"))
    draft.set(field_id, value)
    compose_parts(form, draft, spec.part_of)
    drop_not_applying(form, draft)
    return AnswerResult(
        field_id, accepted=True, emergency=(field_id == "imminent_risk" and value == "yes")
    )


def drop_not_applying(form: FormSpec, draft: Draft) -> list[str]:
    """Answers to questions that no longer apply to this person (capacity once the date of
    birth says under 16) are removed, so they are neither shown nor sent; returns their ids."""
    dropped = [
        spec.id
        for spec in form.fields
        if spec.when and spec.id in draft.values and not applies(spec, draft)
    ]
    for field_id in dropped:
        draft.values.pop(field_id, None)
        if draft.editing == field_id:
            draft.editing = None
    return dropped


def not_applying(form: FormSpec, draft: Draft, field_id: str) -> str:
    """What to say when asked to change a question that does not apply to this person
    ("change the capacity" for a 14-year-old), or "" when it applies."""
    spec = form.field(field_id)
    if applies(spec, draft):
        return ""
    return _say("not_applying", label=spec.label)


def now_applies_note(form: FormSpec, ask: list[str]) -> str:
    """What to say before the questions an edit made apply ("" when there are none)."""
    if not ask:
        return ""
    labels = [form.field(f).label for f in ask if f != CONCERN_MORE]
    if not labels:
        return ""
    if len(labels) == 1:
        return _say("now_applies", label=labels[0])
    listed = _say("list_join").join(_say("question_in_list", label=label) for label in labels)
    return _say("now_apply", questions=listed)


@dataclass(frozen=True)
class EditResult:
    """An edit from the summary: the answer taken (or its problem), the questions that now
    apply and are still to ask (asked before the summary is shown again), and the answers
    dropped because their questions no longer apply."""

    result: AnswerResult
    ask: list[str]
    dropped: list[str]


def applying(form: FormSpec, draft: Draft) -> set[str]:
    """The chat's questions that apply to this person now (to compare after a change)."""
    return {s.id for s in form.fields if s.ask_in_chat and applies(s, draft)}


def edit_answer(form: FormSpec, draft: Draft, field_id: str, words: str) -> EditResult:
    """Change one answer from the summary ("actually his date of birth is ...").

    Why: a changed date of birth can make a question apply that was never asked (capacity
    from 16, SET 2.4) or stop one applying; the summary must not be shown with the first
    unasked or the second still in it.
    """
    applied = applying(form, draft)
    kept = set(draft.values)
    result = take_answer(form, draft, field_id, words)
    if not result.accepted:
        return EditResult(result, [], [])
    dropped = sorted(k for k in kept if k not in draft.values and k != field_id)
    dropped += drop_not_applying(form, draft)
    ask = [f for f in fields_to_ask(form, draft) if f not in applied and f != field_id]
    return EditResult(result, ask, dropped)


def _keep_for_concern(draft: Draft, words: str) -> str:
    """Words said alongside a yes or no, added to the concern once (a reply sent again is
    not added twice); returns what was added."""
    words = clean_text(words)
    if not words or looks_like_noise(words) or _repeats(words, draft.values.get("concern", "")):
        return ""
    draft.append_concern(words)
    return words


def _more_concern(draft: Draft, text: str, last_try: bool) -> AnswerResult:
    """ "Anything else to add?": more words are added; a reply that adds nothing ("no",
    "don't know", the same words again, an emoji) ends the concern, so a persona or a person
    who answers every question alike is never asked it for ever. Words after a "no, but"
    are more words, kept as typed."""
    more = clean_text(text)
    if words_after_but(more) and not _repeats(more, draft.values.get("concern", "")):
        # "Nothing else, but his brother has the same posters": more of the concern, as typed
        draft.append_concern(more)
        return AnswerResult(CONCERN_MORE, accepted=True)
    if (
        not more
        or _DONE.match(more)
        or _UNKNOWN_ANSWER.search(more)
        or looks_like_noise(more)
        or _repeats(more, draft.values.get("concern", ""))
    ):
        draft.concern_done = True
        return AnswerResult(CONCERN_MORE, accepted=True)
    if _NOT_MORE.match(more):
        if last_try:
            draft.concern_done = True
            return AnswerResult(CONCERN_MORE, accepted=True)
        return AnswerResult(CONCERN_MORE, accepted=False, problem=_say("more_or_done"))
    draft.append_concern(more)
    return AnswerResult(CONCERN_MORE, accepted=True)


def _say_kept_unchecked(spec: Any, value: str, problem: str) -> str:
    said = str(_messages_file()["kept_unchecked"])
    return said.format(text=value, problem=problem.rstrip(". "), label=spec.label.lower())


def _repeats(more: str, concern: str) -> bool:
    """The same words as a part already in the concern (a reply sent twice)."""
    parts = [p.strip() for p in concern.split("\n\n")]
    return more in parts or (len(more) >= 20 and more in concern)


def _keep_as_typed(draft: Draft, field_id: str, text: str) -> AnswerResult:
    cleaned = clean_text(text)
    draft.set(field_id, cleaned if cleaned and cleaned != UNKNOWN else UNKNOWN)
    return AnswerResult(field_id, accepted=True)


def compose_parts(form: FormSpec, draft: Draft, field_id: str) -> None:
    """Write a composed field (the indicators row) from its answered parts, one per line:
    "Engagement: ...", "Intent: ...", "Capability: ..." in the user's words."""
    if not field_id:
        return
    lines = []
    for part in form.parts(field_id):
        value = draft.values.get(part.id)
        if value:
            lines.append(f"{part.label}: {NOT_KNOWN if value == UNKNOWN else value}")
    if lines:
        draft.values[field_id] = "\n".join(lines)


def prefill_from_triage(
    draft: Draft,
    facts: dict[str, Any],
    outcome: dict[str, Any] | None,
    form: FormSpec | None = None,
) -> list[str]:
    """Carry what the triage conversation established into the draft; returns field ids set.

    With the `form`, engagement, intent and capability fill the indicators' parts (a part the
    triage did not settle is asked in the chat); without it, the indicators row directly.
    """
    filled: list[str] = []

    def put(field_id: str, value: str) -> None:
        if value and not draft.values.get(field_id):
            draft.values[field_id] = value
            filled.append(field_id)

    if facts.get("immediate_risk") == "no":
        put("imminent_risk", "no")
    if isinstance(facts.get("age"), int):
        put("date_of_birth", f"about {facts['age']}")
    said = _messages_file()["triage_indicators"]
    parts = form.parts("indicators") if form is not None else ()
    # each dimension the triage settled fills its part; the others are asked
    if form is not None and parts:
        for part in parts:
            if str(facts.get(part.id)) in said:
                put(part.id, said[str(facts[part.id])])
        if any(p.id in filled for p in parts):
            compose_parts(form, draft, "indicators")
            filled.append("indicators")
    else:
        dims = [
            f"{name.capitalize()}: {said[str(facts[name])]}"
            for name in ("engagement", "intent", "capability")
            if str(facts.get(name)) in said
        ]
        if dims:
            put("indicators", "\n".join(dims))
    if facts.get("dsl_consulted") == "yes":
        put("dsl_discussed", "Yes (said during the triage conversation)")
    if outcome:
        draft.triage = {
            "outcome": outcome.get("outcome"),
            "citations": outcome.get("citations", []),
        }
    return filled


def _shown(spec: Any, value: str) -> str:
    if value == UNKNOWN:
        return NOT_KNOWN
    if unchecked(spec, value):
        return marked_unchecked(value)
    if spec.type == "choice":
        return spec.choices.get(value, value)
    if spec.type in ("yes_no", "area"):
        return value.capitalize()
    return value


def field_shown(form: FormSpec, draft: Draft, field_id: str) -> str:
    """One answer as the summary shows it ("" when unanswered)."""
    value = draft.values.get(field_id, "")
    return _shown(form.field(field_id), value) if value else ""


def link_button_title() -> str:
    """The title of the button that opens a one-time PDF link (referral_forms/messages.yml)."""
    return str(_messages_file()["link_button"])


def sent_status_words() -> dict[str, str]:
    """How "my drafts" describes a sealed referral (referral_forms/messages.yml)."""
    return dict(_messages_file()["sent_status"])


def summary(form: FormSpec, draft: Draft) -> list[tuple[str, list[tuple[str, str]]]]:
    """The draft by section: (section title, [(label, value shown)]), skipping blank fields."""
    sections = []
    for section in form.sections:
        rows = []
        for spec in section.fields:
            if not applies(spec, draft) or spec.part_of:
                continue
            value = draft.values.get(spec.id, "")
            if not value:
                continue
            rows.append((spec.label, _shown(spec, value)))
        if rows:
            sections.append((section.title, rows))
    return sections


def missing_labels(form: FormSpec, draft: Draft) -> list[str]:
    return [form.field(f).label for f in missing_required(form, draft)]
